import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Brief, BriefEntry } from '../../../src/shared/briefs';
import type { SyncStatus } from '../../../src/shared/sync';
import { stopAllHosts, type HostProcess } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { append, call, createBrief, heldSyncedHost, mysqlIds, shared, snapshot, startSyncedHost, syncAll, syncNow, syncStatus, whereSecretsCouldLeak } from '../../fixtures/sync-hosts';
import { startTcpProxy, viaProxy, type TcpProxy } from '../../fixtures/tcp-proxy';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { until } from '../../fixtures/wait-until';

/**
 * The link between a host and the shared MySQL breaking the ways networks break it, through a
 * TCP proxy (test/fixtures/tcp-proxy.ts) between real host processes and a real MariaDB: cut
 * in the middle of a push and of a pull, slower than the step timeout, blackholed (half-open).
 * Each time the host says `offline` in a sentence (never with the password) within about the
 * step timeout, no round stays stuck, and once the link is back every entry is in MySQL once
 * and on every host once.
 */
const TIMEOUT_MS = 1500;
const proxies: TcpProxy[] = [];

afterEach(async () => {
  await stopAllHosts();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await stopAllMariaDbs();
  removeTempDirs();
});

async function proxyTo(db: MariaDb): Promise<TcpProxy> {
  const proxy = await startTcpProxy({ port: db.port });
  proxies.push(proxy);
  return proxy;
}

/** A host syncing with `db`, directly or through `proxy`. */
async function hostOn(db: MariaDb, proxy?: TcpProxy): Promise<HostProcess> {
  const host = await startSyncedHost(db, { env: { GROVE_SYNC_TIMEOUT_MS: String(TIMEOUT_MS) } });
  await call<SyncStatus>(host, 'sync.set', { url: proxy ? viaProxy(db.url, proxy) : db.url });
  return host;
}

/** The same, with rounds the test can hold (heldSyncedHost). */
async function heldHostOn(db: MariaDb, proxy: TcpProxy): Promise<Awaited<ReturnType<typeof heldSyncedHost>>> {
  const host = await heldSyncedHost(db, { env: { GROVE_SYNC_TIMEOUT_MS: String(TIMEOUT_MS) } });
  await call<SyncStatus>(host, 'sync.set', { url: viaProxy(db.url, proxy) });
  return host;
}

/** A, through a proxy, and B, directly, in step on one brief A made. */
async function pairInStep(title: string) {
  const db = await startMariaDb();
  const proxy = await proxyTo(db);
  const a = await hostOn(db, proxy);
  const b = await hostOn(db);
  const brief = await createBrief(a, title);
  await syncAll([a, b]);
  return { db, proxy, a, b, brief };
}

/** Every entry id a host has, through `briefs.export` (all of them, not a trace page). */
async function entryIds(host: HostProcess): Promise<string[]> {
  const ids: string[] = [];
  let afterSeq: number | null = 0;
  while (afterSeq !== null) {
    const page: { entries: BriefEntry[]; nextAfterSeq: number | null } = await call(host, 'briefs.export', { afterSeq, limit: 500 });
    ids.push(...page.entries.filter((e) => e.kind !== 'renumbered').map((e) => e.id));
    afterSeq = page.nextAfterSeq;
  }
  return ids;
}

/** `count` notes spread over `briefs`, a few requests at a time (each answers at once, sync or not). */
async function writeNotes(host: HostProcess, briefs: readonly Brief[], count: number, label: string): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, k) => append(host, briefs[(i + k) % briefs.length]!.id, { kind: 'note', text: `${label} ${i + k} ${'x'.repeat(200)}` })),
    );
  }
}

/** Each host has every entry exactly once, MySQL has each exactly once with seqs 1..N, and the hosts show the same briefs. */
async function expectConverged(db: MariaDb, hosts: readonly HostProcess[], expectedNotes: number): Promise<void> {
  const perHost = await Promise.all(hosts.map(entryIds));
  for (const ids of perHost) expect(new Set(ids).size).toBe(ids.length);
  const inMysql = await mysqlIds(db);
  for (const ids of perHost) expect([...ids].sort()).toEqual(inMysql.ids);
  expect(inMysql.seqs).toEqual(Array.from({ length: inMysql.rows }, (_, i) => i + 1));
  const snaps = await Promise.all(hosts.map(snapshot));
  for (const s of snaps.slice(1)) expect(shared(s)).toEqual(shared(snaps[0]!));
  const notes = [...snaps[0]!.values()].flatMap((x) => x.trace.filter((e) => e.kind === 'note'));
  expect(notes).toHaveLength(expectedNotes);
  for (const h of hosts) expect(await syncStatus(h)).toMatchObject({ state: 'idle', waiting: 0, lastError: null });
}

/** What the operator reads when the link broke: offline, said in a sentence, and no password anywhere. */
async function expectOfflineSaid(host: HostProcess, db: MariaDb, status: SyncStatus, why: RegExp): Promise<void> {
  expect(status.state).toBe('offline');
  expect(status.lastError?.message).toMatch(why);
  expect(status.lastError?.message).toMatch(/retrying\. Local work goes on\.$/);
  expect(status.lastError?.message).not.toContain(db.password);
  expect(await whereSecretsCouldLeak(host)).not.toContain(db.password);
}

describe.skipIf(!hasMariaDb())('sync: the link to MySQL cut, slowed, blackholed (TCP proxy)', () => {
  it('cut in the middle of a long push: offline, and after the link is back every entry is in MySQL once', async () => {
    const db = await startMariaDb();
    const proxy = await proxyTo(db);
    const a = await hostOn(db, proxy);
    const b = await hostOn(db);
    const briefs = [await createBrief(a, 'one'), await createBrief(a, 'two'), await createBrief(a, 'three')];
    await syncAll([a, b]);

    // The link is down while A writes: 1,200 notes queue in its outbox (three push batches).
    proxy.drop();
    proxy.refuse();
    await writeNotes(a, briefs, 1200, 'queued');
    expect((await syncNow(a)).state).toBe('offline');
    expect((await syncStatus(a)).waiting).toBeGreaterThanOrEqual(1200);

    // Back, but slow enough that the push takes a while; cut once its first batch has committed.
    const before = (await mysqlIds(db)).rows;
    proxy.delay(40);
    const round = syncNow(a);
    await until('the first batch committed', async () => (await mysqlIds(db)).rows > before, 10_000);
    proxy.drop();
    proxy.refuse();
    const cut = await round;
    await expectOfflineSaid(a, db, cut, /cannot be reached/);
    const pushedBeforeCut = (await mysqlIds(db)).rows;
    expect(cut.waiting).toBeGreaterThan(0);
    expect(pushedBeforeCut).toBeGreaterThan(before);
    expect(pushedBeforeCut).toBeLessThan((await entryIds(a)).length);

    proxy.restore();
    await syncAll([a, b]);
    await expectConverged(db, [a, b], 1200);
  }, 90_000);

  it('cut in the middle of a long pull: the host keeps what it applied, and catches up without doubling anything', async () => {
    const db = await startMariaDb();
    const proxy = await proxyTo(db);
    const a = await hostOn(db);
    const b = await heldHostOn(db, proxy);
    // B connected while there was nothing to pull; then A writes a backlog of 1,200 notes,
    // which B's own rounds (every second) would pull as it grows: held until the test pulls.
    expect((await syncNow(b)).state).toBe('idle');
    b.hold();
    const briefs = [await createBrief(a, 'alpha'), await createBrief(a, 'beta'), await createBrief(a, 'gamma')];
    await writeNotes(a, briefs, 1200, 'backlog');
    expect((await syncNow(a)).waiting).toBe(0);
    const total = (await mysqlIds(db)).rows;

    // B pulls it 500 at a time through a slow link, cut once the first batch is applied (it holds the briefs' creation).
    // Each batch then takes half a second at least, time enough to see the first one and cut before the last, on a loaded machine too.
    proxy.delay(250);
    b.release();
    const round = syncNow(b);
    await until('the first pull batch applied', async () => (await call<{ briefs: unknown[] }>(b, 'briefs.list', { limit: 10 })).briefs.length > 0, 10_000);
    proxy.drop();
    proxy.refuse();
    const cut = await round;
    await expectOfflineSaid(b, db, cut, /cannot be reached/);
    const applied = (await entryIds(b)).length;
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(total);

    proxy.restore();
    await syncAll([a, b]);
    await expectConverged(db, [a, b], 1200);
  }, 90_000);

  it('slower than the step timeout: offline within about the timeout, no round stuck; at normal speed it recovers', async () => {
    const { db, proxy, a, b, brief } = await pairInStep('slow link');

    proxy.delay(TIMEOUT_MS + 500);
    for (let i = 0; i < 5; i++) await append(a, brief.id, { kind: 'note', text: `over a slow link ${i}` });
    // A round the write woke may be under way: sync.now waits for it, then runs its own; each step gives up at the timeout.
    const started = Date.now();
    const slow = await syncNow(a);
    expect(Date.now() - started).toBeLessThan(3 * TIMEOUT_MS + 1500);
    await expectOfflineSaid(a, db, slow, /did not answer within 2 s/);
    expect(slow.waiting).toBeGreaterThan(0);
    // Local work does not wait for the link.
    const writeStarted = Date.now();
    await append(a, brief.id, { kind: 'note', text: 'still answering' });
    expect(Date.now() - writeStarted).toBeLessThan(500);

    proxy.restore();
    const recovered = Date.now();
    await until('A idle again', async () => (await syncNow(a)).state === 'idle', 15_000);
    expect(Date.now() - recovered).toBeLessThan(3 * TIMEOUT_MS + 1500);
    await syncAll([a, b]);
    await expectConverged(db, [a, b], 6);
  }, 60_000);

  it('blackholed (half-open, no FIN, no answer): offline after the timeout, not hung for ever, for an open connection and a new one; recovers', async () => {
    const { db, proxy, a, b, brief } = await pairInStep('blackholed');

    proxy.halfOpen();
    for (let i = 0; i < 5; i++) await append(a, brief.id, { kind: 'note', text: `into the void ${i}` });
    // First on the open connection (a query that never gets an answer), then on a new one (a handshake that never comes).
    for (const attempt of ['the open connection', 'a new connection']) {
      const started = Date.now();
      const hung = await syncNow(a);
      expect(Date.now() - started, attempt).toBeLessThan(3 * TIMEOUT_MS + 1500);
      await expectOfflineSaid(a, db, hung, /did not answer within 2 s/);
      expect(hung.waiting).toBeGreaterThan(0);
    }
    expect(proxy.stats().open).toBeGreaterThan(0);
    // B, on its own link, is not held up by A's.
    await append(b, brief.id, { kind: 'comment', text: 'B goes on' });
    expect((await syncNow(b)).state).toBe('idle');

    proxy.restore();
    await until('A idle again', async () => (await syncNow(a)).state === 'idle', 15_000);
    await syncAll([a, b]);
    await expectConverged(db, [a, b], 5);
  }, 60_000);

  it('a connection cut between rounds is replaced by the next round, which does not count as offline', async () => {
    const db = await startMariaDb();
    const proxy = await proxyTo(db);
    const a = await hostOn(db, proxy);
    const brief = await createBrief(a, 'cut while idle');
    expect((await syncNow(a)).state).toBe('idle');
    proxy.drop();
    await append(a, brief.id, { kind: 'note', text: 'after the cut' });
    expect(await syncNow(a)).toMatchObject({ state: 'idle', waiting: 0, lastError: null });
    const events = await call<{ events: { event: { type: string; status?: SyncStatus } }[] }>(a, 'events.since', { since: 0 });
    expect(events.events.filter((e) => e.event.type === 'sync.status').map((e) => e.event.status!.state)).not.toContain('offline');
    expect(proxy.stats()).toMatchObject({ accepted: 2, dropped: 1 });
  });

  it('a host whose link dies in the middle of its push transaction holds the shared lock only for a bounded time: the others push again without it', async () => {
    const db = await startMariaDb();
    const [pa, pb] = [await proxyTo(db), await proxyTo(db)];
    const a = await hostOn(db, pa);
    const b = await hostOn(db, pb);
    const brief = await createBrief(a, 'lid closed mid-push');
    await syncAll([a, b]);

    // A's next push gets as far as its INSERT (the entry_seq row locked), then A's link goes silent for good.
    pa.halfOpenAfter('INSERT INTO entries');
    await append(a, brief.id, { kind: 'note', text: 'pushed into the void' });
    await until('A offline', async () => (await syncStatus(a)).state === 'offline', 10_000);
    expect(pa.mode().kind).toBe('half-open');

    // B's push waits for the lock A's transaction holds on the server, and gives up at its timeout...
    await append(b, brief.id, { kind: 'note', text: 'B writes meanwhile' });
    expect((await syncNow(b)).state).toBe('offline');
    // ...but not for ever: the server ends A's silent session (its wait_timeout, set by Grove on connect) and B goes on.
    const started = Date.now();
    await until('B pushing again', async () => (await syncNow(b)).state === 'idle', 45_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await syncStatus(b)).waiting).toBe(0);

    pa.restore();
    await until('A idle again', async () => (await syncNow(a)).state === 'idle', 15_000);
    await syncAll([a, b]);
    await expectConverged(db, [a, b], 2);
  }, 90_000);
});

if (!hasMariaDb()) console.log('sync proxy fault tests: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
