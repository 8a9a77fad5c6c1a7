import { existsSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fallbackIdentityArgs } from '../../../src/host/lanes/git/commit-identity';
import { commitAll } from '../../../src/host/lanes/git/commit-all';
import { deleteMergedBranch } from '../../../src/host/lanes/git/delete-merged-branch';
import { WorktreeMissingError } from '../../../src/host/lanes/git/require-worktree';
import { git } from '../../fixtures/git-repo';
import { commitIn, headOf, indexFingerprint, isolateGitConfig, makeMainAndLane, write } from '../../fixtures/lane-repo';
import { expectNothingLost, snapshotRepo } from '../../fixtures/repo-snapshot';
import { removeTempDirs } from '../../fixtures/temp-dir';

/** Committing a lane's work for it, deleting a branch once it is merged, and who commits. */
let restoreConfig: () => void;
beforeAll(() => {
  restoreConfig = isolateGitConfig();
});
afterAll(() => restoreConfig());
afterEach(() => removeTempDirs());

describe('fallbackIdentityArgs', () => {
  it('fills in only what is not configured', async () => {
    const { main } = makeMainAndLane();
    expect(await fallbackIdentityArgs(main)).toEqual(['-c', 'user.name=Grove', '-c', 'user.email=grove@localhost']);
    git(main, 'config', 'user.email', 'ada@example.com');
    expect(await fallbackIdentityArgs(main)).toEqual(['-c', 'user.name=Grove']);
    git(main, 'config', 'user.name', 'Ada');
    expect(await fallbackIdentityArgs(main)).toEqual([]);
  });
});

describe('commitAll', () => {
  it('commits edits, deletions and untracked files (not ignored ones) and returns the new HEAD', async () => {
    const { main, lane } = makeMainAndLane();
    write(lane, '.gitignore', 'node_modules/\n');
    write(lane, 'node_modules/x.js', 'ignored\n');
    write(lane, 'README.md', '# edited\n');
    write(lane, 'new dir/ünïcode file.txt', 'untracked\n');
    const parent = headOf(lane);
    const before = snapshotRepo(main, [main, lane]);
    const head = await commitAll(lane, 'Save the lane\'s work');
    expect(head).toBe(headOf(lane));
    expect(git(lane, 'rev-parse', 'HEAD~1')).toBe(parent);
    expect(git(lane, 'log', '-1', '--format=%s|%an <%ae>')).toBe('Save the lane\'s work|Grove <grove@localhost>');
    expect(git(lane, '-c', 'core.quotePath=false', 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['.gitignore', 'README.md', 'new dir/ünïcode file.txt']);
    expect(git(lane, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(lane, 'node_modules/x.js'))).toBe(true);
    expectNothingLost(before);

    unlinkSync(join(lane, 'README.md'));
    await commitAll(lane, 'Remove the readme');
    expect(git(lane, 'show', '--name-status', '--format=', 'HEAD')).toBe('D\tREADME.md');
  });

  it('returns HEAD unchanged when there is nothing to commit', async () => {
    const { lane } = makeMainAndLane();
    const head = headOf(lane);
    expect(await commitAll(lane, 'nothing')).toBe(head);
    expect(headOf(lane)).toBe(head);
  });

  it('fails with a clear error when the lane directory is missing', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'work.txt', 'only here\n');
    const before = snapshotRepo(main, [main]);
    rmSync(lane, { recursive: true, force: true });
    await expect(commitAll(lane, 'x')).rejects.toThrow(/lane's directory .* does not exist/);
    expectNothingLost(before);
  });

  it('refuses a directory that lost its .git instead of committing into whatever repository is above it', async () => {
    const { main, lane } = makeMainAndLane();
    // The lane's directory inside MAIN, .git gone: git alone would walk up and find MAIN.
    const inner = join(main, 'stray-lane');
    write(inner, 'file.txt', 'not MAIN\'s\n');
    const index = indexFingerprint(main);
    await expect(commitAll(inner, 'x')).rejects.toThrow(WorktreeMissingError);
    await expect(commitAll(inner, 'x')).rejects.toThrow(/not the top of a git worktree/);
    expect(indexFingerprint(main)).toEqual(index);
    expect(headOf(lane)).toBe(headOf(main));
  });
});

describe('deleteMergedBranch', () => {
  const NOW = new Date('2025-01-01T00:00:00.000Z');

  it('deletes a merged branch that no worktree has checked out, keeping its tip on a recovery ref', async () => {
    const { main, lane } = makeMainAndLane();
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    git(main, 'merge', '-q', '--ff-only', 'lane');
    git(lane, 'checkout', '-q', '--detach');
    const before = snapshotRepo(main, [main, lane]);
    const r = await deleteMergedBranch(main, 'lane', 'main', NOW);
    const recoveryRef = 'refs/grove/recovery/branch/lane/2025-01-01T00-00-00-000Z';
    expect(r).toEqual({ ok: true, value: { deleted: true, recoveryRef } });
    expect(git(main, 'branch', '--list', 'lane')).toBe('');
    expect(git(main, 'rev-parse', recoveryRef)).toBe(tip);
    expectNothingLost(before);
  });

  it('accepts a commit as well as a branch to check against', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    git(main, 'merge', '-q', '--no-ff', '-m', 'merge', 'lane');
    git(lane, 'checkout', '-q', '--detach');
    const r = await deleteMergedBranch(main, 'lane', headOf(main), NOW);
    expect(r.ok).toBe(true);
  });

  it('refuses a branch checked out in a lane', async () => {
    const { main, lane } = makeMainAndLane();
    git(main, 'merge', '-q', '--ff-only', 'lane');
    const before = snapshotRepo(main, [main, lane]);
    const r = await deleteMergedBranch(main, 'lane', 'main', NOW);
    expect(r).toMatchObject({ ok: false, error: { kind: 'checked-out' } });
    expect(!r.ok && r.error.message).toContain(lane);
    expect(git(main, 'branch', '--list', 'lane')).toContain('lane');
    expectNothingLost(before);
  });

  it('refuses a branch that a worktree is in the middle of rebasing (its HEAD detached)', async () => {
    const { main, lane } = makeMainAndLane();
    const tip = commitIn(lane, 'README.md', '# from the lane\n');
    commitIn(main, 'README.md', '# from MAIN\n');
    expect(() => git(lane, 'rebase', 'main')).toThrow();
    expect(git(main, 'worktree', 'list', '--porcelain')).toContain('detached');
    const r = await deleteMergedBranch(main, 'lane', tip, NOW);
    expect(r).toMatchObject({ ok: false, error: { kind: 'checked-out', message: expect.stringContaining(lane) as unknown } });
    expect(git(main, 'rev-parse', 'refs/heads/lane')).toBe(tip);
  });

  it('refuses a branch with commits not in the target, a squash-merged one included', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'b.txt', 'one\n');
    git(main, 'merge', '-q', '--squash', 'lane');
    git(main, 'commit', '-q', '-m', 'squash of lane');
    git(lane, 'checkout', '-q', '--detach');
    const before = snapshotRepo(main, [main, lane]);
    const r = await deleteMergedBranch(main, 'lane', 'main', NOW);
    expect(r).toMatchObject({ ok: false, error: { kind: 'not-merged' } });
    expect(!r.ok && r.error.message).toContain('git branch -D lane');
    expect(git(main, 'for-each-ref', 'refs/grove')).toBe('');
    expectNothingLost(before);
  });
});
