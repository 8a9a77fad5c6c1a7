import { createHybridClock } from '../../../src/host/briefs/hybrid-clock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createConnection, type Connection } from 'mysql2/promise';
import { closeRigs, trackedRig, MIKE } from '../../fixtures/brief-service';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { pushBatch } from '../../../src/host/sync/push';
import { ensureSharedSchema, sharedStoreId } from '../../../src/host/sync/shared-schema';
import { WITHHELD_DIFF } from '../../../src/host/briefs/redaction-spread';

/**
 * The push's rewrites of shared rows (push.ts, rewriteTombstones) against a real MariaDB: a
 * queued entry's row becomes its redacted form, in the push transaction, and never the other
 * way: a row the shared store already holds tombstoned keeps its tombstone, even when this
 * host only withheld that entry's diff.
 */
afterEach(closeRigs);
afterAll(stopAllMariaDbs);

async function rows(c: Connection): Promise<Map<string, { payload: string | null; redacted: string | null }>> {
  const [r] = await c.query('SELECT id, payload, redacted FROM entries');
  return new Map((r as { id: string; payload: string | null; redacted: string | null }[]).map((x) => [x.id, x]));
}

describe.skipIf(!hasMariaDb())('push: rewriting shared rows after a redaction', () => {
  it('rewrites to the redacted form only, and clears the queue once committed', async () => {
    const db = await startMariaDb();
    const conn = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      await ensureSharedSchema(conn, 5000);
      const b = trackedRig({ node: 'host-b', sync: true });
      const clock = createHybridClock('host-b');
      const created = b.service.create({ title: 'Keys', kind: 'feature', spec: 'token hunter2-abc', projects: [] }, MIKE, 'ui');
      if (!created.ok) throw new Error(created.error.message);
      const refined = b.service.append(created.value.brief.id, { kind: 'refinement', spec: 'token from the vault' }, MIKE, 'ui');
      if (!refined.ok) throw new Error(refined.error.message);
      const refinement = refined.value.entries.at(-1)!;
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, await sharedStoreId(conn))).pushed > 0);
      expect(JSON.stringify([...(await rows(conn)).values()])).toContain('hunter2-abc');

      // Another host redacted the refinement itself and rewrote its row; this one has not pulled that yet.
      const otherTombstone = JSON.stringify({ by: MIKE, reason: 'elsewhere', at: new Date().toISOString(), redactionId: 'r-elsewhere' });
      await conn.query('UPDATE entries SET payload = NULL, redacted = ? WHERE id = ?', [otherTombstone, refinement.id]);

      // Here the spec is redacted: the created entry is tombstoned, the refinement's diff withheld; both queued.
      const target = created.value.entries[0]!;
      const redacted = b.service.redact(created.value.brief.id, target.id, 'a token', MIKE, 'ui');
      if (!redacted.ok) throw new Error(redacted.error.message);
      expect(b.store.entry(refinement.id)!.payload).toMatchObject({ diff: WITHHELD_DIFF });
      expect(b.outbox.nextTombstones(10).sort()).toEqual([target.id, refinement.id].sort());

      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, await sharedStoreId(conn))).pushed > 0);
      const after = await rows(conn);
      expect(JSON.stringify([...after.values()])).not.toContain('hunter2-abc');
      expect(after.get(target.id)!.redacted).not.toBeNull();
      // The withheld diff did not put the refinement's text back over the other host's tombstone.
      expect(after.get(refinement.id)).toMatchObject({ payload: null, redacted: otherTombstone });
      expect(b.outbox.waiting()).toBe(0);
    } finally {
      await conn.end();
    }
  }, 30_000);
});
