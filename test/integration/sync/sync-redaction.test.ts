import { afterAll, describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { api, stopAllHosts, type HostProcess } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { filesHolding } from '../../fixtures/files-holding';
import { runGroveWith } from '../../fixtures/grove-cli';
import { append, call, heldSyncedHost, snapshot, startSyncedHost, syncAll, syncNow, syncSet, syncStatus } from '../../fixtures/sync-hosts';
import type { Brief, BriefEntry } from '../../../src/shared/briefs';

/**
 * A secret leaves the shared store and every host, whichever host holds its copies: A writes
 * a secret in a spec, B copies it into entries only B has (a snapshot of the spec, and a
 * refinement whose diff holds its lines) and pushes them, and then someone redacts the spec
 * before seeing B's copies. Afterwards no row of MySQL's `entries` holds the secret, and no
 * host shows it (brief, trace, events, search).
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

const SECRET = 'sk-live-7f3a9c1e55d04b2e';

async function mysqlRows(db: MariaDb): Promise<unknown[]> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    const [rows] = await c.query('SELECT id, payload, redacted FROM entries');
    return rows as unknown[];
  } finally {
    await c.end();
  }
}

/** Everything a host shows of its briefs: every brief and trace, its events, and what a search finds. */
async function whatHostShows(host: HostProcess): Promise<string> {
  const briefs = [...(await snapshot(host)).values()];
  const events = await call<unknown>(host, 'events.since', { since: 0 });
  const found = await call<{ briefs: unknown[] }>(host, 'briefs.list', { query: SECRET.split('-')[2]!, limit: 50 });
  return JSON.stringify([briefs, events, found.briefs]);
}

/** A writes the secret, all sync; B copies it into entries only B has and pushes them, while the redactor (unless B) pulls nothing. */
async function secretCopiedByB(db: MariaDb, redactor: 'a' | 'b' | 'c') {
  const [a, b, c] = [await heldSyncedHost(db), await heldSyncedHost(db), await heldSyncedHost(db)];
  for (const h of [a, b, c]) await syncSet(h, db);
  const brief = await call<{ brief: Brief; entries: BriefEntry[] }>(a, 'briefs.create', { title: 'Payments', spec: `Call the API with ${SECRET}.\nRetry twice.` });
  await syncAll([a, b, c]);
  const held = redactor === 'b' ? null : { a, c }[redactor];
  held?.hold();
  await append(b, brief.brief.id, { kind: 'spec_snapshot', reason: 'before dispatch' });
  await append(b, brief.brief.id, { kind: 'refinement', spec: 'Call the API with the key from the vault.\nRetry twice.' });
  expect((await syncNow(b)).waiting).toBe(0);
  expect(JSON.stringify(await mysqlRows(db)).split(SECRET).length - 1).toBe(3);
  const created = brief.entries.find((e) => e.kind === 'created')!;
  if (held) {
    // The redactor has not seen B's copies: they reach it after its redaction.
    const trace = (await snapshot(held)).get(brief.brief.id)!.trace;
    expect(trace.some((e) => e.kind === 'spec_snapshot')).toBe(false);
  }
  return { a, b, c, held, briefId: brief.brief.id, created };
}

describe.skipIf(!hasMariaDb())('sync: a redaction reaches the copies other hosts pushed', () => {
  for (const who of ['a', 'b', 'c'] as const) {
    it(`redacted on ${who.toUpperCase()}${who === 'b' ? ', which holds the copies' : ", before it saw B's copies"}: MySQL and every host hold the secret nowhere`, async () => {
      const db = await startMariaDb();
      const hosts = await secretCopiedByB(db, who);
      await call(hosts[who], 'briefs.redact', { ref: hosts.briefId, entryId: hosts.created.id, reason: 'an API key' });
      hosts.held?.release();
      await syncAll([hosts.a, hosts.b, hosts.c]);

      const rows = await mysqlRows(db);
      // created, numbered (the shared store's number), snapshot, refinement, redaction: nothing deleted.
      expect(rows.length).toBe(6);
      expect(JSON.stringify(rows)).not.toContain(SECRET);
      for (const h of [hosts.a, hosts.b, hosts.c]) {
        expect(await whatHostShows(h)).not.toContain(SECRET);
        // Nor its files: the entry, the search index's words, the WAL (redacted here or pulled).
        expect([...filesHolding(h.home, SECRET), ...filesHolding(h.home, SECRET.split('-')[2]!)]).toEqual([]);
        expect(await syncStatus(h)).toMatchObject({ state: 'idle', waiting: 0 });
      }
      // Every host ends with the same brief: the spec is B's edit, the copies tombstoned alike.
      const briefs = await Promise.all([hosts.a, hosts.b, hosts.c].map(async (h) => (await snapshot(h)).get(hosts.briefId)!));
      for (const x of briefs) expect(x.brief.spec).toBe('Call the API with the key from the vault.\nRetry twice.');
      const forms = briefs.map((x) => x.trace.map((e) => [e.id, e.payload, e.redacted]).sort());
      expect(forms[1]).toEqual(forms[0]);
      expect(forms[2]).toEqual(forms[0]);
    }, 60_000);
  }

  it('a host killed between its local tombstone and the rewrite rewrites the shared rows on restart', async () => {
    const db = await startMariaDb();
    const { a, b, c, briefId, created } = await secretCopiedByB(db, 'b');
    // A's rounds cannot reach the server: the redaction and the rewrites wait in A's store.
    db.pause();
    await call(a, 'briefs.redact', { ref: briefId, entryId: created.id, reason: 'an API key' });
    expect((await syncStatus(a)).waiting).toBeGreaterThanOrEqual(2);
    const home = a.home;
    await a.kill9();
    db.resume();
    expect(JSON.stringify(await mysqlRows(db))).toContain(SECRET);

    const again = await startSyncedHost(db, { home });
    await syncAll([again, b, c]);
    expect(JSON.stringify(await mysqlRows(db))).not.toContain(SECRET);
    for (const h of [again, b, c]) expect(await whatHostShows(h)).not.toContain(SECRET);
  }, 60_000);

  it('turning sync off, or pointing it elsewhere, while a redaction has not reached the store is refused, saying so; forced, the text stays there until sync is on again', async () => {
    const db = await startMariaDb();
    const a = await heldSyncedHost(db);
    await syncSet(a, db);
    const brief = await call<{ brief: Brief; entries: BriefEntry[] }>(a, 'briefs.create', { title: 'Payments', spec: `Call the API with ${SECRET}.` });
    expect((await syncNow(a)).waiting).toBe(0);
    // A's rounds are refused from now on: the redaction is made here and waits.
    a.hold();
    const created = brief.entries.find((e) => e.kind === 'created')!;
    await call(a, 'briefs.redact', { ref: brief.brief.id, entryId: created.id, reason: 'an API key' });
    const waiting = await syncStatus(a);
    expect(waiting.redactedWaiting).toBe(1);
    expect(waiting.waiting).toBeGreaterThan(waiting.redactedWaiting); // the redaction entry itself, to push

    const off = await api(a, 'sync.off', {});
    expect(off.status).toBe(409);
    expect(off.body.error).toMatchObject({ code: 'sync_redactions_waiting', details: { redactedWaiting: 1, url: db.url } });
    expect(off.body.error!.message).toBe(
      `1 redacted entry is not yet rewritten in ${db.url}: the text the redaction removed may still be there, for every Grove syncing with it. Sync until it is rewritten (sync status shows them waiting), or turn sync off with force to leave that text there.`,
    );
    const elsewhere = await api(a, 'sync.set', { url: db.url.replace(/\/[^/]+$/, '/grove_other') });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error!.message).toContain('or point sync elsewhere with force');
    // Refused, nothing changed: still this store, the redaction still queued for it.
    expect(await syncStatus(a)).toMatchObject({ url: db.url, redactedWaiting: 1 });
    // Another TLS for the same store is not leaving it.
    expect((await api(a, 'sync.set', { url: db.url, tls: 'require' })).body.result).toMatchObject({ tls: 'require', redactedWaiting: 1 });

    // The CLI says the same, and --force goes ahead.
    const cli = await runGroveWith(a, ['sync', 'off']);
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toBe(off.body.error!.message);
    const forced = await runGroveWith(a, ['sync', 'off', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Sync is off');
    expect(await syncStatus(a)).toMatchObject({ state: 'off', redactedWaiting: 0 });
    expect(JSON.stringify(await mysqlRows(db))).toContain(SECRET);
    // Nothing lost here: on again with the same store, the rewrite is queued once more and made.
    a.release();
    await syncSet(a, db);
    expect(await syncNow(a)).toMatchObject({ state: 'idle', waiting: 0, redactedWaiting: 0 });
    expect(JSON.stringify(await mysqlRows(db))).not.toContain(SECRET);

    // A store never reached holds nothing of this host's: none counted, and leaving it asks
    // nothing, though its rewrites were queued with the history when it was set.
    const nowhere = 'mysql://grove@127.0.0.1:1/grove';
    expect(await call(a, 'sync.set', { url: nowhere })).toMatchObject({ url: nowhere, redactedWaiting: 0 });
    expect((await syncStatus(a)).waiting).toBeGreaterThan(1);
    expect(await call(a, 'sync.off')).toMatchObject({ state: 'off' });
  }, 60_000);
});

if (!hasMariaDb()) console.log('sync redaction tests: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
