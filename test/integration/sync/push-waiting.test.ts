import type { Connection } from 'mysql2/promise';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHybridClock } from '../../../src/host/briefs/hybrid-clock';
import { createLogger } from '../../../src/host/logger';
import type { Outbox } from '../../../src/host/sync/outbox';
import { PUSH_BATCH } from '../../../src/host/sync/push';
import { pushWaiting } from '../../../src/host/sync/push-waiting';
import { sharedStoreId } from '../../../src/host/sync/shared-schema';
import type { BriefEntry } from '../../../src/shared/briefs';
import { attachedImage, closeRigs, MIKE, type BriefRig } from '../../fixtures/brief-service';
import { hasMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { withSharedStore } from '../../fixtures/shared-store';

/**
 * The push loop (push-waiting.ts) against a real MariaDB: each batch after the first is read
 * while the one before is inserted, and the one before leaves the outbox meanwhile. What may
 * happen between that read and the batch's push (a redaction, sync turned off, a failure)
 * must leave the shared store and the outbox as a push without the read ahead would.
 */
afterEach(closeRigs);
afterAll(stopAllMariaDbs);

const step = <T>(work: Promise<T>): Promise<T> => work;

/** Three briefs of `perBrief` notes each: their entries in local order. */
function seed(b: BriefRig, perBrief: number): BriefEntry[] {
  const out: BriefEntry[] = [];
  for (let n = 0; n < 3; n++) {
    const created = b.service.create({ title: `Brief ${n}`, kind: 'feature', spec: `spec ${n}`, projects: [] }, MIKE, 'ui');
    if (!created.ok) throw new Error(created.error.message);
    out.push(...created.value.entries);
    for (let i = 0; i < perBrief; i++) {
      const w = b.service.append(created.value.brief.id, { kind: 'note', text: `note ${n}.${i}` }, MIKE, 'ui');
      if (!w.ok) throw new Error(w.error.message);
      out.push(...w.value.entries);
    }
  }
  return out;
}

/** B's outbox, with `onReadAhead` run after each read of the batch after another (nextBatch with `after`). */
function watched(outbox: Outbox, onReadAhead: (batch: ReturnType<Outbox['nextBatch']>) => void): Outbox & { readsAhead: number } {
  const w = Object.create(outbox) as Outbox & { readsAhead: number };
  w.readsAhead = 0;
  w.nextBatch = (limit, after) => {
    const batch = outbox.nextBatch(limit, after);
    if (after !== undefined) {
      w.readsAhead++;
      onReadAhead(batch);
    }
    return batch;
  };
  return w;
}

function push(conn: Connection, b: BriefRig, outbox: Outbox, storeId: string) {
  const deps = { store: b.store, outbox, origin: 'host-b', clock: createHybridClock('host-b'), blobs: b.blobs, logger: createLogger(() => undefined) };
  return pushWaiting(conn, deps, storeId, step);
}

async function shared(conn: Connection): Promise<{ id: string; seq: number; payload: string | null; redacted: string | null }[]> {
  const [rows] = await conn.query("SELECT id, seq, payload, redacted FROM entries WHERE kind <> 'numbered' ORDER BY seq");
  return rows as { id: string; seq: number; payload: string | null; redacted: string | null }[];
}

describe.skipIf(!hasMariaDb())('the push loop, reading each batch while the one before is inserted', () => {
  it('pushes every waiting entry, in local order, and empties the outbox', async () => {
    await withSharedStore(async (conn, b) => {
      const entries = seed(b, 450);
      expect(entries.length).toBeGreaterThan(2 * PUSH_BATCH);
      const outbox = watched(b.outbox, () => undefined);
      const r = await push(conn, b, outbox, await sharedStoreId(conn));
      expect(r).toEqual({ pushed: entries.length, numbered: 3 });
      // Three batches: the second and third were read ahead, and the read after the third found none.
      expect(outbox.readsAhead).toBe(3);
      expect((await shared(conn)).map((row) => row.id)).toEqual(entries.map((e) => e.id));
      expect(b.outbox.waiting()).toBe(0);
    });
  });

  it('drops a batch read ahead when one of its entries is redacted meanwhile: its text is never sent', async () => {
    await withSharedStore(async (conn, b) => {
      const entries = seed(b, 300);
      const briefId = entries[0]!.briefId;
      const secret = b.service.append(briefId, { kind: 'note', text: 'the key is hunter2-4711' }, MIKE, 'ui');
      if (!secret.ok) throw new Error(secret.error.message);
      const target = secret.value.entries.at(-1)!;
      let redacted = false;
      const outbox = watched(b.outbox, (batch) => {
        if (redacted || !batch.entries.some((e) => e.id === target.id)) return;
        // Read ahead with the note's text, then redacted here before that batch is pushed.
        expect(JSON.stringify(batch.entries)).toContain('hunter2-4711');
        const r = b.service.redact(briefId, target.id, 'a key', MIKE, 'ui');
        if (!r.ok) throw new Error(r.error.message);
        redacted = true;
      });
      // Every INSERT the push sends, as the server receives it.
      const sent: string[] = [];
      const query = conn.query.bind(conn) as (sql: string, values?: unknown) => Promise<unknown>;
      (conn as unknown as { query: typeof query }).query = (sql, values) => {
        if (sql.startsWith('INSERT INTO entries')) sent.push(JSON.stringify(values));
        return query(sql, values);
      };
      await push(conn, b, outbox, await sharedStoreId(conn));
      expect(redacted).toBe(true);
      expect(sent.join('')).toContain(target.id);
      expect(sent.join('')).not.toContain('hunter2-4711');
      const rows = await shared(conn);
      expect(JSON.stringify(rows)).not.toContain('hunter2-4711');
      expect(rows.find((row) => row.id === target.id)).toMatchObject({ payload: null, redacted: expect.stringContaining('a key') });
      expect(b.outbox.waiting()).toBe(0);
    });
  });

  it('drops a batch read ahead when sync was turned off meanwhile', async () => {
    await withSharedStore(async (conn, b) => {
      seed(b, 300);
      // Turning sync off empties the outbox (outbox.ts `clear`) while the first batch is inserted.
      const outbox = watched(b.outbox, () => b.outbox.clear());
      const r = await push(conn, b, outbox, await sharedStoreId(conn));
      expect(r.pushed).toBe(PUSH_BATCH);
      expect(await shared(conn)).toHaveLength(PUSH_BATCH);
      expect(b.outbox.waiting()).toBe(0);
    });
  });

  it('a failure in the next batch leaves the committed one out of the outbox, and the rest waiting', async () => {
    await withSharedStore(async (conn, b) => {
      const entries = seed(b, 300);
      const outbox = watched(b.outbox, () => undefined);
      let reads = 0;
      // The second batch's first local read fails (a disk error), after the first committed.
      outbox.nextTombstones = (limit) => {
        if (++reads === 2) throw new Error('SQLITE_IOERR: disk I/O error');
        return b.outbox.nextTombstones(limit);
      };
      await expect(push(conn, b, outbox, await sharedStoreId(conn))).rejects.toThrow('disk I/O error');
      expect(await shared(conn)).toHaveLength(PUSH_BATCH);
      expect(b.outbox.waiting()).toBe(entries.length - PUSH_BATCH);
      // The next round pushes the rest, and only the rest.
      const r = await push(conn, b, b.outbox, await sharedStoreId(conn));
      expect(r.pushed).toBe(entries.length - PUSH_BATCH);
      expect((await shared(conn)).map((row) => row.id)).toEqual(entries.map((e) => e.id));
    });
  });

  it('a push left behind by a step that timed out, answered after sync was pointed elsewhere, takes nothing out of the outbox', async () => {
    await withSharedStore(async (conn, b) => {
      const entries = seed(b, 300);
      // The second batch's counter UPDATE is held (another host holds the row, or the server
      // hangs) until the test lets it go: long after the round gave up on it.
      let updates = 0;
      let letGo!: () => void;
      const held = new Promise<void>((resolve) => (letGo = resolve));
      const query = conn.query.bind(conn) as (sql: string, values?: unknown) => Promise<unknown>;
      (conn as unknown as { query: typeof query }).query = async (sql, values) => {
        if (sql.startsWith('UPDATE counters') && sql.includes("'entry_seq'") && ++updates === 2) await held;
        return query(sql, values);
      };
      let isCurrent = true;
      let left: Promise<unknown> | null = null;
      let steps = 0;
      // As sync-service's step: the second batch's push is given up on; sync is pointed at
      // another store meanwhile (the configure that timed it out).
      const timing = <T,>(work: Promise<T>): Promise<T> => {
        if (++steps !== 2) return work;
        left = work.catch(() => undefined);
        return new Promise<T>((_, reject) =>
          setTimeout(() => {
            isCurrent = false;
            reject(new Error('the shared store did not answer within 10 s'));
          }, 200),
        );
      };
      const deps = { store: b.store, outbox: b.outbox, origin: 'host-b', clock: createHybridClock('host-b'), blobs: b.blobs, logger: createLogger(() => undefined) };
      await expect(pushWaiting(conn, deps, await sharedStoreId(conn), timing, () => isCurrent)).rejects.toThrow('did not answer');
      // The first batch went to the old store; for the new one every entry still waits.
      expect(await shared(conn)).toHaveLength(PUSH_BATCH);
      expect(b.outbox.waiting()).toBe(entries.length);
      // The old store answers at last: the push left behind goes on, and must not touch the outbox.
      letGo();
      await left;
      expect(updates).toBe(2);
      expect(b.outbox.waiting()).toBe(entries.length);
    });
  });

  it("an image uploaded for an attachment redacted before its batch was pushed does not stay in the shared store", async () => {
    await withSharedStore(async (conn, b) => {
      const { briefId, entry: attachment } = await attachedImage(b);
      // The operator redacts the attachment once its image is up, before the batch is read again.
      let last = '';
      const query = conn.query.bind(conn) as (sql: string, values?: unknown) => Promise<unknown>;
      (conn as unknown as { query: typeof query }).query = (sql, values) => ((last = sql), query(sql, values));
      let redacted = false;
      const timing = async <T,>(work: Promise<T>): Promise<T> => {
        const value = await work;
        if (!redacted && last.startsWith('UPDATE blobs SET complete')) {
          const r = b.service.redact(briefId, attachment.id, 'a customer on screen', MIKE, 'ui');
          if (!r.ok) throw new Error(r.error.message);
          redacted = true;
        }
        return value;
      };
      const deps = { store: b.store, outbox: b.outbox, origin: 'host-b', clock: createHybridClock('host-b'), blobs: b.blobs, logger: createLogger(() => undefined) };
      await pushWaiting(conn, deps, await sharedStoreId(conn), timing);
      expect(redacted).toBe(true);
      expect((await shared(conn)).find((row) => row.id === attachment.id)).toMatchObject({ payload: null, redacted: expect.stringContaining('a customer on screen') });
      const [blobs] = await conn.query('SELECT sha256 FROM blobs');
      const [chunks] = await conn.query('SELECT sha256 FROM blob_chunks');
      expect([blobs, chunks]).toEqual([[], []]);
    });
  });
});

