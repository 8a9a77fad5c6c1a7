import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, trackedRig, MIKE, type BriefRig } from '../../../fixtures/brief-service';
import { project } from '../../../../src/host/briefs/projection';
import { formatStamp } from '../../../../src/host/briefs/hybrid-clock';
import { uuidv7 } from '../../../../src/host/ids';
import type { Brief, BriefEntry } from '../../../../src/shared/briefs';

/**
 * Brief numbers once sync is on (docs/sync.md, Brief numbers): a brief is provisional until the
 * shared store's `numbered` entry reaches it; the shared number outranks every local one, and a
 * provisional brief in its way moves aside with this host's `renumbered` entry.
 */
afterEach(closeRigs);
function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const create = (rig: BriefRig, title: string): Brief => must(rig.service.create({ title, kind: 'feature', spec: '', projects: [] }, MIKE, 'ui')).brief;

/** The entry the shared store writes when it numbers a brief, stamped by the pushing host's clock (`ms`). */
function numbered(briefId: string, number: number, ms: number, store?: string): BriefEntry {
  return { id: uuidv7(ms), briefId, seq: 0, kind: 'numbered', actor: { kind: 'system', name: 'grove' }, channel: 'automatic', at: new Date(ms).toISOString(), hlc: formatStamp(ms, 0, 'pusher'), payload: store === undefined ? { number } : { number, store }, redacted: null };
}

const listed = (rig: BriefRig) => new Map(rig.store.list({ limit: 100 }).briefs.map((b) => [b.id, { number: b.number, provisional: b.numberProvisional }]));

function expectFoldsItsTrace(rig: BriefRig): void {
  for (const id of rig.store.ids()) expect(project(rig.store.trace(id), rig.store.numberSource())).toEqual(rig.store.get(id));
}

describe('brief numbers with sync', () => {
  it('with sync off nothing is provisional, as before', () => {
    const rig = trackedRig();
    const b = create(rig, 'local');
    expect(b).toMatchObject({ number: 1, numberProvisional: false });
    expect(listed(rig).get(b.id)).toEqual({ number: 1, provisional: false });
  });

  it('a brief made with sync on is provisional until its numbered entry, then keeps the shared number', () => {
    const rig = trackedRig({ sync: true });
    const b = create(rig, 'made offline');
    expect(b).toMatchObject({ number: 1, numberProvisional: true });
    expect(listed(rig).get(b.id)).toEqual({ number: 1, provisional: true });
    // The shared store gave it #4 (three briefs of other hosts came first).
    must(rig.service.importEntries([numbered(b.id, 4, Date.now())], { origin: 'shared' }));
    expect(rig.store.get(b.id)).toMatchObject({ number: 4, numberProvisional: false });
    expect(rig.store.resolve('#4')?.id).toBe(b.id);
    expect(rig.store.resolve('#1')).toBeNull();
    // Later writes keep it.
    must(rig.service.append('#4', { kind: 'note', text: 'still #4' }, MIKE, 'ui'));
    expect(rig.store.get(b.id)).toMatchObject({ number: 4, numberProvisional: false });
    expect(rig.store.trace(b.id).map((e) => e.kind)).toContain('numbered');
    expectFoldsItsTrace(rig);
  });

  it('a shared number held here by a provisional brief moves that brief aside', () => {
    const rig = trackedRig({ sync: true });
    const mine = create(rig, 'mine, #1 here');
    const other = trackedRig({ sync: true, node: 'other' });
    const remote = must(other.service.create({ title: 'remote', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    // The shared store numbered the other host's brief #1 first; both reach this host in one pull.
    const r = must(rig.service.importEntries([...remote.entries, numbered(remote.brief.id, 1, Date.parse(remote.entries[0]!.at) + 1)], { origin: 'shared' }));
    const got = (id: string) => rig.store.get(id)!;
    expect(got(remote.brief.id)).toMatchObject({ number: 1, numberProvisional: false });
    expect(got(mine.id)).toMatchObject({ number: 2, numberProvisional: true });
    expect(r.renumbered).toEqual([{ briefId: mine.id, from: 1, to: 2 }]);
    expect(rig.store.resolve('#1')?.id).toBe(remote.brief.id);
    expect(rig.store.resolve('#2')?.id).toBe(mine.id);
    // Then mine's first push: the store numbers it #2, and it keeps that.
    must(rig.service.importEntries([numbered(mine.id, 2, Date.now())], { origin: 'shared' }));
    expect(got(mine.id)).toMatchObject({ number: 2, numberProvisional: false });
    expectFoldsItsTrace(rig);
  });

  it('a shared number outranks the renumbering this host wrote before it arrived, though the pusher\'s clock stamped it earlier', () => {
    // This host's clock is 10 minutes ahead of the other's.
    const rig = trackedRig({ sync: true, wall: () => Date.now() + 600_000 });
    const mine = create(rig, 'mine, #1 here');
    const other = trackedRig({ sync: true, node: 'other' });
    const remote = must(other.service.create({ title: 'remote', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    // A pull batch ends after the remote brief's created: its #1 is taken here, so it moves to #2 for now.
    must(rig.service.importEntries(remote.entries, { origin: 'shared' }));
    expect(rig.store.get(remote.brief.id)).toMatchObject({ number: 2, numberProvisional: true });
    const renumbering = rig.store.trace(remote.brief.id).find((e) => e.kind === 'renumbered')!;
    // The next batch: the store had numbered it #1, stamped by the other host's clock, before this host's renumbering.
    const shared = numbered(remote.brief.id, 1, Date.parse(remote.entries[0]!.at) + 1);
    expect(shared.hlc < renumbering.hlc).toBe(true);
    must(rig.service.importEntries([shared], { origin: 'shared' }));
    expect(rig.store.get(remote.brief.id)).toMatchObject({ number: 1, numberProvisional: false });
    expect(rig.store.get(mine.id)).toMatchObject({ number: 3, numberProvisional: true });
    expect(rig.store.resolve('#1')?.id).toBe(remote.brief.id);
    expectFoldsItsTrace(rig);
  });

  it('two provisional briefs whose shared numbers are each other\'s swap in one pull, with no renumbering', () => {
    const rig = trackedRig({ sync: true });
    const one = create(rig, 'one');
    const two = create(rig, 'two');
    const r = must(rig.service.importEntries([numbered(one.id, 2, Date.now()), numbered(two.id, 1, Date.now() + 1)], { origin: 'shared' }));
    expect(r.renumbered).toEqual([]);
    expect([rig.store.get(one.id)!.number, rig.store.get(two.id)!.number]).toEqual([2, 1]);
    expectFoldsItsTrace(rig);
  });

  it('sync off keeps the shared numbers and makes nothing provisional; on again, what the store has not numbered is provisional', () => {
    const rig = trackedRig({ sync: true });
    const shared = create(rig, 'shared');
    must(rig.service.importEntries([numbered(shared.id, 1, Date.now())], { origin: 'shared' }));
    const offline = create(rig, 'not pushed yet');
    expect(listed(rig).get(offline.id)).toEqual({ number: 2, provisional: true });
    rig.store.transaction(() => {
      rig.outbox.setEnabled(false);
      rig.store.refreshProvisional();
    });
    expect(listed(rig).get(shared.id)).toEqual({ number: 1, provisional: false });
    expect(listed(rig).get(offline.id)).toEqual({ number: 2, provisional: false });
    expect(create(rig, 'local again')).toMatchObject({ number: 3, numberProvisional: false });
    expectFoldsItsTrace(rig);
    rig.store.transaction(() => {
      rig.outbox.setEnabled(true);
      rig.store.refreshProvisional();
    });
    expect(rig.store.get(shared.id)!.numberProvisional).toBe(false);
    expect(rig.store.get(offline.id)!.numberProvisional).toBe(true);
    expectFoldsItsTrace(rig);
  });

  it('a numbered entry is never queued for the shared store', () => {
    const rig = trackedRig({ sync: true });
    const b = create(rig, 'x');
    const before = rig.outbox.waiting();
    must(rig.service.importEntries([numbered(b.id, 1, Date.now())], { origin: 'shared' }));
    rig.outbox.enqueueAll();
    expect(rig.outbox.waiting()).toBe(before);
  });
});

describe('brief numbers when sync is pointed at another shared store', () => {
  /** A rig counting numbers from store `s1`, with Z #1 and W #2 numbered there. */
  function onStoreOne() {
    const rig = trackedRig({ sync: true });
    rig.service.countNumbersFrom('s1');
    const z = create(rig, 'Z');
    const w = create(rig, 'W');
    // Stamped a minute ahead: store 1's pusher had a clock ahead of store 2's.
    must(rig.service.importEntries([numbered(z.id, 1, Date.now() + 60_000, 's1'), numbered(w.id, 2, Date.now() + 60_001, 's1')], { origin: 'shared' }));
    expect([rig.store.get(z.id), rig.store.get(w.id)].map((b) => [b!.number, b!.numberProvisional])).toEqual([[1, false], [2, false]]);
    return { rig, z, w };
  }

  it('another store\'s numbers stop counting: every brief is provisional, with the number it had, until the new store numbers it', () => {
    const { rig, z, w } = onStoreOne();
    rig.service.countNumbersFrom(null);
    expect(listed(rig).get(z.id)).toEqual({ number: 1, provisional: true });
    rig.service.countNumbersFrom('s2');
    expect(listed(rig).get(w.id)).toEqual({ number: 2, provisional: true });
    expectFoldsItsTrace(rig);
  });

  it('the new store\'s numbers win over the old store\'s: the brief holding one here moves aside, then takes its own, with no renumbering left over', () => {
    // The defect this fixes: store 2 says W #1, Z #2; the host ended with Z #2, W #3.
    const { rig, z, w } = onStoreOne();
    rig.service.countNumbersFrom('s2');
    const first = must(rig.service.importEntries([numbered(w.id, 1, Date.now() + 10, 's2')], { origin: 'shared' }));
    // Z held #1 only by store 1's word: it moves, still provisional; W is store 2's #1.
    expect(first.renumbered).toEqual([{ briefId: z.id, from: 1, to: 3 }]);
    expect(listed(rig).get(w.id)).toEqual({ number: 1, provisional: false });
    expect(listed(rig).get(z.id)).toEqual({ number: 3, provisional: true });
    must(rig.service.importEntries([numbered(z.id, 2, Date.now() + 11, 's2')], { origin: 'shared' }));
    expect(listed(rig).get(z.id)).toEqual({ number: 2, provisional: false });
    expect(rig.store.resolve('#1')?.id).toBe(w.id);
    expect(rig.store.resolve('#2')?.id).toBe(z.id);
    expectFoldsItsTrace(rig);
  });

  it('the current store\'s number decides whatever the stamps say; back on the first store, its numbers come back', () => {
    const { rig, z, w } = onStoreOne();
    rig.service.countNumbersFrom('s2');
    // Store 2's numbers are stamped before store 1's (its pusher's clock is behind).
    must(rig.service.importEntries([numbered(w.id, 1, Date.now() + 10, 's2'), numbered(z.id, 2, Date.now() + 11, 's2')], { origin: 'shared' }));
    expect(rig.store.trace(z.id).find((e) => e.kind === 'numbered' && e.payload?.store === 's2')!.hlc < rig.store.trace(z.id).find((e) => e.kind === 'numbered' && e.payload?.store === 's1')!.hlc).toBe(true);
    expect([listed(rig).get(z.id), listed(rig).get(w.id)]).toEqual([{ number: 2, provisional: false }, { number: 1, provisional: false }]);
    expectFoldsItsTrace(rig);
    // Pointed at a third store: the numbers shown stay (store 2's, the last to arrive), provisional.
    rig.service.countNumbersFrom('s3');
    expect([listed(rig).get(z.id), listed(rig).get(w.id)]).toEqual([{ number: 2, provisional: true }, { number: 1, provisional: true }]);
    expectFoldsItsTrace(rig);
    // Pointed back at store 1 (which this host reached): store 1's numbers, in one change.
    rig.service.countNumbersFrom('s1');
    expect([listed(rig).get(z.id), listed(rig).get(w.id)]).toEqual([{ number: 1, provisional: false }, { number: 2, provisional: false }]);
    expectFoldsItsTrace(rig);
  });

  it('a provisional brief holding the number a store gave before moves aside when that store counts again', () => {
    const { rig, z } = onStoreOne();
    rig.service.countNumbersFrom('s2');
    must(rig.service.importEntries([numbered(z.id, 5, Date.now() + 10, 's2')], { origin: 'shared' }));
    // While store 2 counts, another host's brief, #1 there, arrives before its number and keeps #1 here (Z left it for #5).
    const other = trackedRig({ sync: true, node: 'other' });
    const remote = must(other.service.create({ title: 'made on store 2', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    must(rig.service.importEntries(remote.entries, { origin: 'shared' }));
    const fresh = rig.store.get(remote.brief.id)!;
    expect(fresh).toMatchObject({ number: 1, numberProvisional: true });
    rig.service.countNumbersFrom('s1');
    expect(listed(rig).get(z.id)).toEqual({ number: 1, provisional: false });
    expect(listed(rig).get(fresh.id)!.provisional).toBe(true);
    expect(listed(rig).get(fresh.id)!.number).not.toBe(1);
    expectFoldsItsTrace(rig);
  });

  it('a numbered entry without a store (from before stores had identities) counts for any store', () => {
    const rig = trackedRig({ sync: true });
    rig.service.countNumbersFrom('s1');
    const b = create(rig, 'old');
    must(rig.service.importEntries([numbered(b.id, 1, Date.now() + 60_000)], { origin: 'shared' }));
    rig.service.countNumbersFrom('s2');
    expect(listed(rig).get(b.id)).toEqual({ number: 1, provisional: false });
    expectFoldsItsTrace(rig);
    // The store's own number, once it names the store, decides over the old one stamped later.
    must(rig.service.importEntries([numbered(b.id, 7, Date.now() + 30_000, 's2')], { origin: 'shared' }));
    expect(listed(rig).get(b.id)).toEqual({ number: 7, provisional: false });
    expectFoldsItsTrace(rig);
  });
});
