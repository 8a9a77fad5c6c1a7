import { existsSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rebaseLane } from '../../../src/host/lanes/git/rebase-lane';
import { WorktreeMissingError } from '../../../src/host/lanes/git/require-worktree';
import { git } from '../../fixtures/git-repo';
import { commitIn, headOf, isolateGitConfig, makeMainAndLane, read, write } from '../../fixtures/lane-repo';
import { expectNothingLost, snapshotRepo } from '../../fixtures/repo-snapshot';
import { removeTempDirs } from '../../fixtures/temp-dir';

/**
 * Rebasing a lane onto MAIN is all or nothing: refused on a dirty or detached lane,
 * aborted on a conflict, and the lane's old HEAD is always kept on a recovery ref.
 */
let restoreConfig: () => void;
beforeAll(() => {
  restoreConfig = isolateGitConfig();
});
afterAll(() => restoreConfig());
afterEach(() => removeTempDirs());

const STAMP = '2025-01-01T00-00-00-000Z';
const RECOVERY = `refs/grove/recovery/lane/${STAMP}`;
const rebase = (lane: string) => rebaseLane(lane, { laneName: 'lane', onto: 'main', stamp: STAMP });
const isRebasing = (lane: string): boolean =>
  ['rebase-merge', 'rebase-apply'].some((p) => existsSync(git(lane, 'rev-parse', '--path-format=absolute', '--git-path', p)));

describe('rebaseLane', () => {
  it('replays the lane\'s commits on MAIN, as Grove when no identity is configured, keeping the old HEAD', async () => {
    const { main, lane } = makeMainAndLane();
    const old = commitIn(lane, 'feature.txt', 'feature\n', 'Add the feature');
    const mainHead = commitIn(main, 'hotfix.txt', 'fix\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rebase(lane);
    expect(r).toEqual({ ok: true, value: { head: headOf(lane), recoveryRef: RECOVERY } });
    expect(git(lane, 'rev-parse', 'HEAD~1')).toBe(mainHead);
    expect(git(lane, 'log', '-1', '--format=%s|%an|%cn <%ce>')).toBe('Add the feature|Grove Test|Grove <grove@localhost>');
    expect(git(main, 'rev-parse', RECOVERY)).toBe(old);
    expect(git(lane, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('lane');
    expectNothingLost(before, { [lane]: ['hotfix.txt'] });
  });

  it("lands on MAIN's branch, not on a tag of the same name a lane's agent wrote", async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    git(lane, 'tag', 'main', headOf(lane));
    const mainHead = commitIn(main, 'hotfix.txt', 'fix\n');
    expect((await rebase(lane)).ok).toBe(true);
    expect(git(lane, 'rev-parse', 'HEAD~1')).toBe(mainHead);
  });

  it('refuses a lane with uncommitted edits, listing them, changing nothing', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    commitIn(main, 'hotfix.txt', 'fix\n');
    write(lane, 'feature.txt', 'edited\n');
    const head = headOf(lane);
    const before = snapshotRepo(main, [main, lane]);
    const r = await rebase(lane);
    expect(r).toEqual({ ok: false, error: { kind: 'dirty', message: expect.stringContaining('Commit it first') as unknown, files: ['feature.txt'] } });
    expect(headOf(lane)).toBe(head);
    expect(git(main, 'for-each-ref', 'refs/grove')).toBe('');
    expectNothingLost(before);
  });

  it('refuses a lane with untracked files', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(main, 'hotfix.txt', 'fix\n');
    write(lane, 'hotfix.txt', 'an untracked file MAIN also has\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rebase(lane);
    expect(r).toMatchObject({ ok: false, error: { kind: 'dirty', files: ['hotfix.txt'] } });
    expectNothingLost(before);
  });

  it('refuses a detached HEAD', async () => {
    const { main, lane } = makeMainAndLane();
    git(lane, 'checkout', '-q', '--detach');
    commitIn(lane, 'floating.txt', 'x\n');
    commitIn(main, 'hotfix.txt', 'fix\n');
    const head = headOf(lane);
    const before = snapshotRepo(main, [main, lane]);
    const r = await rebase(lane);
    expect(r).toMatchObject({ ok: false, error: { kind: 'detached', files: [] } });
    expect(headOf(lane)).toBe(head);
    expectNothingLost(before);
  });

  it('aborts on a conflict, naming the files, with the lane exactly as it was', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'ok.txt', 'fine\n');
    commitIn(lane, 'README.md', '# from the lane\n');
    commitIn(lane, 'späce name.txt', 'lane\n');
    commitIn(main, 'README.md', '# from MAIN\n');
    commitIn(main, 'späce name.txt', 'main\n');
    const head = headOf(lane);
    const before = snapshotRepo(main, [main, lane]);
    const r = await rebase(lane);
    expect(r).toMatchObject({ ok: false, error: { kind: 'conflict', files: ['README.md'] } });
    expect(!r.ok && r.error.message).toContain('the rebase was aborted and the lane is as it was');
    expect(headOf(lane)).toBe(head);
    expect(git(lane, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('lane');
    expect(isRebasing(lane)).toBe(false);
    expect(git(lane, 'status', '--porcelain')).toBe('');
    expect(git(main, 'rev-parse', RECOVERY)).toBe(head);
    expect(read(lane, 'README.md')).toBe('# from the lane\n');
    expectNothingLost(before);
  });

  it('refuses to start while another rebase is in progress', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'README.md', '# from the lane\n');
    commitIn(main, 'README.md', '# from MAIN\n');
    expect(() => git(lane, 'rebase', 'main')).toThrow();
    const r = await rebase(lane);
    expect(r).toMatchObject({ ok: false, error: { kind: 'detached', message: expect.stringContaining('already in progress') as unknown } });
    expect(isRebasing(lane)).toBe(true);
  });

  it('fails with a clear error when the lane directory is missing, losing nothing', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'work.txt', 'only here\n');
    const before = snapshotRepo(main, [main]);
    rmSync(lane, { recursive: true, force: true });
    await expect(rebase(lane)).rejects.toThrow(WorktreeMissingError);
    expectNothingLost(before);
  });
});
