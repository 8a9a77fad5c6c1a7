import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import type { EventEnvelope } from '../../../../src/shared/events';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const removed = (id: string) => ({ type: 'repo.removed' as const, id });

/** A new database's event log, and the seqs a listener of it is told. */
function toldSeqs() {
  const { db } = openDatabase(join(makeTempDir(), 'g.db'));
  const log = createEventLog(db);
  const seen: number[] = [];
  log.subscribe((e) => seen.push(e.seq));
  return { db, log, seen };
}

describe('event log', () => {
  it('tells an event appended in a transaction once the transaction has ended, and one whose write rolled back never (its seq taken by the next)', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    const seen: string[] = [];
    log.subscribe((e) => seen.push(`${e.seq} ${(e.event as { id: string }).id}`));
    db.transaction(() => {
      log.append(removed('kept'));
      // A write of a group commit that fails: its savepoint rolls back, its event with it.
      try {
        db.transaction(() => {
          log.append(removed('rolled-back'));
          throw new Error('the write failed');
        })();
      } catch {
        // the group goes on
      }
      log.append(removed('next')); // takes the rolled-back event's seq
      expect(seen).toEqual([]); // nothing told while the transaction is open
    })();
    log.append(removed('after')); // outside any transaction, in the same task: told in order
    await Promise.resolve();
    expect(seen).toEqual(['1 kept', '2 next', '3 after']);
    expect(log.since(0).events.map((e) => `${e.seq} ${(e.event as { id: string }).id}`)).toEqual(seen);
  });

  it('tells nothing of a transaction rolled back whole', async () => {
    const { db, log, seen } = toldSeqs();
    expect(() =>
      db.transaction(() => {
        log.append(removed('x'));
        throw new Error('disk full');
      })(),
    ).toThrow('disk full');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
    log.append(removed('y'));
    expect(seen).toEqual([1]);
  });

  it('tells a seq once when a rolled-back event and the next to take its seq wrote the same payload', async () => {
    const { db, log, seen } = toldSeqs();
    db.transaction(() => {
      try {
        db.transaction(() => {
          log.append(removed('same'));
          throw new Error('the write failed');
        })();
      } catch {
        // the group goes on
      }
      log.append(removed('same')); // seq 1 again, the same payload
    })();
    await Promise.resolve();
    expect(seen).toEqual([1]);
  });

  it('drops, without an error, an event still waiting for its transaction when the database closes (the host stopping)', async () => {
    const { db, log, seen } = toldSeqs();
    const failures: unknown[] = [];
    const onError = (e: unknown) => failures.push(e);
    process.on('uncaughtException', onError);
    try {
      db.transaction(() => void log.append(removed('x')))();
      db.close();
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(failures).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('numbers events 1, 2, 3… and tells a listener each', () => {
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

  it('tells every listener every event in seq order, even when listeners append while being told', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    const seen: Record<string, string[]> = { first: [], second: [], third: [], fourth: [] };
    const record = (name: string) => (e: EventEnvelope) => seen[name]!.push(`${e.seq} ${(e.event as { id: string }).id}`);
    // As the host's listeners do: the health monitor appends on repo.added, the ops service
    // on agent.removed, the notifier on what it is told. Two of them answer the same event.
    log.subscribe((e) => {
      record('first')(e);
      if (e.event.type === 'repo.removed' && e.event.id === 'outer') log.append(removed('from-first'));
    });
    log.subscribe((e) => {
      record('second')(e);
      if (e.event.type === 'repo.removed' && e.event.id === 'outer') log.append(removed('from-second'));
      if (e.event.type === 'repo.removed' && e.event.id === 'from-first') log.append(removed('nested'));
    });
    log.subscribe(record('third'));
    log.subscribe(record('fourth'));
    expect(log.append(removed('outer')).seq).toBe(1);
    const expected = ['1 outer', '2 from-first', '3 from-second', '4 nested'];
    for (const name of Object.keys(seen)) expect(seen[name], name).toEqual(expected);
    expect(log.since(0).events.map((e) => `${e.seq} ${(e.event as { id: string }).id}`)).toEqual(expected);
  });

  it('a listener that throws is logged, and neither starves the others nor fails the append', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const logged: string[] = [];
    const log = createEventLog(db, undefined, undefined, { error: (msg, fields) => logged.push(`${msg}: ${String(fields?.error).split('\n')[0]}`) });
    const before: number[] = [];
    const after: number[] = [];
    log.subscribe((e) => before.push(e.seq));
    log.subscribe((e) => {
      if (e.seq === 1) {
        log.append(removed('queued behind the failure'));
        throw new Error('listener broke');
      }
    });
    log.subscribe((e) => after.push(e.seq));
    expect(log.append(removed('a')).seq).toBe(1);
    expect(before).toEqual([1, 2]);
    expect(after).toEqual([1, 2]);
    expect(logged).toEqual(['an event listener failed: Error: listener broke']);
    // Delivery is not stuck after the failure.
    log.append(removed('b'));
    expect(after).toEqual([1, 2, 3]);
  });

  it('a reader that replays with since() and subscribes in the same tick, while events are still being told, misses and repeats nothing', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    const reader: number[] = [];
    let hasJoined = false;
    log.subscribe((e) => {
      // Queue two more events before anyone else is told of this one.
      if (e.seq === 2) {
        log.append(removed('x'));
        log.append(removed('y'));
      }
    });
    log.subscribe((e) => {
      // A client subscribes while 3 and 4 are written but not yet told.
      if (e.seq === 2 && !hasJoined) {
        hasJoined = true;
        for (const r of log.since(1).events) reader.push(r.seq);
        log.subscribe((later) => reader.push(later.seq));
      }
    });
    log.append(removed('a'));
    log.append(removed('b'));
    log.append(removed('c'));
    expect(reader).toEqual([2, 3, 4, 5]);
  });

  it('bounds a page by bytes, but always returns at least one event', () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db);
    for (let i = 0; i < 10; i++) log.append(removed('x'.repeat(1000)));
    const page = log.since(0, 1000, 3500);
    expect(page.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.since(3, 1000, 10).events.map((e) => e.seq)).toEqual([4]);
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
    // One transaction: a thousand separate commits take seconds on a busy disk.
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) log.append(removed(String(i)));
    })();
    const page = log.since(5, 1000);
    expect(page.truncated).toBe(true);
    expect(page.events[0]!.seq).toBe(901);
    expect(page.latestSeq).toBe(1000);
    expect(log.since(950).truncated).toBe(false);
  });

  it('prunes though every host appends fewer events than the pruning interval before it restarts', () => {
    const path = join(makeTempDir(), 'g.db');
    for (let run = 0; run < 5; run++) {
      const { db } = openDatabase(path);
      const log = createEventLog(db, 100);
      db.transaction(() => {
        for (let i = 0; i < 999; i++) log.append(removed(`${run}-${i}`));
      })();
      db.close();
    }
    const { db } = openDatabase(path);
    const kept = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    db.close();
    // 4995 appended; the last prune (at seq 4000) kept 3901 onwards.
    expect(kept).toBe(4995 - 3900);
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
