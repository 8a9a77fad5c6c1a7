import { describe, expect, it } from 'vitest';
import { claimOf, dispatchLine, isCancellable, mergeDispatch } from '../../../../src/renderer/briefs/dispatch/dispatch-line';
import type { Claim, Dispatch } from '../../../../src/shared/dispatch';

function dispatch(o: Partial<Dispatch> = {}): Dispatch {
  return {
    id: 'd1',
    briefId: 'b1',
    briefNumber: 12,
    briefTitle: 'Fix it',
    repoId: 'r1',
    targetLaneId: null,
    laneId: null,
    laneName: null,
    agentId: null,
    agentName: null,
    preset: 'claude',
    command: null,
    args: [],
    role: 'worker',
    phase: 'build',
    designFirst: false,
    auto: false,
    wave: 1,
    state: 'queued',
    reason: null,
    requestedBy: { kind: 'operator', name: 'operator:mike' },
    createdAt: '2026-12-03T10:00:00.000Z',
    startedAt: null,
    endedAt: null,
    ...o,
  };
}

describe('a dispatch’s line', () => {
  it('before its lane and agent exist: what was asked, when', () => {
    const line = dispatchLine(dispatch({ state: 'waiting', auto: true, reason: 'waits until #12 is planned (it is draft)' }));
    expect(line).toEqual({
      state: 'waiting',
      tone: 'pending',
      reason: 'waits until #12 is planned (it is draft)',
      lane: 'new ephemeral lane',
      agent: 'Claude Code',
      phase: 'build',
      wave: 'wave 1',
      moment: { verb: 'requested (auto)', at: '2026-12-03T10:00:00.000Z' },
    });
    expect(dispatchLine(dispatch({ targetLaneId: 'l1' })).lane).toBe('a standing lane');
  });

  it('running: its lane, its agent with the agent kind, the design pass, the wave, when it started', () => {
    const line = dispatchLine(
      dispatch({ state: 'running', laneId: 'l9', laneName: 'brief-12-fix-it', agentId: 'a1', agentName: 'brief-12-worker', preset: 'codex', phase: 'design', wave: 2, startedAt: '2026-12-03T10:01:00.000Z' }),
    );
    expect(line).toMatchObject({ tone: 'active', lane: 'brief-12-fix-it', agent: 'brief-12-worker (Codex)', phase: 'design pass', wave: 'wave 2', moment: { verb: 'started', at: '2026-12-03T10:01:00.000Z' } });
  });

  it('ended: a failure is red with its reason, a cancel is quiet, a finish is good; the custom command is named', () => {
    const failed = dispatchLine(dispatch({ state: 'failed', reason: 'the lane could not be made: branch exists', endedAt: '2026-12-03T10:02:00.000Z' }));
    expect(failed).toMatchObject({ tone: 'bad', reason: 'the lane could not be made: branch exists', moment: { verb: 'failed', at: '2026-12-03T10:02:00.000Z' } });
    expect(dispatchLine(dispatch({ state: 'cancelled', endedAt: '2026-12-03T10:03:00.000Z' }))).toMatchObject({ tone: 'quiet', moment: { verb: 'cancelled' } });
    expect(dispatchLine(dispatch({ state: 'finished', startedAt: 'x', endedAt: '2026-12-03T10:04:00.000Z' }))).toMatchObject({ tone: 'good', moment: { verb: 'ended' } });
    expect(dispatchLine(dispatch({ preset: 'custom', command: 'node fake.mjs' })).agent).toBe('custom: node fake.mjs');
  });

  it('can be cancelled only while it has not started its agent', () => {
    expect(['waiting', 'queued', 'starting', 'running', 'finished', 'failed', 'cancelled'].filter((state) => isCancellable({ state: state as Dispatch['state'] }))).toEqual(['waiting', 'queued']);
  });
});

describe('laying a dispatch into the list', () => {
  it('replaces the one with its id, adds a new one, newest first', () => {
    const older = dispatch({ id: 'd1', createdAt: '2026-12-03T10:00:00.000Z' });
    const newer = dispatch({ id: 'd2', createdAt: '2026-12-03T11:00:00.000Z' });
    const shown = mergeDispatch([older], newer);
    expect(shown.map((d) => d.id)).toEqual(['d2', 'd1']);
    const moved = mergeDispatch(shown, { ...older, state: 'running' });
    expect(moved.map((d) => [d.id, d.state])).toEqual([
      ['d2', 'queued'],
      ['d1', 'running'],
    ]);
  });

  it('takes what arrives last, as the host told it', () => {
    const running = dispatch({ state: 'running' });
    expect(mergeDispatch([running], dispatch({ state: 'finished' }))[0]!.state).toBe('finished');
  });
});

describe('the brief’s claim', () => {
  it('is the one claim for this brief among those the host lists', () => {
    const mine: Claim = { briefId: 'b1', dispatchId: 'd1', agentId: 'a1', agentName: 'brief-12-worker', since: 'x', leaseUntil: 'y' };
    expect(claimOf([{ ...mine, briefId: 'b2', agentName: 'other' }, mine], 'b1')).toBe(mine);
    expect(claimOf([{ ...mine, briefId: 'b2' }], 'b1')).toBeNull();
  });
});
