import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { branchOf, watchLaneHeads, type LaneHeadWatcher } from '../../src/host/lanes/lane-watcher';
import { createLogger } from '../../src/host/logger';
import { addWorktree, git, makeRepo } from '../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/** Branch switches made in a lane's own terminal, seen through the lane's HEAD file. */
let main: string;
let changes: [string, string | null][];
let watcher: LaneHeadWatcher;

beforeEach(() => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'app'));
  changes = [];
  watcher = watchLaneHeads({ onBranchChange: (path, branch) => void changes.push([path, branch]), logger: createLogger(() => undefined) });
});
afterEach(() => {
  watcher.close();
  removeTempDirs();
});

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 500));

describe('lane HEAD watcher', () => {
  it('reports a branch switched in a lane, and a detached HEAD as null', async () => {
    const lane = addWorktree(main, `${main}-design`, 'design');
    watcher.set([{ path: lane }]);
    // The watcher is ready once a switch is seen; keep switching until it is.
    await expect.poll(() => (git(lane, 'switch', '-q', '-c', `topic-${changes.length}-${Date.now()}`), changes.length)).toBeGreaterThan(0);
    changes = [];
    git(lane, 'switch', '-q', '-c', 'other');
    await expect.poll(() => changes).toEqual([[lane, 'other']]);
    git(lane, 'switch', '-q', '--detach');
    await expect.poll(() => changes.at(-1)).toEqual([lane, null]);
  });

  it('follows the set it is given, and ignores switches in MAIN and in lanes no longer listed', async () => {
    const a = addWorktree(main, `${main}-a`, 'a');
    const b = addWorktree(main, `${main}-b`, 'b');
    watcher.set([{ path: a }, { path: b }]);
    await expect.poll(() => (git(b, 'switch', '-q', '-c', `b-${Date.now()}`), changes.some(([p]) => p === b))).toBe(true);
    watcher.set([{ path: b }]);
    changes = [];
    git(a, 'switch', '-q', '-c', 'a2');
    git(main, 'switch', '-q', '-c', 'main2');
    git(b, 'switch', '-q', '-c', 'b3');
    await expect.poll(() => changes).toEqual([[b, 'b3']]);
    await settle();
    expect(changes).toEqual([[b, 'b3']]);
  });
});

describe('branchOf', () => {
  it('reads a HEAD file', () => {
    expect(branchOf('ref: refs/heads/feature/x\n')).toBe('feature/x');
    expect(branchOf('0123456789abcdef0123456789abcdef01234567\n')).toBeNull();
  });
});
