import type { Connection } from 'mysql2/promise';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/host/ids';
import { PULL_BATCH, PullRefused, pullAll } from '../../../src/host/sync/pull';
import { RoundSuperseded } from '../../../src/host/sync/round-superseded';
import { rowValues, SHARED_COLUMNS } from '../../../src/host/sync/shared-rows';
import { createSyncStateStore } from '../../../src/host/sync/sync-state-store';
import type { BriefEntry } from '../../../src/shared/briefs';
import { closeRigs, MIKE, trackedRig, type BriefRig } from '../../fixtures/brief-service';
import { hasMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { withSharedStore } from '../../fixtures/shared-store';

/**
 * The pull loop (pull.ts) against a real MariaDB: each batch after the first is asked for
 * before the one before is applied. What happens while it is in flight (a refusal of the
 * batch being applied, sync repointed) must leave this host as a pull without the read ahead
 * would: every batch before applied with the cursor at its end, nothing after it.
 */
afterEach(closeRigs);
afterAll(stopAllMariaDbs);

/** Brief `n` of another host, with `notes` notes: its entries, as that host wrote them. */
function written(a: BriefRig, n: number, notes: number): BriefEntry[] {
  const created = a.service.create({ title: `Brief ${n}`, kind: 'feature', spec: `spec ${n}`, projects: [] }, MIKE, 'ui');
  if (!created.ok) throw new Error(created.error.message);
  const out = [...created.value.entries];
  for (let i = 0; i < notes; i++) {
    const w = a.service.append(created.value.brief.id, { kind: 'note', text: `note ${n}.${i}` }, MIKE, 'ui');
    if (!w.ok) throw new Error(w.error.message);
    out.push(...w.value.entries);
  }
  return out;
}

/** The entries into the shared store as rows 1…n, as pushes would have left them. */
async function share(conn: Connection, entries: readonly BriefEntry[]): Promise<void> {
  const rows = entries.map((e, i) => rowValues(e, i + 1, 'host-a'));
  for (let i = 0; i < rows.length; i += 1000) await conn.query(`INSERT INTO entries (${SHARED_COLUMNS}) VALUES ?`, [rows.slice(i, i + 1000)]);
  await conn.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [rows.length]);
}

/** The connection, with the cursor each pull SELECT asked after (in the order asked) and the cursor saved before each ask. */
function watched(conn: Connection, b: BriefRig): { conn: Connection; asks: { after: number; savedBefore: number }[] } {
  const state = createSyncStateStore(b.db);
  const asks: { after: number; savedBefore: number }[] = [];
  const w = Object.create(conn) as Connection;
  w.query = ((sql: string, values?: unknown[]) => {
    if (/FROM entries WHERE seq > \?/.test(sql)) asks.push({ after: Number(values![0]), savedBefore: state.cursor() });
    return conn.query(sql, values);
  }) as Connection['query'];
  return { conn: w, asks };
}

const entryIds = (b: BriefRig): string[] => (b.db.prepare('SELECT id FROM brief_entries ORDER BY seq').all() as { id: string }[]).map((r) => r.id);

describe.skipIf(!hasMariaDb())('the pull loop, asking for each batch while the one before is applied', () => {
  it('pulls every entry in seq order, each batch asked for before the one before is applied, the cursor at the end', async () => {
    await withSharedStore(async (conn, b) => {
      const a = trackedRig({ node: 'host-a' });
      const entries = [0, 1, 2].flatMap((n) => written(a, n, 400));
      expect(entries.length).toBeGreaterThan(2 * PULL_BATCH);
      await share(conn, entries);
      const { conn: w, asks } = watched(conn, b);
      const state = createSyncStateStore(b.db);
      const pulled = await pullAll(w, { briefs: b.service, store: b.store, state });
      expect(pulled).toBe(entries.length);
      expect(entryIds(b)).toEqual(entries.map((e) => e.id));
      expect(state.cursor()).toBe(entries.length);
      // Batch k+1 was asked for (after batch k's last seq) while the cursor still stood before batch k.
      const batches = Math.ceil(entries.length / PULL_BATCH);
      expect(asks.map((x) => x.after)).toEqual(Array.from({ length: batches }, (_, k) => k * PULL_BATCH));
      for (const [k, ask] of asks.entries()) expect(ask.savedBefore).toBe(Math.max(0, (k - 1) * PULL_BATCH));
      for (const id of new Set(entries.map((e) => e.briefId))) expect(b.store.get(id)?.version).toBe(entries.filter((e) => e.briefId === id).length);
      // Pulled again: nothing more, nothing twice.
      expect(await pullAll(conn, { briefs: b.service, store: b.store, state })).toBe(0);
      expect(entryIds(b)).toHaveLength(entries.length);
    });
  });

  it('a batch refused while the next is in flight: the batches before stay applied, nothing after, and the connection goes on', async () => {
    await withSharedStore(async (conn, b) => {
      const a = trackedRig({ node: 'host-a' });
      const entries = written(a, 0, 3 * PULL_BATCH);
      // A newer Grove's entry in the second batch, on the same brief.
      const at = PULL_BATCH + 10;
      const vote = { ...entries[1]!, id: uuidv7(), kind: 'vote', payload: { up: true } } as unknown as BriefEntry;
      entries.splice(at, 0, vote);
      await share(conn, entries);
      const state = createSyncStateStore(b.db);
      const { conn: w, asks } = watched(conn, b);
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        await expect(pullAll(w, { briefs: b.service, store: b.store, state })).rejects.toThrow(PullRefused);
        // The third batch had been asked for when the second was refused.
        expect(asks.map((x) => x.after)).toEqual([0, PULL_BATCH, 2 * PULL_BATCH]);
        expect(state.cursor()).toBe(PULL_BATCH);
        expect(entryIds(b)).toEqual(entries.slice(0, PULL_BATCH).map((e) => e.id));
        // The read ahead's answer arrives and is dropped; the connection serves the next query.
        const [rows] = await conn.query('SELECT COUNT(*) AS n FROM entries');
        expect(Number((rows as { n: number }[])[0]!.n)).toBe(entries.length);
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      // Once the entry is gone (as after an upgrade, it would be known), the pull goes on from its cursor.
      await conn.query('DELETE FROM entries WHERE id = ?', [vote.id]);
      expect(await pullAll(conn, { briefs: b.service, store: b.store, state })).toBe(entries.length - 1 - PULL_BATCH);
      expect(entryIds(b)).toEqual(entries.filter((e) => e !== vote).map((e) => e.id));
    });
  });

  it('sync repointed while a batch is in flight: that batch is not applied', async () => {
    await withSharedStore(async (conn, b) => {
      const a = trackedRig({ node: 'host-a' });
      const entries = written(a, 0, 2 * PULL_BATCH);
      await share(conn, entries);
      const state = createSyncStateStore(b.db);
      const { conn: w, asks } = watched(conn, b);
      // Current until the second batch has been asked for.
      await expect(pullAll(w, { briefs: b.service, store: b.store, state }, () => asks.length < 2)).rejects.toThrow(RoundSuperseded);
      expect(state.cursor()).toBe(PULL_BATCH);
      expect(entryIds(b)).toHaveLength(PULL_BATCH);
    });
  });
});
