import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import type { EventEnvelope } from '../../../../src/shared/events';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const removed = (id: string) => ({ type: 'repo.removed' as const, id });

describe('event log', () => {
  it('numbers events 1, 2, 3… and tells listeners in order', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    const seen: EventEnvelope[] = [];
    log.subscribe((e) => seen.push(e));
    log.append(removed('a'));
    log.append(removed('b'));
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(log.since(1).events.map((e) => e.event)).toEqual([removed('b')]);
    expect(log.since(2)).toEqual({ events: [], latestSeq: 2, truncated: false });
  });

  it('keeps numbering across a reopen, so clients resume after a host restart', () => {
    const path = join(makeTempDir(), 'g.db');
    const first = openDatabase(path).db;
    createEventLog(first).append(removed('a'));
    first.close();
    const log = createEventLog(openDatabase(path).db);
    expect(log.append(removed('b')).seq).toBe(2);
    expect(log.since(0).events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('reports a gap when the events a client missed were pruned', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db, 100);
    for (let i = 0; i < 1000; i++) log.append(removed(String(i)));
    const page = log.since(5, 1000);
    expect(page.truncated).toBe(true);
    expect(page.events[0]!.seq).toBe(901);
    expect(page.latestSeq).toBe(1000);
    expect(log.since(950).truncated).toBe(false);
  });

  it('treats a seq beyond the latest (a client of another database) as a gap', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    log.append(removed('a'));
    expect(log.since(40).truncated).toBe(true);
  });

  it('pages with a limit', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    for (let i = 0; i < 10; i++) log.append(removed(String(i)));
    expect(log.since(0, 3).events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.since(3, 3).events.map((e) => e.seq)).toEqual([4, 5, 6]);
  });
});
