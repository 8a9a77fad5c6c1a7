import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPEN_DISPATCH_STATES, type Dispatch } from '../../../../src/shared/dispatch';
import { apiError, type ApiError } from '../../../../src/shared/errors';
import type { Lane } from '../../../../src/shared/lanes';
import type { Repo } from '../../../../src/shared/repo';
import { ok, type Result } from '../../../../src/shared/result';
import type { LaneRecord } from '../../../../src/host/lanes/lane-store';
import { closeRigs, MIKE } from '../../../fixtures/brief-service';
import { dispatchRig } from '../../../fixtures/dispatch-rig';
import { NARROWEST } from '../../../../src/host/confine/confine-ceiling';

/**
 * The dispatch service on real SQLite stores (briefs, dispatches, claims) with the real claim
 * book; the lanes and the agents are stand-ins that record what was asked of them. Each case
 * is a defect found in review: a second agent on a claimed brief (sync off), lookups that lost
 * old dispatches behind 500 newer ones, a dispatch started or failed while the host stopped,
 * a repository that overrode the brief's project, and messages that named one channel only.
 */
afterEach(closeRigs);

type Deferred<T> = { promise: Promise<T>; resolve(v: T): void };
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const must = <T>(r: Result<T, ApiError>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('one agent per brief, sync off', () => {
  it('refuses to dispatch a brief an agent started by hand has claimed, naming it and how to go on', async () => {
    const r = dispatchRig();
    const id = r.brief('Login');
    const claude3 = r.byHand('claude-3');
    must(await r.claims.claim('#1', claude3.id));

    const refused = await r.dispatch({ ref: '#1', lane: 'std' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: 'brief_claimed', details: { holder: 'claude-3' } });
    expect(refused.error.message).toMatch(/^#1 is claimed by claude-3 \(since .+\): one agent works on a brief at a time, so it was not dispatched\. /);
    expect(refused.error.message).toContain('Stop claude-3 first (grove agent stop claude-3, or Stop on its tab): its claim ends with it. Then dispatch #1 again.');
    expect(r.rig.dispatches.list({ briefId: id })).toEqual([]);
    expect(r.started).toEqual([]);

    // Once it has stopped (its claim ends with it), the dispatch goes.
    r.live.delete(claude3.id);
    r.claims.releaseAllOf(claude3.id, 'claude-3 exited (code 0)');
    const d = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    await r.settled(d.id, 'running');
    expect(r.started).toEqual(['claude-brief-1 in the lane']);
    await r.service.close();
  });

  it('fails a queued dispatch whose brief was claimed before it started, before making its lane', async () => {
    const r = dispatchRig();
    const id = r.brief('Queued');
    const d = must(await r.dispatch({ ref: '#1' })).dispatch;
    // Claimed before the pump started it (a claim create could not see: a dispatch queued before).
    const claude3 = r.byHand('claude-3');
    r.rig.dispatches.insertClaim({ briefId: id, dispatchId: null, agentId: claude3.id, agentName: 'claude-3', since: new Date().toISOString(), leaseUntil: new Date(Date.now() + 60_000).toISOString() });
    const failed = await r.settled(d.id, 'failed');
    expect(failed.reason).toMatch(/^#1 is claimed by claude-3 .*so no agent was started for this dispatch\. Stop claude-3 first/);
    expect(r.started).toEqual([]);
    expect(r.lanesMade).toEqual([]);
    expect(r.notes(id).at(-1)).toBe(`Dispatch failed: ${failed.reason}`);
    await r.service.close();
  });

  it('fails a dispatch whose brief was claimed while its lane was made, right before its agent would start', async () => {
    const lane = deferred<void>();
    const r = dispatchRig({
      makeLane: async (repoId, name) => {
        await lane.promise;
        return ok({ id: `l-${name}`, name, kind: 'ephemeral', repoId, path: '/lanes/x' } as unknown as Lane);
      },
    });
    const id = r.brief('Slow lane');
    const d = must(await r.dispatch({ ref: '#1' })).dispatch;
    await vi.waitFor(() => expect(r.lanesMade).toHaveLength(1));
    const claude3 = r.byHand('claude-3');
    r.rig.dispatches.insertClaim({ briefId: id, dispatchId: null, agentId: claude3.id, agentName: 'claude-3', since: new Date().toISOString(), leaseUntil: new Date(Date.now() + 60_000).toISOString() });
    lane.resolve();
    const failed = await r.settled(d.id, 'failed');
    expect(failed.reason).toContain('#1 is claimed by claude-3');
    expect(r.started).toEqual([]);
    await r.service.close();
  });

  it("resuming a finished dispatch's agent while another dispatch of the brief runs: not reopened, the agent stopped, a note says so", async () => {
    const r = dispatchRig();
    const id = r.brief('Twice');
    const d1 = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    const first = await r.settled(d1.id, 'running');
    r.live.delete(first.agentId!);
    r.service.agentEnded(first.agentId!, 'claude-brief-1 exited (code 0)');
    await r.settled(d1.id, 'finished');
    const d2 = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    const second = await r.settled(d2.id, 'running');

    // The operator resumes the first run.
    r.live.add(first.agentId!);
    await r.service.agentRunning(r.agents.get(first.agentId!)!);
    expect(r.rig.dispatches.list({ briefId: id, states: OPEN_DISPATCH_STATES }).map((d) => d.id)).toEqual([d2.id]);
    expect(r.stateOf(d1.id).state).toBe('finished');
    expect(r.stopped).toEqual(['claude-brief-1']);
    expect(r.live.has(second.agentId!)).toBe(true);
    const why = `#1 has another dispatch (wave 2, running, ${second.agentName}): one agent works on a brief at a time, so claude-brief-1 was stopped and its dispatch (wave 1) stays finished. To go on with claude-brief-1, stop ${second.agentName} first (grove agent stop ${second.agentName}, or Stop on its tab), then resume claude-brief-1.`;
    expect(r.notes(id).at(-1)).toBe(why);
    expect(r.stateOf(d1.id).reason).toBe(why);
    await r.service.close();
  });

  it("resuming a finished dispatch's agent after an agent started by hand claimed the brief: stopped, naming the holder", async () => {
    const r = dispatchRig();
    const id = r.brief('Taken over');
    const d1 = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    const first = await r.settled(d1.id, 'running');
    r.live.delete(first.agentId!);
    r.service.agentEnded(first.agentId!, 'claude-brief-1 exited (code 0)');
    await r.settled(d1.id, 'finished');
    const claude3 = r.byHand('claude-3');
    must(await r.claims.claim('#1', claude3.id));

    r.live.add(first.agentId!);
    await r.service.agentRunning(r.agents.get(first.agentId!)!);
    expect(r.stateOf(d1.id).state).toBe('finished');
    expect(r.stopped).toEqual(['claude-brief-1']);
    expect(r.notes(id).at(-1)).toMatch(/^#1 is claimed by claude-3 \(since .+\): one agent works on a brief at a time, so claude-brief-1 was stopped and its dispatch \(wave 1\) stays finished\. Stop claude-3 first .*Then resume claude-brief-1\.$/);
    await r.service.close();
  });

  it('a resumed agent whose brief nobody took meanwhile gets its dispatch back, as before', async () => {
    const r = dispatchRig();
    r.brief('Alone');
    const d1 = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    const first = await r.settled(d1.id, 'running');
    r.live.delete(first.agentId!);
    r.service.agentEnded(first.agentId!, 'claude-brief-1 exited (code 0)');
    await r.settled(d1.id, 'finished');
    r.live.add(first.agentId!);
    await r.service.agentRunning(r.agents.get(first.agentId!)!);
    expect(r.stateOf(d1.id)).toMatchObject({ state: 'running', reason: 'claude-brief-1 runs again' });
    expect(r.stopped).toEqual([]);
    await r.service.close();
  });
});

/** Finished dispatches of other briefs, newer than anything the test made before: what a host gathers over months. */
function manyFinished(r: ReturnType<typeof dispatchRig>, count: number): void {
  const base: Omit<Dispatch, 'id' | 'briefId' | 'targetLaneId' | 'laneId' | 'laneName' | 'state' | 'createdAt'> = {
    briefNumber: 99, briefTitle: 'Old work', repoId: 'r1', agentId: null, agentName: 'x', preset: 'claude', command: null, args: [], role: 'worker', phase: 'build',
    designFirst: false, auto: false, wave: 1, reason: 'it exited', requestedBy: MIKE, startedAt: '2030-01-01T00:00:00.000Z', endedAt: '2030-01-01T00:00:00.000Z',
  };
  r.rig.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      r.rig.dispatches.save({ ...base, id: `old-${i}`, briefId: `gone-${i}`, targetLaneId: null, laneId: `l-old-${i}`, laneName: `brief-99-old-${i}`, state: 'finished', createdAt: new Date(Date.parse('2030-01-01T00:00:00Z') + i).toISOString() });
    }
  })();
}

describe('lookups past 500 newer dispatches', () => {
  it("a running dispatch's lane is still its own, its merge found, and its agent counted against maxAgents", async () => {
    const r = dispatchRig({ maxAgents: 1 });
    const id = r.brief('Long running');
    const d = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    await r.settled(d.id, 'running');
    must(r.rig.service.append('#1', { kind: 'link_added', type: 'merge', target: 'm-1', label: 'merged into MAIN' }, MIKE, 'ui'));
    manyFinished(r, 501);

    expect(r.service.dispatchOfLane('r1', { id: 'l-std', name: 'std' })?.id).toBe(d.id);
    expect(r.service.dispatchOfLane('r1', { id: null, name: 'std' })?.id).toBe(d.id);
    expect(r.service.briefOfMerge('r1', 'm-1', 'std')).toBe(id);
    expect(r.service.briefOfMerge('r1', 'm-1', 'elsewhere')).toBeNull();
    // An ephemeral lane's finished dispatch still owns it (its merge comes after the agent ended).
    expect(r.service.dispatchOfLane('r1', { id: 'l-old-0', name: 'brief-99-old-0' })?.id).toBe('old-0');

    // One of one agents is at work: the next dispatch queues instead of starting a second.
    r.brief('Next');
    const next = must(await r.dispatch({ ref: '#2' })).dispatch;
    await vi.waitFor(() => expect(r.stateOf(next.id).reason).toMatch(/^queued: 1 of 1 dispatched agents of flower are at work/));
    expect(r.started).toHaveLength(1);
    await r.service.close();
  });

  it('the oldest queued dispatch starts though 500 newer ones wait', async () => {
    const r = dispatchRig();
    r.brief('First asked');
    const first = must(await r.dispatch({ ref: '#1' })).dispatch;
    await r.settled(first.id, 'running');
    // Put back to queued, as a host's stop leaves it; then 500 newer ones wait (their briefs are elsewhere).
    r.live.clear();
    r.rig.dispatches.save({ ...r.stateOf(first.id), state: 'queued', agentId: null, agentName: null, startedAt: null });
    const waiting = { ...r.stateOf(first.id), auto: true, state: 'waiting' as const, reason: 'waiting for #2 to be planned' };
    r.rig.db.transaction(() => {
      for (let i = 0; i < 500; i++) r.rig.dispatches.save({ ...waiting, id: `w-${i}`, briefId: `elsewhere-${i}`, createdAt: new Date(Date.parse('2030-01-01T00:00:00Z') + i).toISOString() });
    })();
    r.service.pump();
    await vi.waitFor(() => expect(r.stateOf(first.id).state).toBe('running'));
    await r.service.close();
  });
});

describe('a dispatch while the host stops', () => {
  it('goes back to queued with the lane it made, no failure written; the next host starts its agent in that lane', async () => {
    const lane = deferred<void>();
    const r = dispatchRig({
      makeLane: async (repoId, name) => {
        await lane.promise;
        return ok({ id: `l-${name}`, name, kind: 'ephemeral', repoId, path: '/lanes/made' } as unknown as Lane);
      },
    });
    const id = r.brief('Interrupted');
    const d = must(await r.dispatch({ ref: '#1' })).dispatch;
    await vi.waitFor(() => expect(r.lanesMade).toEqual(['brief-1-interrupted']));
    const closing = r.service.close();
    lane.resolve();
    await closing;
    expect(r.stateOf(d.id)).toMatchObject({ state: 'queued', laneId: 'l-brief-1-interrupted', laneName: 'brief-1-interrupted', startedAt: null, reason: 'the host stopped before its agent started; the next host starts it' });
    expect(r.started).toEqual([]);
    expect(r.notes(id)).toEqual([]);

    // The next host: it recovers what was starting (nothing) and starts the queued one, in the lane made.
    const next = dispatchRig({ rig: r.rig, lanes: r.lanes });
    next.service.recover();
    const running = await next.settled(d.id, 'running');
    expect(running).toMatchObject({ laneId: 'l-brief-1-interrupted', agentName: 'claude-brief-1' });
    expect(next.lanesMade).toEqual([]);
    expect(r.notes(id)).toEqual([]);
    await next.service.close();
  });

  it("an agent refused because the host's stop began (agents first) is no failure: the dispatch waits for the next host", async () => {
    const r = dispatchRig({ refuseStart: () => apiError('host_stopping', 'The host is stopping: claude-brief-1 was not started. Start it once a host is running (grove status).') });
    const id = r.brief('Refused at the door');
    const d = must(await r.dispatch({ ref: '#1', lane: 'std' })).dispatch;
    await vi.waitFor(() => expect(r.startsAsked()).toBe(1));
    await r.service.close();
    expect(r.stateOf(d.id)).toMatchObject({ state: 'queued', reason: 'the host stopped before its agent started; the next host starts it' });
    expect(r.notes(id)).toEqual([]);
  });
});

describe("a dispatch's wave", () => {
  it("counts the brief's dispatches on every host: one another host asked for (its request in the shared trace) makes this one wave 2, and its agent's name says so", async () => {
    const r = dispatchRig();
    const id = r.brief('Pink petals');
    // As a pull brings it: another host's request, with no dispatch record here.
    must(r.rig.service.record(id, () => ok([{ kind: 'dispatch_requested', payload: { dispatchId: 'other-host-dispatch', target: 'new ephemeral lane brief-1-pink-petals', preset: 'claude', role: 'worker', phase: 'build', designFirst: false, auto: false } }]), { kind: 'operator', name: 'operator:ana' }, 'ui'));
    const d = must(await r.dispatch({ ref: id })).dispatch;
    expect(d.wave).toBe(2);
    await r.settled(d.id, 'running');
    expect(r.stateOf(d.id).agentName).toBe('claude-brief-1-w2');
  });
});

describe('where a dispatch goes', () => {
  const repos = [{ id: 'r1', name: 'flower' }, { id: 'r2', name: 'api' }, { id: 'r3', name: 'flower' }] as Repo[];

  it("refuses a repository other than the brief's project's, naming both and how to fix it", async () => {
    const r = dispatchRig({ repos });
    r.brief('Flower work');
    for (const repoId of ['r2', 'api']) {
      const refused = await r.dispatch({ ref: '#1', repoId });
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error.code).toBe('dispatch_not_possible');
      expect(refused.error.message).toBe(
        `#1's project "flower" is the repository flower (r1), flower (r3), not api (r2), the one given: a repository is given only when the brief's project names none this host knows. Leave the repository out to dispatch #1 to flower, or change the brief's project first.`,
      );
    }
    // One of the project's repositories (two share its name): taken.
    expect(must(await r.dispatch({ ref: '#1', repoId: 'r3' })).dispatch.repoId).toBe('r3');
    // A project no repository is named for: the repository given is the one.
    r.brief('Elsewhere', ['elsewhere']);
    expect(must(await r.dispatch({ ref: '#2', repoId: 'r2' })).dispatch.repoId).toBe('r2');
    await r.service.close();
  });

  it("never guesses which of two repositories sharing the project's name: refused naming both, unless an id, or a standing lane only one of them has, says", async () => {
    const r = dispatchRig({ repos });
    r.brief('Flower work');
    const refused = await r.dispatch({ ref: '#1' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'dispatch_not_possible' } });
    expect(!refused.ok && refused.error.message).toBe(
      `#1's project "flower" is the name of several repositories here, flower (r1), flower (r3): name the repository (grove dispatch --repo, dispatch_brief's repo_id, dispatch.create's repoId), by its id.`,
    );
    const byName = await r.dispatch({ ref: '#1', repoId: 'flower' });
    expect(!byName.ok && byName.error.message).toBe('Several repositories are named flower: flower (r1), flower (r3). Give the one you mean by its id (grove repo list shows them).');
    expect(r.lanesMade).toEqual([]);
    r.lanes.set('l-beds', { id: 'l-beds', name: 'beds', kind: 'standing', repoId: 'r3', path: '/lanes/flower-beds' } as LaneRecord);
    expect(must(await r.dispatch({ ref: '#1', lane: 'beds' })).dispatch.repoId).toBe('r3');
    await r.service.close();
  });

  it('says how to fix it on every way in: the CLI flag and the MCP and API fields', async () => {
    const r = dispatchRig({ repos });
    r.brief('Nowhere', ['elsewhere']);
    const noRepo = await r.dispatch({ ref: '#1' });
    expect(!noRepo.ok && noRepo.error.message).toBe(
      `#1's project "elsewhere" is not a repository this host knows: add the repository (grove repo add PATH, named elsewhere), give the brief a project, or name the repository (grove dispatch --repo, dispatch_brief's repo_id, dispatch.create's repoId).`,
    );
    const noLane = await r.dispatch({ ref: '#1', repoId: 'r1', lane: 'nope' });
    expect(!noLane.ok && noLane.error).toMatchObject({
      code: 'lane_unknown',
      message: "No lane nope in flower: give a standing lane's name or id (grove lane list, or the cockpit's lanes, shows them), or leave the lane out for a new ephemeral lane.",
    });
    r.lanes.set('l-std-2', { id: 'l-std-2', name: 'std', kind: 'standing', repoId: 'r2', path: '/lanes/api-std' } as LaneRecord);
    const twoLanes = await r.dispatch({ ref: '#1', lane: 'std' });
    expect(!twoLanes.ok && twoLanes.error.message).toBe("Several repositories have a lane named std: name the repository (grove dispatch --repo, dispatch_brief's repo_id, dispatch.create's repoId) too.");
    const noCommand = await r.dispatch({ ref: '#1', repoId: 'r1', preset: 'custom' });
    expect(!noCommand.ok && noCommand.error.message).toBe("A custom agent needs its command: give it (grove dispatch --command PROGRAM, or dispatch.create's command), or pick a preset.");
    await r.service.close();
  });
});

describe('a dispatch a confined agent asked for (its ceiling)', () => {
  const ORCHESTRATOR = { kind: 'agent' as const, name: 'flower-orchestrator' };

  it('is refused, before any lane is made, where its agent would run unconfined; the operator’s is not', async () => {
    const r = dispatchRig({ unconfinedReason: () => 'grove.yaml turns confinement off (lanes.confine: false)' });
    const id = r.brief('Pick the apples');
    const refused = await r.service.create({ ref: id, preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', { network: 'none', keyless: false, repoId: 'r1', withheld: [] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'dispatch_not_possible' } });
    expect(!refused.ok && refused.error.message).toBe(
      "Its agent would run unconfined (grove.yaml turns confinement off (lanes.confine: false)), but a confined agent asked for it, and an agent cannot start one freer than itself. Ask the operator to dispatch #1 (the cockpit's Dispatch, or grove dispatch), which starts its agent as its lane says.",
    );
    expect(r.lanesMade).toEqual([]);
    expect(r.rig.dispatches.list({ briefId: id })).toEqual([]);
    // The operator's own dispatch goes ahead, as the lane says.
    const d = must(await r.dispatch({ ref: id })).dispatch;
    await r.settled(d.id, 'running');
    expect(r.ceilings.get(r.stateOf(d.id).agentId!)).toBeNull();
  });

  it('fails, with no lane made, if its repository turned confinement off while it waited', async () => {
    let off = false;
    const r = dispatchRig({ unconfinedReason: () => (off ? 'grove.yaml turns confinement off (lanes.confine: false)' : null) });
    const dep = r.brief('Dig the beds');
    const id = r.brief('Plant the beds');
    must(r.rig.service.append(id, { kind: 'dependency_added', on: dep }, MIKE, 'ui'));
    const d = must(await r.service.create({ ref: id, preset: 'claude', role: 'worker', designFirst: false, auto: true }, ORCHESTRATOR, 'mcp', { network: 'none', keyless: false, repoId: 'r1', withheld: [] })).dispatch;
    expect(d.state).toBe('waiting');
    off = true;
    // Its brief becomes ready: planned, its dependency done.
    must(r.rig.service.append(dep, { kind: 'status_change', to: 'done' }, MIKE, 'ui'));
    must(r.rig.service.append(id, { kind: 'status_change', to: 'planned' }, MIKE, 'ui'));
    r.service.briefsChanged();
    const failed = await r.settled(d.id, 'failed');
    expect(failed.reason).toBe('Its agent would run unconfined (grove.yaml turns confinement off (lanes.confine: false)), but a confined agent asked for it, and an agent cannot start one freer than itself');
    expect(r.lanesMade).toEqual([]);
    expect(r.startsAsked()).toBe(0);
  });
});

describe('a dispatch a key-less agent asked for', () => {
  const ORCHESTRATOR = { kind: 'agent' as const, name: 'flower-orchestrator' };
  const KEYLESS = { network: 'open' as const, keyless: true, repoId: 'r1', withheld: [] };

  it('gets a key-less lane of its own, and its agent the key-less ceiling', async () => {
    const r = dispatchRig();
    const id = r.brief('Sort the seeds');
    const d = must(await r.service.create({ ref: id, preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', KEYLESS)).dispatch;
    const running = await r.settled(d.id, 'running');
    expect(r.lanesMade).toEqual(['brief-1-sort-the-seeds (key-less)']);
    expect(r.ceilings.get(running.agentId!)).toEqual(KEYLESS);
    // The operator's dispatch gets a lane as the recipe says.
    const other = r.brief('Sow the seeds');
    const mine = must(await r.dispatch({ ref: other })).dispatch;
    await r.settled(mine.id, 'running');
    expect(r.lanesMade).toEqual(['brief-1-sort-the-seeds (key-less)', 'brief-2-sow-the-seeds']);
  });

  it("runs key-less in another repository than its asker's, whose keys were never the asker's, keyed asker or not", async () => {
    const lanes = new Map<string, LaneRecord>([['l-keyed', { id: 'l-keyed', name: 'keyed', kind: 'standing', repoId: 'r1', path: '/srv/flower-keyed', keyless: false } as LaneRecord]]);
    const r = dispatchRig({ lanes });
    const barn = { network: 'open' as const, keyless: false, repoId: 'r-barn', withheld: ['BARN_TOKEN'] };
    const id = r.brief('Sort the seeds');
    const refused = await r.service.create({ ref: id, lane: 'keyed', preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', barn);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'dispatch_not_possible' });
    expect(!refused.ok && refused.error.message).toContain('The lane keyed holds keys (it is not key-less), but an agent of another repository asked for it (in flower its agents run key-less), and an agent cannot start one freer than itself');
    const d = must(await r.service.create({ ref: id, preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', barn)).dispatch;
    const running = await r.settled(d.id, 'running');
    expect(r.lanesMade).toEqual(['brief-1-sort-the-seeds (key-less)']);
    expect(r.ceilings.get(running.agentId!)).toEqual(barn);
  });

  it('asked before dispatches kept their ceiling (held to the narrowest): runs, key-less, rather than never', async () => {
    const r = dispatchRig();
    const id = r.brief('Sort the seeds');
    const d = must(await r.service.create({ ref: id, preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', NARROWEST)).dispatch;
    const running = await r.settled(d.id, 'running');
    expect(r.lanesMade).toEqual(['brief-1-sort-the-seeds (key-less)']);
    expect(r.ceilings.get(running.agentId!)).toEqual(NARROWEST);
  });

  it('is refused a standing lane that holds keys, naming it, and takes a key-less one', async () => {
    const lanes = new Map<string, LaneRecord>([
      ['l-keyed', { id: 'l-keyed', name: 'keyed', kind: 'standing', repoId: 'r1', path: '/srv/flower-keyed', keyless: false } as LaneRecord],
      ['l-bare', { id: 'l-bare', name: 'bare', kind: 'standing', repoId: 'r1', path: '/srv/flower-bare', keyless: true } as LaneRecord],
    ]);
    const r = dispatchRig({ lanes });
    const id = r.brief('Sort the seeds');
    const refused = await r.service.create({ ref: id, lane: 'keyed', preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', KEYLESS);
    expect(refused).toMatchObject({ ok: false, error: { code: 'dispatch_not_possible' } });
    expect(!refused.ok && refused.error.message).toContain('The lane keyed holds keys (it is not key-less), but a key-less agent asked for it, and an agent cannot start one freer than itself: dispatch it to a key-less lane, or to a new one (no lane)');
    expect(r.rig.dispatches.list({ briefId: id })).toEqual([]);
    const d = must(await r.service.create({ ref: id, lane: 'bare', preset: 'claude', role: 'worker', designFirst: false, auto: false }, ORCHESTRATOR, 'mcp', KEYLESS)).dispatch;
    await r.settled(d.id, 'running');
  });
});
