import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { COMMAND_GROUP_VAR, type CommandGroups } from '../setup/command-groups';
import { endGroup } from '../setup/end-group';

/**
 * The one way the host runs git: argument arrays (never a shell), a clean environment
 * (a GIT_DIR inherited from whoever started the host must not redirect us), and a result
 * that carries the command and its output when git fails. Which exit codes are expected
 * is the caller's to say.
 */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
  /** Ended by Grove without finishing, after this many ms (code -1). */
  timedOutAfterMs?: number;
  /** Never ran: the system's reason (ENOENT, EMFILE, EAGAIN, …; code -1). */
  notStarted?: string;
  /** Ended by Grove for printing more than MAX_OUTPUT_CHARS (code -1); what it printed so far is kept. */
  outputOverLimit?: true;
}

export class GitError extends Error {
  readonly code = 'git_failed';
  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly output: GitOutput,
  ) {
    super(
      output.timedOutAfterMs !== undefined
        ? `git ${args.join(' ')} did not finish within ${minutes(output.timedOutAfterMs)} in ${cwd}, so Grove ended it and the hooks it ran (a hook waiting on a server or a prompt?); check the repository's hooks. What it printed: ${output.stderr.trim() || output.stdout.trim() || 'nothing'}`
        : output.notStarted !== undefined
          ? `git ${args.join(' ')} could not start in ${cwd} (${output.notStarted}): ${NOT_STARTED_WHY[output.notStarted] ?? output.stderr.trim()}. Nothing was changed; try again once that is fixed.`
          : `git ${args.join(' ')} failed in ${cwd} (exit ${output.code}): ${output.stderr.trim() || output.stdout.trim()}`,
    );
  }
}

/** What a system error that kept git from starting usually means, for the message. */
const NOT_STARTED_WHY: Record<string, string> = {
  ENOENT: 'git is not installed (not on PATH), or the directory is gone',
  ENOTDIR: 'the path is not a directory',
  EACCES: 'the host may not enter the directory, or run git',
  EMFILE: 'the host has too many files open',
  ENFILE: 'the machine has too many files open',
  EAGAIN: 'the machine cannot start another process just now',
  ENOMEM: 'the machine is out of memory',
};

/**
 * git ran and refused, with its own exit code: its answer about the repository. Not a run that
 * never started, was killed (a signal, the OOM killer) or ended by Grove (code -1): those say
 * nothing of the repository, and a caller that reads a refusal as a verdict must not see them as one.
 */
export const isGitsAnswer = (e: unknown): e is GitError => e instanceof GitError && e.output.code > 0;

const SCRUBBED = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const k of SCRUBBED) delete env[k];
  // git runs the repository's hooks, which a lane's agent can write: no secret of the host's goes with it.
  delete env.GROVE_SYNC_PASSWORD;
  delete env.GROVE_TOKEN;
  // A confined agent writes its lane and the shared refs: git in a lane must not run a
  // program its files name (an fsmonitor) nor read replaced objects (refs/replace), which
  // would show MAIN other content than it has without moving a branch.
  return { ...env, GIT_NO_REPLACE_OBJECTS: '1', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.fsmonitor', GIT_CONFIG_VALUE_0: 'false', ...extra };
}

/**
 * For git run in a linked worktree (a lane, the ops checkout): its hooks from the repository's
 * own hooks folder only. A relative `core.hooksPath` (husky's `.husky/_`) would have git run
 * hooks from the worktree's files, which a lane's agent writes, as the operator and outside
 * the lane's confinement; and every ref update runs one (reference-transaction). Null for the
 * main worktree (MAIN's hooks are MAIN's) or a folder that is no worktree.
 */
function worktreeHooksEnv(cwd: string): Record<string, string> | null {
  let pointer: string;
  try {
    pointer = readFileSync(join(cwd, '.git'), 'utf8');
  } catch {
    return null; // a folder (MAIN's .git), or none
  }
  const gitDir = /^gitdir: (.+)$/m.exec(pointer)?.[1]?.trim();
  const at = gitDir ? gitDir.lastIndexOf(`${sep}worktrees${sep}`) : -1;
  if (!gitDir || at < 0) return null; // a submodule's pointer: no hooks run where git is asked to look
  return hooksFolderEnv(join(resolve(cwd, gitDir.slice(0, at)), 'hooks'));
}

/** The environment that has git take its hooks from `dir` (after gitEnv's own config entry). */
export function hooksFolderEnv(dir: string): Record<string, string> {
  return { GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_1: 'core.hooksPath', GIT_CONFIG_VALUE_1: dir };
}

/**
 * A git run kept on record while it runs (command-groups.ts): its own process group, marked
 * in its environment (its hooks inherit the mark), so that a host killed meanwhile leaves a
 * record and the next host ends it before it looks at what it was doing.
 */
export interface GitRunGroup {
  marker: string;
  /** Never closed to it (isClosed): the host's stop waits for Grove's own merge, and does not end it. */
  groups: Pick<CommandGroups, 'started' | 'ended'>;
  what: string;
}

/**
 * How long one git run may take, its hooks included: far longer than a commit's or a merge's
 * hooks should (a test suite in pre-commit among them). Past it git and its hooks are ended:
 * every write of the host's runs under its repository's lock, and one that never returns would
 * hold the lock, and every lane's and merge's work behind it, until the host stopped.
 */
export const GIT_TIMEOUT_MS = 15 * 60_000;
/** After SIGTERM, which git answers by removing its lock files, the time it gets before SIGKILL. */
const TERM_GRACE_MS = 5_000;

const minutes = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${ms} ms`);

export async function runGit(
  cwd: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; okCodes?: readonly number[]; group?: GitRunGroup; input?: string; timeoutMs?: number } = {},
): Promise<GitOutput> {
  const timeoutMs = opts.timeoutMs ?? GIT_TIMEOUT_MS;
  const out = opts.group ? await spawnInGroup(cwd, args, opts.env, opts.group, timeoutMs) : await execGit(cwd, args, opts.env, opts.input, timeoutMs);
  if (out.code === 0 || (opts.okCodes ?? []).includes(out.code)) return out;
  throw new GitError(args, cwd, out);
}

/**
 * git's output and exit code (-1: killed by a signal, or it could not start). In a process
 * group of its own, as every git the host runs: Ctrl-C on a `grove host` in a terminal
 * signals the terminal's whole foreground group, and must stop the host gracefully, not cut
 * a rollback's `reset --keep` or a worktree's removal in half under it.
 */
function execGit(cwd: string, args: readonly string[], env: Record<string, string> | undefined, input: string | undefined, timeoutMs: number): Promise<GitOutput> {
  const child = spawnGit(cwd, args, { env: gitEnv({ ...worktreeHooksEnv(cwd), ...env }), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if ('notStarted' in child) return Promise.resolve(child);
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // git may exit before reading it all
    child.stdin.end(input);
  }
  return collect(child, timeoutMs);
}

/**
 * git in a process group of its own. Node throws some failures to start (ENOTDIR, E2BIG) and
 * reports the others later as an 'error' event (ENOENT, EMFILE, EAGAIN; collect's): a throw
 * comes back as the same -1 result, so no caller sees a bare Error instead of a GitError.
 */
function spawnGit(cwd: string, args: readonly string[], o: { env: NodeJS.ProcessEnv; stdio: ['ignore' | 'pipe', 'pipe', 'pipe'] }): ChildProcess | GitOutput & { notStarted: string } {
  try {
    return spawn('git', args as string[], { cwd, env: o.env, detached: true, stdio: o.stdio });
  } catch (e) {
    return notStarted(e);
  }
}

function notStarted(e: unknown): GitOutput & { notStarted: string } {
  const error = e as NodeJS.ErrnoException;
  return { code: -1, stdout: '', stderr: error.message ?? String(e), notStarted: typeof error.code === 'string' ? error.code : 'unknown' };
}

/** The same, on record in its own process group (its hooks too), for a host killed meanwhile. */
function spawnInGroup(cwd: string, args: readonly string[], env: Record<string, string> | undefined, group: GitRunGroup, timeoutMs: number): Promise<GitOutput> {
  const child = spawnGit(cwd, args, { env: gitEnv({ ...worktreeHooksEnv(cwd), ...env, [COMMAND_GROUP_VAR]: group.marker }), stdio: ['ignore', 'pipe', 'pipe'] });
  if ('notStarted' in child) return Promise.resolve(child);
  if (child.pid === undefined) return collect(child, timeoutMs);
  const pgid = child.pid;
  group.groups.started(group.marker, pgid, group.what);
  return collect(child, timeoutMs).then(async (out) => {
    // Ended for its time: what its hooks started in sessions of their own (`setsid`), out of
    // its group's reach, still carries the marker and is ended too. Any that survive even
    // SIGKILL keep the record, for the next host's start to end.
    const survivors = out.timedOutAfterMs !== undefined ? await endGroup(pgid, group.marker, LEFTOVER_TIMINGS) : [];
    if (survivors.length === 0) group.groups.ended(group.marker);
    return out;
  });
}

/** For what a timed-out run's hooks left: they had their SIGTERM with git's, and its grace. */
const LEFTOVER_TIMINGS = { graceMs: 1_000, waitMs: 2_000 };

/** Output beyond this is git listing far more than any caller reads: it is ended, as execFile's maxBuffer would. */
const MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

function collect(child: ChildProcess, timeoutMs: number): Promise<GitOutput> {
  return new Promise((resolve) => {
    const out = { stdout: '', stderr: '' };
    let overLimit = false;
    // Its whole group: a hook of its, holding the pipes open, would keep 'close' from coming.
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* ended already */
      }
    };
    const take = (which: 'stdout' | 'stderr') => (d: string) => {
      out[which] += d;
      if (out[which].length > MAX_OUTPUT_CHARS && !overLimit) {
        overLimit = true;
        signalGroup('SIGKILL');
      }
    };
    let timedOut = false;
    /** git's own exit; its pipes may stay open after it (see below). */
    let exited = false;
    let killer: NodeJS.Timeout | undefined;
    let lingering: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      // Only git itself running counts: a process its hooks left behind is not git's run.
      if (exited) return;
      timedOut = true;
      signalGroup('SIGTERM');
      killer = setTimeout(() => signalGroup('SIGKILL'), TERM_GRACE_MS);
    }, timeoutMs);
    const settle = (o: GitOutput) => {
      clearTimeout(timer);
      clearTimeout(killer);
      clearTimeout(lingering);
      // Ended for its time: what is left of its group (a hook that shrugged off SIGTERM) goes now.
      if (timedOut) signalGroup('SIGKILL');
      resolve(timedOut ? { ...o, code: -1, timedOutAfterMs: timeoutMs } : overLimit ? { ...o, code: -1, outputOverLimit: true } : o);
    };
    // Could not start (no such folder or program, no processes or files left): -1, as for a
    // signal. Listened for first: without pipes (EMFILE) the streams below are missing, and an
    // 'error' event with no listener would end the host.
    child.on('error', (e) => settle(child.pid === undefined ? notStarted(e) : { code: -1, stdout: out.stdout, stderr: out.stderr || e.message }));
    child.stdout?.setEncoding('utf8').on('data', take('stdout'));
    child.stderr?.setEncoding('utf8').on('data', take('stderr'));
    child.on('close', (code) => settle({ code: code ?? -1, ...out }));
    // git has ended; what it printed arrives before 'close', which comes once every holder of
    // its pipes closed them. A process a hook started in the background (a server, one that
    // left the group with setsid) may hold them for ever: git's answer is taken after
    // PIPE_GRACE_MS without them, as it was when it exited.
    child.on('exit', (code) => {
      exited = true;
      lingering = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settle({ code: code ?? -1, ...out });
      }, PIPE_GRACE_MS);
    });
  });
}

/** How long git's output may go on arriving after it exited. */
const PIPE_GRACE_MS = 2_000;
