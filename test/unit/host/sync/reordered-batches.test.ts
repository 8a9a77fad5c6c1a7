import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { createBriefStore } from '../../../../src/host/briefs/brief-store';
import { BriefService } from '../../../../src/host/briefs/brief-service';
import { createBlobStore } from '../../../../src/host/briefs/blob-store';
import { createHybridClock } from '../../../../src/host/briefs/hybrid-clock';
import type { Actor, BriefAction, BriefEntry } from '../../../../src/shared/briefs';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * Entries reaching a replica in another order or other batches than they were written (pulls
 * from a shared store another host filled in its own order, a batch cut short and re-pulled, a
 * duplicate batch): every replica ends with the same entries, tombstones included, and the same
 * briefs. The only order the shared store guarantees is the causal one a pull keeps: a brief's
 * `created` before its other entries, a redaction after the entry it redacts.
 */
const OP: Actor = { kind: 'operator', name: 'operator:mike' };
const closers: (() => void)[] = [];
afterEach(() => {
  closers.splice(0).forEach((c) => c());
  removeTempDirs();
});

/** A replica whose clock moves 1 ms at every reading, so two readings in one write never agree by luck. */
function replica(node: string) {
  const dir = makeTempDir();
  const { db } = openDatabase(join(dir, 'grove.db'));
  let t = Date.UTC(2026, 0, 1) + node.charCodeAt(0) * 7;
  const tick = () => ++t;
  const store = createBriefStore(db);
  const service = new BriefService({
    store,
    events: createEventLog(db, undefined, undefined, { error: () => {} }),
    clock: createHybridClock(node, tick),
    blobs: createBlobStore(db, join(dir, 'blobs')),
    operatorName: node,
    agentName: () => null,
    now: () => new Date(tick()),
  });
  closers.push(() => db.close());
  return { store, service };
}
type Replica = ReturnType<typeof replica>;

const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

/** Three operators working on two briefs, partly concurrently, partly after seeing each other's work; every entry, as written. */
function history(): { entries: BriefEntry[]; writers: Replica[] } {
  const [a, b, c] = [replica('aaaa'), replica('bbbb'), replica('cccc')];
  const all: BriefEntry[] = [];
  const write = (r: Replica, ref: string, action: BriefAction) => all.push(...must(r.service.append(ref, action, OP, 'ui')).entries);
  const exchange = () => {
    for (const r of [a, b, c]) must(r.service.importEntries(all, { origin: 'shared' }));
  };
  const one = must(a.service.create({ title: 'One', kind: 'feature', spec: 'v0', projects: [] }, OP, 'ui'));
  const two = must(a.service.create({ title: 'Two', kind: 'bug', spec: 'w0', projects: [] }, OP, 'ui'));
  all.push(...one.entries, ...two.entries);
  exchange();
  // Concurrent: nobody sees the others' writes.
  write(a, one.brief.id, { kind: 'status_change', to: 'planned' });
  write(b, one.brief.id, { kind: 'status_change', to: 'in_progress' });
  write(c, one.brief.id, { kind: 'details_changed', title: 'One, renamed by C' });
  write(b, one.brief.id, { kind: 'refinement', spec: 'B says' });
  write(c, one.brief.id, { kind: 'refinement', spec: 'C says' });
  write(b, two.brief.id, { kind: 'note', text: 'the token is SECRET-1' });
  write(c, two.brief.id, { kind: 'status_change', to: 'done' });
  const secret = all.at(-2)!;
  all.push(...must(b.service.redact(two.brief.id, secret.id, 'a token', OP, 'ui')).entries);
  exchange();
  // After seeing everything: causally later.
  write(a, one.brief.id, { kind: 'status_change', to: 'in_review' });
  write(c, two.brief.id, { kind: 'note', text: 'reopened? no' });
  write(b, one.brief.id, { kind: 'details_changed', title: 'One, final' });
  exchange();
  return { entries: all, writers: [a, b, c] };
}

/** An order the shared store could deliver: random, but each brief's `created` first and a redaction after its target. */
function causalOrder(entries: readonly BriefEntry[], priorities: readonly number[]): BriefEntry[] {
  const waitsFor = (e: BriefEntry): string[] => {
    const deps = e.kind === 'created' ? [] : [entries.find((x) => x.briefId === e.briefId && x.kind === 'created')!.id];
    if (e.kind === 'redaction' && e.payload) deps.push(e.payload.entryId);
    return deps;
  };
  const done = new Set<string>();
  const left = entries.map((e, i) => ({ e, p: priorities[i % priorities.length]! + i / 1000 }));
  const out: BriefEntry[] = [];
  while (left.length > 0) {
    const ready = left.filter((x) => waitsFor(x.e).every((id) => done.has(id))).sort((x, y) => x.p - y.p)[0]!;
    left.splice(left.indexOf(ready), 1);
    done.add(ready.e.id);
    out.push(ready.e);
  }
  return out;
}

function batches<T>(list: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, k = 0; i < list.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(list.slice(i, i + n));
    i += n;
  }
  return out;
}

/** What every replica must agree on: each brief and each entry (its local seq aside). */
function view(r: Replica) {
  const ids = r.store.ids().sort();
  return {
    briefs: ids.map((id) => r.store.get(id)),
    entries: ids.flatMap((id) => r.store.trace(id).map(({ seq: _seq, ...rest }) => rest)).sort((x, y) => (x.id < y.id ? -1 : 1)),
  };
}

describe('reordered and duplicated batches', () => {
  it('writers that exchanged everything agree, the redacting one included (its tombstone reads as the importers\')', () => {
    const { writers } = history();
    const [a, b, c] = writers.map(view) as [ReturnType<typeof view>, ReturnType<typeof view>, ReturnType<typeof view>];
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(JSON.stringify(a.entries)).not.toContain('SECRET-1');
  });

  it('any causal order, any batching, batches applied twice: the same entries and briefs as the writers', () => {
    const { entries, writers } = history();
    const expected = view(writers[0]!);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: entries.length, maxLength: entries.length }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (priorities, sizes, replays) => {
          const fresh = replica('dddd');
          const order = causalOrder(entries, priorities);
          for (const [k, batch] of batches(order, sizes).entries()) {
            must(fresh.service.importEntries(batch, { origin: 'shared' }));
            // A replayed batch (a cursor not saved, a pull cut short and done again) changes nothing.
            if (replays[k % replays.length]) expect(must(fresh.service.importEntries(batch, { origin: 'shared' })).imported).toBe(0);
          }
          expect(view(fresh)).toEqual(expected);
        },
      ),
      // Each run opens a SQLite store: 25 keep this under a few seconds on a loaded machine.
      { numRuns: 25 },
    );
  }, 30_000);
});
