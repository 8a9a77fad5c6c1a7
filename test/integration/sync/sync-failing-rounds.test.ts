import { createConnection } from 'mysql2/promise';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/shared/briefs';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { openSyncRig, type SyncRig } from '../../fixtures/sync-rig';
import { startTcpProxy, viaProxy, type TcpProxy } from '../../fixtures/tcp-proxy';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { until } from '../../fixtures/wait-until';

/**
 * Rounds that fail against a real MariaDB, with the service's own timer running (the rig with
 * `start()`): local writes while the server refuses the password, or cannot be reached, do not
 * bring the retry forward (each would be one more failed login: MySQL 8 locks an account after
 * FAILED_LOGIN_ATTEMPTS), counted as connections through a TCP proxy; and what a failure logs.
 */
const OP: Actor = { kind: 'operator', name: 'operator:mike' };
// Whole seconds, as GET_LOCK waits: a schema lock waited for as long as the step would outlast it.
const TIMEOUT_MS = 2000;
const rigs: SyncRig[] = [];
const proxies: TcpProxy[] = [];

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.sync.stop();
    rig.db.close();
  }
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await stopAllMariaDbs();
  removeTempDirs();
});

/** A host's sync with its timer running, on `url` through a proxy the test counts connections on. */
async function runningRig(db: MariaDb, password: string, url = db.url): Promise<{ rig: SyncRig; proxy: TcpProxy }> {
  const proxy = await startTcpProxy({ port: db.port });
  proxies.push(proxy);
  const rig = openSyncRig({ password, timeoutMs: TIMEOUT_MS });
  rigs.push(rig);
  await rig.sync.configure(viaProxy(url, proxy), 'off');
  rig.sync.start();
  return { rig, proxy };
}

/** An agent's progress notes: one every 150 ms for about three seconds. */
async function writeNotes(rig: SyncRig): Promise<void> {
  const made = rig.briefs.create({ title: 'noted', kind: 'feature', spec: 'spec', projects: [] }, OP, 'ui');
  if (!made.ok) throw new Error(made.error.message);
  for (let i = 0; i < 20; i++) {
    rig.briefs.append(made.value.brief.id, { kind: 'note', text: `progress ${i}` }, OP, 'ui');
    await new Promise((r) => setTimeout(r, 150));
  }
}

const syncLines = (rig: SyncRig) => rig.logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'sync');

describe.skipIf(!hasMariaDb())('sync: rounds that fail', () => {
  it('writes while the server refuses the password make no login attempts of their own; the refusal is logged whole, once', async () => {
    const db = await startMariaDb();
    const wrong = 'wrong-password-5d1e0b';
    const { rig, proxy } = await runningRig(db, wrong);
    await until('refused', async () => rig.sync.status().state === 'refused');
    const before = proxy.stats().accepted;

    await writeNotes(rig);
    // The refusal retries every 15 s: none of those writes brought it forward.
    expect(proxy.stats().accepted - before).toBe(0);
    expect(rig.sync.status().state).toBe('refused');
    expect(rig.sync.status().waiting).toBeGreaterThanOrEqual(21);

    const [line, ...more] = syncLines(rig);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ state: 'refused', error: { error: expect.stringContaining('Access denied for user'), code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 } });
    expect(rig.logged.join('\n')).not.toContain(wrong);
  }, 30_000);

  it('writes while the server cannot be reached keep to the backoff (1 s doubling), not a round each', async () => {
    const db = await startMariaDb();
    const { rig, proxy } = await runningRig(db, db.password);
    await until('in step', async () => rig.sync.status().state === 'idle');
    proxy.refuse();
    proxy.drop();
    await until('offline', async () => rig.sync.status().state === 'offline');
    const before = proxy.stats().accepted;

    await writeNotes(rig);
    // Three seconds from the first failure: its retries 1 s and 3 s after it, at most.
    expect(proxy.stats().accepted - before).toBeLessThanOrEqual(2);

    // Back: the next retry pushes what waited, and writes are pushed promptly again.
    proxy.restore();
    await until('in step, nothing waiting', async () => rig.sync.status().waiting === 0 && rig.sync.status().state === 'idle', 20_000);
  }, 40_000);

  it("says another Grove's schema migration in Grove's words, and logs where it was thrown", async () => {
    const db = await startMariaDb();
    const url = await db.addDatabase('grove_fresh');
    // Another Grove migrating the fresh store: it holds the schema's lock for the whole test.
    const other = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'grove_fresh' });
    try {
      await other.query("SELECT GET_LOCK('grove_schema', 10)");
      const { rig } = await runningRig(db, db.password, url);
      await until('offline', async () => rig.sync.status().state === 'offline', 20_000);
      expect(rig.sync.status().lastError?.message).toMatch(/: another Grove is migrating the shared schema; trying again shortly\. Local work goes on\.$/);
      expect(syncLines(rig)[0]).toMatchObject({ error: { error: 'Error: another Grove is migrating the shared schema; trying again shortly', stack: expect.stringContaining('shared-schema') } });
    } finally {
      await other.end();
    }
  }, 30_000);
});
