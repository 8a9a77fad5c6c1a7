import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../../src/shared/briefs';
import type { LaneRecord } from '../../../../src/host/lanes/lane-store';
import { closeRigs, MIKE, trackedRig } from '../../../fixtures/brief-service';
import { dispatchRig } from '../../../fixtures/dispatch-rig';

/**
 * A design pass and the build that follows its accepted plan, on real SQLite stores through
 * the real dispatch service and claims; only the lane (a standing one, already made) and the
 * agents (started and stopped in name) are stand-ins. The plan is proposed and accepted as
 * entries, and the acceptance is handed to the service as the host's event watcher does.
 */
afterEach(closeRigs);

/** The dispatch rig with a standing lane `work` of flower, named as the case reads it. */
function designRig() {
  const rig = trackedRig();
  const d = dispatchRig({ rig, lanes: new Map([['l1', { id: 'l1', name: 'work', kind: 'standing', repoId: 'r1', path: rig.dir } as LaneRecord]]) });
  return { ...rig, dispatcher: d.service, claims: d.claims, stopped: d.stoppedIds, agentExits: d.agentExits, running: d.running, ceilings: d.ceilings };
}

describe('design pass', () => {
  it('a design pass asked for after an earlier build: accepting its plan ends it, plans the brief and starts the build that follows', async () => {
    const r = designRig();
    const created = r.service.create({ title: 'Redo it', kind: 'feature', spec: 'First take.', projects: ['flower'] }, MIKE, 'ui');
    if (!created.ok) throw new Error(created.error.message);
    const briefId = created.value.brief.id;
    const dispatch = async (extra: { designFirst: boolean; auto: boolean }) => {
      const made = await r.dispatcher.create({ ref: briefId, lane: 'work', preset: 'shell', args: [], role: 'worker', ...extra }, MIKE, 'ui');
      if (!made.ok) throw new Error(made.error.message);
    };

    // Wave 1, a build: it claims the brief, works, and ends.
    await dispatch({ designFirst: false, auto: false });
    const build = await r.running(briefId, 1);
    expect((await r.claims.claim(briefId, build.agentId!)).ok).toBe(true);
    r.agentExits(build.agentId!);
    expect(r.store.resolve(briefId)!.status).toBe('in_progress');

    // Wave 2: the operator asks for a design pass before the next build, with auto-dispatch.
    await dispatch({ designFirst: true, auto: true });
    const design = await r.running(briefId, 2);
    expect(design.phase).toBe('design');
    expect((await r.claims.claim(briefId, design.agentId!)).ok).toBe(true);
    const designer: Actor = { kind: 'agent', name: design.agentName! };
    const proposed = r.service.append(briefId, { kind: 'plan_proposed', spec: 'Second take.', summary: 'the plan' }, designer, 'mcp');
    if (!proposed.ok) throw new Error(proposed.error.message);
    const accepted = r.service.append(briefId, { kind: 'plan_accepted', planEntryId: proposed.value.entries.at(-1)!.id }, MIKE, 'ui');
    if (!accepted.ok) throw new Error(accepted.error.message);
    r.dispatcher.planAccepted(briefId);

    // The design pass is over: finished, its agent stopped, its claim released; the brief planned.
    expect(r.dispatches.get(design.id)).toMatchObject({ state: 'finished', reason: 'its plan was accepted' });
    expect(r.stopped).toEqual([design.agentId]);
    expect(r.claims.holder(briefId)).toBeNull();
    const trace = r.store.trace(briefId);
    expect(trace.find((e) => e.kind === 'claim_released' && e.payload?.agent === design.agentName)?.payload).toMatchObject({ reason: "the design pass's plan was accepted" });
    expect(trace.find((e) => e.kind === 'status_change' && e.payload?.to === 'planned')).toMatchObject({ actor: { kind: 'system', name: 'dispatch' }, payload: { from: 'in_progress' } });
    // And its build follows, in the same lane.
    const next = await r.running(briefId, 3);
    expect(next).toMatchObject({ phase: 'build', auto: true, laneId: 'l1' });
    expect(r.store.resolve(briefId)!.status).toBe('planned');

    // Accepting a plan again (the build's, say) neither ends the build nor asks for another.
    r.dispatcher.planAccepted(briefId);
    expect(r.dispatches.get(next.id)!.state).toBe('running');
    expect(r.dispatches.list({ briefId }).map((d) => `${d.wave} ${d.phase} ${d.state}`)).toEqual(['3 build running', '2 design finished', '1 build finished']);
    await r.dispatcher.close();
  });

  it("asked for by an orchestrator kept off the network: its agent, and the build that follows its plan, are held to that ceiling", async () => {
    const r = designRig();
    const created = r.service.create({ title: 'Plan the beds', kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui');
    if (!created.ok) throw new Error(created.error.message);
    const briefId = created.value.brief.id;
    const orchestrator: Actor = { kind: 'agent', name: 'flower-orchestrator' };
    const made = await r.dispatcher.create({ ref: briefId, lane: 'work', preset: 'shell', args: [], role: 'worker', designFirst: true, auto: true }, orchestrator, 'mcp', { network: 'none', keyless: false, repoId: 'r1', withheld: [] });
    if (!made.ok) throw new Error(made.error.message);
    expect(made.value.dispatch.ceiling).toEqual({ network: 'none', keyless: false, repoId: 'r1', withheld: [] });
    const design = await r.running(briefId, 1);
    expect(r.ceilings.get(design.agentId!)).toEqual({ network: 'none', keyless: false, repoId: 'r1', withheld: [] });
    const proposed = r.service.append(briefId, { kind: 'plan_proposed', spec: 'Beds by the wall.', summary: 'the plan' }, { kind: 'agent', name: design.agentName! }, 'mcp');
    if (!proposed.ok) throw new Error(proposed.error.message);
    const accepted = r.service.append(briefId, { kind: 'plan_accepted', planEntryId: proposed.value.entries.at(-1)!.id }, MIKE, 'ui');
    if (!accepted.ok) throw new Error(accepted.error.message);
    r.dispatcher.planAccepted(briefId);
    const build = await r.running(briefId, 2);
    expect(build).toMatchObject({ phase: 'build', ceiling: { network: 'none', keyless: false, repoId: 'r1', withheld: [] } });
    expect(r.ceilings.get(build.agentId!)).toEqual({ network: 'none', keyless: false, repoId: 'r1', withheld: [] });
    // The operator's own dispatch carries none.
    const other = r.service.create({ title: 'Water the beds', kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui');
    if (!other.ok) throw new Error(other.error.message);
    r.agentExits(build.agentId!);
    const mine = await r.dispatcher.create({ ref: other.value.brief.id, lane: 'work', preset: 'shell', args: [], role: 'worker', designFirst: false, auto: false }, MIKE, 'ui');
    if (!mine.ok) throw new Error(mine.error.message);
    const started = await r.running(other.value.brief.id, 1);
    expect(r.ceilings.get(started.agentId!)).toBeNull();
    await r.dispatcher.close();
  });
});
