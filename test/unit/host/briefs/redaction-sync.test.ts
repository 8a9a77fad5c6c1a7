import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, trackedRig, MIKE, type BriefRig } from '../../../fixtures/brief-service';
import { WITHHELD_DIFF } from '../../../../src/host/briefs/redaction-spread';

/**
 * A redaction and the copies of its text on other stores (docs/sync.md, Redactions): what a
 * redaction tombstones here is queued (in the same transaction) for its shared row to be
 * rewritten, while sync is on; a copy that arrives after the redaction is tombstoned by its base.
 */
afterEach(closeRigs);
const SECRET = 'hunter2-secret-token';
function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const exchange = (from: BriefRig, to: BriefRig) => must(to.service.importEntries(from.store.since(0, 10_000), { origin: 'shared' }));

/** A writes a secret spec; B copies it (a snapshot, and a refinement whose diff holds it); A redacts the spec without having B's copies. */
function copiedThenRedacted(opts: { sync: boolean }) {
  const a = trackedRig({ node: 'host-a', sync: opts.sync });
  const b = trackedRig({ node: 'host-b', sync: opts.sync });
  const created = must(a.service.create({ title: 'Pay', kind: 'feature', spec: `use ${SECRET}`, projects: [] }, MIKE, 'ui'));
  exchange(a, b);
  const snapshot = must(b.service.append(created.brief.id, { kind: 'spec_snapshot', reason: 'dispatch' }, MIKE, 'ui')).entries.at(-1)!;
  const refinement = must(b.service.append(created.brief.id, { kind: 'refinement', spec: 'use the vault' }, MIKE, 'ui')).entries.at(-1)!;
  const target = created.entries[0]!;
  must(a.service.redact(created.brief.id, target.id, 'a secret', MIKE, 'ui'));
  return { a, b, briefId: created.brief.id, target, snapshot, refinement };
}

describe('redactions and the copies other stores made', () => {
  it('applying a pulled redaction queues every entry it changed here, in the same transaction', () => {
    const { a, b, target, snapshot, refinement } = copiedThenRedacted({ sync: true });
    expect(a.outbox.nextTombstones(10)).toEqual([target.id]);
    exchange(a, b);
    expect(b.outbox.nextTombstones(10).sort()).toEqual([target.id, snapshot.id, refinement.id].sort());
    expect(b.store.entry(snapshot.id)!.redacted).not.toBeNull();
    expect(b.store.entry(refinement.id)!.payload).toMatchObject({ diff: WITHHELD_DIFF });
    expect(JSON.stringify(b.store.since(0, 100))).not.toContain(SECRET);
    // Rewritten: the rows go, and waiting counts them until then.
    const waiting = b.outbox.waiting();
    b.outbox.tombstonesDone([snapshot.id]);
    expect(b.outbox.waiting()).toBe(waiting - 1);
  });

  it('a copy arriving after the redaction is tombstoned by its base, and queued too', () => {
    const { a, b, briefId, target, snapshot, refinement } = copiedThenRedacted({ sync: true });
    exchange(b, a);
    const snap = a.store.entry(snapshot.id)!;
    expect(snap.payload).toBeNull();
    expect(snap.redacted).toEqual(a.store.entry(target.id)!.redacted);
    expect(a.store.entry(refinement.id)!.payload).toMatchObject({ spec: 'use the vault', diff: WITHHELD_DIFF });
    expect(JSON.stringify([a.store.since(0, 100), a.store.get(briefId)])).not.toContain(SECRET);
    expect(a.outbox.nextTombstones(10).sort()).toEqual([target.id, snapshot.id, refinement.id].sort());
    // Both stores end with the same entries, reading the same.
    exchange(a, b);
    const forms = (r: BriefRig) => r.store.trace(briefId).map((e) => [e.id, e.payload, e.redacted]).sort();
    expect(forms(b)).toEqual(forms(a));
  });

  it('nothing is queued while sync is off', () => {
    const { a, b } = copiedThenRedacted({ sync: false });
    exchange(b, a);
    expect(a.outbox.nextTombstones(10)).toEqual([]);
    expect(b.outbox.waiting()).toBe(0);
  });
});
