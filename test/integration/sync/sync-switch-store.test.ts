import { afterAll, describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { stopAllHosts, type HostProcess } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { call, createBrief, startSyncedHost, syncAll, syncNow, syncSet } from '../../fixtures/sync-hosts';
import type { BriefSummary } from '../../../src/shared/briefs';

/**
 * Pointing sync at another shared store (docs/sync.md, Brief numbers): the numbers the first
 * store gave stop counting, every brief is provisional until the new store numbers it, and then
 * every host shows the new store's numbers, the same ones. Off and on again to the same store
 * keeps the numbers and allocates nothing new there.
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

type Numbers = Map<string, { number: number; provisional: boolean }>;

async function numbersOf(host: HostProcess): Promise<Numbers> {
  const list = await call<{ briefs: BriefSummary[] }>(host, 'briefs.list', { limit: 500 });
  return new Map(list.briefs.map((b) => [b.id, { number: b.number, provisional: b.numberProvisional }]));
}

async function query<T>(db: MariaDb, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    return (await c.query(sql, params))[0] as T[];
  } finally {
    await c.end();
  }
}

/** What the store's `brief_numbers` says, as the hosts should show it. */
async function storeNumbers(db: MariaDb): Promise<Numbers> {
  const rows = await query<{ brief_id: string; number: number }>(db, 'SELECT brief_id, number FROM brief_numbers');
  return new Map(rows.map((r) => [r.brief_id, { number: Number(r.number), provisional: false }]));
}

const countOf = async (db: MariaDb, sql: string) => Number((await query<{ n: number }>(db, sql))[0]!.n);

describe.skipIf(!hasMariaDb())('sync: pointing at another shared store', () => {
  it('two hosts move from store 1 to store 2 and show store 2 numbers; off and on again keeps them and allocates nothing', async () => {
    const [db1, db2] = [await startMariaDb(), await startMariaDb()];
    // One password for both stores: the hosts take it from their environment.
    await query(db2, 'SET PASSWORD = PASSWORD(?)', [db1.password]);
    db2.password = db1.password;
    const [a, b] = [await startSyncedHost(db1), await startSyncedHost(db1)];
    const x = await createBrief(a, 'X, made on A');
    await createBrief(a, 'Y, made on A');
    const z = await createBrief(b, 'Z, made on B');

    // Store 1: A pushes first, so X #1, Y #2, Z #3 on both hosts.
    await syncSet(a, db1);
    await syncNow(a);
    await syncSet(b, db1);
    await syncAll([a, b]);
    const first = await storeNumbers(db1);
    expect(first.get(x.id)!.number).toBe(1);
    expect(first.get(z.id)!.number).toBe(3);
    for (const h of [a, b]) expect(await numbersOf(h)).toEqual(first);
    const w = await createBrief(a, 'W, made on A with store 1');
    await syncAll([a, b]);
    expect((await storeNumbers(db1)).get(w.id)!.number).toBe(4);

    // Store 2, fresh. B reaches it first: its history, in its local order (Z first), is numbered there.
    await syncSet(b, db2);
    await syncNow(b);
    // While store 2 cannot be reached from A, no brief on A counts as numbered.
    db2.pause();
    try {
      await syncSet(a, db2);
      const waiting = await numbersOf(a);
      expect([...waiting.values()].every((n) => n.provisional)).toBe(true);
      // The numbers shown stay as they were, only provisional.
      expect(waiting.get(w.id)!.number).toBe(4);
    } finally {
      db2.resume();
    }
    await syncAll([a, b]);
    const second = await storeNumbers(db2);
    expect(second.size).toBe(4);
    expect(second.get(z.id)!.number).toBe(1);
    expect(second.get(x.id)!.number).not.toBe(first.get(x.id)!.number);
    for (const h of [a, b]) expect(await numbersOf(h)).toEqual(second);
    const byNumber = await call<{ brief: { id: string } }>(a, 'briefs.get', { ref: '#1' });
    expect(byNumber.brief.id).toBe(z.id);

    // A brief made on store 2 takes the next number there, on both hosts.
    const v = await createBrief(b, 'V, made on B with store 2');
    await syncAll([a, b]);
    const withV = await storeNumbers(db2);
    expect(withV.get(v.id)!.number).toBe(5);
    for (const h of [a, b]) expect(await numbersOf(h)).toEqual(withV);

    // Off and on again, same store: the same numbers, nothing numbered twice.
    const rows = await countOf(db2, 'SELECT count(*) AS n FROM brief_numbers');
    const numberedEntries = await countOf(db2, "SELECT count(*) AS n FROM entries WHERE kind = 'numbered'");
    await call(a, 'sync.off');
    const off = await numbersOf(a);
    expect([...off.values()].map((n) => n.number).sort()).toEqual([...withV.values()].map((n) => n.number).sort());
    expect([...off.values()].some((n) => n.provisional)).toBe(false);
    await syncSet(a, db2);
    await syncAll([a, b]);
    for (const h of [a, b]) expect(await numbersOf(h)).toEqual(withV);
    expect(await countOf(db2, 'SELECT count(*) AS n FROM brief_numbers')).toBe(rows);
    expect(await countOf(db2, "SELECT count(*) AS n FROM entries WHERE kind = 'numbered'")).toBe(numberedEntries);
    expect(await countOf(db2, "SELECT value AS n FROM counters WHERE name = 'brief_number'")).toBe(5);

    // Each store has its own identity, and store 2's numbered entries name it.
    const [id1, id2] = [await query<{ store_id: string }>(db1, 'SELECT store_id FROM grove_store'), await query<{ store_id: string }>(db2, 'SELECT store_id FROM grove_store')];
    expect(id1[0]!.store_id).not.toBe(id2[0]!.store_id);
    const payloads = await query<{ payload: string }>(db2, "SELECT payload FROM entries WHERE kind = 'numbered'");
    expect(payloads.every((p) => JSON.parse(p.payload).store === id2[0]!.store_id)).toBe(true);
  }, 90_000);
});
