import type { LaneNetwork } from '../../shared/lanes';
/**
 * What a confined agent may write, what it cannot see, and what it reaches on the network:
 * one description, laid out in the order the mounts must be made, for every mechanism
 * (bwrap-args.ts, sandbox-profile.ts). Pure; the paths are already real (symlinks resolved)
 * and existing, which confine-inputs.ts sees to.
 *
 * The order is the point: a later mount wins over an earlier one. So a scratch directory
 * (below) comes first, with its entries shown again read-only; then the general writable
 * places (temp, the CLI's state, caches); then MAIN is made read-only again,
 * should it lie below one of them; then the lane and the parts of git a commit needs, which
 * may lie below MAIN (its `.git`); then what is hidden, which wins over everything (Grove's
 * data dir, even below a writable `~/.config`); last what is shown again from inside a
 * hidden place (the agent's own hook settings and temp dir, kept in the data dir).
 */
export interface ConfineInputs {
  /** Where the agent works: its lane, the ops checkout, or MAIN (the ops loop's `checkout: main`). */
  lanePath: string;
  /** Null for a directory Grove knows no repository of: then there is no MAIN to keep. */
  mainPath: string | null;
  /** The worktree's own git dir (`.git/worktrees/<lane>`); null for MAIN itself or no git. */
  gitDir: string | null;
  /** The repository's shared git dir (MAIN's `.git`); null when the directory is in no git checkout. */
  commonDir: string | null;
  /**
   * What stays read-only inside the writable git places: the lane's `.git` file, its dir's
   * `commondir`, `gitdir` and `config.worktree` (they say where git finds its config, and git
   * run by the host in the lane would obey them: an fsmonitor or hook would run unconfined),
   * and the shared `objects/info` (alternates) and `refs/replace` (other content for MAIN's
   * objects). They exist (confine-inputs.ts makes the missing ones).
   */
  pinned: string[];
  /** Grove's data dir: the operator's token, every agent's files, the databases. */
  dataDir: string;
  /** This agent's own files in the data dir (hook settings, MCP config): readable. */
  agentDir: string;
  /** This agent's temp dir (its TMPDIR), inside `agentDir`: writable. */
  tmpDir: string;
  /** More of the data dir the agent reads: the ops loop's status file's directory. */
  shown: string[];
  /** The CLI's state dirs, caches and grove.yaml's `lanes.writable`. */
  writable: string[];
  /** grove.yaml's `lanes.hidden` and, in a key-less lane, MAIN's files its copies came from. */
  hidden: Hidden[];
  /** Directories holding a CLI's state file, which it rewrites through a lock and a temp file beside it. */
  scratch: Scratch[];
  network: LaneNetwork;
  /** With `network: none` or `loopback`: the data dir's directory of that bridge's socket (host-bridge.ts), shown read-only. */
  bridgeDir: string | null;
}

/**
 * A directory the agent may add entries to that live only in its sandbox (an empty,
 * private file system), its existing entries shown again read-only (a symlink as itself).
 * Claude Code rewrites ~/.claude.json by taking a lock (`~/.claude.json.lock`, a dir) and
 * writing a temp file beside it, then renaming it over the file: with $HOME read-only all
 * three fail and nothing is saved. In a scratch $HOME the lock and the temp file can be
 * made; the rename onto the mounted file fails (EXDEV), and Claude Code then writes the file
 * in place, through the mount, to the real one. What else the agent makes in $HOME (a
 * ~/.gitconfig, a ~/.npmrc the operator's own tools would read) is gone when it ends.
 */
export interface Scratch {
  path: string;
  entries: { path: string; linkTo: string | null }[];
}

export interface Hidden {
  path: string;
  /** A directory is covered by an empty one, a file by an empty file. */
  kind: 'dir' | 'file';
}

export type Step =
  | { kind: 'scratch'; path: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'writable'; path: string }
  | { kind: 'read-only'; path: string }
  | { kind: 'hidden'; path: string; what: 'dir' | 'file' };

export interface ConfinePolicy {
  /** The file system is read-only but for these steps, made in this order. */
  steps: Step[];
  network: LaneNetwork;
  /** The agent's TMPDIR. */
  tmpDir: string;
  /** Where it starts. */
  cwd: string;
}

/**
 * The parts of the shared git dir that a commit, a branch or a rebase in a worktree writes.
 * Never its `index`, `HEAD`, `config` nor `hooks` (MAIN's): code that Grove's merge runs in
 * MAIN must not be writable from a lane.
 */
export const SHARED_GIT_WRITABLE = ['objects', 'refs', 'logs'] as const;

export function confinePolicy(i: ConfineInputs): ConfinePolicy {
  const isMain = i.lanePath === i.mainPath;
  const steps: Step[] = [];
  for (const s of i.scratch) {
    steps.push({ kind: 'scratch', path: s.path });
    for (const e of s.entries) steps.push(e.linkTo === null ? { kind: 'read-only', path: e.path } : { kind: 'symlink', path: e.path, target: e.linkTo });
  }
  for (const path of i.writable) steps.push({ kind: 'writable', path });
  if (i.mainPath) steps.push({ kind: 'read-only', path: i.mainPath });
  if (!isMain) {
    steps.push({ kind: 'writable', path: i.lanePath });
    if (i.gitDir) steps.push({ kind: 'writable', path: i.gitDir });
    // A lane's commits go to the shared store; MAIN's own checkout writes none of it.
    if (i.gitDir && i.commonDir) for (const part of SHARED_GIT_WRITABLE) steps.push({ kind: 'writable', path: `${i.commonDir}/${part}` });
    for (const path of i.pinned) steps.push({ kind: 'read-only', path });
  }
  steps.push({ kind: 'hidden', path: i.dataDir, what: 'dir' });
  for (const h of i.hidden) steps.push({ kind: 'hidden', path: h.path, what: h.kind });
  steps.push({ kind: 'read-only', path: i.agentDir }, { kind: 'writable', path: i.tmpDir });
  for (const path of i.shown) steps.push({ kind: 'read-only', path });
  if (i.network !== 'open' && i.bridgeDir) steps.push({ kind: 'read-only', path: i.bridgeDir });
  return { steps, network: i.network, tmpDir: i.tmpDir, cwd: i.lanePath };
}
