import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Repo } from '../../../../src/shared/repo';
import type { Dispatch } from '../../../../src/shared/dispatch';
import type { Lane } from '../../../../src/shared/lanes';
import { err, type Result } from '../../../../src/shared/result';
import { apiError, type ApiError } from '../../../../src/shared/errors';
import { DispatchService } from '../../../../src/host/dispatch/dispatch-service';
import { renameInLaneJobs } from '../../../../src/host/dispatch/redacted-title';
import type { EventLog } from '../../../../src/host/events/event-log';
import { startJob } from '../../../../src/host/lanes/job-reporter';
import { closeRigs, trackedRig, MIKE, type BriefRig } from '../../../fixtures/brief-service';

/**
 * A redacted title and the copies dispatch made of it: the name of the ephemeral lane derived
 * from it, in the `dispatch requested` entry's target and in the dispatch record (and in the
 * reason of one whose lane could not be made), and the title itself in the record. Real SQLite
 * stores through the real services; only the lanes and agents are stand-ins (an auto dispatch
 * of a draft brief waits, so none is made; one that does not wait finds its lane refused).
 */
afterEach(closeRigs);
const SECRET_TITLE = 'Rotate key AKIAQ7SECRET now';
const SECRET_WORDS = /akiaq7secret/i;
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const exchange = (from: BriefRig, to: BriefRig) => must(to.service.importEntries(from.store.since(0, 10_000), { origin: 'shared' }));

/** A brief service and a dispatch service over one SQLite file, as the host builds them. `makeLane`: how a new lane is made (by default it is not). */
function dispatchRig(opts: { node?: string; sync?: boolean; makeLane?: (name: string, events: EventLog) => Promise<Result<Lane, ApiError>> } = {}) {
  const rig = trackedRig({ node: opts.node ?? 'n1', sync: opts.sync ?? false });
  const repo = { id: 'r1', name: 'flower' } as Repo;
  const service = new DispatchService({
    laneJobsRenamed: (from, to) => renameInLaneJobs(rig.db, from, to),
    store: rig.dispatches,
    briefs: rig.service,
    briefStore: rig.store,
    events: rig.events,
    logger,
    repos: { list: () => [repo], get: (id) => (id === repo.id ? repo : undefined) },
    lanes: { list: () => [], get: () => undefined, createEphemeral: (_repoId, name) => opts.makeLane?.(name, rig.events) ?? Promise.resolve(err(apiError('internal', 'no lanes here'))) },
    agents: { start: () => err(apiError('internal', 'no agents here')), isLive: () => false, stop: async () => {}, liveDispatched: () => [], launchRefusal: () => null },
    unconfinedReason: () => null,
    releaseClaim: () => {},
    placeAttachments: async () => [],
    config: () => ({ maxAgents: 3, onMerge: 'in_review' }),
    now: () => new Date('2026-12-05T10:00:00Z'),
  });
  /** Asked with auto-dispatch: a draft brief waits, so no lane is made. */
  const dispatch = async (ref: string): Promise<Dispatch> => must(await service.create({ ref, preset: 'shell', args: [], role: 'worker', designFirst: false, auto: true }, MIKE, 'ui')).dispatch;
  /** Asked without: its lane is made at once. */
  const dispatchNow = async (ref: string): Promise<Dispatch> => must(await service.create({ ref, preset: 'shell', args: [], role: 'worker', designFirst: false, auto: false }, MIKE, 'ui')).dispatch;
  return { ...rig, dispatcher: service, dispatch, dispatchNow };
}

const requestsOf = (r: BriefRig, briefId: string) => r.store.trace(briefId).filter((e) => e.kind === 'dispatch_requested');
/** Everything this host keeps that a reader reaches: the entries, the dispatch records, the event log. */
const everything = (r: ReturnType<typeof dispatchRig>) => JSON.stringify([r.store.since(0, 10_000), r.dispatches.list({}), r.events.since(0, 10_000)]);

describe('a redacted title and the dispatches that copied it', () => {
  it('renames the jobs that failed to make a lane of that name, and no other: a lane made keeps its name, its jobs with it', () => {
    const r = trackedRig({ node: 'n1', sync: false });
    const made = startJob(r.events, { kind: 'lane.create', repoId: 'r1', laneName: 'brief-1-pay-rent', title: 'Create lane brief-1-pay-rent' });
    made.finish(true, 'Lane brief-1-pay-rent is ready');
    const failed = startJob(r.events, { kind: 'lane.create', repoId: 'r1', laneName: 'brief-1-pay-rent-2', title: 'Create lane brief-1-pay-rent-2' });
    failed.finish(false, 'git worktree add /lanes/flower-brief-1-pay-rent-2 failed');
    startJob(r.events, { kind: 'lane.merge', repoId: 'r1', laneName: 'brief-1-pay-rent', title: 'Merge brief-1-pay-rent' }).finish(true, 'Merged brief-1-pay-rent into MAIN');
    renameInLaneJobs(r.db, 'brief-1-pay-rent', 'brief-1-redacted');
    const said = r.events.since(0, 10_000).events.flatMap((e) => (e.event.type === 'job.started' ? [e.event.job.title] : e.event.type === 'job.finished' ? [e.event.message] : []));
    expect(said).toEqual([
      'Create lane brief-1-pay-rent',
      'Lane brief-1-pay-rent is ready',
      'Create lane brief-1-redacted-2',
      'git worktree add /lanes/flower-brief-1-redacted-2 failed',
      'Merge brief-1-pay-rent',
      'Merged brief-1-pay-rent into MAIN',
    ]);
  });

  it("redacting the created entry: the request's lane name is tombstoned with it, the dispatch record is masked, the event log too", async () => {
    const r = dispatchRig({ sync: true });
    const created = must(r.service.create({ title: SECRET_TITLE, kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    const d = await r.dispatch(created.brief.id);
    expect(d).toMatchObject({ state: 'waiting', laneName: 'brief-1-rotate-key-akiaq7secret-now', briefTitle: SECRET_TITLE });
    const [request] = requestsOf(r, created.brief.id);
    expect(request!.payload).toMatchObject({ target: 'new ephemeral lane brief-1-rotate-key-akiaq7secret-now' });

    must(r.service.redact(created.brief.id, created.entries[0]!.id, 'a key', MIKE, 'ui'));
    const target = r.store.entry(created.entries[0]!.id)!;
    const now = r.store.entry(request!.id)!;
    expect(now.redacted).toEqual(target.redacted);
    expect(now.payload).toEqual({ ...request!.payload, target: 'new ephemeral lane' });
    expect(r.dispatches.get(d.id)).toMatchObject({ briefTitle: '[redacted]', laneName: 'brief-1-redacted', state: 'waiting' });
    expect(everything(r)).not.toMatch(SECRET_WORDS);
    // Its shared row is rewritten at the next push, as the other copies' are.
    expect(r.outbox.nextTombstones(10).sort()).toEqual([target.id, request!.id].sort());
    await r.dispatcher.close();
  });

  it("a lane named from the title that could not be made: the failure's reason and the job that tried lose the name with the title, and the trace's note never held it", async () => {
    // As the lane service makes it: a job whose events name the lane, and a hook that refuses.
    const r = dispatchRig({
      sync: true,
      makeLane: async (name, events) => {
        const job = startJob(events, { kind: 'lane.create', repoId: 'r1', laneName: name, title: `Create lane ${name}` });
        job.step(1, 2, 'pre-create: make deps');
        job.output(`make: cannot reach the mirror for ${name}\n`);
        job.finish(false, `pre-create "make deps" failed for ${name}; nothing was created`);
        return err(apiError('lane_setup_failed', `The pre-create hook "make deps" failed, so lane ${name} was not created:\nboom`));
      },
    });
    const created = must(r.service.create({ title: SECRET_TITLE, kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    const d = await r.dispatchNow(created.brief.id);
    await vi.waitFor(() => expect(r.dispatches.get(d.id)!.state).toBe('failed'));
    // The record tells the operator which lane it was, until the title is redacted.
    expect(r.dispatches.get(d.id)!.reason).toBe('The pre-create hook "make deps" failed, so lane brief-1-rotate-key-akiaq7secret-now was not created:\nboom');
    // The note is an entry, shared with every host: it says what failed without the title's words.
    const notes = r.store.trace(created.brief.id).filter((e) => e.kind === 'note');
    expect(notes.map((e) => e.payload!.text)).toEqual([`Dispatch failed: the brief's lane could not be made: The pre-create hook "make deps" failed, so lane brief-1-… was not created:\nboom`]);

    must(r.service.redact(created.brief.id, created.entries[0]!.id, 'a key', MIKE, 'ui'));
    expect(r.dispatches.get(d.id)).toMatchObject({
      state: 'failed',
      briefTitle: '[redacted]',
      laneName: 'brief-1-redacted',
      reason: 'The pre-create hook "make deps" failed, so lane brief-1-redacted was not created:\nboom',
    });
    const job = r.events.since(0, 10_000).events.find((e) => e.event.type === 'job.started' && e.event.job.kind === 'lane.create')!.event;
    expect(job).toMatchObject({ job: { laneName: 'brief-1-redacted', title: 'Create lane brief-1-redacted' } });
    expect(everything(r)).not.toMatch(SECRET_WORDS);
    await r.dispatcher.close();
  });

  it('a title redacted while its lane is being made, which then fails: the reason saved after the redaction names the lane as the record now does', async () => {
    let fail!: () => void;
    const r = dispatchRig({
      // As the lane service makes it: the job starts naming the lane, and goes on naming it
      // (its steps, its failure) after the redaction came.
      makeLane: (name, events) => {
        const job = startJob(events, { kind: 'lane.create', repoId: 'r1', laneName: name, title: `Create lane ${name}` });
        return new Promise((resolve) => {
          fail = () => {
            job.step(1, 1, `git worktree add /lanes/flower-${name}`);
            job.finish(false, `git worktree add /lanes/flower-${name} failed`);
            resolve(err(apiError('git_failed', `git worktree add /lanes/flower-${name} failed: fatal: cannot lock ref 'refs/heads/${name}'`)));
          };
        });
      },
    });
    const created = must(r.service.create({ title: SECRET_TITLE, kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    const d = await r.dispatchNow(created.brief.id);
    await vi.waitFor(() => expect(fail).toBeTypeOf('function'));
    must(r.service.redact(created.brief.id, created.entries[0]!.id, 'a key', MIKE, 'ui'));
    fail();
    await vi.waitFor(() => expect(r.dispatches.get(d.id)!.state).toBe('failed'));
    expect(r.dispatches.get(d.id)).toMatchObject({ laneName: 'brief-1-redacted', reason: "git worktree add /lanes/flower-brief-1-redacted failed: fatal: cannot lock ref 'refs/heads/brief-1-redacted'" });
    expect(everything(r)).not.toMatch(SECRET_WORDS);
    await r.dispatcher.close();
  });

  it('redacting a title change: only the requests named from that title; the record of an earlier title keeps its own', async () => {
    const r = dispatchRig();
    const created = must(r.service.create({ title: 'Pay the bills', kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    const first = await r.dispatch(created.brief.id);
    must(r.dispatcher.cancel(first.id));
    const renamed = must(r.service.append(created.brief.id, { kind: 'details_changed', title: SECRET_TITLE }, MIKE, 'ui')).entries.at(-1)!;
    const second = await r.dispatch(created.brief.id);
    must(r.service.redact(created.brief.id, renamed.id, 'a key', MIKE, 'ui'));

    const [before, after] = requestsOf(r, created.brief.id);
    expect(before).toMatchObject({ redacted: null, payload: { target: 'new ephemeral lane brief-1-pay-the-bills' } });
    expect(after).toMatchObject({ redacted: r.store.entry(renamed.id)!.redacted, payload: { target: 'new ephemeral lane' } });
    expect(r.dispatches.get(first.id)).toMatchObject({ briefTitle: 'Pay the bills', laneName: 'brief-1-pay-the-bills' });
    expect(r.dispatches.get(second.id)).toMatchObject({ briefTitle: '[redacted]', laneName: 'brief-1-redacted' });
    expect(everything(r)).not.toMatch(SECRET_WORDS);
    await r.dispatcher.close();
  });

  it('a dispatch after the redaction is named from the title as it now reads, and nothing more is tombstoned', async () => {
    const r = dispatchRig();
    const created = must(r.service.create({ title: SECRET_TITLE, kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    must(r.service.redact(created.brief.id, created.entries[0]!.id, 'a key', MIKE, 'ui'));
    const d = await r.dispatch(created.brief.id);
    expect(d).toMatchObject({ briefTitle: '[redacted]', laneName: 'brief-1-redacted' });
    expect(requestsOf(r, created.brief.id)[0]).toMatchObject({ redacted: null, payload: { target: 'new ephemeral lane brief-1-redacted' } });
    await r.dispatcher.close();
  });

  it('a request that reaches a store after the redaction (another host dispatched before it saw it) is tombstoned there too', async () => {
    const a = dispatchRig({ node: 'host-a', sync: true });
    const b = dispatchRig({ node: 'host-b', sync: true });
    const created = must(a.service.create({ title: SECRET_TITLE, kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    exchange(a, b);
    const d = await b.dispatch(created.brief.id);
    // A redacts without B's request; B's request then arrives at A.
    must(a.service.redact(created.brief.id, created.entries[0]!.id, 'a key', MIKE, 'ui'));
    exchange(b, a);
    const [request] = requestsOf(a, created.brief.id);
    expect(request).toMatchObject({ redacted: a.store.entry(created.entries[0]!.id)!.redacted, payload: { target: 'new ephemeral lane' } });
    expect(a.outbox.nextTombstones(10)).toContain(request!.id);
    expect(JSON.stringify(a.store.since(0, 10_000))).not.toMatch(SECRET_WORDS);
    // B applies the redaction it pulls: its request and its dispatch record go the same way.
    exchange(a, b);
    expect(b.dispatches.get(d.id)).toMatchObject({ briefTitle: '[redacted]', laneName: 'brief-1-redacted' });
    expect(everything(b)).not.toMatch(SECRET_WORDS);
    const forms = (r: BriefRig) => r.store.trace(created.brief.id).map((e) => [e.id, e.payload, e.redacted]).sort();
    expect(forms(b)).toEqual(forms(a));
    await a.dispatcher.close();
    await b.dispatcher.close();
  });

  it('a request whose name another readable title gives too is kept, alike where the redaction is made and where the request arrives later', async () => {
    const a = dispatchRig({ node: 'host-a', sync: true });
    const b = dispatchRig({ node: 'host-b', sync: true });
    const created = must(a.service.create({ title: 'Fix login', kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    // The same words, another title: the lane name does not tell them apart.
    const changed = must(a.service.append(created.brief.id, { kind: 'details_changed', title: 'Fix Login!' }, MIKE, 'ui')).entries.at(-1)!;
    exchange(a, b);
    await a.dispatch(created.brief.id); // named from the title as it reads: brief-1-fix-login
    await b.dispatch(created.brief.id);
    exchange(a, b); // b has a's request; a has not seen b's
    must(a.service.redact(created.brief.id, changed.id, 'a typo', MIKE, 'ui'));
    exchange(b, a);
    exchange(a, b);
    for (const r of [a, b]) expect(requestsOf(r, created.brief.id).map((e) => [e.redacted, e.payload])).toEqual([
      [null, expect.objectContaining({ target: 'new ephemeral lane brief-1-fix-login' })],
      [null, expect.objectContaining({ target: 'new ephemeral lane brief-1-fix-login' })],
    ]);
    const forms = (r: BriefRig) => r.store.trace(created.brief.id).map((e) => [e.id, e.payload, e.redacted]).sort();
    expect(forms(b)).toEqual(forms(a));
    await a.dispatcher.close();
    await b.dispatcher.close();
  });

  it('an import of a store that redacted the title reaches the requests its export still carries whole', async () => {
    const a = dispatchRig();
    const created = must(a.service.create({ title: SECRET_TITLE, kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    await a.dispatch(created.brief.id);
    const b = dispatchRig({ node: 'host-b' });
    // The export in the order an older store holds it: the redaction applied to the created entry only.
    must(a.service.redact(created.brief.id, created.entries[0]!.id, 'a key', MIKE, 'ui'));
    const exported = a.store.since(0, 10_000).map((e) => (e.kind === 'dispatch_requested' ? { ...e, redacted: null, payload: { ...e.payload!, target: 'new ephemeral lane brief-1-rotate-key-akiaq7secret-now' } } : e));
    must(b.service.importEntries(exported));
    expect(requestsOf(b, created.brief.id)[0]).toMatchObject({ payload: { target: 'new ephemeral lane' } });
    expect(JSON.stringify(b.store.since(0, 10_000))).not.toMatch(SECRET_WORDS);
    await a.dispatcher.close();
    await b.dispatcher.close();
  });
});
