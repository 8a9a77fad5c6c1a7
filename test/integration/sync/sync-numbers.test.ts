import { afterAll, describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { stopAllHosts, type HostProcess } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { runGrove } from '../../fixtures/grove-cli';
import { append, call, createBrief, snapshot, startSyncedHost, syncAll, syncNow, syncSet } from '../../fixtures/sync-hosts';
import type { BriefSummary } from '../../../src/shared/briefs';

/**
 * Brief numbers from the shared store (docs/sync.md, Brief numbers), with real hosts and a real
 * MariaDB: every host ends with the same number for every brief; a brief made while the server
 * is unreachable is provisional, visibly, until its first push, then keeps the shared number;
 * a replayed push numbers nothing twice; hosts pushing at once never get one number twice.
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

async function numbersOf(host: HostProcess): Promise<Map<string, { number: number; provisional: boolean }>> {
  const list = await call<{ briefs: BriefSummary[] }>(host, 'briefs.list', { limit: 500 });
  return new Map(list.briefs.map((b) => [b.id, { number: b.number, provisional: b.numberProvisional }]));
}

async function sharedNumbers(db: MariaDb): Promise<{ rows: { brief_id: string; number: number }[]; counter: number; numberedEntries: number }> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    const [rows] = await c.query('SELECT brief_id, number FROM brief_numbers ORDER BY number');
    const [counter] = await c.query("SELECT value FROM counters WHERE name = 'brief_number'");
    const [entries] = await c.query("SELECT count(*) AS n FROM entries WHERE kind = 'numbered'");
    return {
      rows: (rows as { brief_id: string; number: number }[]).map((r) => ({ brief_id: r.brief_id, number: Number(r.number) })),
      counter: Number((counter as { value: number }[])[0]!.value),
      numberedEntries: Number((entries as { n: number }[])[0]!.n),
    };
  } finally {
    await c.end();
  }
}

describe.skipIf(!hasMariaDb())('sync: brief numbers come from the shared store', () => {
  it('three hosts end with the same numbers; a brief made while the server hangs is provisional, then takes its shared number and keeps it; a replay numbers nothing', async () => {
    const db = await startMariaDb();
    const [a, b, c] = [await startSyncedHost(db), await startSyncedHost(db), await startSyncedHost(db)];
    // History before sync: A's two briefs are #1 and #2 there, B's is #1 there.
    const a1 = await createBrief(a, 'A one');
    const a2 = await createBrief(a, 'A two');
    const b1 = await createBrief(b, 'B one');
    expect([a1, a2, b1].map((x) => [x.number, x.numberProvisional])).toEqual([[1, false], [2, false], [1, false]]);
    // A turns sync on first and pushes its history, in its local order.
    await syncSet(a, db);
    await syncNow(a);
    expect((await numbersOf(a)).get(a2.id)).toEqual({ number: 2, provisional: false });
    // B turns it on while the server hangs: nothing of B's is numbered by the shared store yet.
    db.pause();
    try {
      await syncSet(b, db);
      expect((await numbersOf(b)).get(b1.id)).toEqual({ number: 1, provisional: true });
    } finally {
      db.resume();
    }
    await syncSet(c, db);
    await syncAll([a, b, c]);

    // A pushed first, in its local order: its briefs keep #1 and #2; B's takes #3, everywhere.
    const expected = new Map([
      [a1.id, { number: 1, provisional: false }],
      [a2.id, { number: 2, provisional: false }],
      [b1.id, { number: 3, provisional: false }],
    ]);
    for (const h of [a, b, c]) expect(await numbersOf(h)).toEqual(expected);
    expect((await call<{ brief: { id: string } }>(b, 'briefs.get', { ref: '#3' })).brief.id).toBe(b1.id);

    // The server hangs: C's new brief is provisional, with its number shown as such.
    db.pause();
    let offline: Awaited<ReturnType<typeof createBrief>>;
    try {
      offline = await createBrief(c, 'made while the server hangs');
      expect(offline).toMatchObject({ number: 4, numberProvisional: true });
      expect((await syncNow(c)).state).toBe('offline');
      expect((await numbersOf(c)).get(offline.id)).toEqual({ number: 4, provisional: true });
      // The CLI shows it too: `#4~` with what the tilde means; JSON says numberProvisional.
      const list = await runGrove(c, ['brief', 'list']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^ *#4~ .*made while the server hangs/m);
      expect(list.stdout).toMatch(/^ *#1 .*A one/m);
      expect(list.stdout).toContain('~ provisional: the shared store numbers it at its first push');
      const show = await runGrove(c, ['brief', 'show', '4']);
      expect(show.stdout.split('\n').slice(0, 2).join('\n')).toMatch(/^#4~ {2}made while the server hangs\n {4}~ provisional/);
      const json = JSON.parse((await runGrove(c, ['brief', 'show', '4', '--json'])).stdout) as { brief: { numberProvisional: boolean } };
      expect(json.brief.numberProvisional).toBe(true);
      // Meanwhile B makes one too (it cannot push either).
      const fromB = await createBrief(b, 'B, also offline');
      expect(fromB).toMatchObject({ number: 4, numberProvisional: true });
    } finally {
      db.resume();
    }
    await syncAll([b, c, a]);
    const after = await numbersOf(a);
    for (const h of [b, c]) expect(await numbersOf(h)).toEqual(after);
    // The two made offline are #4 and #5 (whichever pushed first took #4), shared, on every host.
    const sharedNumber = after.get(offline.id)!.number;
    expect([4, 5]).toContain(sharedNumber);
    expect([...after.values()].map((x) => x.number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    expect([...after.values()].every((x) => !x.provisional)).toBe(true);
    // It keeps its number through later writes and rounds.
    await append(a, offline.id, { kind: 'note', text: 'seen from A' });
    await syncAll([a, b, c]);
    for (const h of [a, b, c]) expect((await numbersOf(h)).get(offline.id)).toEqual({ number: sharedNumber, provisional: false });
    // The trace says where the number came from: this shared store, by its identity.
    const trace = (await snapshot(c)).get(offline.id)!.trace;
    const c2 = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    const [identity] = await c2.query('SELECT store_id FROM grove_store');
    await c2.end();
    const store = (identity as { store_id: string }[])[0]!.store_id;
    expect(trace.filter((e) => e.kind === 'numbered').map((e) => [e.payload, e.actor])).toEqual([[{ number: sharedNumber, store }, { kind: 'system', name: 'grove' }]]);

    // A replay (A's whole history queued again) allocates nothing.
    const before = await sharedNumbers(db);
    expect(before.rows).toHaveLength(5);
    expect(before.counter).toBe(5);
    expect(before.numberedEntries).toBe(5);
    await call(a, 'sync.off');
    // Sync off: the shared numbers stay, and nothing is provisional.
    expect(await numbersOf(a)).toEqual(await numbersOf(b));
    const local = await createBrief(a, 'made with sync off');
    expect(local).toMatchObject({ number: 6, numberProvisional: false });
    // Turned on while the server hangs: the round it starts cannot number #6 before it is looked at.
    db.pause();
    try {
      await syncSet(a, db);
      expect((await numbersOf(a)).get(local.id)).toEqual({ number: 6, provisional: true });
    } finally {
      db.resume();
    }
    await syncNow(a);
    const replayed = await sharedNumbers(db);
    expect(replayed.rows.slice(0, 5)).toEqual(before.rows);
    // Only the brief made with sync off is new: it is numbered, #6, and nothing twice.
    expect(replayed.rows).toHaveLength(6);
    expect(replayed.numberedEntries).toBe(6);
    expect((await numbersOf(a)).get(local.id)).toEqual({ number: 6, provisional: false });
  }, 90_000);

  it('hosts pushing at the same moment never get the same number', async () => {
    const db = await startMariaDb();
    const hosts = [await startSyncedHost(db), await startSyncedHost(db), await startSyncedHost(db)];
    for (const h of hosts) await syncSet(h, db);
    await syncAll(hosts);
    for (let round = 0; round < 3; round++) {
      await Promise.all(hosts.map(async (h, i) => {
        for (let k = 0; k < 4; k++) await createBrief(h, `host ${i} round ${round} brief ${k}`);
      }));
      // Every host pushes at once, each round; the pushes take turns on the counter rows, none fails.
      const states = await Promise.all(hosts.map(async (h) => (await syncNow(h)).state));
      expect(states).toEqual(['idle', 'idle', 'idle']);
    }
    await syncAll(hosts);
    const numbers = await sharedNumbers(db);
    expect(numbers.rows).toHaveLength(36);
    expect(numbers.rows.map((r) => r.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(numbers.numberedEntries).toBe(36);
    const first = await numbersOf(hosts[0]!);
    expect(first.size).toBe(36);
    for (const h of hosts.slice(1)) expect(await numbersOf(h)).toEqual(first);
    expect(new Set([...first.values()].map((x) => x.number)).size).toBe(36);
    for (const r of numbers.rows) expect(first.get(r.brief_id)).toEqual({ number: r.number, provisional: false });
  }, 90_000);
});

if (!hasMariaDb()) console.log('sync number tests: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
