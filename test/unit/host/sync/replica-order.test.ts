import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { createBriefStore } from '../../../../src/host/briefs/brief-store';
import { BriefService } from '../../../../src/host/briefs/brief-service';
import { createBlobStore } from '../../../../src/host/briefs/blob-store';
import { createHybridClock } from '../../../../src/host/briefs/hybrid-clock';
import { createOutbox } from '../../../../src/host/sync/outbox';
import type { Actor, BriefEntry } from '../../../../src/shared/briefs';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * Two replicas as sync runs them (a real SQLite each, the outbox on): local writes are queued,
 * entries applied from the shared store are not, and whatever order concurrent writes arrive
 * in, both fold the same brief.
 */
const MIKE: Actor = { kind: 'operator', name: 'operator:mike' };
const closers: (() => void)[] = [];
afterEach(() => {
  closers.splice(0).forEach((c) => c());
  removeTempDirs();
});

function replica(node: string, wall: () => number) {
  const dir = makeTempDir();
  const { db } = openDatabase(join(dir, 'grove.db'));
  const outbox = createOutbox(db);
  outbox.setEnabled(true);
  const store = createBriefStore(db, { outbox });
  const service = new BriefService({
    store,
    events: createEventLog(db, undefined, undefined, { error: () => {} }),
    clock: createHybridClock(node, wall),
    blobs: createBlobStore(db, join(dir, 'blobs')),
    operatorName: node,
    agentName: () => null,
  });
  closers.push(() => db.close());
  return { store, service, outbox };
}

const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

describe('replicas of a synced brief', () => {
  it('queue their own writes, not what they apply from the shared store, and fold concurrent changes the same way', () => {
    let t = 1_000_000;
    const a = replica('aaaa', () => t);
    const b = replica('bbbb', () => t);
    const created = must(a.service.create({ title: 'Shared', kind: 'feature', spec: 'v0', projects: [] }, MIKE, 'ui'));
    expect(a.outbox.waiting()).toBe(created.entries.length);
    must(b.service.importEntries(created.entries, { origin: 'shared' }));
    expect(b.outbox.waiting()).toBe(0);

    // Concurrent: B writes first by the wall clock, A later; each sees its own first.
    t += 10;
    const fromB = must(b.service.append(created.brief.id, { kind: 'status_change', to: 'in_progress' }, MIKE, 'ui')).entries;
    t += 10;
    const fromA = must(a.service.append(created.brief.id, { kind: 'status_change', to: 'planned' }, MIKE, 'ui')).entries;
    t += 10;
    const specB = must(b.service.append(created.brief.id, { kind: 'refinement', spec: 'B spec' }, MIKE, 'ui')).entries;
    expect(b.outbox.waiting()).toBe(fromB.length + specB.length);

    must(a.service.importEntries([...fromB, ...specB] as BriefEntry[], { origin: 'shared' }));
    must(b.service.importEntries(fromA, { origin: 'shared' }));
    const onA = a.store.get(created.brief.id)!;
    const onB = b.store.get(created.brief.id)!;
    // A's status change is the later stamp; B's refinement the later still.
    expect(onA.status).toBe('planned');
    expect(onA.spec).toBe('B spec');
    expect(onB).toEqual(onA);
    // Pulled entries were not queued to go back.
    expect(a.outbox.waiting()).toBe(created.entries.length + fromA.length);
  });

  it('a host whose clock runs 10 minutes ahead does not win over a change made after it was seen', () => {
    let t = 1_000_000_000;
    const ahead = replica('fast', () => t + 10 * 60_000);
    const behind = replica('slow', () => t);
    const created = must(ahead.service.create({ title: 'Skewed', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    const moved = must(ahead.service.append(created.brief.id, { kind: 'status_change', to: 'planned' }, MIKE, 'ui')).entries;
    must(behind.service.importEntries([...created.entries, ...moved], { origin: 'shared' }));
    t += 1000;
    // The slow host saw the fast one's stamps: its next change orders after them, although its wall clock is 10 minutes behind.
    const later = must(behind.service.append(created.brief.id, { kind: 'status_change', to: 'in_progress' }, MIKE, 'ui')).entries;
    must(ahead.service.importEntries(later, { origin: 'shared' }));
    expect(later.at(-1)!.hlc > moved.at(-1)!.hlc).toBe(true);
    expect(ahead.store.get(created.brief.id)!.status).toBe('in_progress');
    expect(behind.store.get(created.brief.id)!.status).toBe('in_progress');
  });
});
