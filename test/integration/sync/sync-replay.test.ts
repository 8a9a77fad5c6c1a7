import { createHybridClock } from '../../../src/host/briefs/hybrid-clock';
import { createConnection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/shared/briefs';
import { pushBatch } from '../../../src/host/sync/push';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { openSyncRig, reopenSyncRig } from '../../fixtures/sync-rig';
import { removeTempDirs } from '../../fixtures/temp-dir';

/**
 * Duplicate push batches against a real MariaDB: the same entries pushed again, whether a
 * stopped host's outbox still listed them (it died before deleting the rows) or a batch is sent
 * twice, change nothing in MySQL: not a row, not a seq, not the counter.
 */
const OP: Actor = { kind: 'operator', name: 'operator:mike' };

afterAll(async () => {
  await stopAllMariaDbs();
  removeTempDirs();
});

async function everything(db: MariaDb): Promise<unknown> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    const [entries] = await c.query('SELECT * FROM entries ORDER BY seq');
    const [counters] = await c.query('SELECT * FROM counters ORDER BY name');
    return { entries, counters };
  } finally {
    await c.end();
  }
}

describe.skipIf(!hasMariaDb())('sync: duplicate push batches', () => {
  it('a stopped host whose outbox lists pushed entries again, and a batch pushed twice on one connection, change nothing in MySQL', async () => {
    const db = await startMariaDb();
    const opts = { password: db.password, timeoutMs: 5000 };
    let rig = openSyncRig(opts);
    await rig.sync.configure(db.url, 'off');
    const made = rig.briefs.create({ title: 'replayed', kind: 'feature', spec: 'spec', projects: [] }, OP, 'ui');
    if (!made.ok) throw new Error(made.error.message);
    for (let i = 0; i < 30; i++) rig.briefs.append(made.value.brief.id, { kind: 'note', text: `note ${i}${i === 3 ? ' with SECRET-9' : ''}` }, OP, 'ui');
    const secret = rig.store.trace(made.value.brief.id).find((e) => JSON.stringify(e.payload).includes('SECRET-9'))!;
    const redacted = rig.briefs.redact(made.value.brief.id, secret.id, 'a secret', OP, 'ui');
    expect(redacted.ok).toBe(true);
    const first = await rig.sync.syncNow();
    expect(first.ok && first.value).toMatchObject({ state: 'idle', waiting: 0 });
    const pushed = await everything(db);
    expect(JSON.stringify(pushed)).not.toContain('SECRET-9');

    // The host stops; its outbox lists every entry again (as if it had died before deleting the rows), and it starts.
    await rig.sync.stop();
    rig.outbox.setEnabled(true);
    rig.outbox.enqueueAll();
    const queued = rig.outbox.waiting();
    expect(queued).toBe(rig.store.trace(made.value.brief.id).length);
    rig = reopenSyncRig(rig, opts);
    const again = await rig.sync.syncNow();
    expect(again.ok && again.value).toMatchObject({ state: 'idle', waiting: 0 });
    expect(await everything(db)).toEqual(pushed);

    // The same batch twice, on one connection, as a lost COMMIT reply would have the round send it again.
    const conn = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      for (let k = 0; k < 2; k++) {
        rig.outbox.enqueueAll();
        expect((await pushBatch(conn, rig.store, rig.outbox, rig.node, createHybridClock(rig.node), 'store-replay')).pushed).toBe(queued);
        expect(rig.outbox.waiting()).toBe(0);
        expect(await everything(db)).toEqual(pushed);
      }
    } finally {
      await conn.end();
      await rig.sync.stop();
      rig.db.close();
    }
  });
});

if (!hasMariaDb()) console.log('sync replay tests: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
