import { describe, expect, it } from 'vitest';
import type { MergeCheck, MergeRecord } from '../../../../src/shared/lanes';
import { canCommitAndMerge, mergeOutcomeOf } from '../../../../src/renderer/lanes/merge-outcome';

const record: MergeRecord = {
  id: 'm1',
  repoId: 'r1',
  laneId: 'l1',
  laneName: 'bad',
  branch: 'bad',
  strategy: 'fast-forward',
  mainBefore: 'a'.repeat(40),
  mainAfter: 'b'.repeat(40),
  recoveryRef: 'refs/grove/recovery/main/x',
  state: 'rolled-back',
  agents: [],
  gateOutput: 'BROKEN is here',
  at: '2025-01-01T00:00:00Z',
};
const check = (name: MergeCheck['name'], ok: boolean, detail: string[] = []): MergeCheck => ({ name, ok, message: `${name} ${ok ? 'ok' : 'failed'}`, detail });

describe('mergeOutcomeOf', () => {
  it('reads a merge', () => {
    expect(mergeOutcomeOf({ ok: true, value: { checks: [], merge: { ...record, state: 'merged' }, laneRemoved: true } })).toMatchObject({ kind: 'merged', laneRemoved: true });
  });

  it('reads a failed gate, rolled back or waiting for the operator', () => {
    const error = { code: 'merge_gate_failed' as const, message: "MAIN's gate failed", details: { merge: record, output: 'BROKEN is here', rolledBack: true } };
    expect(mergeOutcomeOf({ ok: false, error })).toEqual({ kind: 'gate-failed', message: "MAIN's gate failed", merge: record, output: 'BROKEN is here', isRolledBack: true });
    const waiting = { ...error, details: { ...error.details, merge: { ...record, state: 'awaiting-rollback' }, rolledBack: false } };
    expect(mergeOutcomeOf({ ok: false, error: waiting })).toMatchObject({ kind: 'gate-failed', isRolledBack: false });
  });

  it('reads a refusal with its checks, and shows unexpected details by their message alone', () => {
    const checks = [check('lane-clean', false, ['a.txt'])];
    expect(mergeOutcomeOf({ ok: false, error: { code: 'merge_preflight_failed', message: 'cannot', details: { checks } } })).toEqual({ kind: 'refused', message: 'cannot', checks });
    expect(mergeOutcomeOf({ ok: false, error: { code: 'merge_gate_failed', message: 'odd', details: { nope: 1 } } })).toEqual({ kind: 'error', message: 'odd' });
  });

  it('says a lost answer leaves the merge unknown', () => {
    expect(mergeOutcomeOf({ ok: false, error: { code: 'disconnected', message: 'The connection closed.' } })).toMatchObject({ kind: 'unknown' });
  });
});

describe('canCommitAndMerge', () => {
  it('offers to commit only when the lane has uncommitted paths', () => {
    expect(canCommitAndMerge([check('lane-clean', false, ['a.txt']), check('ahead', false)])).toBe(true);
    expect(canCommitAndMerge([check('lane-clean', false)])).toBe(false); // on the wrong branch: committing would not help
    expect(canCommitAndMerge([check('lane-clean', true), check('conflicts', false, ['x'])])).toBe(false);
  });
});
