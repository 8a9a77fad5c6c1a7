import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { runGit } from './git/run-git';

/**
 * Follows each lane's own HEAD, so a branch switched outside Grove (`git switch` in the
 * lane's terminal) is seen when it happens. A linked worktree's HEAD lives in its git dir
 * (.git/worktrees/<name>/HEAD); git replaces it by rename, so the directory is watched and
 * events naming HEAD are read. Reports only changes of the branch (null: detached).
 */
export interface LaneHeadWatcher {
  /** The lanes to follow now; lanes no longer listed stop being watched. */
  set(lanes: { path: string }[]): void;
  close(): void;
}

interface Watched {
  watcher: FSWatcher | null;
  headFile: string | null;
  branch: string | null;
  closed: boolean;
}

export function watchLaneHeads(o: { onBranchChange(lanePath: string, branch: string | null): void; logger: Logger }): LaneHeadWatcher {
  const lanes = new Map<string, Watched>();
  let closed = false;

  const drop = (path: string): void => {
    const w = lanes.get(path);
    if (!w) return;
    w.closed = true;
    w.watcher?.close();
    lanes.delete(path);
  };

  const reread = async (path: string, w: Watched): Promise<void> => {
    if (!w.headFile) return;
    let branch: string | null;
    try {
      branch = branchOf(await readFile(w.headFile, 'utf8'));
    } catch {
      return; // between git's unlink and rename, or the worktree is being removed
    }
    if (w.closed || branch === w.branch) return;
    w.branch = branch;
    o.onBranchChange(path, branch);
  };

  const add = async (path: string): Promise<void> => {
    const w: Watched = { watcher: null, headFile: null, branch: null, closed: false };
    lanes.set(path, w);
    let gitDir: string;
    try {
      gitDir = (await runGit(path, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
      w.headFile = join(gitDir, 'HEAD');
      w.branch = branchOf(await readFile(w.headFile, 'utf8'));
    } catch (e) {
      // Missing lanes are reported elsewhere; forget it so the next `set` tries again.
      if (lanes.get(path) === w) lanes.delete(path);
      o.logger.debug('lane HEAD not watched', { lanePath: path, error: String(e) });
      return;
    }
    if (w.closed) return;
    try {
      w.watcher = watch(gitDir, (_event, filename) => {
        if (filename?.toString() === 'HEAD') void reread(path, w);
      });
      w.watcher.on('error', () => drop(path));
    } catch (e) {
      if (lanes.get(path) === w) lanes.delete(path);
      o.logger.warn('cannot watch a lane HEAD; branch switches there go unnoticed', { lanePath: path, gitDir, error: String(e) });
      return;
    }
    // A switch between the first read and the watcher.
    void reread(path, w);
  };

  return {
    set(next) {
      if (closed) return;
      const wanted = new Set(next.map((l) => l.path));
      for (const path of [...lanes.keys()]) if (!wanted.has(path)) drop(path);
      for (const path of wanted) if (!lanes.has(path)) void add(path);
    },
    close() {
      closed = true;
      for (const path of [...lanes.keys()]) drop(path);
    },
  };
}

/** The branch a HEAD file names; null when detached. */
export function branchOf(headFile: string): string | null {
  const m = /^ref: refs\/heads\/(.+)$/m.exec(headFile.trim());
  return m ? m[1]! : null;
}
