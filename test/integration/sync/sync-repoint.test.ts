import { createConnection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/shared/briefs';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { openSyncRig, type SyncRig } from '../../fixtures/sync-rig';
import { removeTempDirs } from '../../fixtures/temp-dir';

/**
 * Pointing sync at another shared store while rounds run (sync-service.ts `configure`), against
 * a real MariaDB holding two stores: whatever round was under way or queued when the operator
 * changed the URL, the new store gets this host's whole history, and the rounds after talk to
 * the new store, not the connection of the old one.
 */
const OP: Actor = { kind: 'operator', name: 'operator:mike' };

afterAll(async () => {
  await stopAllMariaDbs();
  removeTempDirs();
});

async function entryIds(db: MariaDb, database: string): Promise<string[]> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database });
  try {
    const [rows] = await c.query("SELECT id FROM entries WHERE kind <> 'numbered' ORDER BY id");
    return (rows as { id: string }[]).map((r) => r.id);
  } finally {
    await c.end();
  }
}

/** Sync on at `db`'s store, a brief of `notes` notes pushed there: the ids of this host's entries, sorted. */
async function pushedHistory(rig: SyncRig, db: MariaDb, title: string, notes: number): Promise<string[]> {
  await rig.sync.configure(db.url, 'off');
  const made = rig.briefs.create({ title, kind: 'feature', spec: 'spec', projects: [] }, OP, 'ui');
  if (!made.ok) throw new Error(made.error.message);
  for (let i = 0; i < notes; i++) rig.briefs.append(made.value.brief.id, { kind: 'note', text: `note ${i}` }, OP, 'ui');
  expect((await rig.sync.syncNow()).ok).toBe(true);
  const local = rig.store
    .trace(made.value.brief.id)
    .filter((e) => e.kind !== 'numbered')
    .map((e) => e.id)
    .sort();
  expect(await entryIds(db, 'grove')).toEqual(local);
  return local;
}

describe.skipIf(!hasMariaDb())('sync: pointed at another store while rounds run', () => {
  it('a `sync now` queued behind a hung round, then a new URL: the new store gets the whole history', async () => {
    const db = await startMariaDb();
    const second = await db.addDatabase('grove_second');
    const rig = openSyncRig({ password: db.password, timeoutMs: 5000 });
    try {
      const local = await pushedHistory(rig, db, 'moved', 20);

      // A round hangs on the old server; the operator asks for another, then for the new URL.
      db.pause();
      const hung = rig.sync.syncNow();
      await new Promise((r) => setTimeout(r, 100));
      const queued = rig.sync.syncNow();
      const moved = rig.sync.configure(second, 'off');
      // The old server answers again: the queued round may reach it, with the old settings.
      db.resume();
      await Promise.all([hung, queued, moved]);

      expect(rig.sync.status()).toMatchObject({ url: second });
      const after = await rig.sync.syncNow();
      expect(after.ok && after.value).toMatchObject({ state: 'idle', waiting: 0, url: second });
      expect(await entryIds(db, 'grove_second')).toEqual(local);
    } finally {
      db.resume();
      await rig.sync.stop();
      rig.db.close();
    }
  });

  it('a round still connecting when the URL changes writes nothing to the old store', async () => {
    const db = await startMariaDb();
    const second = await db.addDatabase('grove_corrected');
    const rig = openSyncRig({ password: db.password, timeoutMs: 5000 });
    try {
      const made = rig.briefs.create({ title: 'history', kind: 'feature', spec: 'spec', projects: [] }, OP, 'ui');
      if (!made.ok) throw new Error(made.error.message);
      // Pointed at the wrong database first; its first round is still connecting (the server
      // hangs) when the operator corrects the URL.
      db.pause();
      await rig.sync.configure(db.url, 'off');
      const first = rig.sync.syncNow();
      await new Promise((r) => setTimeout(r, 100));
      const corrected = rig.sync.configure(second, 'off');
      db.resume();
      await Promise.all([first, corrected]);
      const after = await rig.sync.syncNow();
      expect(after.ok && after.value).toMatchObject({ state: 'idle', waiting: 0, url: second });
      expect(await entryIds(db, 'grove_corrected')).toHaveLength(rig.store.trace(made.value.brief.id).filter((e) => e.kind !== 'numbered').length);
      // The first round, once connected, found its settings gone: it made no schema there and pushed nothing.
      const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'grove' });
      try {
        const [tables] = await admin.query('SHOW TABLES');
        expect(tables).toEqual([]);
      } finally {
        await admin.end();
      }
    } finally {
      db.resume();
      await rig.sync.stop();
      rig.db.close();
    }
  });

  it('sync turned off while a round is connecting: the round pulls nothing into this host', async () => {
    const db = await startMariaDb();
    const other = openSyncRig({ password: db.password, timeoutMs: 5000 });
    const rig = openSyncRig({ password: db.password, timeoutMs: 5000 });
    try {
      await other.sync.configure(db.url, 'off');
      const theirs = other.briefs.create({ title: 'from the other host', kind: 'feature', spec: 'spec', projects: [] }, OP, 'ui');
      if (!theirs.ok) throw new Error(theirs.error.message);
      expect((await other.sync.syncNow()).ok).toBe(true);

      await rig.sync.configure(db.url, 'off');
      db.pause();
      const round = rig.sync.syncNow();
      await new Promise((r) => setTimeout(r, 100));
      const off = rig.sync.off();
      db.resume();
      await Promise.all([round, off]);
      expect(rig.sync.status()).toMatchObject({ state: 'off', url: null, waiting: 0 });
      expect(rig.store.resolve(theirs.value.brief.id)).toBeNull();
    } finally {
      db.resume();
      await other.sync.stop();
      await rig.sync.stop();
      other.db.close();
      rig.db.close();
    }
  });

  it('the same URL reaching a store made again: this host pulls it from the start and pushes its whole history there', async () => {
    const db = await startMariaDb();
    const rig = openSyncRig({ password: db.password, timeoutMs: 5000 });
    try {
      const local = await pushedHistory(rig, db, 'kept here', 5);

      // The database is dropped and made again behind the same URL.
      const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'grove' });
      try {
        const [tables] = await admin.query('SHOW TABLES');
        for (const t of tables as Record<string, string>[]) await admin.query(`DROP TABLE \`${Object.values(t)[0]}\``);
      } finally {
        await admin.end();
      }
      // The first round finds its tables gone (offline); the next reaches the new store.
      await rig.sync.syncNow();
      const after = await rig.sync.syncNow();
      expect(after.ok && after.value).toMatchObject({ state: 'idle', waiting: 0 });
      expect(await entryIds(db, 'grove')).toEqual(local);
      expect(rig.logged.join('\n')).toContain('the shared store at this URL is another one than before');
    } finally {
      await rig.sync.stop();
      rig.db.close();
    }
  });

  for (const upgraded of [false, true]) {
    it(`the store gone back (restored from a backup): what it lost comes back from the hosts that have it, and what is pushed after reaches every host${upgraded ? '; one upgraded from a Grove that kept no entry at its cursor records it at its first round' : ''}`, async () => {
      const db = await startMariaDb();
      const rig = openSyncRig({ password: db.password, timeoutMs: 5000 });
      const other = openSyncRig({ password: db.password, timeoutMs: 5000 });
      const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'grove' });
      const sync = async (...hosts: SyncRig[]): Promise<void> => {
        for (let pass = 0; pass < 2; pass++) for (const r of hosts) expect((await r.sync.syncNow()).ok).toBe(true);
      };
      const notes = (r: SyncRig, briefId: string) => r.store.trace(briefId).flatMap((e) => (e.kind === 'note' && e.payload ? [e.payload.text] : [])).sort();
      try {
        await rig.sync.configure(db.url, 'off');
        await other.sync.configure(db.url, 'off');
        const made = rig.briefs.create({ title: 'restored', kind: 'feature', spec: 'spec', projects: [] }, OP, 'ui');
        if (!made.ok) throw new Error(made.error.message);
        const briefId = made.value.brief.id;
        await sync(rig, other);
        // The backup the DBA restores later, taken now.
        const [at] = await admin.query("SELECT value FROM counters WHERE name = 'entry_seq'");
        const backup = Number((at as { value: number | string }[])[0]!.value);
        rig.briefs.append(briefId, { kind: 'note', text: 'after the backup' }, OP, 'ui');
        await sync(rig, other);
        // The other host's next note goes out, and this one does not pull it before the restore:
        // the other's cursor is past this one's.
        other.briefs.append(briefId, { kind: 'note', text: "the other's, after the backup" }, OP, 'ui');
        await sync(other);
        if (upgraded) {
          // As a Grove from before the entry at the cursor was kept left it; then one idle round.
          const cursor = other.state.cursor();
          other.state.setCursor(cursor, null);
          await other.sync.syncNow();
          expect(other.state.cursor()).toBe(cursor);
          expect(other.state.cursorEntry()).not.toBeNull();
        }

        // The restore: the rows written since the backup are gone, the counter back where it was.
        await admin.query('DELETE FROM entries WHERE seq > ?', [backup]);
        await admin.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [backup]);
        rig.briefs.append(briefId, { kind: 'note', text: 'after the restore' }, OP, 'ui');
        // This host goes first: its history pushed again lifts the counter past the other's
        // cursor, so the other notices by the entry at its cursor, not by the counter.
        await sync(rig);
        await sync(other, rig);

        const all = ['after the backup', 'after the restore', "the other's, after the backup"];
        for (const r of [rig, other]) expect(notes(r, briefId)).toEqual(all);
        const [rows] = await admin.query("SELECT payload FROM entries WHERE kind = 'note'");
        expect((rows as { payload: string }[]).map((r) => (JSON.parse(r.payload) as { text: string }).text).sort()).toEqual(all);
        for (const r of [rig, other]) expect(r.sync.status()).toMatchObject({ state: 'idle', waiting: 0 });
        for (const r of [rig, other]) expect(r.logged.join('\n')).toContain('the shared store went back');
      } finally {
        await admin.end();
        for (const r of [rig, other]) {
          await r.sync.stop();
          r.db.close();
        }
      }
    });
  }
});
