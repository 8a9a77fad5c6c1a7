import { describe, expect, it } from 'vitest';
import { describeRecovery, type RecoveryFacts } from '../../../../src/host/health/incident-recovery';
import type { IncidentCommit } from '../../../../src/shared/incidents';
import type { MergeRecord } from '../../../../src/shared/lanes';

/** The one line that says how MAIN recovered. */

const sha = (c: string): string => c.repeat(40);
function merge(id: string, mainAfter: string, state: MergeRecord['state'] = 'merged'): MergeRecord {
  return {
    id,
    repoId: 'r1',
    laneId: null,
    laneName: id,
    branch: id,
    strategy: 'fast-forward',
    mainBefore: sha('0'),
    mainAfter,
    recoveryRef: 'refs/grove/recovery/main/x',
    state,
    gateOutput: null,
    agents: [],
    at: '2026-03-01T10:00:00Z',
  };
}
const via = (m: MergeRecord): IncidentCommit['via'] => ({ mergeId: m.id, laneName: m.laneName, branch: m.branch, agents: m.agents });
const commit = (c: string, m: MergeRecord | null): IncidentCommit => ({ sha: sha(c), subject: c, author: 'Ada', date: '2026-03-01T10:00:00Z', via: m && via(m) });
const facts = (o: Partial<RecoveryFacts>): RecoveryFacts => ({ headAtOpen: sha('a'), headNow: sha('a'), added: [], removed: [], merges: [], ...o });

describe('how MAIN recovered', () => {
  it('says MAIN did not change when the probes pass again at the same HEAD', () => {
    expect(describeRecovery(facts({}))).toBe('the probes pass again; MAIN did not change');
  });

  it('names the lane whose merge fixed it, with the merge result', () => {
    const fix = merge('fix-dispatch', sha('c'));
    expect(describeRecovery(facts({ headNow: sha('c'), added: [commit('c', fix), commit('b', fix)], merges: [fix] }))).toBe(
      `merge of lane fix-dispatch (${sha('c').slice(0, 12)})`,
    );
  });

  it('names several merges, and commits that bypassed Grove', () => {
    const one = merge('one', sha('c'));
    const two = merge('two', sha('e'));
    const added = [commit('f', null), commit('e', two), commit('c', one)];
    expect(describeRecovery(facts({ headNow: sha('f'), added, merges: [one, two] }))).toBe(
      `merges of lanes two (${sha('e').slice(0, 12)}), one (${sha('c').slice(0, 12)}) and 1 commit that bypassed Grove (${sha('f').slice(0, 12)})`,
    );
    expect(describeRecovery(facts({ headNow: sha('f'), added: [commit('f', null), commit('e', null)] }))).toBe(
      `2 commits that bypassed Grove (${sha('f').slice(0, 12)}, ${sha('e').slice(0, 12)})`,
    );
  });

  it('says a merge was rolled back, naming its lane, when MAIN went back to before it', () => {
    const bad = merge('bad', sha('a'), 'rolled-back');
    expect(describeRecovery(facts({ headNow: sha('0'), removed: [commit('a', bad)], merges: [bad] }))).toBe(
      `merge of lane bad (${sha('a').slice(0, 12)}) rolled back; MAIN back at ${sha('0').slice(0, 12)}`,
    );
  });

  it('says MAIN moved back some other way when no Grove rollback explains it', () => {
    const bad = merge('bad', sha('a'));
    expect(describeRecovery(facts({ headNow: sha('0'), removed: [commit('a', bad)], merges: [bad] }))).toBe(
      `MAIN moved back to ${sha('0').slice(0, 12)}, undoing merge of lane bad (${sha('a').slice(0, 12)})`,
    );
  });

  it('tells both when MAIN went back and then forward', () => {
    const bad = merge('bad', sha('a'), 'rolled-back');
    const fix = merge('fix', sha('d'));
    expect(describeRecovery(facts({ headNow: sha('d'), removed: [commit('a', bad)], added: [commit('d', fix)], merges: [bad, fix] }))).toBe(
      `merge of lane bad (${sha('a').slice(0, 12)}) rolled back, then merge of lane fix (${sha('d').slice(0, 12)})`,
    );
  });

  it('falls back to the two HEADs when git could not say what changed', () => {
    expect(describeRecovery(facts({ headNow: sha('9') }))).toBe(`MAIN moved from ${sha('a').slice(0, 12)} to ${sha('9').slice(0, 12)}`);
  });

  describe('with uncommitted edits in MAIN', () => {
    const edits = (...paths: string[]) => ({ files: paths.map((path) => ({ path, added: 1, removed: 0, untracked: true })), more: 0, diffTail: paths.join('\n') });
    it('says the edits were undone, not that MAIN did not change', () => {
      expect(describeRecovery(facts({ editsAtOpen: edits('BROKEN'), editsNow: null }))).toBe("the uncommitted edits in MAIN were undone (BROKEN); MAIN's HEAD did not change");
    });
    it('says which edits are left when some were', () => {
      expect(describeRecovery(facts({ editsAtOpen: edits('BROKEN', 'config.env'), editsNow: edits('config.env') }))).toBe(
        "the uncommitted edits in MAIN changed (now config.env); MAIN's HEAD did not change",
      );
    });
    it('adds the edits to a move of MAIN', () => {
      expect(describeRecovery(facts({ headNow: sha('b'), editsAtOpen: edits('BROKEN'), editsNow: null }))).toBe(
        `MAIN moved from ${sha('a').slice(0, 12)} to ${sha('b').slice(0, 12)}, and the uncommitted edits in MAIN were undone (BROKEN)`,
      );
    });
    it('says nothing of edits that stayed as they were', () => {
      expect(describeRecovery(facts({ editsAtOpen: edits('notes.txt'), editsNow: edits('notes.txt') }))).toBe('the probes pass again; MAIN did not change');
    });
  });
});
