import { afterAll, describe, expect, it } from 'vitest';
import { createConnection, type Connection } from 'mysql2/promise';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { stopAllHosts } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { append, call, createBrief, startSyncedHost, syncSet } from '../../fixtures/sync-hosts';
import { until } from '../../fixtures/wait-until';
import type { Brief, BriefEntry } from '../../../src/shared/briefs';

/**
 * A host with sync on and nothing changing keeps up without costing the server much: each
 * idle round asks one question (has the shared sequence moved?), and an entry another host
 * writes shows here within about a second while anything moved in the last 30 s (after
 * that the pace slows to a round every 8 s: sync-rounds.ts, unit-tested), with no `sync now`.
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

async function questions(conn: Connection): Promise<number> {
  const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number((rows as { Value: string }[])[0]!.Value);
}

describe.skipIf(!hasMariaDb())('sync: an idle host', () => {
  it('asks the server one cheap question a second and still sees another host’s entry within 2 s', async () => {
    const db = await startMariaDb();
    const a = await startSyncedHost(db);
    const b = await startSyncedHost(db);
    await syncSet(a, db);
    await syncSet(b, db);
    const brief = await createBrief(a, 'watched from B');
    const traceOnB = async () => (await call<{ trace: BriefEntry[] }>(b, 'briefs.get', { ref: brief.id, limit: 50 })).trace;
    await until('B to have the brief', async () => (await call<{ briefs: Brief[] }>(b, 'briefs.list', {})).briefs.some((x) => x.id === brief.id));

    // Both hosts idle: what they ask the server over 6 s (the measuring query counts itself once).
    const conn = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      await new Promise((r) => setTimeout(r, 2000));
      const before = await questions(conn);
      await new Promise((r) => setTimeout(r, 6000));
      const asked = (await questions(conn)) - before - 1;
      // Two hosts, a round a second each, one query a round; none at all would mean they stopped polling.
      expect(asked).toBeGreaterThanOrEqual(6);
      expect(asked).toBeLessThanOrEqual(2 * 7);
    } finally {
      await conn.end();
    }

    // A writes; B, quiet for 8 s, has it within 2 s without being asked to sync.
    const t0 = Date.now();
    await append(a, brief.id, { kind: 'note', text: 'seen from an idle host' });
    await until('B to show the note', async () => (await traceOnB()).some((e) => e.kind === 'note' && e.payload?.text === 'seen from an idle host'), 5000);
    expect(Date.now() - t0).toBeLessThan(2000);
  }, 60_000);
});
