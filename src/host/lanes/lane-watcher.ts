import { existsSync, watch, type FSWatcher } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../logger';
import { runGit } from './git/run-git';
import { worktreeGitDir } from './git/worktree-git-dir';

/**
 * Follows each lane's own HEAD, so a branch switched outside Grove (`git switch` in the
 * lane's terminal) is seen when it happens, and so is a new commit (an open diff refreshes
 * on it). A linked worktree's HEAD and index live in its git dir (.git/worktrees/<name>/);
 * git replaces them by rename, so the directory is watched and events naming HEAD or index
 * are read. Reports changes of the branch (null: detached) and of the HEAD commit or index.
 *
 * While Grove itself runs git in a lane (a rebase detaches HEAD for its whole run) the
 * lane is held: what its HEAD does meanwhile is Grove's doing, not the operator's, so it
 * is not read then; once released the lane is read once and only the net change counts.
 * A lane's HEAD is reported once when its watch begins: what it did before is not known.
 */
export interface LaneHeadWatcher {
  /** The lanes to follow now; lanes no longer listed stop being watched. */
  /**
   * The lanes to follow. A lane's recorded `branch`, when given, is where its watch starts:
   * a switch made before the watch began (right after creation, or while no host ran) is
   * then reported by the first read, like any other.
   */
  set(lanes: { path: string; branch?: string | null }[]): void;
  /** Grove works in the lane until the returned function is called (once is enough). */
  hold(lanePath: string): () => void;
  close(): void;
}

export interface LaneHeadChange {
  /** The commit HEAD points at; null on an unborn branch. */
  head: string | null;
}

interface Watched {
  watcher: FSWatcher | null;
  gitDir: string | null;
  branch: string | null;
  head: string | null;
  /** The index's own checksum (its last 20 bytes): changes whenever git writes a different index. */
  index: string | null;
  closed: boolean;
  /** A read is running; `again` asks for one more after it, so reads never overlap. */
  reading: boolean;
  again: boolean;
}

/**
 * What moves in the worktree's git dir when its HEAD or index does. A commit on a branch
 * writes the branch's ref in the common dir, not here, and writes the index BEFORE it: a read
 * on the index's event may still find the old commit. The ref moves through HEAD, which git
 * locks meanwhile (HEAD.lock, for HEAD's reflog) and unlocks after: that lock going is the
 * read that sees the commit.
 */
const WATCHED_FILES = new Set(['HEAD', 'HEAD.lock', 'index']);
/** How often a lane whose git dir vanished is looked for again. */
const GONE_POLL_MS = 2000;

export function watchLaneHeads(o: {
  onBranchChange(lanePath: string, branch: string | null): void;
  onHeadChange?(lanePath: string, change: LaneHeadChange): void;
  logger: Logger;
}): LaneHeadWatcher {
  const lanes = new Map<string, Watched>();
  const holds = new Map<string, number>();
  let closed = false;

  const isHeld = (path: string): boolean => (holds.get(path) ?? 0) > 0;
  /**
   * Lanes whose git dir vanished under the watch (the worktree removed, or moved away, outside
   * Grove): on Linux the dead watcher reports no error, only the rename. Looked for now and
   * then, and watched again once back (a `git worktree add` at the same path).
   */
  const gone = new Map<string, NodeJS.Timeout>();
  const stopLooking = (path: string): void => {
    clearInterval(gone.get(path));
    gone.delete(path);
  };

  const drop = (path: string): void => {
    const w = lanes.get(path);
    if (!w) return;
    w.closed = true;
    w.watcher?.close();
    lanes.delete(path);
  };

  const reread = async (path: string, w: Watched): Promise<void> => {
    if (!w.gitDir || w.closed || isHeld(path)) return; // a held lane is read on release
    if (w.reading) {
      w.again = true;
      return;
    }
    w.reading = true;
    try {
      do {
        w.again = false;
        const seen = await readState(path, w.gitDir);
        // Grove took the lane while this read ran: what it saw may be mid-operation.
        if (!seen || w.closed || isHeld(path)) continue;
        if (seen.branch !== w.branch) {
          w.branch = seen.branch;
          o.onBranchChange(path, seen.branch);
        }
        if (seen.head !== w.head || seen.index !== w.index) {
          w.head = seen.head;
          w.index = seen.index;
          o.onHeadChange?.(path, { head: seen.head });
        }
      } while (w.again && !w.closed && !isHeld(path));
    } finally {
      w.reading = false;
    }
  };

  const add = async (path: string, recorded: string | null | undefined): Promise<void> => {
    const w: Watched = { watcher: null, gitDir: null, branch: null, head: null, index: null, closed: false, reading: false, again: false };
    lanes.set(path, w);
    let gitDir: string;
    try {
      gitDir = await worktreeGitDir(path);
      // Only the branch is taken as where the watch starts. Where HEAD and the index stood
      // before it began is not known: what moved then (a commit while no host ran; a fast
      // agent's first commit in a lane just made, before this watch was set up) is reported
      // by the first read after it, like any later move.
      const branch = await readBranch(gitDir);
      if (branch === undefined) throw new Error(`cannot read ${join(gitDir, 'HEAD')}`);
      w.branch = recorded !== undefined ? recorded : branch;
      w.gitDir = gitDir;
    } catch (e) {
      // Missing lanes are reported elsewhere; forget it so the next `set` tries again.
      if (lanes.get(path) === w) lanes.delete(path);
      o.logger.debug('lane HEAD not watched', { lanePath: path, error: String(e) });
      return;
    }
    if (w.closed) return;
    try {
      // The folder watched is gone when it reports itself (deleted or moved: its own name) or is
      // no longer there. One made again at the same path (the worktree removed and added back)
      // is another folder, of which this watch sees nothing.
      const self = basename(gitDir);
      w.watcher = watch(gitDir, (_event, filename) => {
        const name = filename?.toString() ?? '';
        if (WATCHED_FILES.has(name)) void reread(path, w);
        else if (!w.closed && (name === self || !existsSync(gitDir))) {
          const branch = w.branch;
          drop(path);
          const timer = setInterval(() => {
            // Back, and not being watched again already (a watch that fails to start is let go: tried again).
            if (!existsSync(join(path, '.git')) || lanes.has(path)) return;
            void add(path, branch).then(() => lanes.has(path) && stopLooking(path));
          }, GONE_POLL_MS);
          timer.unref();
          gone.set(path, timer);
        }
      });
      w.watcher.on('error', () => drop(path));
    } catch (e) {
      if (lanes.get(path) === w) lanes.delete(path);
      o.logger.warn('cannot watch a lane HEAD; branch switches there go unnoticed', { lanePath: path, gitDir, error: String(e) });
      return;
    }
    // A switch between the first read and the watcher, or before the watch began (see `set`).
    void reread(path, w);
  };

  return {
    set(next) {
      if (closed) return;
      const wanted = new Map(next.map((l) => [l.path, l.branch]));
      for (const path of [...lanes.keys()]) if (!wanted.has(path)) drop(path);
      for (const path of [...gone.keys()]) if (!wanted.has(path)) stopLooking(path);
      for (const [path, branch] of wanted) if (!lanes.has(path) && !gone.has(path)) void add(path, branch);
    },
    hold(path) {
      holds.set(path, (holds.get(path) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const n = (holds.get(path) ?? 1) - 1;
        if (n > 0) {
          holds.set(path, n);
          return;
        }
        holds.delete(path);
        const w = lanes.get(path);
        if (w) void reread(path, w);
      };
    },
    close() {
      closed = true;
      for (const path of [...lanes.keys()]) drop(path);
      for (const path of [...gone.keys()]) stopLooking(path);
    },
  };
}

/** The branch the lane's HEAD file names (null: detached); undefined while git is mid-rename. */
async function readBranch(gitDir: string): Promise<string | null | undefined> {
  try {
    return branchOf(await readFile(join(gitDir, 'HEAD'), 'utf8'));
  } catch {
    return undefined; // between git's unlink and rename, or the worktree is being removed
  }
}

/** The lane's branch, HEAD commit and index checksum; null while git is mid-rename. */
async function readState(lanePath: string, gitDir: string): Promise<{ branch: string | null; head: string | null; index: string | null } | null> {
  const branch = await readBranch(gitDir);
  if (branch === undefined) return null;
  let head: string | null;
  try {
    const r = await runGit(lanePath, ['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { okCodes: [1] });
    head = r.code === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
  return { branch, head, index: await indexChecksum(join(gitDir, 'index')) };
}

async function indexChecksum(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size < 20) return null;
    const tail = Buffer.alloc(20);
    await handle.read(tail, 0, 20, size - 20);
    return tail.toString('hex');
  } catch {
    return null; // no index yet, or replaced while read
  } finally {
    await handle?.close();
  }
}

/** The branch a HEAD file names; null when detached. */
export function branchOf(headFile: string): string | null {
  const m = /^ref: refs\/heads\/(.+)$/m.exec(headFile.trim());
  return m ? m[1]! : null;
}

