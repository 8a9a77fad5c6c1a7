import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGit } from '../../src/host/lanes/git/run-git';
import { branchOf, watchLaneHeads, type LaneHeadWatcher } from '../../src/host/lanes/lane-watcher';
import { createLogger } from '../../src/host/logger';
import { addWorktree, git, makeRepo } from '../fixtures/git-repo';
import { commitIn, headOf, write } from '../fixtures/lane-repo';
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

/** The watcher again, reporting HEAD changes too: into the list returned. */
function watchHeadsToo(): [string, string | null][] {
  const heads: [string, string | null][] = [];
  watcher.close();
  watcher = watchLaneHeads({
    onBranchChange: (path, branch) => void changes.push([path, branch]),
    onHeadChange: (path, change) => void heads.push([path, change.head]),
    logger: createLogger(() => undefined),
  });
  return heads;
}

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

  it('watches a lane again after its worktree was removed and added back at the same path outside Grove', async () => {
    const lane = addWorktree(main, `${main}-design`, 'design');
    watcher.set([{ path: lane, branch: 'design' }]);
    await expect.poll(() => (git(lane, 'switch', '-q', '-c', `warm-${changes.length}-${Date.now()}`), changes.length)).toBeGreaterThan(0);
    git(lane, 'switch', '-q', 'design');
    git(main, 'worktree', 'remove', '--force', lane);
    git(main, 'worktree', 'add', '-q', lane, 'design');
    await new Promise((r) => setTimeout(r, 500)); // what was read of the old watch is in
    changes = [];
    // Seen once the watch is back (within a poll): keep switching until a switch is reported.
    await expect.poll(() => (git(lane, 'switch', '-q', '-c', `after-${Date.now()}`), changes.length), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(changes.at(-1)![0]).toBe(lane);
  });

  it('reports a switch made before the watch began, against the branch the lane was recorded with', async () => {
    const lane = addWorktree(main, `${main}-design`, 'design');
    // Switched right after creation (or while no host ran), before the watcher first reads HEAD.
    git(lane, 'switch', '-q', '-c', 'experiment');
    watcher.set([{ path: lane, branch: 'design' }]);
    await expect.poll(() => changes).toEqual([[lane, 'experiment']]);
    // Where the recorded branch is still checked out, nothing is reported.
    const other = addWorktree(main, `${main}-other`, 'other');
    watcher.set([{ path: lane, branch: 'design' }, { path: other, branch: 'other' }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toEqual([[lane, 'experiment']]);
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
    // The marker that the watcher has looked at a again: listed anew, a takes a2 as where it
    // stands, and its next switch is reported. Had a2 been reported (late or not), it would
    // be in the list before a3, since one lane's reads never overlap.
    watcher.set([{ path: a }, { path: b }]);
    await expect.poll(() => (git(a, 'switch', '-q', '-c', `a3-${changes.length}-${Date.now()}`), changes.some(([p]) => p === a))).toBe(true);
    expect(changes[0]).toEqual([b, 'b3']);
    expect(changes.slice(1).map(([p, branch]) => [p, branch?.replace(/-\d+-\d+$/, '')])).toEqual(changes.slice(1).map(() => [a, 'a3']));
  });

  it('reports the HEAD a lane reached before its watch began (a commit made right after the lane was)', async () => {
    const lane = addWorktree(main, `${main}-quick`, 'quick');
    commitIn(lane, 'quick.txt', 'committed before the watch\n');
    const heads = watchHeadsToo();
    watcher.set([{ path: lane, branch: 'quick' }]);
    await expect.poll(() => heads).toEqual([[lane, headOf(lane)]]);
    expect(changes).toEqual([]);
  });

  it('reports nothing of what happens while Grove holds a lane (a rebase detaches HEAD), and reads the net change once after', async () => {
    const lane = addWorktree(main, `${main}-design`, 'design');
    commitIn(lane, 'lane.txt', 'from the lane\n');
    commitIn(main, 'main.txt', 'from MAIN\n');
    const heads = watchHeadsToo();
    watcher.set([{ path: lane }]);
    // Ready once a change is seen (a staged file changes the index; nothing else moves).
    await expect.poll(() => (write(lane, `ready-${heads.length}.txt`, 'x'), git(lane, 'add', '-A'), heads.length)).toBeGreaterThan(0);
    git(lane, 'commit', '-q', '-m', 'ready');
    await expect.poll(() => heads.at(-1)).toEqual([lane, headOf(lane)]);
    heads.length = 0;
    // While the rebase runs, its post-checkout hook keeps HEAD detached for a while: long
    // enough for any watcher to read it.
    const hook = join(git(main, 'rev-parse', '--path-format=absolute', '--git-common-dir'), 'hooks', 'post-checkout');
    writeFileSync(hook, '#!/bin/sh\nsleep 1\n', { mode: 0o755 });
    const release = watcher.hold(lane);
    // Asynchronous, as the host runs it: the watcher's events are handled meanwhile.
    await runGit(lane, ['rebase', '-q', 'main']);
    release();
    const rebased = headOf(lane);
    // The positive marker: the watcher read the lane after the release (the new HEAD).
    await expect.poll(() => heads).toEqual([[lane, rebased]]);
    expect(changes).toEqual([]);
  });
});

describe('branchOf', () => {
  it('reports a commit whose ref moved after its index was written (git commit writes the index first)', async () => {
    const lane = addWorktree(main, `${main}-design`, 'design');
    const heads = watchHeadsToo();
    watcher.set([{ path: lane }]);
    const before = headOf(lane);
    // git commit's order, one step at a time: the index is written (the watcher reads HEAD,
    // still the old commit), then the branch moves through HEAD (HEAD's lock, no index write).
    write(lane, 'one.txt', 'one\n');
    git(lane, 'add', 'one.txt');
    const commit = git(lane, 'commit-tree', git(lane, 'write-tree'), '-p', before, '-m', 'one');
    await expect.poll(() => heads.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300)); // every read of the index writes done
    expect(heads.at(-1)).toEqual([lane, before]);
    git(lane, 'update-ref', '-m', 'commit: one', 'HEAD', commit);
    await expect.poll(() => heads.at(-1)).toEqual([lane, commit]);
  });

  it('reads a HEAD file', () => {
    expect(branchOf('ref: refs/heads/feature/x\n')).toBe('feature/x');
    expect(branchOf('0123456789abcdef0123456789abcdef01234567\n')).toBeNull();
  });
});
