import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';
import { stopAllHosts } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { append, call, createBrief, mysqlIds, shared, snapshot, startSyncedHost, syncAll, syncNow, syncSet, syncStatus, whereSecretsCouldLeak } from '../../fixtures/sync-hosts';

/**
 * Several Groves, each with its own SQLite store, syncing through one real MariaDB: they end
 * with the same entries (and MySQL holds each exactly once) and the same briefs, including
 * when two operators change the same brief at the same time.
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

describe.skipIf(!hasMariaDb())('sync: hosts converge through one MySQL', () => {
  it('three hosts end with the same entries and briefs; concurrent status changes resolve the same everywhere; a replayed push changes nothing', async () => {
    const db = await startMariaDb();
    // A has history before sync is on: turning sync on pushes it, once.
    const a = await startSyncedHost(db);
    const early = await createBrief(a, 'made before sync');
    await append(a, early.id, { kind: 'note', text: 'history' });
    const b = await startSyncedHost(db);
    const c = await startSyncedHost(db);
    for (const h of [a, b, c]) expect((await syncSet(h, db)).state).not.toBe('off');
    await syncAll([a, b, c]);
    expect((await mysqlIds(db)).rows).toBe((await snapshot(a)).get(early.id)!.trace.length);

    // Briefs made one host at a time: each takes the shared store's next number.
    const fromB = await createBrief(b, 'from B');
    await syncAll([a, b, c]);
    const fromC = await createBrief(c, 'from C');
    await syncAll([a, b, c]);

    // Everyone writes to the same briefs at once, without syncing in between.
    await Promise.all([
      append(a, fromB.id, { kind: 'status_change', to: 'planned' }),
      append(b, fromB.id, { kind: 'status_change', to: 'in_progress' }),
      append(c, fromB.id, { kind: 'note', text: 'C was here: naïve café 🌳 日本' }),
      append(a, fromC.id, { kind: 'refinement', spec: 'A says so' }),
      append(c, fromC.id, { kind: 'refinement', spec: 'C says otherwise' }),
      append(b, early.id, { kind: 'comment', text: 'B comments' }),
    ]);
    await syncAll([a, b, c]);

    const [sa, sb, sc] = [await snapshot(a), await snapshot(b), await snapshot(c)];
    expect(sa.size).toBe(3);
    expect([...sa.values()].map((x) => [x.brief.number, x.brief.numberProvisional]).sort()).toEqual([[1, false], [2, false], [3, false]]);
    expect(shared(sb)).toEqual(shared(sa));
    expect(shared(sc)).toEqual(shared(sa));
    // The later status change by HLC wins on every host, whichever arrived last.
    const statuses = sa.get(fromB.id)!.trace.filter((e) => e.kind === 'status_change');
    expect(statuses).toHaveLength(2);
    const latest = [...statuses].sort((x, y) => (x.hlc < y.hlc ? -1 : 1))[1]!;
    expect(sa.get(fromB.id)!.brief.status).toBe((latest.payload as { to: string }).to);
    // Both concurrent spec edits stay in the trace; the later by HLC is the spec.
    expect(JSON.stringify(sc.get(fromB.id)!.trace)).toContain('naïve café 🌳 日本');
    expect(JSON.stringify(sa.get(fromB.id)!.trace)).toContain('naïve café 🌳 日本');
    const refinements = sa.get(fromC.id)!.trace.filter((e) => e.kind === 'refinement');
    expect(refinements.map((e) => (e.payload as { spec: string }).spec).sort()).toEqual(['A says so', 'C says otherwise']);

    // MySQL holds every entry exactly once, and seqs run 1..N without a gap.
    const all = new Set([...sa.values()].flatMap((x) => x.trace.map((e) => e.id)));
    const inMysql = await mysqlIds(db);
    expect(inMysql.ids).toEqual([...all].sort());
    expect(inMysql.seqs).toEqual(Array.from({ length: inMysql.rows }, (_, i) => i + 1));
    for (const h of [a, b, c]) expect(await syncStatus(h)).toMatchObject({ state: 'idle', waiting: 0, lastError: null, passwordFrom: 'env', url: db.url });

    // A replay: A's history queued again (sync turned off and on) pushes nothing new.
    await call(a, 'sync.off');
    expect((await syncStatus(a)).state).toBe('off');
    // (The shared store's own `numbered` entries are not queued: they were born there.)
    const pushable = [...sa.values()].flatMap((x) => x.trace).filter((e) => e.kind !== 'numbered');
    expect((await syncSet(a, db)).waiting).toBe(pushable.length);
    await syncNow(a);
    expect(await mysqlIds(db)).toEqual(inMysql);
    expect((await syncStatus(a)).waiting).toBe(0);
    expect(shared(await snapshot(a))).toEqual(shared(sa));

    for (const h of [a, b, c]) expect(await whereSecretsCouldLeak(h)).not.toContain(db.password);

    // A secret redacted on one host leaves the shared store and the other hosts too.
    await append(b, fromC.id, { kind: 'note', text: 'the key is SECRET-4711' });
    await syncAll([a, b, c]);
    const leaked = (await snapshot(a)).get(fromC.id)!.trace.find((e) => e.kind === 'note' && JSON.stringify(e.payload).includes('SECRET-4711'))!;
    await call(a, 'briefs.redact', { ref: fromC.id, entryId: leaked.id, reason: 'a key' });
    await syncAll([a, b, c]);
    const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    const [rows] = await admin.query('SELECT payload, redacted FROM entries');
    await admin.end();
    expect(JSON.stringify(rows)).not.toContain('SECRET-4711');
    for (const h of [b, c]) {
      const entry = (await snapshot(h)).get(fromC.id)!.trace.find((e) => e.id === leaked.id)!;
      expect(entry.redacted).not.toBeNull();
      expect(JSON.stringify(entry)).not.toContain('SECRET-4711');
    }
    expect(shared(await snapshot(b))).toEqual(shared(await snapshot(a)));
  }, 60_000);

  it('reaches the other host on its own within a couple of seconds (no sync.now): a write wakes the loop, the other polls', async () => {
    const db = await startMariaDb();
    const [a, b] = [await startSyncedHost(db), await startSyncedHost(db)];
    for (const h of [a, b]) await syncSet(h, db);
    const brief = await createBrief(a, 'seen without asking');
    const started = Date.now();
    let seen = false;
    while (!seen && Date.now() - started < 8000) {
      seen = (await call<{ briefs: { id: string }[] }>(b, 'briefs.list', { limit: 10 })).briefs.some((x) => x.id === brief.id);
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await syncStatus(a)).waiting).toBe(0);
  }, 30_000);

  it('two hosts that each made a #1 offline end with the same numbers: the first pushed keeps #1, the other takes the next shared one', async () => {
    const db = await startMariaDb();
    const [a, b] = [await startSyncedHost(db), await startSyncedHost(db)];
    const fromA = await createBrief(a, 'A first');
    const fromB = await createBrief(b, 'B first');
    expect([fromA.number, fromB.number]).toEqual([1, 1]);
    // A turns sync on (and pushes) first.
    await syncSet(a, db);
    await syncNow(a);
    await syncSet(b, db);
    await syncAll([a, b]);
    await append(b, fromA.id, { kind: 'note', text: 'B writes to A\'s brief' });
    await syncAll([a, b]);

    const [sa, sb] = [await snapshot(a), await snapshot(b)];
    for (const s of [sa, sb]) {
      expect(s.get(fromA.id)!.brief).toMatchObject({ number: 1, numberProvisional: false });
      expect(s.get(fromB.id)!.brief).toMatchObject({ number: 2, numberProvisional: false });
    }
    // The same entries and the same briefs; a host that moved a brief aside on the way (B, whose
    // #1 was provisional) also counts its local `renumbered` entry in that brief's version and time.
    const withoutLocalNumbering = (s: typeof sa) =>
      shared(new Map([...s].map(([id, x]) => [id, { brief: { ...x.brief, version: 0, updatedAt: '' }, trace: x.trace.filter((e) => e.kind !== 'renumbered') }])));
    expect(withoutLocalNumbering(sb)).toEqual(withoutLocalNumbering(sa));
    expect(shared(new Map([[fromA.id, sa.get(fromA.id)!]]))).toEqual(shared(new Map([[fromA.id, sb.get(fromA.id)!]])));
    const inMysql = await mysqlIds(db);
    const renumberings = [...sa.values(), ...sb.values()].flatMap((x) => x.trace.filter((e) => e.kind === 'renumbered').map((e) => e.id));
    expect(renumberings.length).toBeGreaterThan(0);
    for (const id of renumberings) expect(inMysql.ids).not.toContain(id);
    for (const h of [a, b]) expect(await syncStatus(h)).toMatchObject({ state: 'idle', waiting: 0 });
  }, 30_000);

  it('takes the password from the data dir\'s 0600 sync-password file, and refuses the file while others can read it', async () => {
    const db = await startMariaDb();
    const home = makeTempDir('grove-home-');
    const file = join(home, 'sync-password');
    writeFileSync(file, `${db.password}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const host = await startSyncedHost(db, { home, env: { GROVE_SYNC_PASSWORD: '' } });
    expect((await syncSet(host, db)).passwordFrom).toBe('none');
    const unsafe = await syncNow(host);
    expect(unsafe.state).toBe('refused');
    expect(unsafe.lastError?.message).toContain(`chmod 600 ${file}`);
    chmodSync(file, 0o600);
    const fixed = await syncNow(host);
    expect(fixed).toMatchObject({ state: 'idle', passwordFrom: 'file', lastError: null });
    expect(await whereSecretsCouldLeak(host)).not.toContain(db.password);
  }, 30_000);

  it('refuses a wrong password and a shared schema newer than this Grove, naming no password; local work goes on', async () => {
    const db = await startMariaDb();
    const wrong = 'not-the-password-123456';
    const host = await startSyncedHost(db, { password: wrong });
    await syncSet(host, db);
    const refused = await syncNow(host);
    expect(refused.state).toBe('refused');
    expect(refused.lastError?.message).toMatch(/refused user grove/);
    expect(refused.lastError?.message).toMatch(/GROVE_SYNC_PASSWORD/);
    const started = Date.now();
    await createBrief(host, 'still works');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await whereSecretsCouldLeak(host)).not.toContain(wrong);
    const events = JSON.stringify(await call(host, 'events.since', { since: 0 }));
    expect(events).toContain('"state":"refused"');
    await host.stop();

    // A newer Grove migrated the shared schema past this one.
    const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    await admin.query('CREATE TABLE grove_schema (id TINYINT NOT NULL PRIMARY KEY, version INT NOT NULL)');
    await admin.query('INSERT INTO grove_schema VALUES (1, 99)');
    await admin.end();
    const other = await startSyncedHost(db);
    await syncSet(other, db);
    const tooNew = await syncNow(other);
    expect(tooNew.state).toBe('refused');
    expect(tooNew.lastError?.message).toMatch(/version 99, newer than this Grove/);
    expect((await call<{ brief: { title: string } }>(other, 'briefs.create', { title: 'local' })).brief.title).toBe('local');
    expect(await whereSecretsCouldLeak(other)).not.toContain(db.password);
  }, 60_000);
});

if (!hasMariaDb()) console.log('sync convergence tests: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
