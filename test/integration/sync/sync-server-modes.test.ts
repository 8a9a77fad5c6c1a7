import { afterAll, describe, expect, it } from 'vitest';
import { stopAllHosts } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { createConnection } from 'mysql2/promise';
import { append, createBrief, mysqlIds, snapshot, startSyncedHost, syncAll, syncNow, syncSet, syncStatus } from '../../fixtures/sync-hosts';
import { SHARED_COLUMNS } from '../../../src/host/sync/shared-rows';
import { uuidv7 } from '../../../src/host/ids';

afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

/**
 * A shared store whose server reads backslashes as plain characters (sql_mode
 * NO_BACKSLASH_ESCAPES, as some DBAs set it): the client's escaping of a quote would then end
 * the string there. Text with quotes and backslashes, written by an agent, must arrive as
 * written, and add nothing of its own to the statement that carries it.
 */
describe.skipIf(!hasMariaDb())('sync: a server set otherwise, a newer Grove\'s entries', () => {
  it('carries quotes and backslashes as written, and nothing more, on a server set to NO_BACKSLASH_ESCAPES', async () => {
    const db = await startMariaDb();
    await db.asRoot("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    const a = await startSyncedHost(db);
    const b = await startSyncedHost(db);
    for (const h of [a, b]) await syncSet(h, db);
    const brief = await createBrief(a, "it's a brief");
    const text = String.raw`an agent's note: \' '), ('x', 'forged') -- and C:\path\ and \\ and "quotes"`;
    await append(a, brief.id, { kind: 'note', text });
    await syncAll([a, b]);
    for (const h of [a, b]) expect(await syncStatus(h)).toMatchObject({ state: 'idle', lastError: null, waiting: 0 });
    const onB = (await snapshot(b)).get(brief.id)!;
    expect(onB.brief.title).toBe("it's a brief");
    expect(onB.trace.find((e) => e.kind === 'note')?.payload).toMatchObject({ text });
    // Exactly the entries A wrote, each once: nothing forged into the statement.
    const onA = (await snapshot(a)).get(brief.id)!;
    expect((await mysqlIds(db)).ids).toEqual(onA.trace.map((e) => e.id).sort());
  });

  it('sees a newer Grove migrate the shared schema while it stays connected, and stops writing there', async () => {
    const db = await startMariaDb();
    const a = await startSyncedHost(db);
    await syncSet(a, db);
    const brief = await createBrief(a, 'before the migration');
    await syncAll([a]);
    const conn = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      const [rows] = await conn.query('SELECT version FROM grove_schema WHERE id = 1');
      const current = Number((rows as { version: number }[])[0]!.version);
      // A newer Grove migrates while this host's connection stays open.
      await conn.query('UPDATE grove_schema SET version = 99 WHERE id = 1');
      await append(a, brief.id, { kind: 'note', text: 'written after the migration' });
      expect(await syncNow(a)).toMatchObject({ state: 'refused', waiting: 1, lastError: { message: expect.stringContaining('version 99, newer than this Grove understands') } });
      const [notes] = await conn.query("SELECT COUNT(*) AS n FROM entries WHERE kind = 'note'");
      expect(Number((notes as { n: number }[])[0]!.n)).toBe(0);
      // As after an upgrade of this Grove: it syncs again.
      await conn.query('UPDATE grove_schema SET version = ? WHERE id = 1', [current]);
      await syncAll([a]);
      expect(await syncStatus(a)).toMatchObject({ state: 'idle', waiting: 0 });
    } finally {
      await conn.end();
    }
  });

  it('stops at an entry of a kind a newer Grove wrote, saying so, and goes on once it is gone (as after an upgrade)', async () => {
    const db = await startMariaDb();
    const a = await startSyncedHost(db);
    const b = await startSyncedHost(db);
    for (const h of [a, b]) await syncSet(h, db);
    const brief = await createBrief(a, 'shared');
    await syncAll([a, b]);
    // A newer Grove's entry, on a brief both hosts have.
    const conn = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      const [rows] = await conn.query('SELECT MAX(seq) AS seq FROM entries');
      const seq = Number((rows as { seq: number }[])[0]!.seq) + 1;
      await conn.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [seq]);
      await conn.query(`INSERT INTO entries (${SHARED_COLUMNS}) VALUES (?, ?, ?, 'vote', 'operator', 'ana', 'ui', ?, ?, '{"up":true}', NULL, 'newer-host')`, [
        seq, uuidv7(), brief.id, new Date().toISOString(), `${Date.now()}-0000-newer`,
      ]);
      // What b writes meanwhile still reaches the others: only its pull waits for the upgrade.
      await append(b, brief.id, { kind: 'note', text: 'written while refused' });
      await syncNow(b);
      expect(await syncStatus(b)).toMatchObject({ state: 'refused', waiting: 0, lastError: { message: expect.stringContaining('of a kind this Grove does not know ("vote"), written by a newer Grove: upgrade Grove') } });
      const [notes] = await conn.query("SELECT payload FROM entries WHERE kind = 'note'");
      expect((notes as { payload: string }[]).map((n) => JSON.parse(n.payload) as { text: string })).toEqual([{ text: 'written while refused' }]);
      await conn.query("DELETE FROM entries WHERE kind = 'vote'");
    } finally {
      await conn.end();
    }
    await append(a, brief.id, { kind: 'note', text: 'after' });
    await syncAll([a, b]);
    expect(await syncStatus(b)).toMatchObject({ state: 'idle', lastError: null });
    expect((await snapshot(b)).get(brief.id)!.trace.some((e) => e.kind === 'note')).toBe(true);
  });
});
