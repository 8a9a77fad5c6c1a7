import { describe, expect, it } from 'vitest';
import type { CallError } from '../../../../src/shared/client/host-connection';
import type { Lane, MergeCheck, MergeRecord } from '../../../../src/shared/lanes';
import type { ParamsOf, ResultOf } from '../../../../src/shared/methods';
import type { Result } from '../../../../src/shared/result';
import { describeHiddenSession, isReadyToMerge, MergeSessions } from '../../../../src/renderer/lane-panel/merge-sessions';

const lane: Lane = {
  id: 'l1',
  repoId: 'r1',
  name: 'fix',
  path: '/tmp/flower-fix',
  branch: 'fix',
  kind: 'ephemeral',
  createdAt: '2026-01-01T00:00:00Z',
  status: 'ok',
  adoptable: false,
  port: 41000,
  keyless: false,
  setup: 'done',
  served: null,
  network: null,
};
const record: MergeRecord = {
  id: 'm1',
  repoId: 'r1',
  laneId: 'l1',
  laneName: 'fix',
  branch: 'fix',
  strategy: 'fast-forward',
  mainBefore: 'a'.repeat(40),
  mainAfter: 'b'.repeat(40),
  recoveryRef: 'refs/grove/recovery/main/x',
  state: 'merged',
  agents: [],
  gateOutput: null,
  at: '2026-01-01T00:00:00Z',
};
const passing: MergeCheck[] = (['lane-clean', 'main-clean', 'ahead', 'conflicts'] as const).map((name) => ({ name, ok: true, message: `${name} ok`, detail: [] }));

type Answer = Result<ResultOf<'lanes.merge'>, CallError>;

/** A host whose answers the test gives, one request at a time, in the order it chooses. */
function fakeHost() {
  const asked: { params: ParamsOf<'lanes.merge'>; answer: (a: Answer) => void }[] = [];
  const sessions = new MergeSessions((params) => new Promise<Answer>((resolve) => asked.push({ params, answer: resolve })));
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { sessions, asked, settle };
}

describe('MergeSessions', () => {
  it('opens with the preflight, then merges when every check passed', async () => {
    const { sessions, asked, settle } = fakeHost();
    sessions.open(lane, ['old-job']);
    expect(sessions.getSnapshot().l1?.step).toEqual({ kind: 'checking' });
    expect(asked[0]?.params).toEqual({ id: 'l1', dryRun: true });
    asked[0]!.answer({ ok: true, value: { checks: passing, merge: null, laneRemoved: false } });
    await settle();
    expect(isReadyToMerge(sessions.getSnapshot().l1!.step)).toBe(true);

    void sessions.merge('l1');
    expect(sessions.getSnapshot().l1?.step).toEqual({ kind: 'merging' });
    expect(asked[1]?.params).toEqual({ id: 'l1' });
    asked[1]!.answer({ ok: true, value: { checks: passing, merge: record, laneRemoved: true } });
    await settle();
    expect(sessions.getSnapshot().l1?.step).toEqual({ kind: 'done', outcome: { kind: 'merged', merge: record, laneRemoved: true } });
    expect(sessions.getSnapshot().l1?.earlierJobIds).toEqual(['old-job']);
  });

  it('keeps the outcome of a merge whose lane (and panel) went away before the answer', async () => {
    const { sessions, asked, settle } = fakeHost();
    const detach = sessions.attachPanel('l1');
    sessions.open(lane, []);
    asked[0]!.answer({ ok: true, value: { checks: passing, merge: null, laneRemoved: false } });
    await settle();
    void sessions.merge('l1');
    // The host removes the ephemeral lane before it answers: the panel unmounts.
    detach();
    expect(sessions.getPanels().l1).toBeUndefined();
    asked[1]!.answer({ ok: true, value: { checks: passing, merge: record, laneRemoved: true } });
    await settle();
    const s = sessions.getSnapshot().l1;
    expect(s?.lane.name).toBe('fix');
    expect(s?.isShown).toBe(true);
    expect(s?.step.kind).toBe('done');
  });

  it('hides a running merge on close and shows a failed outcome again by itself', async () => {
    const { sessions, asked, settle } = fakeHost();
    sessions.open(lane, []);
    asked[0]!.answer({ ok: true, value: { checks: passing, merge: null, laneRemoved: false } });
    await settle();
    void sessions.merge('l1');
    sessions.close('l1');
    expect(sessions.getSnapshot().l1?.isShown).toBe(false);
    expect(describeHiddenSession(sessions.getSnapshot().l1!.step)).toBe('Merging into MAIN…');
    asked[1]!.answer({
      ok: false,
      error: { code: 'merge_gate_failed', message: "MAIN's gate failed", details: { merge: { ...record, state: 'rolled-back' }, output: 'broken', rolledBack: true } } as CallError,
    });
    await settle();
    const s = sessions.getSnapshot().l1!;
    expect(s.isShown).toBe(true);
    expect(describeHiddenSession(s.step)).toBe("MAIN's gate failed; MAIN was rolled back.");
  });

  it('forgets a closed session that is not merging', async () => {
    const { sessions, asked, settle } = fakeHost();
    sessions.open(lane, []);
    asked[0]!.answer({ ok: false, error: { code: 'disconnected', message: 'no such lane' } });
    await settle();
    expect(sessions.getSnapshot().l1?.step).toEqual({ kind: 'check-failed', message: 'no such lane' });
    sessions.close('l1');
    expect(sessions.getSnapshot().l1).toBeUndefined();
  });

  it('drops a late preflight answer meant for a session that was closed and opened again', async () => {
    const { sessions, asked, settle } = fakeHost();
    sessions.open(lane, []);
    sessions.close('l1');
    sessions.open(lane, []);
    const failing = passing.map((c) => (c.name === 'ahead' ? { ...c, ok: false } : c));
    asked[0]!.answer({ ok: true, value: { checks: failing, merge: null, laneRemoved: false } });
    await settle();
    expect(sessions.getSnapshot().l1?.step).toEqual({ kind: 'checking' });
    asked[1]!.answer({ ok: true, value: { checks: passing, merge: null, laneRemoved: false } });
    await settle();
    expect(isReadyToMerge(sessions.getSnapshot().l1!.step)).toBe(true);
  });

  it('shows a running merge again instead of starting a second one', async () => {
    const { sessions, asked, settle } = fakeHost();
    sessions.open(lane, []);
    asked[0]!.answer({ ok: true, value: { checks: passing, merge: null, laneRemoved: false } });
    await settle();
    void sessions.merge('l1');
    sessions.close('l1');
    sessions.open(lane, []);
    expect(asked).toHaveLength(2);
    expect(sessions.getSnapshot().l1).toMatchObject({ isShown: true, step: { kind: 'merging' } });
    void sessions.merge('l1');
    expect(asked).toHaveLength(2);
  });

  it('counts panels: a lane shown twice keeps its panel until both are gone', () => {
    const { sessions } = fakeHost();
    const a = sessions.attachPanel('l1');
    const b = sessions.attachPanel('l1');
    a();
    expect(sessions.getPanels().l1).toBe(1);
    b();
    expect(sessions.getPanels().l1).toBeUndefined();
  });
});
