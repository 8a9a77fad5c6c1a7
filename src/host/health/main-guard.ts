import { watch, type FSWatcher } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { CommitSummary, MainState } from '../../shared/lanes';
import { GitError, runGit } from '../lanes/git/run-git';
import type { Logger } from '../logger';
import { isPreCommitGuardInstalled } from './pre-commit-guard';
import { checkIgnored, isIgnoredBy, listGitIgnored, watchTree, type TreeWatcher } from './tree-watcher';

/**
 * Watches MAIN — the stable checkout that only receives code through Grove's merge — and
 * says when something else touched it: uncommitted edits, or commits that did not come
 * through the merge (HEAD moved past, or off, the head Grove last left it at).
 *
 * File events, not polling: MAIN's git dir (HEAD, index, packed-refs, its branch under
 * refs/heads) and its working tree, git-ignored directories skipped. Events are coalesced:
 * the first one arms a timer and a check runs when it fires, so a burst costs one check
 * and a steady stream one per `debounceMs`. A burst that touched only git-ignored paths
 * costs one `git check-ignore` instead of a `git status`, and teaches the ignore set (so a
 * node_modules created later stops being watched).
 *
 * Alerts are per transition — clean to dirty, and each new HEAD that did not come through
 * Grove — never per event. Grove's own merge pauses the guard around its work and records
 * the head it left (`knownHead`), so its changes never alert.
 */
export interface MainGuardDeps {
  repoId: string;
  mainPath: string;
  /** MAIN's HEAD as Grove last left it (persisted by the caller). */
  knownHead: { get(): string | null; set(head: string): void };
  onState(state: MainState): void;
  onAlert(message: string): void;
  /** The commits that bypassed Grove already alerted (persisted by the caller); absent: only this guard's memory. */
  reported?: { has(sha: string): boolean; add(shas: readonly string[]): void };
  /**
   * After each look at MAIN that was reported (not paused): MAIN's files may have changed.
   * `contentChanged`: what its changed files hold differs from the last look although the
   * list of them did not (a second edit to a file already edited), which no `onState` says.
   */
  onLooked?(look: { contentChanged: boolean }): void;
  logger: Logger;
  /** How long events gather before a check. */
  debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 250;
/** MainState lists at most this many dirty paths and unexpected commits. */
const LIST_CAP = 50;
/** Changed files up to this size are digested by content; larger ones by size and time. */
const CONTENT_DIGEST_MAX = 1024 * 1024;
/** Paths of one burst asked about with check-ignore; a bigger burst just runs a check. */
const PATHS_PER_BURST = 256;
/**
 * Ignored paths learned from bursts accumulate (an app writing session files under a new
 * name each time); past this many beyond what git listed, the set is read from git again.
 */
const LEARNED_CAP = 10_000;

/** How HEAD relates to the head Grove last left MAIN at. */
export type HeadReport =
  | { kind: 'as-left' }
  | { kind: 'ahead'; count: number }
  /** knownHead is no longer in HEAD's history: MAIN was reset or rewritten. */
  | { kind: 'moved-off'; knownHead: string };

/** What was last alerted, so a state that stays the same alerts once. */
export interface AlertMemory {
  dirty: boolean;
  /** The unexpected HEAD last alerted; null while there are no unexpected commits. */
  unexpectedHead: string | null;
}

export const QUIET: AlertMemory = { dirty: false, unexpectedHead: null };

/**
 * The alerts a new state raises after `memory`, and what to remember. Pure. A commit that
 * bypassed Grove is alerted once, ever: `isReported` says which were (the caller persists
 * them, so a host restart does not list them again); an alert names only the new ones.
 */
export function nextAlerts(
  memory: AlertMemory,
  state: MainState,
  head: HeadReport,
  mainPath: string,
  isReported: (sha: string) => boolean = () => false,
): { memory: AlertMemory; alerts: string[] } {
  const alerts: string[] = [];
  const dirty = state.dirty.length > 0;
  if (dirty && !memory.dirty) {
    const shown = state.dirty.slice(0, 3).join(', ') + (state.dirty.length > 3 ? ' …' : '');
    alerts.push(`MAIN (${mainPath}) has uncommitted edits: ${shown} — edits belong in a lane`);
  }
  const unexpectedHead = state.unexpectedCommits.length > 0 ? state.head : null;
  const fresh = state.unexpectedCommits.filter((c) => !isReported(c.sha));
  if (unexpectedHead !== null && unexpectedHead !== memory.unexpectedHead && fresh.length > 0) {
    const newest = fresh[0]!;
    if (head.kind === 'moved-off') {
      alerts.push(
        `MAIN was moved outside Grove's merge: ${short(newest.sha)} does not contain ${short(head.knownHead)}, where Grove left it (reset or rewritten). Accept MAIN as it is, or restore it.`,
      );
    } else {
      // Beyond the listed commits (LIST_CAP), the count says how many more there are; those already reported are left out.
      const listedReported = state.unexpectedCommits.length - fresh.length;
      const count = (head.kind === 'ahead' ? head.count : state.unexpectedCommits.length) - listedReported;
      const listed = fresh
        .slice(0, 3)
        .map((c) => `${short(c.sha)} ${c.subject}`)
        .join(', ');
      alerts.push(`MAIN got ${count} commit${count === 1 ? '' : 's'} that did not come through Grove's merge: ${listed}${count > 3 ? ' …' : ''}`);
    }
  }
  return { memory: { dirty, unexpectedHead }, alerts };
}

/** `git status --porcelain=v1 -z`: the paths, renames and copies by their new path. */
export function parsePorcelainZ(stdout: string): string[] {
  const entries = stdout.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.length < 4) continue;
    paths.push(e.slice(3));
    // A rename or copy is followed by the path it came from.
    if (e[0] === 'R' || e[0] === 'C') i++;
  }
  return paths;
}

interface Reading {
  state: MainState;
  /** A digest of what the changed files hold (changedContent). */
  content: string;
  head: HeadReport;
  /** knownHead was unset: this first look is trusted and its HEAD becomes knownHead. */
  trustHead: boolean;
}

export class MainGuard {
  private readonly debounceMs: number;
  private last: MainState | null = null;
  private lastContent: string | null = null;
  /** Rounds of probes under way (holdContent). */
  private contentHeld = 0;
  private memory: AlertMemory = QUIET;
  private started = false;
  private stopped = false;
  private pauses = 0;
  /** Bumped by every pause: a check that saw one start meanwhile keeps its findings to itself. */
  private epoch = 0;
  private timer: NodeJS.Timeout | null = null;
  private checks: Promise<unknown> = Promise.resolve();
  private burstQueued = false;
  /** What changed since the last check: working-tree paths, and whether git's own files did. */
  private pendingPaths = new Set<string>();
  private pendingOverflow = false;
  private gitChanged = false;
  private ignored = new Set<string>();
  private ignoredListed = 0;
  private tree: TreeWatcher | null = null;
  private refs: TreeWatcher | null = null;
  private gitDirWatchers: FSWatcher[] = [];

  constructor(private readonly deps: MainGuardDeps) {
    this.debounceMs = deps.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('MainGuard.start called twice');
    this.started = true;
    const { mainPath, logger } = this.deps;
    const [gitDirRel = '.git', commonDirRel = '.git'] = (await runGit(mainPath, ['rev-parse', '--git-dir', '--git-common-dir'])).stdout.split('\n');
    const gitDir = resolve(mainPath, gitDirRel);
    const commonDir = resolve(mainPath, commonDirRel);
    this.ignored = await listGitIgnored(mainPath);
    this.ignoredListed = this.ignored.size;
    if (this.stopped) return;

    // Watch first, check after: a change in between is then seen twice, never missed.
    // The files of MAIN's git dir that move its state (its branch ref is watched below).
    const gitFiles = new Map<string, Set<string>>([[gitDir, new Set(['HEAD', 'index'])]]);
    gitFiles.set(commonDir, new Set([...(gitFiles.get(commonDir) ?? []), 'packed-refs']));
    for (const [dir, names] of gitFiles) this.watchGitDir(dir, names);
    this.refs = watchTree(resolve(commonDir, 'refs', 'heads'), {
      ignore: () => false,
      // Lanes commit to their own branches all day; only MAIN's branch (or not knowing it) matters.
      onChange: (ref) => {
        const branch = this.last?.branch;
        if (!branch || ref === branch || ref === `${branch}.lock`) this.onGitChange();
      },
      logger,
    });
    this.tree = watchTree(mainPath, {
      ignore: isIgnoredBy(this.ignored),
      onChange: (rel) => this.onTreeChange(rel),
      logger,
    });
    await Promise.all([this.refs.ready, this.tree.ready]);
    if (this.stopped) return;
    logger.debug('main guard watching', { repoId: this.deps.repoId, mainPath, dirs: this.tree.watchedDirs(), ignored: this.ignored.size });
    await this.check();
  }

  /** Reads MAIN now; reports the state (when it changed) and alerts, unless paused. */
  check(): Promise<MainState> {
    const run = this.checks.then(() => this.runCheck());
    this.checks = run.catch(() => undefined);
    return run;
  }

  /**
   * Defers checks (and so alerts) while Grove itself moves MAIN: merge, gate, rollback.
   * Pauses nest; the returned function resumes (once) and, when no pause is left, checks.
   */
  pause(): () => void {
    this.pauses++;
    this.epoch++;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.pauses--;
      if (this.pauses === 0 && this.started && !this.stopped) this.checkInBackground();
    };
  }

  /** The operator accepts MAIN as it is: its HEAD becomes the known head. */
  async accept(): Promise<MainState> {
    const head = (await runGit(this.deps.mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1] })).stdout.trim();
    if (head) this.deps.knownHead.set(head);
    return this.check();
  }

  state(): MainState | null {
    return this.last;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.tree?.close();
    this.refs?.close();
    for (const w of this.gitDirWatchers) w.close();
    this.gitDirWatchers = [];
  }

  /** Directories of MAIN's working tree being watched (0 once stopped). */
  watchedDirs(): number {
    return this.stopped ? 0 : (this.tree?.watchedDirs() ?? 0);
  }

  private watchGitDir(dir: string, names: ReadonlySet<string>): void {
    try {
      const w = watch(dir, (_event, filename) => {
        // git writes HEAD.lock and renames it over HEAD: the rename names HEAD.
        if (filename !== null && names.has(filename.toString())) this.onGitChange();
      });
      w.on('error', (e) => this.deps.logger.warn('main guard lost its git dir watcher', { dir, error: String(e) }));
      this.gitDirWatchers.push(w);
    } catch (e) {
      this.deps.logger.warn('main guard cannot watch the git dir; HEAD moves show up with the next working-tree change', { dir, error: String(e) });
    }
  }

  private onGitChange(): void {
    this.gitChanged = true;
    this.schedule();
  }

  private onTreeChange(rel: string): void {
    if (this.pendingPaths.size < PATHS_PER_BURST) this.pendingPaths.add(rel);
    else this.pendingOverflow = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || !this.started || this.timer || this.pauses > 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.checkBurst();
    }, this.debounceMs);
  }

  /** One queued run for however many bursts arrive while a check runs. */
  private checkBurst(): void {
    if (this.burstQueued) return;
    this.burstQueued = true;
    const run = this.checks.then(async () => {
      this.burstQueued = false;
      if (this.stopped) return;
      if (this.pauses > 0) return; // the resume checks
      if (await this.onlyIgnoredChanged()) return;
      await this.runCheck();
    });
    this.checks = run.catch((e: unknown) => this.logCheckFailure(e));
  }

  private checkInBackground(): void {
    this.check().catch((e: unknown) => this.logCheckFailure(e));
  }

  private logCheckFailure(e: unknown): void {
    if (this.stopped) return;
    this.deps.logger.warn('main guard check failed', { repoId: this.deps.repoId, mainPath: this.deps.mainPath, error: e instanceof GitError ? e.message : String(e) });
  }

  /**
   * True when the burst touched only paths git ignores: nothing `git status` shows can
   * have changed. Those paths join the ignore set; when one is a directory (a node_modules
   * created after start), the tree watcher drops it.
   */
  private async onlyIgnoredChanged(): Promise<boolean> {
    const paths = [...this.pendingPaths];
    const overflow = this.pendingOverflow;
    const gitChanged = this.gitChanged;
    this.pendingPaths = new Set();
    this.pendingOverflow = false;
    this.gitChanged = false;
    if (paths.some((p) => basename(p) === '.gitignore')) {
      // The rules changed: ask git again, and re-walk so watchers follow the new rules.
      await this.reloadIgnored();
      this.refreshTree();
      return false;
    }
    if (paths.length === 0) return !gitChanged && !overflow;
    const ignoredNow = await checkIgnored(this.deps.mainPath, paths);
    const learned = ignoredNow.filter((p) => !this.ignored.has(p));
    for (const p of learned) this.ignored.add(p);
    if (this.ignored.size > this.ignoredListed + LEARNED_CAP) await this.reloadIgnored();
    if (learned.length > 0 && (await this.anyDirectory(learned))) this.refreshTree();
    return !gitChanged && !overflow && ignoredNow.length === paths.length;
  }

  /** Replaces the ignore set's contents in place: the tree watcher's predicate reads this very set. */
  private async reloadIgnored(): Promise<void> {
    const fresh = await listGitIgnored(this.deps.mainPath);
    this.ignored.clear();
    for (const p of fresh) this.ignored.add(p);
    this.ignoredListed = fresh.size;
  }

  private refreshTree(): void {
    this.tree?.refresh().catch((e: unknown) => this.deps.logger.warn('main guard could not re-walk MAIN', { mainPath: this.deps.mainPath, error: String(e) }));
  }

  private async anyDirectory(relPaths: string[]): Promise<boolean> {
    for (const rel of relPaths) {
      const st = await lstat(resolve(this.deps.mainPath, rel)).catch(() => null);
      if (st?.isDirectory()) return true;
    }
    return false;
  }

  /**
   * While MAIN's probes run (health-monitor.ts): what they write into MAIN (a report, a
   * timestamped log) must not read as an edit, or they would run again, and again. Held, a
   * check reports no change of content and keeps the last content it saw; `releaseContent`
   * then decides.
   */
  holdContent(): void {
    this.contentHeld++;
  }

  /**
   * The probes ended at `until`: what the changed files hold now is taken as seen, unless it
   * differs from what they held before the probes ran and a changed file was written after
   * `until` (an edit made since, which no probe made): false then, for the caller to run the
   * probes again. A change of state (a new file) is the checks' to report, as ever.
   */
  async releaseContent(until: number): Promise<boolean> {
    try {
      if (this.stopped || this.last === null) return true;
      const reading = await this.read();
      if (this.stopped || this.lastContent === reading.content) return true;
      let editedSince = false;
      for (const rel of reading.state.dirty) {
        const st = await lstat(resolve(this.deps.mainPath, rel)).catch(() => null);
        if (st && st.mtimeMs > until) {
          editedSince = true;
          break;
        }
      }
      this.lastContent = reading.content;
      return !editedSince;
    } finally {
      this.contentHeld--;
    }
  }

  private async runCheck(): Promise<MainState> {
    const epoch = this.epoch;
    // This reading covers every change so far; later ones arm the timer again.
    this.pendingPaths = new Set();
    this.pendingOverflow = false;
    this.gitChanged = false;
    const reading = await this.read();
    // Paused, or a pause began while we read (Grove is moving MAIN): report nothing now;
    // the resume checks again.
    if (this.stopped || this.pauses > 0 || epoch !== this.epoch) return reading.state;
    // Trusted only while no head is known still: an accept (or a merge) that wrote one while
    // this first look read must not be undone by it.
    if (reading.trustHead && reading.state.head && this.deps.knownHead.get() === null) this.deps.knownHead.set(reading.state.head);
    const { state } = reading;
    const stateChanged = !this.last || JSON.stringify(this.last) !== JSON.stringify(state);
    if (stateChanged) {
      this.last = state;
      this.deps.onState(state);
    }
    // While the probes run, what they write is not an edit (holdContent).
    const held = this.contentHeld > 0;
    const contentChanged = !stateChanged && !held && this.lastContent !== null && reading.content !== this.lastContent;
    if (!held) this.lastContent = reading.content;
    const reported = this.deps.reported;
    const next = nextAlerts(this.memory, state, reading.head, this.deps.mainPath, (sha) => reported?.has(sha) ?? false);
    this.memory = next.memory;
    for (const message of next.alerts) this.deps.onAlert(message);
    if (reported && state.unexpectedCommits.length > 0) reported.add(state.unexpectedCommits.map((c) => c.sha));
    this.deps.onLooked?.({ contentChanged });
    return state;
  }

  private async read(): Promise<Reading> {
    const { mainPath, repoId } = this.deps;
    const [headOut, branchOut, statusOut, preCommitGuard] = await Promise.all([
      runGit(mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1] }),
      runGit(mainPath, ['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] }),
      // --no-optional-locks: looking must not rewrite the index (that would be an event).
      runGit(mainPath, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=normal']),
      isPreCommitGuardInstalled(mainPath),
    ]);
    const head = headOut.stdout.trim() || null;
    const branch = branchOut.stdout.trim() || null;
    const dirty = parsePorcelainZ(statusOut.stdout).slice(0, LIST_CAP);
    const known = this.deps.knownHead.get();
    let report: HeadReport = { kind: 'as-left' };
    let unexpectedCommits: CommitSummary[] = [];
    if (head && known && known !== head) {
      if (await this.isAncestor(known, head)) {
        unexpectedCommits = await this.commits([`${known}..${head}`], LIST_CAP);
        const count =
          unexpectedCommits.length < LIST_CAP
            ? unexpectedCommits.length
            : Number((await runGit(mainPath, ['rev-list', '--count', `${known}..${head}`])).stdout.trim());
        report = { kind: 'ahead', count };
      } else {
        const [commit] = await this.commits([head], 1);
        const subject = `MAIN moved off ${short(known)}, where Grove left it (reset or rewritten); HEAD is now: ${commit?.subject ?? head}`;
        unexpectedCommits = [{ sha: head, subject, author: commit?.author ?? '', date: commit?.date ?? '' }];
        report = { kind: 'moved-off', knownHead: known };
      }
    }
    return {
      state: { repoId, branch, head, dirty, unexpectedCommits, preCommitGuard },
      content: await changedContent(mainPath, dirty),
      head: report,
      trustHead: known === null && head !== null,
    };
  }

  private async isAncestor(known: string, head: string): Promise<boolean> {
    try {
      const out = await runGit(this.deps.mainPath, ['merge-base', '--is-ancestor', known, head], { okCodes: [1] });
      return out.code === 0;
    } catch (e) {
      // knownHead is no commit here any more (garbage-collected, or a different repository).
      if (e instanceof GitError) return false;
      throw e;
    }
  }

  /** `git log` over `revs`, newest first. */
  private async commits(revs: string[], max: number): Promise<CommitSummary[]> {
    const { stdout } = await runGit(this.deps.mainPath, ['log', '-z', `--max-count=${max}`, '--format=%H%x1f%s%x1f%an%x1f%aI', ...revs, '--']);
    return stdout
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const [sha = '', subject = '', author = '', date = ''] = record.split('\x1f');
        return { sha, subject, author, date };
      });
  }
}

const short = (sha: string): string => sha.slice(0, 12);

/**
 * A digest of what MAIN's changed files hold. By content, not time: a probe that writes the
 * same bytes into MAIN again (a build step) must not look like a change, or the probes it
 * reruns would run forever. A folder (an untracked one, listed whole) counts by its name.
 */
async function changedContent(mainPath: string, paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of paths) {
    hash.update(`${rel}\0`);
    const path = resolve(mainPath, rel);
    const st = await lstat(path).catch(() => null);
    if (!st) hash.update('gone\0');
    else if (st.isFile() && st.size <= CONTENT_DIGEST_MAX) hash.update(await readFile(path).catch(() => 'unreadable'));
    else if (!st.isDirectory()) hash.update(`${st.mode}:${st.size}:${st.mtimeMs}\0`);
  }
  return hash.digest('hex');
}
