import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import type { Dispatch, DispatchState } from '../../../../src/shared/dispatch';
import { ok } from '../../../../src/shared/result';
import type { BriefService } from '../../../../src/host/briefs/brief-service';
import type { BriefStore } from '../../../../src/host/briefs/brief-store';
import { CLAIM_RETRY_MS, DispatchService } from '../../../../src/host/dispatch/dispatch-service';
import type { DispatchStore } from '../../../../src/host/dispatch/dispatch-store';
import type { EventLog } from '../../../../src/host/events/event-log';
import { SharedLeases, type SharedClaimPort } from '../../../../src/host/dispatch/shared-leases';
import type { AcquireOutcome } from '../../../../src/host/sync/shared-claims';

/**
 * The dispatch service's side of the shared claims, with the store's answers scripted: what
 * a dispatch sends the shared store (and what it does not) when it is cancelled, ends without
 * ever holding a claim, or has its agent resumed after it finished.
 */
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };
afterEach(() => vi.useRealTimers());

function rig(answer: () => AcquireOutcome, makeLane: () => Promise<unknown> = async () => ok({ id: 'l1', name: 'lane', path: '/tmp/none' }), startup?: Promise<void>) {
  const rows = new Map<string, Dispatch>();
  const store = {
    get: (id: string) => rows.get(id) ?? null,
    list: (o: { briefId?: string; states?: readonly DispatchState[] }) => [...rows.values()].filter((d) => (!o.briefId || d.briefId === o.briefId) && (!o.states || o.states.includes(d.state))).reverse(),
    save: (d: Dispatch) => void rows.set(d.id, d),
    claim: () => null,
    claims: () => [],
    transaction: <T>(fn: () => T) => fn(),
  } as unknown as DispatchStore;
  const sent: string[] = [];
  const notes: string[] = [];
  const stopped: string[] = [];
  const started: string[] = [];
  const port: SharedClaimPort = {
    isEnabled: () => true,
    leaseMs: 120_000,
    acquire: async (_b, h) => (sent.push(`acquire ${h.id}`), answer()),
    renew: async () => ({ kind: 'renewed' }),
    release: async (_b, h) => (sent.push(`release ${h.id}`), { kind: 'released' }),
  };
  const shared = new SharedLeases({ shared: port, origin: 'aaaaaaaaaaaa', store, timeoutMs: 10_000, lost: () => {}, logger, now: () => 0 });
  const brief = { id: 'b1', number: 7, title: 'T', status: 'planned', dependsOn: [], links: [], attachments: [], projects: [] };
  const service = new DispatchService({
    store,
    briefs: { record: (_id: string, build: (b: unknown) => { ok: boolean; value?: { payload: { text?: string } }[] }) => {
      const r = build(brief);
      for (const e of r.value ?? []) if (e.payload.text) notes.push(e.payload.text);
      return ok({});
    } } as unknown as BriefService,
    briefStore: { resolve: () => brief } as unknown as BriefStore,
    events: { append: () => {} } as unknown as EventLog,
    logger,
    repos: { list: () => [], get: () => undefined },
    lanes: { list: () => [], get: () => undefined, createEphemeral: () => makeLane() as never },
    agents: { start: () => (started.push('a1'), ok({ id: 'a1', name: 'agent-brief-7' } as AgentInfo)), isLive: (id) => !stopped.includes(id), stop: async (id) => void stopped.push(id), liveDispatched: () => [], launchRefusal: () => null },
    unconfinedReason: () => null,
    releaseClaim: () => {},
    placeAttachments: async () => [],
    config: () => ({ maxAgents: 4, onMerge: 'in_review' }),
    shared,
    now: () => new Date('2026-12-04T03:00:00Z'),
    ...(startup ? { startup } : {}),
  });
  const put = (d: Partial<Dispatch>): Dispatch => {
    const full = { id: 'd1', briefId: 'b1', briefNumber: 7, repoId: 'r1', laneId: null, targetLaneId: null, laneName: 'lane', agentId: null, agentName: null, preset: 'custom', wave: 1, phase: 'build', auto: false, state: 'queued', reason: null, requestedBy: { kind: 'operator', name: 'operator:ana' }, args: [], ...d } as Dispatch;
    rows.set(full.id, full);
    return full;
  };
  const settle = async () => {
    for (let i = 0; i < 30; i++) await Promise.resolve();
  };
  return { service, rows, sent, notes, stopped, started, put, settle, awaiting: () => (service as unknown as { awaitingStore: Set<string> }).awaitingStore };
}

describe('DispatchService with the shared store', () => {
  it('a dispatch waiting for an unreachable store and then cancelled: no longer asked about, its unanswered claim given back once, no retry left', async () => {
    vi.useFakeTimers();
    const r = rig(() => ({ kind: 'unreachable', message: 'did not answer within 10 s' }));
    r.put({ state: 'queued' });
    r.service.pump();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.rows.get('d1')).toMatchObject({ state: 'waiting', reason: expect.stringMatching(/^waiting for the shared store/) });
    expect(r.awaiting().has('d1')).toBe(true);
    expect(r.service.cancel('d1').ok).toBe(true);
    expect(r.awaiting().size).toBe(0);
    await vi.advanceTimersByTimeAsync(CLAIM_RETRY_MS * 3);
    // Asked once; the unanswered request given back once (the store may have granted it and
    // lost the answer); nothing more on cancelling (it held nothing here); never asked again.
    expect(r.sent).toEqual(['acquire d1', 'release d1']);
    expect(vi.getTimerCount()).toBe(0);
    await r.service.close();
  });

  it('a resumed agent of a finished dispatch takes the claim again before its dispatch counts as running', async () => {
    const r = rig(() => ({ kind: 'won', since: 'now' }));
    r.put({ state: 'finished', agentId: 'a1', agentName: 'agent-brief-7' });
    await r.service.agentRunning({ id: 'a1', name: 'agent-brief-7', dispatchId: 'd1' } as AgentInfo);
    expect(r.sent).toEqual(['acquire d1']);
    expect(r.rows.get('d1')).toMatchObject({ state: 'running', reason: 'agent-brief-7 runs again' });
  });

  it('a resumed agent whose brief another host holds now is stopped, naming the holder', async () => {
    const r = rig(() => ({ kind: 'held-by', name: 'agent-brief-7, dispatched by operator:bo', origin: 'bbbbbbbbbbbb', since: '2026-12-04T02:00:00.000Z' }));
    r.put({ state: 'finished', agentId: 'a1', agentName: 'agent-brief-7' });
    await r.service.agentRunning({ id: 'a1', name: 'agent-brief-7', dispatchId: 'd1' } as AgentInfo);
    expect(r.rows.get('d1')!.state).toBe('finished');
    expect(r.stopped).toEqual(['a1']);
    expect(r.notes.at(-1)).toBe('#7 is claimed on host bbbbbbbbbbbb by agent-brief-7, dispatched by operator:bo since 2026-12-04T02:00:00.000Z, so agent-brief-7 was stopped here: one claim per brief across every host. Resume it when that work ends.');
    // It held nothing: nothing is released.
    expect(r.sent).toEqual(['acquire d1']);
  });

  it('a running dispatch that finishes gives its claim back', async () => {
    const r = rig(() => ({ kind: 'won', since: 'now' }));
    r.put({ state: 'running', agentId: 'a1', agentName: 'agent-brief-7' });
    r.service.agentEnded('a1', 'agent-brief-7 exited (code 0)');
    await r.settle();
    expect(r.sent).toEqual(['release d1']);
    await r.service.close();
  });
});

describe('DispatchService: two reports of the same resumed run', () => {
  it('both take the claim under the dispatch; the dispatch runs once and the claim is not given back', async () => {
    const r = rig(() => ({ kind: 'won', since: 'now' }));
    r.put({ state: 'finished', agentId: 'a1', agentName: 'agent-brief-7' });
    const agent = { id: 'a1', name: 'agent-brief-7', dispatchId: 'd1' } as AgentInfo;
    await Promise.all([r.service.agentRunning(agent), r.service.agentRunning(agent)]);
    expect(r.rows.get('d1')!.state).toBe('running');
    expect(r.sent).toEqual(['acquire d1', 'acquire d1']);
  });
});

describe('DispatchService: a dispatch ended while it starts', () => {
  it('its claim lost while its lane is made: it stays finished, and no agent starts', async () => {
    let laneMade: (lane: unknown) => void = () => {};
    const r = rig(
      () => ({ kind: 'won', since: 'now' }),
      () => new Promise((resolve) => (laneMade = resolve)),
    );
    r.put({ state: 'queued' });
    r.service.pump();
    await r.settle();
    expect(r.rows.get('d1')!.state).toBe('starting');
    r.service.claimLost('d1', 'another host holds #7 now');
    laneMade(ok({ id: 'l1', name: 'lane', path: '/tmp/none' }));
    await r.settle();
    expect(r.rows.get('d1')).toMatchObject({ state: 'finished', reason: 'another host holds #7 now', laneId: null });
    expect(r.started).toEqual([]);
    await r.service.close();
  });

  it('starting throws (the lane cannot be made for a reason nobody answered as a refusal): it fails saying so, gives its claim back, and the next dispatch still starts', async () => {
    let lanes = 0;
    const r = rig(
      () => ({ kind: 'won', since: 'now' }),
      async () => {
        if (++lanes === 1) throw new Error('EIO: i/o error, mkdir /work/flower-lanes/fix-the-login-bug');
        return ok({ id: 'l2', name: 'lane-2', path: '/tmp/none' });
      },
    );
    r.put({ id: 'd1', state: 'queued', laneName: null, briefTitle: 'Fix the login bug' });
    r.put({ id: 'd2', state: 'queued', laneName: null, briefTitle: 'Fix the login bug' });
    r.service.pump();
    await (r.service as unknown as { pumping: Promise<void> }).pumping;
    expect(r.rows.get('d1')).toMatchObject({ state: 'failed', reason: 'Grove met an error while starting it: EIO: i/o error, mkdir /work/flower-lanes/fix-the-login-bug' });
    // The trace's note quotes no error: a lane's folder holds the title's words.
    expect(r.notes).toEqual(["Dispatch failed: Grove met an error while starting it (the host's log has it)"]);
    expect(r.sent).toEqual(['acquire d1', 'release d1', 'acquire d2']);
    expect(r.rows.get('d2')).toMatchObject({ state: 'running', agentId: 'a1' });
    await r.service.close();
  });

  it("starts nothing until the host's start brought its agents back, and a stop before then is not held up", async () => {
    let startedUp!: () => void;
    const r = rig(() => ({ kind: 'won', since: 'now' }), undefined, new Promise<void>((resolve) => (startedUp = resolve)));
    r.put({ state: 'queued' });
    r.service.pump();
    await r.settle();
    // Asked for (an open tab's request, say) while the previous host's agents are being resumed.
    expect(r.sent).toEqual([]);
    expect(r.rows.get('d1')!.state).toBe('queued');
    startedUp();
    await (r.service as unknown as { pumping: Promise<void> }).pumping;
    expect(r.sent).toEqual(['acquire d1']);
    expect(r.rows.get('d1')).toMatchObject({ state: 'running', agentId: 'a1' });
    await r.service.close();

    const never = rig(() => ({ kind: 'won', since: 'now' }), undefined, new Promise<void>(() => {}));
    never.put({ state: 'queued' });
    never.service.pump();
    await never.service.close();
    expect(never.sent).toEqual([]);
    expect(never.rows.get('d1')!.state).toBe('queued');
  });
});
