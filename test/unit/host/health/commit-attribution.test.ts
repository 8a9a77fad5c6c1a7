import { describe, expect, it } from 'vitest';
import { attributeCommits, mergesWithin } from '../../../../src/host/health/commit-attribution';
import { IncidentCommit } from '../../../../src/shared/incidents';
import type { CommitSummary, MergeRecord } from '../../../../src/shared/lanes';

/** Which Grove merge brought each commit into MAIN, or none (it bypassed Grove). */

const commit = (sha: string): CommitSummary => ({ sha, subject: `commit ${sha}`, author: 'Ada', date: '2026-03-01T10:00:00Z' });
function merge(id: string, o: Partial<MergeRecord> & Pick<MergeRecord, 'mainBefore' | 'mainAfter'>): MergeRecord {
  return {
    id,
    repoId: 'r1',
    laneId: `lane-${id}`,
    laneName: `lane-${id}`,
    branch: `branch-${id}`,
    strategy: 'fast-forward',
    recoveryRef: `refs/grove/recovery/main/${id}`,
    state: 'merged',
    gateOutput: null,
    agents: [`agent-${id}`],
    at: '2026-03-01T10:00:00Z',
    ...o,
  };
}

describe('commit attribution', () => {
  it('names the lane, branch and agents of the merge whose range holds the commit; null for the rest', () => {
    const m = merge('m1', { mainBefore: 'a', mainAfter: 'c' });
    const out = attributeCommits([commit('d'), commit('c'), commit('b')], [{ merge: m, shas: ['c', 'b'] }]);
    for (const c of out) IncidentCommit.parse(c);
    expect(out.map((c) => [c.sha, c.via])).toEqual([
      ['d', null],
      ['c', { mergeId: 'm1', laneName: 'lane-m1', branch: 'branch-m1', agents: ['agent-m1'] }],
      ['b', { mergeId: 'm1', laneName: 'lane-m1', branch: 'branch-m1', agents: ['agent-m1'] }],
    ]);
    expect(out[0]!.subject).toBe('commit d');
  });

  it('prefers the first merge that stayed merged over an earlier one that was rolled back', () => {
    const rolledBack = merge('m1', { mainBefore: 'a', mainAfter: 'b', state: 'rolled-back', at: '2026-03-01T10:00:00Z' });
    const again = merge('m2', { mainBefore: 'a', mainAfter: 'b', at: '2026-03-01T11:00:00Z' });
    const later = merge('m3', { mainBefore: 'b', mainAfter: 'c', at: '2026-03-01T12:00:00Z' });
    const out = attributeCommits([commit('b')], [
      { merge: later, shas: ['c', 'b'] },
      { merge: rolledBack, shas: ['b'] },
      { merge: again, shas: ['b'] },
    ]);
    expect(out[0]!.via!.mergeId).toBe('m2');
  });

  it('names a rolled-back merge when no other merge holds the commit', () => {
    const rolledBack = merge('m1', { mainBefore: 'a', mainAfter: 'b', state: 'rolled-back' });
    expect(attributeCommits([commit('b')], [{ merge: rolledBack, shas: ['b'] }])[0]!.via!.laneName).toBe('lane-m1');
  });

  it('looks only at merges whose result lies in the range, and not at empty ones', () => {
    const inside = merge('m1', { mainBefore: 'a', mainAfter: 'c' });
    const outside = merge('m2', { mainBefore: 'x', mainAfter: 'y' });
    const empty = merge('m3', { mainBefore: 'c', mainAfter: 'c' });
    expect(mergesWithin([inside, outside, empty], new Set(['b', 'c'])).map((m) => m.id)).toEqual(['m1']);
  });
});
