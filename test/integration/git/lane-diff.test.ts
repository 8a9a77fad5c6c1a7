import { rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { laneDiff, PATCH_CAP_BYTES } from '../../../src/host/lanes/git/lane-diff';
import { WorktreeMissingError } from '../../../src/host/lanes/git/require-worktree';
import { LaneDiff } from '../../../src/shared/lanes';
import { git } from '../../fixtures/git-repo';
import { commitIn, headOf, indexFingerprint, isolateGitConfig, makeMainAndLane, makeSquashMergedLane, write } from '../../fixtures/lane-repo';
import { expectNothingLost, snapshotRepo } from '../../fixtures/repo-snapshot';
import { removeTempDirs } from '../../fixtures/temp-dir';

/**
 * What a reviewer sees before a merge: the lane's commits and its uncommitted and
 * untracked work, against MAIN's branch, computed without touching the lane's index.
 */
let restoreConfig: () => void;
beforeAll(() => {
  restoreConfig = isolateGitConfig();
});
afterAll(() => restoreConfig());
afterEach(() => removeTempDirs());

describe('laneDiff', () => {
  it('shows commits, uncommitted edits, untracked files, renames, deletions and binaries against the merge base', async () => {
    const { main, lane } = makeMainAndLane();
    write(main, 'old-name.txt', 'a\nb\nc\nd\ne\n');
    write(main, 'gone.txt', 'bye\n');
    git(main, 'add', '.');
    git(main, 'commit', '-q', '-m', 'more files');
    git(lane, 'merge', '-q', '--ff-only', 'main');
    commitIn(main, 'main-only.txt', 'main moved on\n');

    commitIn(lane, 'feature.ts', 'export const a = 1;\n', 'Add the feature');
    git(lane, 'mv', 'old-name.txt', 'new name.txt');
    git(lane, 'commit', '-q', '-m', 'Rename with a space');
    write(lane, 'README.md', '# app\nedited, not committed\n');
    git(lane, 'rm', '-q', 'gone.txt');
    write(lane, 'untracked dir/notes ü.md', 'untracked\n');
    write(lane, 'line\nbreak.txt', 'a newline in the name\n');
    write(lane, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    write(lane, '.gitignore', 'ignored.log\n');
    write(lane, 'ignored.log', 'never shown\n');
    const index = indexFingerprint(lane);
    const before = snapshotRepo(main, [main, lane]);

    const d = await laneDiff(main, lane, 'main');

    expect(LaneDiff.parse(d)).toEqual(d);
    expect(d).toMatchObject({ mainBranch: 'main', mainHead: headOf(main), laneHead: headOf(lane), behind: 1, uncommitted: true, truncated: false });
    expect(d.mergeBase).toBe(git(main, 'merge-base', 'main', 'lane'));
    expect(d.ahead.map((c) => c.subject)).toEqual(['Rename with a space', 'Add the feature']);
    expect(d.ahead[0]).toMatchObject({ sha: headOf(lane), author: 'Grove Test' });
    expect(d.ahead[0]!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    const byPath = Object.fromEntries(d.files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(['.gitignore', 'README.md', 'feature.ts', 'gone.txt', 'line\nbreak.txt', 'logo.png', 'new name.txt', 'untracked dir/notes ü.md']);
    expect(byPath['feature.ts']).toEqual({ path: 'feature.ts', oldPath: null, status: 'added', additions: 1, deletions: 0, binary: false });
    expect(byPath['new name.txt']).toMatchObject({ oldPath: 'old-name.txt', status: 'renamed', additions: 0, deletions: 0 });
    expect(byPath['README.md']).toMatchObject({ status: 'modified', additions: 1, deletions: 0 });
    expect(byPath['gone.txt']).toMatchObject({ status: 'deleted', deletions: 1 });
    expect(byPath['logo.png']).toMatchObject({ status: 'added', binary: true, additions: 0, deletions: 0 });
    expect(byPath['untracked dir/notes ü.md']).toMatchObject({ status: 'added', additions: 1 });
    expect(d.patch).toContain('+edited, not committed');
    expect(d.patch).toContain('+export const a = 1;');
    expect(d.patch).toContain('Binary files /dev/null and b/logo.png differ');
    expect(d.patch).not.toContain('main moved on');
    expect(d.patch).not.toContain('never shown');

    // The lane's own index is not rewritten, not even refreshed, and nothing is staged.
    expect(indexFingerprint(lane)).toEqual(index);
    expect(git(lane, 'diff', '--cached', '--name-only')).toBe('gone.txt');
    expectNothingLost(before);
  });

  it('reports a clean lane with nothing ahead as empty', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(main, 'later.txt', 'x\n');
    const d = await laneDiff(main, lane, 'main');
    expect(d).toMatchObject({ ahead: [], behind: 1, uncommitted: false, files: [], patch: '', truncated: false });
  });

  it('works on a detached HEAD', async () => {
    const { main, lane } = makeMainAndLane();
    git(lane, 'checkout', '-q', '--detach');
    commitIn(lane, 'floating.txt', 'x\n', 'Floating commit');
    write(lane, 'wip.txt', 'untracked\n');
    const before = snapshotRepo(main, [main, lane]);
    const d = await laneDiff(main, lane, 'main');
    expectNothingLost(before);
    expect(d.ahead.map((c) => c.subject)).toEqual(['Floating commit']);
    expect(d.files.map((f) => f.path)).toEqual(['floating.txt', 'wip.txt']);
    expect(d.uncommitted).toBe(true);
  });

  it('counts a lane whose only change is uncommitted as uncommitted with nothing ahead', async () => {
    const { main, lane } = makeMainAndLane();
    unlinkSync(join(lane, 'README.md'));
    const d = await laneDiff(main, lane, 'main');
    expect(d).toMatchObject({ ahead: [], uncommitted: true, files: [{ path: 'README.md', status: 'deleted', deletions: 1 }] });
  });

  it('sees a same-size edit made in the second the lane\'s index was written (git\'s racily clean entries)', async () => {
    const { main, lane } = makeMainAndLane();
    // The README, its index entry and the index itself all stamped with one past second, as
    // after a checkout; the edit keeps the size and the stamp (ctime is not trusted here).
    const past = new Date('2024-01-01T00:00:00Z');
    const readme = join(lane, 'README.md');
    git(lane, 'config', 'core.trustctime', 'false');
    utimesSync(readme, past, past);
    git(lane, 'update-index', '--refresh');
    const index = git(lane, 'rev-parse', '--git-path', 'index');
    utimesSync(resolve(lane, index), past, past);
    writeFileSync(readme, '# ppa\n');
    utimesSync(readme, past, past);

    const d = await laneDiff(main, lane, 'main');

    expect(d.files.map((f) => [f.path, f.status])).toEqual([['README.md', 'modified']]);
    expect(d.uncommitted).toBe(true);
  });

  it('cuts the patch at 2 MiB on a line boundary', async () => {
    const { main, lane } = makeMainAndLane();
    write(lane, 'big.txt', `${'x'.repeat(99)}\n`.repeat(30_000));
    const d = await laneDiff(main, lane, 'main');
    expect(d.truncated).toBe(true);
    expect(Buffer.byteLength(d.patch)).toBeLessThanOrEqual(PATCH_CAP_BYTES);
    expect(d.patch.endsWith('\n')).toBe(true);
    expect(d.files).toEqual([{ path: 'big.txt', oldPath: null, status: 'added', additions: 30_000, deletions: 0, binary: false }]);
  });

  it('cuts a patch bigger than git\'s output buffer (64 MiB) instead of failing', async () => {
    const { main, lane } = makeMainAndLane();
    write(lane, 'huge.txt', `${'y'.repeat(99)}\n`.repeat(700_000));
    const d = await laneDiff(main, lane, 'main');
    expect(d.truncated).toBe(true);
    expect(Buffer.byteLength(d.patch)).toBeLessThanOrEqual(PATCH_CAP_BYTES);
    expect(d.files).toMatchObject([{ path: 'huge.txt', additions: 700_000 }]);
  });

  it('still shows a squash-merged lane\'s commits and files, and that MAIN is one ahead', async () => {
    const { main, lane } = makeSquashMergedLane();
    const before = snapshotRepo(main, [main, lane]);
    const d = await laneDiff(main, lane, 'main');
    expectNothingLost(before);
    expect(d).toMatchObject({ behind: 1, uncommitted: false });
    expect(d.ahead).toHaveLength(2);
    expect(d.files.map((f) => f.path)).toEqual(['b.txt', 'c.txt']);
  });

  it('fails with a clear error when the lane directory is missing, losing nothing', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'work.txt', 'only here\n');
    const before = snapshotRepo(main, [main]);
    rmSync(lane, { recursive: true, force: true });
    const failed = laneDiff(main, lane, 'main');
    await expect(failed).rejects.toBeInstanceOf(WorktreeMissingError);
    await expect(failed).rejects.toThrow(/lane's directory .* does not exist/);
    expectNothingLost(before);
  });
});
