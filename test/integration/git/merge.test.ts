import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitMergePreflight } from '../../../src/host/lanes/git/merge-preflight';
import { mergeIntoMain, rollbackMain, type MergeIntoMainOptions } from '../../../src/host/lanes/git/merge-into-main';
import { WorktreeMissingError } from '../../../src/host/lanes/git/require-worktree';
import { GitError } from '../../../src/host/lanes/git/run-git';
import type { MergeCheck } from '../../../src/shared/lanes';
import { git } from '../../fixtures/git-repo';
import { commitIn, headOf, indexFingerprint, isolateGitConfig, makeMainAndLane, makeSquashMergedLane, read, write } from '../../fixtures/lane-repo';
import { expectNothingLost, snapshotRepo } from '../../fixtures/repo-snapshot';
import { removeTempDirs } from '../../fixtures/temp-dir';

/**
 * Merging a lane into MAIN: the preflight that says what is in the way, the merge that
 * never leaves MAIN half-merged, and the rollback that never throws away an edit. Every
 * case of the safety matrix checks that no object and no file was lost. The machine's git
 * config is hidden, so commits need Grove's fallback identity.
 */
let restoreConfig: () => void;
beforeAll(() => {
  restoreConfig = isolateGitConfig();
});
afterAll(() => restoreConfig());
afterEach(() => removeTempDirs());

const RECOVERY = 'refs/grove/recovery/main/2025-01-01T00-00-00-000Z';
const opts = (over: Partial<MergeIntoMainOptions> = {}): MergeIntoMainOptions => ({
  branch: 'lane',
  strategy: 'ff',
  recoveryRef: RECOVERY,
  message: 'Merge lane into main',
  ...over,
});
const check = (checks: MergeCheck[], name: MergeCheck['name']): MergeCheck => checks.find((c) => c.name === name)!;
const failing = (checks: MergeCheck[]): string[] => checks.filter((c) => !c.ok).map((c) => c.name);
const isMerging = (main: string): boolean => existsSync(join(main, '.git', 'MERGE_HEAD'));

/** MAIN ignores `.env` and has its own; the lane's agent commits another past the ignore (`git add -f`). */
function laneCommittingMainsIgnoredEnv(): { main: string; lane: string } {
  const { main, lane } = makeMainAndLane();
  commitIn(main, '.gitignore', '.env\n');
  git(lane, 'merge', '-q', '--ff-only', 'main');
  write(main, '.env', 'SECRET=main\n');
  write(lane, '.env', 'SECRET=lane\n');
  git(lane, 'add', '-f', '.env');
  git(lane, 'commit', '-q', '-m', 'add .env');
  return { main, lane };
}

describe('gitMergePreflight', () => {
  it('passes a clean lane with commits on its branch, and says it can fast-forward', async () => {
    const { main, lane } = makeMainAndLane();
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    const p = await gitMergePreflight(main, lane, 'lane');
    expect(failing(p.checks)).toEqual([]);
    expect(p.checks.map((c) => c.name)).toEqual(['lane-clean', 'main-clean', 'ahead', 'conflicts']);
    expect(p).toMatchObject({ mainHead: headOf(main), laneHead: tip, mainBranch: 'main', canFastForward: true });
    expect(check(p.checks, 'ahead').message).toContain('1 commit to merge');
  });

  it('refuses a lane with uncommitted and untracked work, listing the paths', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    write(lane, 'README.md', 'edited\n');
    write(lane, 'new dir/notes.txt', 'untracked\n');
    const before = snapshotRepo(main, [main, lane]);
    const p = await gitMergePreflight(main, lane, 'lane');
    expectNothingLost(before);
    expect(failing(p.checks)).toEqual(['lane-clean']);
    expect(check(p.checks, 'lane-clean')).toMatchObject({ detail: ['README.md', 'new dir/notes.txt'] });
    expect(check(p.checks, 'lane-clean').message).toMatch(/uncommitted work in 2 paths \(1 untracked\).*Commit it/);
  });

  it('refuses a MAIN with uncommitted or untracked files, but not ignored ones', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(main, '.gitignore', 'build/\n');
    git(lane, 'merge', '-q', '--ff-only', 'main');
    commitIn(lane, 'feature.txt', 'feature\n');
    write(main, 'build/out.js', 'ignored\n');
    expect(failing((await gitMergePreflight(main, lane, 'lane')).checks)).toEqual([]);
    write(main, 'README.md', 'hot fix in MAIN\n');
    write(main, 'scratch.txt', 'untracked\n');
    const before = snapshotRepo(main, [main, lane]);
    const p = await gitMergePreflight(main, lane, 'lane');
    expectNothingLost(before);
    expect(failing(p.checks)).toEqual(['main-clean']);
    expect(check(p.checks, 'main-clean')).toMatchObject({ detail: ['README.md', 'scratch.txt'] });
    expect(check(p.checks, 'main-clean').message).toContain('MAIN has uncommitted changes in 2 paths');
  });

  it("refuses a lane that commits a file MAIN has as an ignored local one (an .env), which the merge would overwrite", async () => {
    const { main, lane } = laneCommittingMainsIgnoredEnv();
    const p = await gitMergePreflight(main, lane, 'lane');
    expect(failing(p.checks)).toEqual(['conflicts']);
    expect(check(p.checks, 'conflicts')).toMatchObject({
      detail: ['.env'],
      message: "lane commits 1 file that MAIN has as local files git ignores (.env): the merge would overwrite MAIN's copies, and a rollback would delete them. Move MAIN's copies aside, or take the files out of the lane's commits (git rm --cached, then commit), then merge again.",
    });
    expect(read(main, '.env')).toBe('SECRET=main\n');
    // An untracked file git does not ignore is main-clean's to name, not this check's.
    write(main, 'notes.txt', 'mine\n');
    commitIn(lane, 'notes.txt', 'the lane\'s\n');
    const both = await gitMergePreflight(main, lane, 'lane');
    expect(check(both.checks, 'conflicts').detail).toEqual(['.env']);
    expect(check(both.checks, 'main-clean').detail).toEqual(['notes.txt']);
  });

  it('says "nothing to merge" for a branch with no new commits', async () => {
    const { main, lane } = makeMainAndLane();
    const p = await gitMergePreflight(main, lane, 'lane');
    expect(failing(p.checks)).toEqual(['ahead']);
    expect(check(p.checks, 'ahead').message).toMatch(/^nothing to merge/);
    expect(p.canFastForward).toBe(true);
  });

  it('lists conflicting paths without touching any working tree or index', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'README.md', '# from the lane\n');
    commitIn(lane, 'both new.txt', 'lane\n');
    commitIn(main, 'README.md', '# from MAIN\n');
    commitIn(main, 'both new.txt', 'main\n');
    const indexes = [indexFingerprint(main), indexFingerprint(lane)];
    const before = snapshotRepo(main, [main, lane]);
    const p = await gitMergePreflight(main, lane, 'lane');
    expect(failing(p.checks)).toEqual(['conflicts']);
    expect(check(p.checks, 'conflicts').detail.sort()).toEqual(['README.md', 'both new.txt']);
    expect(check(p.checks, 'conflicts').message).toContain('Rebase the lane onto MAIN');
    expect(p.canFastForward).toBe(false);
    expect([indexFingerprint(main), indexFingerprint(lane)]).toEqual(indexes);
    expect(isMerging(main)).toBe(false);
    expectNothingLost(before);
  });

  it('refuses a detached lane, a lane on another branch, and a detached MAIN, saying how to fix each', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    git(lane, 'checkout', '-q', '--detach');
    const before = snapshotRepo(main, [main, lane]);
    let p = await gitMergePreflight(main, lane, 'lane');
    expectNothingLost(before);
    expect(failing(p.checks)).toEqual(['lane-clean']);
    expect(check(p.checks, 'lane-clean').message).toMatch(/HEAD is detached .*git switch lane/);

    git(lane, 'checkout', '-q', '-b', 'elsewhere');
    p = await gitMergePreflight(main, lane, 'lane');
    expect(check(p.checks, 'lane-clean').message).toMatch(/on branch elsewhere, not lane/);

    git(lane, 'checkout', '-q', 'lane');
    git(main, 'checkout', '-q', '--detach');
    p = await gitMergePreflight(main, lane, 'lane');
    expect(failing(p.checks)).toEqual(['main-clean']);
    expect(p.mainBranch).toBeNull();
    expect(check(p.checks, 'main-clean').message).toMatch(/^MAIN is not on a branch/);
  });

  it('sees that a squash-merged branch has nothing left to merge', async () => {
    const { main, lane } = makeSquashMergedLane();
    const before = snapshotRepo(main, [main, lane]);
    const p = await gitMergePreflight(main, lane, 'lane');
    expectNothingLost(before);
    expect(failing(p.checks)).toEqual(['ahead']);
    expect(check(p.checks, 'ahead').message).toMatch(/nothing to merge: MAIN already has every change on lane/);
    expect(check(p.checks, 'conflicts').ok).toBe(true);
  });

  it('reports a missing lane directory as a failed check and still checks the branch', async () => {
    const { main, lane } = makeMainAndLane();
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    rmSync(lane, { recursive: true, force: true });
    const before = snapshotRepo(main, [main]);
    const p = await gitMergePreflight(main, lane, 'lane');
    expectNothingLost(before);
    expect(failing(p.checks)).toEqual(['lane-clean']);
    expect(check(p.checks, 'lane-clean').message).toMatch(/lane's directory .* does not exist/);
    expect(p.laneHead).toBe(tip);
  });

  it('fails the branch checks for a branch that does not exist', async () => {
    const { main, lane } = makeMainAndLane();
    const p = await gitMergePreflight(main, lane, 'no-such-branch');
    expect(failing(p.checks)).toEqual(['lane-clean', 'ahead', 'conflicts']);
    expect(p.laneHead).toBe('');
  });
});

/** The merge refused as `main-moved`, saying `says`; MAIN where it was, not merging, and `file` in it still `text`. */
async function expectRefusedKeeping(main: string, says: string, file: string, text: string): Promise<void> {
  const mainBefore = headOf(main);
  const r = await mergeIntoMain(main, opts());
  expect(r).toMatchObject({ ok: false, error: { kind: 'main-moved', message: expect.stringContaining(says) } });
  expect(headOf(main)).toBe(mainBefore);
  expect(read(main, file)).toBe(text);
  expect(isMerging(main)).toBe(false);
}

describe('mergeIntoMain', () => {
  it("refuses to overwrite MAIN's ignored local file (past the preflight): MAIN as it was, its .env kept", async () => {
    const { main } = laneCommittingMainsIgnoredEnv();
    await expectRefusedKeeping(main, 'its local files (uncommitted, or ignored by git) would be overwritten by the merge (.env)', '.env', 'SECRET=main\n');
  });

  it('waits out another git holding MAIN\'s index for a moment, and says so, MAIN unchanged, if it never lets go', async () => {
    const { main, lane } = makeMainAndLane();
    const mainBefore = headOf(main);
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    const lock = join(main, '.git', 'index.lock');
    write(main, '.git/index.lock', '');
    setTimeout(() => rmSync(lock, { force: true }), 300);
    expect(await mergeIntoMain(main, opts())).toEqual({ ok: true, value: { strategy: 'fast-forward', mainBefore, mainAfter: tip } });
    // Merged back out, then a lock left behind for good (a crashed editor's).
    git(main, 'reset', '-q', '--keep', mainBefore);
    write(main, '.git/index.lock', '');
    const stuck = await mergeIntoMain(main, opts({ recoveryRef: `${RECOVERY}-2` }));
    expect(stuck).toMatchObject({ ok: false, error: { kind: 'main-busy', message: expect.stringContaining('index.lock') } });
    expect(headOf(main)).toBe(mainBefore);
    expect(isMerging(main)).toBe(false);
    rmSync(lock);
  });

  it('refuses, naming the folder, when the lane replaces a folder of MAIN\'s ignored files with a file: MAIN as it was, the files kept', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(main, 'logs/.gitignore', '*\n!.gitignore\n');
    git(lane, 'merge', '-q', '--ff-only', 'main');
    write(main, 'logs/app.log', 'what the served app wrote\n');
    git(lane, 'rm', '-q', 'logs/.gitignore');
    commitIn(lane, 'logs', 'now a file\n');
    await expectRefusedKeeping(main, 'in folders the merge would replace (logs)', 'logs/app.log', 'what the served app wrote\n');
  });

  it('fast-forwards when it can, after keeping MAIN\'s HEAD on the recovery ref', async () => {
    const { main, lane } = makeMainAndLane();
    const mainBefore = headOf(main);
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts());
    expect(r).toEqual({ ok: true, value: { strategy: 'fast-forward', mainBefore, mainAfter: tip } });
    expect(git(main, 'rev-parse', RECOVERY)).toBe(mainBefore);
    expect(read(main, 'feature.txt')).toBe('feature\n');
    expectNothingLost(before, { [main]: ['feature.txt'] });
  });

  it('calls a fast-forward to a lane whose tip is a merge commit of its own a fast-forward', async () => {
    const { main, lane } = makeMainAndLane();
    const mainBefore = headOf(main);
    commitIn(lane, 'feature.txt', 'feature\n');
    git(lane, 'checkout', '-q', '-b', 'side', 'HEAD~1');
    commitIn(lane, 'side.txt', 'side\n');
    git(lane, 'checkout', '-q', '-');
    git(lane, 'merge', '-q', '--no-ff', '--no-edit', 'side');
    const tip = headOf(lane);
    const r = await mergeIntoMain(main, opts({ commit: tip }));
    expect(r).toEqual({ ok: true, value: { strategy: 'fast-forward', mainBefore, mainAfter: tip } });
  });

  it('refuses when MAIN already has the commit (it moved since the preflight by another way): nothing is recorded as a merge', async () => {
    const { main, lane } = makeMainAndLane();
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    git(main, 'merge', '--ff-only', '-q', tip); // by hand, after the preflight
    const r = await mergeIntoMain(main, opts({ commit: tip }));
    expect(r).toEqual({ ok: false, error: { kind: 'main-moved', message: `MAIN already has ${tip.slice(0, 7)}: it moved since the preflight (outside Grove's merge), so there was nothing left to merge. MAIN was not changed; check how it got there.` } });
    expect(headOf(main)).toBe(tip);
  });

  it('merges the commit it is given, not a commit the branch gained since (one its check never saw)', async () => {
    const { main, lane } = makeMainAndLane();
    const tested = commitIn(lane, 'feature.txt', 'feature\n');
    const later = commitIn(lane, 'unchecked.txt', 'slipped in after the check\n');
    expect(headOf(lane)).toBe(later);
    const r = await mergeIntoMain(main, opts({ commit: tested }));
    expect(r).toMatchObject({ ok: true, value: { strategy: 'fast-forward', mainAfter: tested } });
    expect(read(main, 'feature.txt')).toBe('feature\n');
    expect(existsSync(join(main, 'unchecked.txt'))).toBe(false);
    // With a merge commit too: its second parent is the tested commit.
    const { main: main2, lane: lane2 } = makeMainAndLane();
    const tested2 = commitIn(lane2, 'feature.txt', 'feature\n');
    commitIn(lane2, 'unchecked.txt', 'later\n');
    const r2 = await mergeIntoMain(main2, opts({ commit: tested2, strategy: 'no-ff' }));
    expect(r2).toMatchObject({ ok: true, value: { strategy: 'merge-commit' } });
    expect(git(main2, 'log', '-1', '--format=%P').split(' ')[1]).toBe(tested2);
    expect(existsSync(join(main2, 'unchecked.txt'))).toBe(false);
  });

  it('makes a merge commit when MAIN has moved on, as Grove when no identity is configured', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    const mainBefore = commitIn(main, 'hotfix.txt', 'fix\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts());
    expect(r).toMatchObject({ ok: true, value: { strategy: 'merge-commit', mainBefore } });
    const after = headOf(main);
    expect(git(main, 'log', '-1', '--format=%s|%cn <%ce>|%P')).toBe(`Merge lane into main|Grove <grove@localhost>|${mainBefore} ${headOf(lane)}`);
    expect(r.ok && r.value.mainAfter).toBe(after);
    expectNothingLost(before, { [main]: ['feature.txt'] });
  });

  it('keeps a configured identity', async () => {
    const { main, lane } = makeMainAndLane();
    git(main, 'config', 'user.name', 'Ada Lovelace');
    commitIn(lane, 'feature.txt', 'feature\n');
    commitIn(main, 'hotfix.txt', 'fix\n');
    await mergeIntoMain(main, opts());
    expect(git(main, 'log', '-1', '--format=%cn <%ce>')).toBe('Ada Lovelace <grove@localhost>');
  });

  it('always makes a merge commit with no-ff, passing the caller\'s environment to hooks', async () => {
    const { main, lane } = makeMainAndLane();
    write(main, '.git/hooks/pre-merge-commit', '#!/bin/sh\nprintf %s "$GROVE_MERGE" > .git/grove-mark\n');
    chmodSync(join(main, '.git/hooks/pre-merge-commit'), 0o755);
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    const mainBefore = headOf(main);
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts({ strategy: 'no-ff', env: { GROVE_MERGE: 'merge-42' } }));
    expectNothingLost(before, { [main]: ['feature.txt'] });
    expect(r).toMatchObject({ ok: true, value: { strategy: 'merge-commit', mainBefore } });
    expect(git(main, 'log', '-1', '--format=%P')).toBe(`${mainBefore} ${tip}`);
    expect(readFileSync(join(main, '.git/grove-mark'), 'utf8')).toBe('merge-42');
  });

  it('ff-only refuses a MAIN that has diverged, changing nothing', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    const mainBefore = commitIn(main, 'hotfix.txt', 'fix\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts({ strategy: 'ff-only' }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'not-fast-forward' } });
    expect(!r.ok && r.error.message).toContain('Rebase the lane onto MAIN');
    expect(headOf(main)).toBe(mainBefore);
    expect(git(main, 'rev-parse', RECOVERY)).toBe(mainBefore);
    expectNothingLost(before);
  });

  it('with ff-only, the preflight already says a diverged MAIN cannot fast-forward (not the merge, under the lock)', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    expect(check((await gitMergePreflight(main, lane, 'lane', 'ff-only')).checks, 'fast-forward')).toMatchObject({ ok: true });
    commitIn(main, 'hotfix.txt', 'fix\n');
    const pre = await gitMergePreflight(main, lane, 'lane', 'ff-only');
    expect(failing(pre.checks)).toEqual(['fast-forward']);
    expect(check(pre.checks, 'fast-forward').message).toContain('rebase the lane onto MAIN');
    // Another strategy merges a diverged MAIN: no such check.
    expect(pre.checks.length - 1).toBe((await gitMergePreflight(main, lane, 'lane', 'ff')).checks.length);
  });

  it('ff-only fast-forwards when it can', async () => {
    const { main, lane } = makeMainAndLane();
    const tip = commitIn(lane, 'feature.txt', 'feature\n');
    const r = await mergeIntoMain(main, opts({ strategy: 'ff-only' }));
    expect(r).toMatchObject({ ok: true, value: { strategy: 'fast-forward', mainAfter: tip } });
  });

  it('aborts a conflicting merge and leaves MAIN exactly as it was, its unrelated edit included', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'README.md', '# from the lane\n');
    commitIn(main, 'README.md', '# from MAIN\n');
    write(main, 'scratch.txt', 'untracked in MAIN\n');
    commitIn(main, 'other.txt', 'committed\n');
    write(main, 'other.txt', 'uncommitted edit in MAIN\n');
    const head = headOf(main);
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts());
    expect(r).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(!r.ok && r.error.message).toContain('README.md');
    expect(headOf(main)).toBe(head);
    expect(git(main, 'rev-parse', RECOVERY)).toBe(head);
    expect(isMerging(main)).toBe(false);
    expect(git(main, 'diff', '--cached', '--name-only')).toBe('');
    expect(git(main, 'diff', '--name-only')).toBe('other.txt');
    expectNothingLost(before);
  });

  it('refuses when MAIN\'s uncommitted edit is in the way (MAIN changed since the preflight)', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'README.md', '# from the lane\n');
    commitIn(lane, 'new.txt', 'from the lane\n');
    const mainBefore = headOf(main);
    write(main, 'README.md', '# edited in MAIN\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts());
    expect(r).toMatchObject({ ok: false, error: { kind: 'main-moved' } });
    expect(!r.ok && r.error.message).toMatch(/would be overwritten by the merge \(README.md\)/);
    expect(headOf(main)).toBe(mainBefore);
    expectNothingLost(before);

    rmSync(join(main, 'README.md'));
    git(main, 'checkout', '--', 'README.md');
    write(main, 'new.txt', 'untracked in MAIN, same name\n');
    const again = await mergeIntoMain(main, opts());
    expect(again).toMatchObject({ ok: false, error: { kind: 'main-moved' } });
    expect(!again.ok && again.error.message).toContain('new.txt');
    expect(read(main, 'new.txt')).toBe('untracked in MAIN, same name\n');
  });

  it('merges past an uncommitted edit it does not touch, and keeps it', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    write(main, 'README.md', '# edited in MAIN\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await mergeIntoMain(main, opts());
    expect(r).toMatchObject({ ok: true, value: { strategy: 'fast-forward' } });
    expect(read(main, 'README.md')).toBe('# edited in MAIN\n');
    expectNothingLost(before, { [main]: ['feature.txt'] });
  });

  it('refuses a detached MAIN', async () => {
    const { main, lane } = makeMainAndLane();
    commitIn(lane, 'feature.txt', 'feature\n');
    git(main, 'checkout', '-q', '--detach');
    const head = headOf(main);
    const r = await mergeIntoMain(main, opts());
    expect(r).toMatchObject({ ok: false, error: { kind: 'main-moved' } });
    expect(headOf(main)).toBe(head);
  });

  it('throws a GitError when a hook refuses the merge commit, with MAIN as it was', async () => {
    const { main, lane } = makeMainAndLane();
    write(main, '.git/hooks/pre-merge-commit', '#!/bin/sh\necho "merges into MAIN go through Grove" >&2\nexit 1\n');
    chmodSync(join(main, '.git/hooks/pre-merge-commit'), 0o755);
    commitIn(lane, 'feature.txt', 'feature\n');
    const head = commitIn(main, 'hotfix.txt', 'fix\n');
    const before = snapshotRepo(main, [main, lane]);
    await expect(mergeIntoMain(main, opts())).rejects.toThrow(GitError);
    expect(headOf(main)).toBe(head);
    expect(isMerging(main)).toBe(false);
    expectNothingLost(before);
  });

  it('fails with a clear error when MAIN\'s directory is missing', async () => {
    const { main } = makeMainAndLane();
    rmSync(main, { recursive: true, force: true });
    await expect(mergeIntoMain(main, opts())).rejects.toThrow(WorktreeMissingError);
  });
});

describe('rollbackMain', () => {
  /** A lane merged into MAIN, and a snapshot from before the merge: a rollback must lose nothing from it. */
  async function merged(strategy: MergeIntoMainOptions['strategy'] = 'no-ff') {
    const ml = makeMainAndLane();
    commitIn(ml.lane, 'feature.txt', 'feature\n');
    const beforeMerge = snapshotRepo(ml.main, [ml.main, ml.lane]);
    const r = await mergeIntoMain(ml.main, opts({ strategy }));
    if (!r.ok) throw new Error(r.error.message);
    return { ...ml, ...r.value, beforeMerge };
  }

  it('puts MAIN back where it was before the merge, the lane\'s commits still on its branch', async () => {
    const { main, lane, mainBefore, mainAfter } = await merged('ff');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter });
    expect(r).toEqual({ ok: true, value: { head: mainBefore } });
    expect(headOf(main)).toBe(mainBefore);
    expect(existsSync(join(main, 'feature.txt'))).toBe(false);
    expectNothingLost(before, { [main]: ['feature.txt'] });
  });

  it('keeps an unrelated edit made in MAIN after the merge', async () => {
    const { main, lane, mainBefore, mainAfter, beforeMerge } = await merged();
    write(main, 'README.md', '# edited after the merge\n');
    write(main, 'scratch.txt', 'untracked\n');
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter });
    expectNothingLost(beforeMerge, { [main]: ['README.md', 'scratch.txt'] });
    expect(r).toEqual({ ok: true, value: { head: mainBefore } });
    expect(read(main, 'README.md')).toBe('# edited after the merge\n');
    expect(read(main, 'scratch.txt')).toBe('untracked\n');
    expect(git(lane, 'rev-parse', 'lane')).toBe(headOf(lane));
  });

  it('refuses when MAIN moved on since the merge', async () => {
    const { main, lane, mainBefore, mainAfter } = await merged();
    const moved = commitIn(main, 'later.txt', 'someone committed\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter });
    expect(r).toMatchObject({ ok: false, error: { kind: 'main-moved' } });
    expect(!r.ok && r.error.message).toContain(`git reset --keep ${mainBefore}`);
    expect(headOf(main)).toBe(moved);
    expectNothingLost(before);
  });

  it('goes back to the commit the host recorded, whatever an agent made the recovery ref say (it lives in refs every lane writes)', async () => {
    const { main, lane, mainBefore, mainAfter } = await merged('ff');
    const planted = commitIn(lane, 'planted.txt', 'never checked\n');
    git(main, 'update-ref', RECOVERY, planted);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter });
    expect(r).toEqual({ ok: true, value: { head: mainBefore } });
    expect(existsSync(join(main, 'planted.txt'))).toBe(false);
  });

  it('waits out another git holding MAIN\'s index for a moment, and says so if it never lets go', async () => {
    const { main, mainBefore, mainAfter } = await merged('ff');
    const lock = join(main, '.git', 'index.lock');
    write(main, '.git/index.lock', '');
    setTimeout(() => rmSync(lock, { force: true }), 500);
    expect(await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter })).toEqual({ ok: true, value: { head: mainBefore } });
    // Merged again, then a lock left behind for good (a crashed editor's).
    const again = await mergeIntoMain(main, opts({ strategy: 'ff', recoveryRef: `${RECOVERY}-2` }));
    if (!again.ok) throw new Error(again.error.message);
    write(main, '.git/index.lock', '');
    const stuck = await rollbackMain(main, { recoveryRef: `${RECOVERY}-2`, target: again.value.mainBefore, expectedHead: again.value.mainAfter });
    expect(stuck).toMatchObject({ ok: false, error: { kind: 'main-busy', message: expect.stringContaining('index.lock') } });
    expect(headOf(main)).toBe(again.value.mainAfter);
    rmSync(lock);
  });

  it('does not reset past a commit made while it waited for the index (the lock\'s holder was that commit)', async () => {
    const { main, lane, mainBefore, mainAfter } = await merged('ff');
    const lock = join(main, '.git', 'index.lock');
    write(main, '.git/index.lock', '');
    let committed = '';
    setTimeout(() => {
      rmSync(lock, { force: true });
      committed = commitIn(main, 'hotfix.txt', 'made in MAIN meanwhile\n');
    }, 300);
    const before = snapshotRepo(main, [main, lane]);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter, keepRef: 'refs/grove/rolled-back/x' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'main-moved' } });
    expect(headOf(main)).toBe(committed);
    expect(existsSync(join(main, 'hotfix.txt'))).toBe(true);
    expect(git(main, 'for-each-ref', 'refs/grove/rolled-back')).toBe('');
    expectNothingLost(before, { [main]: ['hotfix.txt'] });
  });

  /** MAIN tracks `before` as a file or `.env` as a placeholder; the lane makes room for untracked, ignored files there; merged. */
  async function mergedMakingRoom(change: 'file-to-folder' | 'untrack-env') {
    const ml = makeMainAndLane();
    if (change === 'file-to-folder') {
      commitIn(ml.main, 'uploads', 'a placeholder\n');
      git(ml.lane, 'merge', '-q', '--ff-only', 'main');
      git(ml.lane, 'rm', '-q', 'uploads');
      write(ml.lane, 'uploads/.gitignore', '*\n!.gitignore\n');
      git(ml.lane, 'add', '-f', 'uploads/.gitignore');
      git(ml.lane, 'commit', '-q', '-m', 'uploads become a folder');
    } else {
      commitIn(ml.main, '.env', 'SECRET=placeholder\n');
      git(ml.lane, 'merge', '-q', '--ff-only', 'main');
      git(ml.lane, 'rm', '-q', '--cached', '.env');
      write(ml.lane, '.gitignore', '.env\n');
      git(ml.lane, 'add', '.gitignore');
      git(ml.lane, 'commit', '-q', '-m', 'stop tracking .env');
    }
    const r = await mergeIntoMain(ml.main, opts({ strategy: 'ff' }));
    if (!r.ok) throw new Error(r.error.message);
    return { ...ml, ...r.value };
  }

  it('refuses when it would delete an ignored file in a folder the merge made of a file, changing nothing', async () => {
    const { main, lane, mainBefore, mainAfter } = await mergedMakingRoom('file-to-folder');
    write(main, 'uploads/photo.jpg', 'what the served app saved\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter, keepRef: 'refs/grove/rolled-back/x' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'would-lose-changes', message: expect.stringContaining('(uploads/photo.jpg)') } });
    expect(headOf(main)).toBe(mainAfter);
    expect(read(main, 'uploads/photo.jpg')).toBe('what the served app saved\n');
    expect(git(main, 'for-each-ref', 'refs/grove/rolled-back')).toBe('');
    expectNothingLost(before);
    // Moved aside, the rollback goes ahead.
    rmSync(join(main, 'uploads', 'photo.jpg'));
    expect(await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter })).toEqual({ ok: true, value: { head: mainBefore } });
    expect(read(main, 'uploads')).toBe('a placeholder\n');
  });

  it('refuses when it would overwrite an ignored file the merge stopped tracking (the real .env over its placeholder)', async () => {
    const { main, lane, mainBefore, mainAfter } = await mergedMakingRoom('untrack-env');
    expect(existsSync(join(main, '.env'))).toBe(false);
    write(main, '.env', 'SECRET=the real one\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter });
    expect(r).toMatchObject({ ok: false, error: { kind: 'would-lose-changes', message: expect.stringContaining('(.env)') } });
    expect(read(main, '.env')).toBe('SECRET=the real one\n');
    expect(headOf(main)).toBe(mainAfter);
    expectNothingLost(before);
    // The automatic rollback right after a failed gate: what is there, the gate wrote (its
    // build's output); it goes as it came.
    expect(await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter, gateJustRan: true })).toEqual({ ok: true, value: { head: mainBefore } });
    expect(read(main, '.env')).toBe('SECRET=placeholder\n');
  });

  it('rolls back over ignored files the code before the merge has no file at', async () => {
    const { main, mainBefore, mainAfter } = await mergedMakingRoom('untrack-env');
    write(main, 'uploads-elsewhere/cache.bin', 'ignored, in nobody\'s way\n');
    write(main, '.git/info/exclude', 'uploads-elsewhere/\n');
    expect(await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter })).toEqual({ ok: true, value: { head: mainBefore } });
    expect(read(main, 'uploads-elsewhere/cache.bin')).toBe('ignored, in nobody\'s way\n');
  });

  it('refuses when it would overwrite an edit to a merged file, changing nothing', async () => {
    const { main, lane, mainBefore, mainAfter } = await merged();
    write(main, 'feature.txt', 'edited in MAIN after the merge\n');
    const before = snapshotRepo(main, [main, lane]);
    const r = await rollbackMain(main, { recoveryRef: RECOVERY, target: mainBefore, expectedHead: mainAfter });
    expect(r).toMatchObject({ ok: false, error: { kind: 'would-lose-changes' } });
    expect(!r.ok && r.error.message).toContain('(feature.txt)');
    expect(headOf(main)).toBe(mainAfter);
    expectNothingLost(before);
  });
});
