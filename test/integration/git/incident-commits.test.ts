import { afterEach, describe, expect, it } from 'vitest';
import { commitsBetween, INCIDENT_COMMITS_MAX, mainHead } from '../../../src/host/health/incident-commits';
import { mergeIntoMain } from '../../../src/host/lanes/git/merge-into-main';
import type { MergeRecord } from '../../../src/shared/lanes';
import { git } from '../../fixtures/git-repo';
import { commitIn, headOf, makeMainAndLane } from '../../fixtures/lane-repo';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

/**
 * What reached MAIN between two HEADs, read from real git: commits merged from a lane
 * (a fast-forward and a merge commit) named by that lane's merge, a commit made in MAIN
 * directly named as bypassing Grove, and nothing for a range git cannot read.
 */
afterEach(removeTempDirs);

function record(id: string, laneName: string, mainBefore: string, mainAfter: string, at: string): MergeRecord {
  return {
    id,
    repoId: 'r1',
    laneId: null,
    laneName,
    branch: laneName,
    strategy: 'fast-forward',
    mainBefore,
    mainAfter,
    recoveryRef: `refs/grove/recovery/main/${id}`,
    state: 'merged',
    gateOutput: null,
    agents: ['worker'],
    at,
  };
}

describe('commits that reached MAIN', () => {
  it('attributes merged commits to their lane and the rest to nobody, newest first', async () => {
    const { main, lane, branch } = makeMainAndLane('feature');
    const healthy = headOf(main);
    commitIn(lane, 'a.txt', 'a\n', 'feature part 1');
    commitIn(lane, 'b.txt', 'b\n', 'feature part 2');
    const ff = await mergeIntoMain(main, { branch, strategy: 'ff', recoveryRef: 'refs/grove/recovery/main/1', message: 'merge' });
    if (!ff.ok) throw new Error(ff.error.message);
    const bypass = commitIn(main, 'hotfix.txt', 'x\n', 'hotfix in MAIN');
    commitIn(lane, 'c.txt', 'c\n', 'feature part 3');
    const merged = await mergeIntoMain(main, { branch, strategy: 'no-ff', recoveryRef: 'refs/grove/recovery/main/2', message: 'merge again' });
    if (!merged.ok) throw new Error(merged.error.message);
    const merges = [
      record('m2', 'feature', merged.value.mainBefore, merged.value.mainAfter, '2026-03-01T10:02:00Z'),
      record('m1', 'feature', ff.value.mainBefore, ff.value.mainAfter, '2026-03-01T10:01:00Z'),
      record('m0', 'old', 'f'.repeat(40), 'e'.repeat(40), '2026-03-01T09:00:00Z'), // not in range
    ];

    const commits = await commitsBetween(main, healthy, headOf(main), merges);
    // Commits made within one second have no order by date; the merge commit is the newest.
    expect(commits[0]!.subject).toBe('merge again');
    expect(Object.fromEntries(commits.map((c) => [c.subject, c.via?.mergeId ?? null]))).toEqual({
      'merge again': 'm2',
      'feature part 3': 'm2',
      'hotfix in MAIN': null,
      'feature part 2': 'm1',
      'feature part 1': 'm1',
    });
    expect(commits.find((c) => c.sha === bypass)).toMatchObject({ subject: 'hotfix in MAIN', author: 'Grove Test' });
    expect(commits[0]!.via).toEqual({ mergeId: 'm2', laneName: 'feature', branch: 'feature', agents: ['worker'] });

    // Reversed: what MAIN would lose going back to the healthy HEAD.
    expect(await commitsBetween(main, headOf(main), healthy, merges)).toEqual([]);
  });

  it('keeps the newest 50', async () => {
    const { main } = makeMainAndLane();
    const base = headOf(main);
    for (let i = 0; i < INCIDENT_COMMITS_MAX + 5; i++) git(main, 'commit', '-q', '--allow-empty', '-m', `c${i}`);
    const commits = await commitsBetween(main, base, headOf(main), []);
    expect(commits).toHaveLength(INCIDENT_COMMITS_MAX);
    expect(commits[0]!.subject).toBe(`c${INCIDENT_COMMITS_MAX + 4}`);
  });

  it('says nothing for a range it cannot read, or no range at all', async () => {
    const { main } = makeMainAndLane();
    expect(await commitsBetween(main, '0'.repeat(40), headOf(main), [])).toEqual([]);
    expect(await commitsBetween(main, null, headOf(main), [])).toEqual([]);
    expect(await commitsBetween(main, headOf(main), headOf(main), [])).toEqual([]);
  });

  it('reads MAIN’s HEAD, or null where there is none', async () => {
    const { main } = makeMainAndLane();
    expect(await mainHead(main)).toBe(headOf(main));
    const empty = makeTempDir();
    git(empty, 'init', '-q');
    expect(await mainHead(empty)).toBeNull();
    expect(await mainHead(`${empty}/gone`)).toBeNull();
  });
});
