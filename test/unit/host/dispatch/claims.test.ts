import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import type { Dispatch } from '../../../../src/shared/dispatch';
import { ClaimBook, LEASE_MS } from '../../../../src/host/dispatch/claims';
import { createDispatchStore } from '../../../../src/host/dispatch/dispatch-store';
import { SharedLeases, type SharedClaimPort } from '../../../../src/host/dispatch/shared-leases';
import type { AcquireOutcome } from '../../../../src/host/sync/shared-claims';
import { closeRigs, MIKE, trackedRig } from '../../../fixtures/brief-service';

/**
 * One claim per brief, on a real SQLite store: the first claimer wins, a second is refused
 * naming the holder, a claim whose agent is gone lapses, and every claim and release is an
 * entry of the brief, by the agent or by Grove.
 */
afterEach(closeRigs);

function agent(id: string, name: string): AgentInfo {
  return { id, name, role: 'worker', dispatchId: null, lanePath: '/lanes/x' } as AgentInfo;
}

type Dispatched = { own: Map<string, string>; ownState?: Map<string, string>; open: Map<string, { agentId: string | null; agentName: string | null; state: string }> };

function rig(live: Set<string>, clock = { t: Date.parse('2026-12-03T10:00:00Z') }, dispatched: Dispatched = { own: new Map(), open: new Map() }, shared?: SharedClaimPort) {
  const r = trackedRig();
  const store = createDispatchStore(r.db);
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };
  const leases = shared ? new SharedLeases({ shared, origin: 'aaaaaaaaaaaa', store, timeoutMs: 1000, lost: () => {}, logger, now: () => clock.t }) : undefined;
  const agents = new Map([agent('a1', 'claude-brief-1'), agent('a2', 'codex-brief-1')].map((a) => [a.id, a]));
  const claims = new ClaimBook({
    store,
    briefs: r.service,
    briefStore: r.store,
    agent: (id) => agents.get(id) ?? null,
    isLive: (id) => live.has(id),
    waveOf: () => null,
    dispatchedBrief: (a) => {
      const briefId = dispatched.own.get(a.id);
      return briefId ? { briefId, state: dispatched.ownState?.get(a.id) ?? 'running' } : null;
    },
    openDispatch: (briefId) => dispatched.open.get(briefId) ?? null,
    shared: leases,
    now: () => new Date(clock.t),
  });
  return { ...r, claims, dispatches: store, clock, agents };
}

describe('ClaimBook', () => {
  it('a lane\'s merge releases its own dispatch\'s claim, never the one another wave of the brief holds', async () => {
    const r = rig(new Set(['a1', 'a2']));
    const b = r.service.create({ title: 'Two waves', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!b.ok) throw new Error('create');
    // Wave 2's agent holds the brief; wave 1's lane (its dispatch and agent a1) is merged.
    expect((await r.claims.claim('#1', 'a2')).ok).toBe(true);
    r.claims.releaseFor(b.value.brief.id, { id: 'wave-1', agentId: 'a1' }, 'its lane was merged into MAIN');
    expect(r.claims.holder(b.value.brief.id)).toMatchObject({ agentId: 'a2' });
    // Wave 2's own lane merged: its claim goes, said so.
    r.claims.releaseFor(b.value.brief.id, { id: 'wave-2', agentId: 'a2' }, 'its lane was merged into MAIN');
    expect(r.claims.holder(b.value.brief.id)).toBeNull();
    const trace = r.store.trace(b.value.brief.id);
    expect(trace.filter((e) => e.kind === 'claim_released').map((e) => e.payload)).toEqual([expect.objectContaining({ agent: 'codex-brief-1', reason: 'its lane was merged into MAIN' })]);
  });

  it('an agent the operator took off a brief does not rejoin it by claiming it; dispatched to it, it does', async () => {
    const dispatched: Dispatched = { own: new Map(), open: new Map() };
    const r = rig(new Set(['a1']), undefined, dispatched);
    const b = r.service.create({ title: 'Taken off', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!b.ok) throw new Error('create');
    expect((await r.claims.claim('#1', 'a1')).ok).toBe(true);
    r.claims.release(b.value.brief.id, 'a1', 'its run ended');
    const off = r.service.append('#1', { kind: 'participant_left', name: 'claude-brief-1', reason: 'wrong approach' }, MIKE, 'ui');
    expect(off.ok).toBe(true);
    const again = await r.claims.claim('#1', 'a1');
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error).toMatchObject({ code: 'forbidden', message: 'The operator took you off #1; only the operator brings you back (adds you as a participant, or dispatches #1 to you).' });
    expect(r.store.resolve('#1')!.participants.find((p) => p.name === 'claude-brief-1')!.active).toBe(false);
    // The operator's dispatch of #1 to it brings it back.
    dispatched.own.set('a1', b.value.brief.id);
    expect((await r.claims.claim('#1', 'a1')).ok).toBe(true);
    expect(r.store.resolve('#1')!.participants.find((p) => p.name === 'claude-brief-1')!.active).toBe(true);
  });

  it('the first claimer wins; a second is refused naming the holder; claiming again is idempotent', async () => {
    const r = rig(new Set(['a1', 'a2']));
    const b = r.service.create({ title: 'One claim', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!b.ok) throw new Error('create');
    r.service.append(`#${b.value.brief.number}`, { kind: 'status_change', to: 'planned' }, MIKE, 'ui');
    const first = await r.claims.claim('#1', 'a1');
    expect(first.ok && first.value.already).toBe(false);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.brief.status).toBe('in_progress');
    expect(first.value.entries.map((e) => e.kind)).toEqual(['participant_joined', 'claimed', 'status_change']);

    const second = await r.claims.claim('#1', 'a2');
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.code).toBe('brief_claimed');
    expect(second.error.message).toContain('claimed by claude-brief-1');
    expect(second.error.details).toMatchObject({ holder: 'claude-brief-1' });

    const again = await r.claims.claim('#1', 'a1');
    expect(again.ok && again.value.already).toBe(true);
    expect(r.store.trace(b.value.brief.id).filter((e) => e.kind === 'claimed')).toHaveLength(1);
  });

  it('a claim another agent took between the look and the insert is refused naming that agent, and how to go on', async () => {
    const r = rig(new Set(['a1', 'a2']));
    const b = r.service.create({ title: 'Raced', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!b.ok) throw new Error('create');
    const since = new Date(r.clock.t).toISOString();
    r.dispatches.insertClaim({ briefId: b.value.brief.id, dispatchId: null, agentId: 'a2', agentName: 'codex-brief-1', since, leaseUntil: new Date(r.clock.t + LEASE_MS).toISOString() });
    // The claim book looks before the other's row is there, and inserts after it is.
    const { claim: realClaim, insertClaim: realInsert } = r.dispatches;
    let seen = false;
    r.dispatches.claim = (briefId) => (seen ? realClaim(briefId) : null);
    r.dispatches.insertClaim = (c) => ((seen = true), realInsert(c));
    const raced = await r.claims.claim('#1', 'a1');
    expect(raced.ok).toBe(false);
    if (raced.ok) return;
    expect(raced.error).toMatchObject({
      code: 'brief_claimed',
      message: '#1 was claimed by codex-brief-1 a moment ago; one claim per brief. Ask the operator, or wait until codex-brief-1 ends.',
      details: { holder: 'codex-brief-1', since },
    });
  });

  it('a claim whose agent is gone, or whose lease ran out, lapses: the next claimer takes it, and the trace says so', async () => {
    const live = new Set(['a1', 'a2']);
    const r = rig(live);
    r.service.create({ title: 'Lapse', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    expect((await r.claims.claim('#1', 'a1')).ok).toBe(true);
    // a1 is still live but its lease was not renewed (a host that stopped renewing).
    r.clock.t += LEASE_MS + 1;
    const taken = await r.claims.claim('#1', 'a2');
    expect(taken.ok).toBe(true);
    if (!taken.ok) return;
    expect(taken.value.entries.map((e) => e.kind)).toEqual(['claim_released', 'participant_joined', 'claimed']);
    expect(r.claims.holder(taken.value.brief.id)?.agentName).toBe('codex-brief-1');
  });

  it('renew keeps live agents\' claims and releases the rest with an entry', async () => {
    const live = new Set(['a1']);
    const r = rig(live);
    r.service.create({ title: 'Renew', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    const c = await r.claims.claim('#1', 'a1');
    if (!c.ok) throw new Error(c.error.message);
    r.clock.t += 30_000;
    r.claims.renew();
    expect(Date.parse(r.claims.holder(c.value.brief.id)!.leaseUntil)).toBe(r.clock.t + LEASE_MS);
    live.delete('a1');
    r.claims.renew();
    expect(r.claims.holder(c.value.brief.id)).toBeNull();
    const released = r.store.trace(c.value.brief.id).find((e) => e.kind === 'claim_released');
    expect(released).toMatchObject({ actor: { kind: 'system', name: 'claude-brief-1' }, channel: 'automatic', payload: { agent: 'claude-brief-1', reason: 'claude-brief-1 is no longer running' } });
  });

  it('refuses to claim a done brief, and a brief that does not exist', async () => {
    const r = rig(new Set(['a1']));
    r.service.create({ title: 'Done', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    r.service.append('#1', { kind: 'status_change', to: 'done' }, MIKE, 'ui');
    const done = await r.claims.claim('#1', 'a1');
    expect(!done.ok && done.error.message).toContain('#1 is done');
    const missing = await r.claims.claim('#9', 'a1');
    expect(!missing.ok && missing.error.code).toBe('brief_unknown');
  });

  it('an agent claims only the brief it was dispatched to, or, started by hand, a brief no dispatch carries', async () => {
    const dispatched: Dispatched = { own: new Map(), open: new Map() };
    const r = rig(new Set(['a1', 'a2']), undefined, dispatched);
    const a = r.service.create({ title: 'A', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    const b = r.service.create({ title: 'B', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!a.ok || !b.ok) throw new Error('create');
    // a1 was dispatched to #1; #2 is dispatched to someone not yet started.
    dispatched.own.set('a1', a.value.brief.id);
    dispatched.open.set(b.value.brief.id, { agentId: null, agentName: null, state: 'queued' });
    const elsewhere = await r.claims.claim('#2', 'a1');
    expect(!elsewhere.ok && elsewhere.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('You were dispatched to #1, not #2') });
    const byHand = await r.claims.claim('#2', 'a2');
    expect(!byHand.ok && byHand.error.message).toContain('#2 is dispatched to an agent about to start (queued)');
    expect(r.store.trace(b.value.brief.id).some((e) => e.kind === 'claimed')).toBe(false);
    // Its own brief, a1 claims even while its dispatch still names an earlier run (a recycle).
    dispatched.open.set(a.value.brief.id, { agentId: 'old-run', agentName: 'claude-brief-1', state: 'running' });
    expect((await r.claims.claim('#1', 'a1')).ok).toBe(true);
    // A brief no dispatch carries: an agent started by hand may take it.
    dispatched.open.delete(b.value.brief.id);
    expect((await r.claims.claim('#2', 'a2')).ok).toBe(true);
    // Its dispatch over (a design pass whose plan was accepted), a1 no longer claims #1.
    r.claims.release(a.value.brief.id, 'a1', 'plan accepted');
    dispatched.ownState = new Map([['a1', 'finished']]);
    const after = await r.claims.claim('#1', 'a1');
    expect(!after.ok && after.error).toMatchObject({ code: 'forbidden', message: 'Your dispatch of #1 has ended (finished); you no longer claim it. Ask the operator to dispatch it again.' });
  });

  it('with sync on, the shared store decides: nothing is written unless it grants the claim', async () => {
    const answers: AcquireOutcome[] = [
      { kind: 'unreachable', message: 'mysql://grove@db/grove did not answer within 10 s' },
      { kind: 'held-by', name: 'codex-brief-1, dispatched by operator:bo', origin: 'bbbbbbbbbbbb', since: '2026-12-03T09:00:00.000Z' },
      { kind: 'won', since: '2026-12-03T10:00:00.000Z' },
    ];
    const asked: { briefId: string; holder: unknown }[] = [];
    const shared: SharedClaimPort = {
      isEnabled: () => true,
      leaseMs: 120_000,
      acquire: async (briefId, holder) => (asked.push({ briefId, holder }), answers.shift()!),
      renew: async () => ({ kind: 'renewed' }),
      release: async () => ({ kind: 'released' }),
    };
    const r = rig(new Set(['a1']), undefined, undefined, shared);
    const b = r.service.create({ title: 'Shared', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!b.ok) throw new Error('create');

    const offline = await r.claims.claim('#1', 'a1');
    expect(offline.ok).toBe(false);
    if (offline.ok) return;
    expect(offline.error.code).toBe('claim_undecided');
    expect(offline.error.message).toBe("#1's claim is decided by the shared store, which cannot be reached now (mysql://grove@db/grove did not answer within 10 s); nothing was claimed. Try again in a moment.");

    const elsewhere = await r.claims.claim('#1', 'a1');
    expect(elsewhere.ok).toBe(false);
    if (elsewhere.ok) return;
    expect(elsewhere.error.code).toBe('brief_claimed');
    expect(elsewhere.error.message).toMatch(/^#1 is claimed on host bbbbbbbbbbbb by codex-brief-1, dispatched by operator:bo since 2026-12-03T09:00:00.000Z; one claim per brief across every host/);
    expect(r.claims.holder(b.value.brief.id)).toBeNull();
    expect(r.store.trace(b.value.brief.id).filter((e) => e.kind === 'claimed')).toHaveLength(0);

    const granted = await r.claims.claim('#1', 'a1');
    expect(granted.ok).toBe(true);
    expect(r.claims.holder(b.value.brief.id)?.agentId).toBe('a1');
    // An agent started by hand asks under its own id.
    expect(asked.at(-1)).toEqual({ briefId: b.value.brief.id, holder: { origin: 'aaaaaaaaaaaa', id: 'a1', name: 'claude-brief-1' } });
  });

  it('with sync on, a claim the agent already holds is answered from it: the store is not asked again, and one that stopped answering refuses nothing', async () => {
    const answers: AcquireOutcome[] = [
      { kind: 'won', since: '2026-12-03T10:00:00.000Z' },
      { kind: 'unreachable', message: 'mysql://grove@db/grove did not answer within 10 s' },
    ];
    let asked = 0;
    const shared: SharedClaimPort = {
      isEnabled: () => true,
      leaseMs: 120_000,
      acquire: async () => (asked++, answers.shift()!),
      renew: async () => ({ kind: 'renewed' }),
      release: async () => ({ kind: 'released' }),
    };
    const r = rig(new Set(['a1']), undefined, undefined, shared);
    const b = r.service.create({ title: 'Held', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!b.ok) throw new Error('create');
    const first = await r.claims.claim('#1', 'a1');
    expect(first.ok && first.value.already).toBe(false);
    // Each later recall claims again, and is answered here: the lease is renewed on its own timer, not by them.
    for (let i = 0; i < 3; i++) {
      const again = await r.claims.claim('#1', 'a1');
      expect(again.ok, again.ok ? '' : again.error.message).toBe(true);
      expect(again.ok && again.value).toMatchObject({ already: true, claim: { agentId: 'a1' }, entries: [] });
    }
    expect(asked).toBe(1);
    expect(r.claims.holder(b.value.brief.id)?.agentId).toBe('a1');
  });

  describe('with sync on, what changed while the shared store answered', () => {
    /** a1 dispatched to a new brief (#1) under d1, running; the store answers when the test says. */
    function waitingRig() {
      let answer: ((o: AcquireOutcome) => void) | null = null;
      const released: string[] = [];
      const shared: SharedClaimPort = {
        isEnabled: () => true,
        leaseMs: 120_000,
        acquire: () => new Promise((resolve) => (answer = resolve)),
        renew: async () => ({ kind: 'renewed' }),
        release: async (_briefId, holder) => (released.push(holder.id), { kind: 'released' }),
      };
      const dispatched: Dispatched = { own: new Map(), ownState: new Map([['a1', 'running']]), open: new Map() };
      const r = rig(new Set(['a1']), undefined, dispatched, shared);
      const b = r.service.create({ title: 'Decided late', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
      if (!b.ok) throw new Error('create');
      const briefId = b.value.brief.id;
      dispatched.own.set('a1', briefId);
      const d1 = {
        id: 'd1', briefId, briefNumber: 1, briefTitle: 'Decided late', repoId: 'r1', targetLaneId: 'l1', laneId: 'l1', laneName: 'work',
        agentId: 'a1', agentName: 'claude-brief-1', preset: 'claude', command: null, args: [], role: 'worker', phase: 'design',
        designFirst: true, auto: true, wave: 1, state: 'running', reason: null, requestedBy: MIKE,
        createdAt: '2026-12-03T09:59:00.000Z', startedAt: '2026-12-03T09:59:01.000Z', endedAt: null,
      } satisfies Dispatch;
      r.dispatches.save(d1);
      r.agents.get('a1')!.dispatchId = 'd1';
      /** The design pass's plan accepted, as DispatchService.planAccepted leaves it: finished, the brief planned. */
      const planAccepted = () => {
        r.dispatches.save({ ...d1, state: 'finished', reason: 'its plan was accepted' });
        dispatched.ownState!.set('a1', 'finished');
        r.service.append('#1', { kind: 'status_change', to: 'planned' }, MIKE, 'ui');
      };
      /** Once the claim has asked the store (it waits for the answer). */
      const asked = () => vi.waitFor(() => expect(answer).not.toBeNull());
      return { ...r, briefId, released, planAccepted, answer: (o: AcquireOutcome) => answer!(o), asked };
    }

    it('its dispatch ended (the plan accepted): the claim the store then grants is refused here and given back; the brief stays planned', async () => {
      const r = waitingRig();
      const pending = r.claims.claim('#1', 'a1');
      await r.asked();
      r.planAccepted();
      r.answer({ kind: 'won', since: '2026-12-03T10:00:00.000Z' });
      const out = await pending;
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.error).toMatchObject({ code: 'forbidden', message: 'Your dispatch of #1 has ended (finished); you no longer claim it. Ask the operator to dispatch it again.' });
      expect(r.claims.holder(r.briefId)).toBeNull();
      expect(r.store.trace(r.briefId).filter((e) => e.kind === 'claimed')).toHaveLength(0);
      expect(r.store.resolve('#1')!.status).toBe('planned');
      await vi.waitFor(() => expect(r.released).toEqual(['d1']));
    });

    it('a status the operator set meanwhile stands: the claim is taken, the brief not moved back to in_progress, and the dispatch keeps its grant', async () => {
      const r = waitingRig();
      const pending = r.claims.claim('#1', 'a1');
      await r.asked();
      r.service.append('#1', { kind: 'status_change', to: 'planned' }, MIKE, 'ui');
      r.answer({ kind: 'won', since: '2026-12-03T10:00:00.000Z' });
      const out = await pending;
      expect(out.ok && out.value.entries.map((e) => e.kind)).toEqual(['participant_joined', 'claimed']);
      expect(r.claims.holder(r.briefId)).toMatchObject({ agentId: 'a1', dispatchId: 'd1' });
      expect(r.store.resolve('#1')!.status).toBe('planned');
      await new Promise((resolve) => setImmediate(resolve));
      expect(r.released).toEqual([]);
    });
  });
});
