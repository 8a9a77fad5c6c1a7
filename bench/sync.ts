import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { WebSocket } from 'ws';
import { openDatabase, type Db } from '../src/host/db/database';
import { createEventLog } from '../src/host/events/event-log';
import { createBriefStore, type BriefStore } from '../src/host/briefs/brief-store';
import { BriefService } from '../src/host/briefs/brief-service';
import { createBlobStore, type BlobStore } from '../src/host/briefs/blob-store';
import { createHybridClock, type HybridClock } from '../src/host/briefs/hybrid-clock';
import { uuidv7 } from '../src/host/ids';
import { createOutbox, type Outbox } from '../src/host/sync/outbox';
import { pullAll, PULL_BATCH } from '../src/host/sync/pull';
import { PUSH_BATCH } from '../src/host/sync/push';
import { pushWaiting } from '../src/host/sync/push-waiting';
import { createLogger } from '../src/host/logger';
import { ensureSharedSchema, sharedStoreId } from '../src/host/sync/shared-schema';
import { rowValues, SHARED_COLUMNS, type SharedRow } from '../src/host/sync/shared-rows';
import { createSyncStateStore } from '../src/host/sync/sync-state-store';
import { POLL_MS } from '../src/host/sync/sync-rounds';
import { HostConnection } from '../src/shared/client/host-connection';
import { frameShape } from '../src/renderer/connection/frame-shape';
import type { Actor, BriefAction, BriefEntry } from '../src/shared/briefs';
import { startMariaDb, stopAllMariaDbs, type MariaDb } from '../test/fixtures/mariadb';
import { api, compare, cpuPercent, cpuTicks, endAll, report, rng, runBench, startBenchHost, summarize, type BenchHost, type Comparison } from './harness';

/**
 * `npm run bench -- sync` (issue 14), against a throwaway MariaDB 10.11 on loopback
 * (test/fixtures/mariadb.ts), each figure against a baseline measured in the same run:
 *   (1) push throughput: the host's push loop (push-waiting.ts) through the outbox of a real SQLite store
 *       (BENCH_SYNC_PUSH entries, default 20,000, briefs of 50 realistic entries) vs a raw
 *       mysql2 bulk insert of the same rows into a copy of the same table, in the same
 *       batches of 500, one transaction each (target ≥ 0.7);
 *   (2) A → B visibility with default polling: two real hosts; A appends a note at random
 *       moments 1–4 s apart (BENCH_SYNC_WRITES, default 40), B otherwise idle; latency =
 *       B's `brief.changed` event for that note − A's request sent (target p99 ≤ 2 s);
 *   (3) idle cost, nothing changing: B (sync on) against C (the same host, sync off) over
 *       the same BENCH_SYNC_IDLE_S window (default 60 s): CPU from /proc (target < 0.5% of a
 *       core) and the server's `Questions` delta per minute, less the measuring query;
 *   (4) pull of BENCH_SYNC_PULL entries (default 100,000: the seeded briefs and copies of
 *       them) into an empty store vs the raw SELECT of the same rows (target ≤ 2×); beside
 *       it, the floor of a pull in Grove's batches into a durable store (those SELECTs plus
 *       raw SQLite inserts), and the bound of any pull into one: the one SELECT, then its
 *       rows' entry rows alone in one transaction (no search rows, nothing else).
 * Needs MariaDB's binaries (`apt-get install mariadb-server`). Env: BENCH_TMPDIR, BENCH_RUNS
 * (push and pull repetitions, default 3 and 2), BENCH_SYNC_PARTS (which of push, pull,
 * latency run; all by default). A full run takes about 4 minutes here.
 */
const PUSH_N = Number(process.env.BENCH_SYNC_PUSH ?? 20_000);
const PULL_N = Number(process.env.BENCH_SYNC_PULL ?? 100_000);
const WRITES = Number(process.env.BENCH_SYNC_WRITES ?? 40);
const IDLE_S = Number(process.env.BENCH_SYNC_IDLE_S ?? 60);
const PUSH_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PULL_RUNS = Math.max(1, PUSH_RUNS - 1);
const PER_BRIEF = 50;
/** Which parts run (comma-separated, default all): push, pull, latency (with idle CPU). */
const PARTS = new Set((process.env.BENCH_SYNC_PARTS ?? 'push,pull,latency').split(','));

type Target = { what: string; value: number; unit: string; target: string; met: boolean };
const round = (n: number, d = 1): number => Number(n.toFixed(d));
const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
process.env.GROVE_OPERATOR_NAME = 'mike';

const root = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'grove-bench-sync-'));
const childPids = new Set<number>();
const hosts = new Set<BenchHost>();
const closers: (() => Promise<void> | void)[] = [];
const cleanup = async (): Promise<void> => {
  for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  await endAll(hosts, childPids, []);
  await stopAllMariaDbs();
  await endAll([], [], [root]);
};

// ---------------------------------------------------------------------------------------
// Realistic entries: briefs written by the service itself (created, participant joined, then
// notes, comments, refinements of the spec and links), text from a small vocabulary.

const MIKE: Actor = { kind: 'operator', name: 'operator:mike' };
const WORDS = ['worktree', 'agent', 'lane', 'merge', 'review', 'spec', 'plan', 'flower', 'the', 'and', 'with', 'after', 'because', 'deploy', 'test', 'flaky', 'fixture'];
const rand = rng(14);
const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]!).join(' ');

function actionFor(i: number, b: number): BriefAction {
  const r = rand();
  if (r < 0.6) return { kind: 'note', text: `${words(10 + Math.floor(rand() * 30))}.` };
  if (r < 0.8) return { kind: 'comment', text: `${words(5 + Math.floor(rand() * 20))}?` };
  if (r < 0.9) return { kind: 'refinement', spec: `# Brief ${b}\n\n${words(40)}.\n\n- ${words(12)}\n- ${words(12)}\n\nRevision ${i}.\n` };
  return { kind: 'link_added', type: 'url', target: `https://example.com/${b}/${i}`, label: words(3) };
}

interface Rig {
  dir: string;
  db: Db;
  store: BriefStore;
  outbox: Outbox;
  service: BriefService;
  clock: HybridClock;
  blobs: BlobStore;
}

/** The store, outbox and service as the host builds them, on a data dir of their own. */
function rig(name: string): Rig {
  const dir = mkdtempSync(join(root, `${name}-`));
  const { db } = openDatabase(join(dir, 'grove.db'));
  const outbox = createOutbox(db);
  const store = createBriefStore(db, { outbox });
  const clock = createHybridClock(name);
  const blobs = createBlobStore(db, join(dir, 'blobs'));
  const service = new BriefService({
    store,
    events: createEventLog(db, undefined, undefined, { error: () => {} }),
    clock,
    blobs,
    operatorName: 'mike',
    agentName: () => null,
  });
  const r = { dir, db, store, outbox, service, clock, blobs };
  closers.push(() => void db.close());
  return r;
}

/** `total` entries in briefs of PER_BRIEF, 100 briefs per transaction; answers them in local order. */
function seed(r: Rig, total: number): BriefEntry[] {
  const t0 = performance.now();
  const out: BriefEntry[] = [];
  const briefs = Math.ceil(total / PER_BRIEF);
  const batch = r.db.transaction((from: number, to: number) => {
    for (let b = from; b < to; b++) {
      const created = r.service.create({ title: `${words(4)} ${b}`, kind: 'feature', spec: `${words(30)}.`, projects: [`project-${b % 10}`] }, MIKE, 'api');
      if (!created.ok) throw new Error(created.error.message);
      out.push(...created.value.entries);
      for (let i = created.value.entries.length; i < PER_BRIEF; i++) {
        const w = r.service.append(created.value.brief.id, actionFor(i, b), MIKE, 'api');
        if (!w.ok) throw new Error(w.error.message);
        out.push(...w.value.entries);
      }
    }
  });
  for (let b = 0; b < briefs; b += 100) batch(b, Math.min(briefs, b + 100));
  console.log(`seeded ${briefs} briefs, ${out.length} entries, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

async function connect(db: MariaDb): Promise<Connection> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, supportBigNumbers: true });
  closers.push(() => c.destroy());
  return c;
}

/** An empty shared store at this Grove's schema. */
async function resetShared(conn: Connection): Promise<void> {
  for (const t of ['entries', 'counters', 'brief_numbers', 'claims', 'blob_chunks', 'blobs', 'grove_schema', 'raw_entries']) await conn.query(`DROP TABLE IF EXISTS ${t}`);
  await ensureSharedSchema(conn, 10_000);
  await conn.query('CREATE TABLE raw_entries LIKE entries');
}

// ---------------------------------------------------------------------------------------
// (1) push, (4) pull: in-process, the modules the host runs.

/** What a sync round's push does: the host's own loop over the outbox (push-waiting.ts). */
async function pushAll(conn: Connection, r: Rig, origin: string): Promise<number> {
  const deps = { store: r.store, outbox: r.outbox, origin, clock: r.clock, blobs: r.blobs, logger: createLogger(() => {}, 'error') };
  return (await pushWaiting(conn, deps, await sharedStoreId(conn), (work) => work)).pushed;
}

function enqueue(r: Rig, entries: readonly BriefEntry[]): void {
  r.outbox.setEnabled(true);
  r.store.transaction(() => entries.forEach((e) => r.outbox.enqueue(e, 'local')));
}

/** The raw side: the same rows, prepared beforehand, inserted PUSH_BATCH to a transaction. */
async function rawInsert(conn: Connection, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += PUSH_BATCH) {
    await conn.beginTransaction();
    await conn.query(`INSERT INTO raw_entries (${SHARED_COLUMNS}) VALUES ?`, [rows.slice(i, i + PUSH_BATCH)]);
    await conn.commit();
  }
}

async function push(conn: Connection, source: Rig, entries: BriefEntry[], comparisons: Comparison[], targets: Target[], extra: Record<string, unknown>): Promise<void> {
  const batch = entries;
  const rows = batch.map((e, i) => rowValues(e, i + 1, 'raw'));
  const grove: number[] = [];
  const raw: number[] = [];
  for (let run = 0; run < PUSH_RUNS; run++) {
    await resetShared(conn);
    enqueue(source, batch);
    let t0 = performance.now();
    const pushed = await pushAll(conn, source, 'bench');
    grove.push((pushed / (performance.now() - t0)) * 1000);
    t0 = performance.now();
    await rawInsert(conn, rows);
    raw.push((rows.length / (performance.now() - t0)) * 1000);
    console.log(`push run ${run + 1}: Grove ${grove.at(-1)!.toFixed(0)}/s, raw ${raw.at(-1)!.toFixed(0)}/s`);
  }
  const c = compare(`push ${batch.length} entries (entries/s; ratio = Grove / raw)`, { name: 'pushWaiting via outbox', unit: '/s', samples: grove }, { name: 'raw mysql2 bulk insert', unit: '/s', samples: raw });
  comparisons.push(c);
  targets.push({ what: 'push throughput / raw insert', value: c.ratio, unit: '×', target: '≥ 0.7', met: c.ratio >= 0.7 });
  extra.push = { entries: batch.length, runs: PUSH_RUNS };
}

/**
 * The shared store with `total` entries: the seeded briefs as Grove pushed them, then copies
 * of them (new brief and entry ids, numbers after the originals', the same text) as rows
 * written raw, so a 100,000-entry store takes seconds to make, not a minute of seeding.
 */
async function fillShared(conn: Connection, source: Rig, entries: readonly BriefEntry[], total: number): Promise<number> {
  await resetShared(conn);
  enqueue(source, entries);
  await pushAll(conn, source, 'bench');
  // The shared store's own `numbered` entries come after Grove's: copies start past them.
  const [counter] = await conn.query("SELECT value FROM counters WHERE name = 'entry_seq'");
  let seq = Number((counter as { value: number | string }[])[0]!.value);
  const briefs = new Set(entries.map((e) => e.briefId)).size;
  for (let copy = 1; seq < total; copy++) {
    const ids = new Map<string, string>();
    const rows = entries.slice(0, total - seq).map((e) => {
      let briefId = ids.get(e.briefId);
      if (!briefId) ids.set(e.briefId, (briefId = uuidv7()));
      const payload = e.kind === 'created' && e.payload ? { ...e.payload, number: e.payload.number + copy * briefs } : e.payload;
      return rowValues({ ...e, id: uuidv7(), briefId, payload } as BriefEntry, ++seq, 'bench-copy');
    });
    for (let i = 0; i < rows.length; i += 2000) await conn.query(`INSERT INTO entries (${SHARED_COLUMNS}) VALUES ?`, [rows.slice(i, i + 2000)]);
    await conn.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [seq]);
  }
  return seq;
}

async function pull(conn: Connection, source: Rig, entries: BriefEntry[], comparisons: Comparison[], targets: Target[], extra: Record<string, unknown>): Promise<void> {
  const inShared = await fillShared(conn, source, entries, PULL_N);
  const grove: number[] = [];
  const rawBatched: number[] = [];
  const rawOne: number[] = [];
  const floor: number[] = [];
  const bound: number[] = [];
  for (let run = 0; run < PULL_RUNS; run++) {
    const target = rig(`pull-${run}`);
    const state = createSyncStateStore(target.db);
    let t0 = performance.now();
    const pulled = await pullAll(conn, { briefs: target.service, store: target.store, state });
    grove.push(performance.now() - t0);
    if (pulled !== inShared) throw new Error(`pulled ${pulled} of ${inShared}`);
    // The raw SELECT of the same rows: in one statement, and in Grove's batches by seq.
    t0 = performance.now();
    const [all] = await conn.query(`SELECT ${SHARED_COLUMNS} FROM entries ORDER BY seq`);
    rawOne.push(performance.now() - t0);
    if ((all as unknown[]).length !== inShared) throw new Error('raw SELECT short');
    t0 = performance.now();
    for (let cursor = 0; ; ) {
      const [rows] = await conn.query(`SELECT ${SHARED_COLUMNS} FROM entries WHERE seq > ? ORDER BY seq LIMIT ?`, [cursor, PULL_BATCH]);
      const r = rows as { seq: number }[];
      if (r.length === 0) break;
      cursor = Number(r[r.length - 1]!.seq);
    }
    rawBatched.push(performance.now() - t0);
    floor.push(await rawPullIntoSqlite(conn, `floor-${run}`, 'batches'));
    bound.push(await rawPullIntoSqlite(conn, `bound-${run}`, 'bound'));
    console.log(
      `pull run ${run + 1}: Grove ${grove.at(-1)!.toFixed(0)} ms, raw SELECT ${rawOne.at(-1)!.toFixed(0)} ms (in batches of ${PULL_BATCH}: ${rawBatched.at(-1)!.toFixed(0)} ms; with raw SQLite inserts: ${floor.at(-1)!.toFixed(0)} ms; one SELECT, one transaction of entry rows: ${bound.at(-1)!.toFixed(0)} ms)`,
    );
  }
  const c = compare(`pull ${inShared} entries into an empty store`, { name: 'pullAll', unit: 'ms', samples: grove }, { name: 'raw SELECT, one statement', unit: 'ms', samples: rawOne });
  comparisons.push(
    c,
    compare(`  the same, against the raw SELECTs in batches of ${PULL_BATCH}`, { name: 'pullAll', unit: 'ms', samples: grove }, { name: 'raw SELECT, batches', unit: 'ms', samples: rawBatched }),
    compare('  the same, against those SELECTs + raw SQLite inserts (diagnostic: the floor)', { name: 'pullAll', unit: 'ms', samples: grove }, { name: 'SELECT + entry & FTS rows', unit: 'ms', samples: floor }),
    // Where the target stands: what the least any durable pull here does takes, in the same units.
    compare('  diagnostic: one SELECT + one transaction of entry rows, vs the raw SELECT', { name: 'bound', unit: 'ms', samples: bound }, { name: 'raw SELECT, one statement', unit: 'ms', samples: rawOne }),
  );
  targets.push({ what: 'pull into an empty store / raw SELECT', value: c.ratio, unit: '×', target: '≤ 2', met: c.ratio <= 2 });
  extra.pull = { entries: inShared, runs: PULL_RUNS };
}

/**
 * A pull's rows inserted raw into Grove's own schema, in a fresh store with the host's
 * settings (WAL + synchronous=FULL), with no checks, projection or events:
 * - 'batches' (the floor of a pull as Grove pulls): the same SELECTs by seq, each batch's
 *   entry rows and search rows in one transaction;
 * - 'bound' (the least any durable pull of these rows takes here): the one SELECT of every
 *   row, then their entry rows alone in one transaction. Not a design (that transaction holds
 *   the host's event loop for all of it, and search would miss every entry): the bound a pull
 *   of this size cannot go below while the entries are kept durably and in order.
 */
async function rawPullIntoSqlite(conn: Connection, name: string, how: 'batches' | 'bound'): Promise<number> {
  const dir = mkdtempSync(join(root, `${name}-`));
  const { db } = openDatabase(join(dir, 'grove.db'));
  const entry = db.prepare('INSERT INTO brief_entries (id, brief_id, kind, actor_kind, actor_name, channel, at, hlc, payload, redacted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const search = db.prepare('INSERT INTO brief_search (rowid, text) VALUES (?, ?)');
  const apply = db.transaction((rows: SharedRow[]) => {
    for (const r of rows) {
      const info = entry.run(r.id, r.brief_id, r.kind, r.actor_kind, r.actor_name, r.channel, r.at, r.hlc, r.payload, r.redacted);
      if (how === 'batches' && r.payload) search.run(info.lastInsertRowid, r.payload);
    }
  });
  const t0 = performance.now();
  if (how === 'bound') {
    const [rows] = await conn.query(`SELECT ${SHARED_COLUMNS} FROM entries ORDER BY seq`);
    apply(rows as SharedRow[]);
  } else {
    for (let cursor = 0; ; ) {
      const [result] = await conn.query(`SELECT ${SHARED_COLUMNS} FROM entries WHERE seq > ? ORDER BY seq LIMIT ?`, [cursor, PULL_BATCH]);
      const rows = result as SharedRow[];
      if (rows.length === 0) break;
      apply(rows);
      cursor = Number(rows[rows.length - 1]!.seq);
    }
  }
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

// ---------------------------------------------------------------------------------------
// (2) latency and (3) idle cost: real hosts.

async function startHost(name: string, env: Record<string, string | undefined>): Promise<BenchHost> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const h = await startBenchHost(hostEntry, mkdtempSync(join(root, `${name}-`)), (pid) => childPids.add(pid));
    hosts.add(h);
    return h;
  } finally {
    process.env = saved;
  }
}

/** B's event stream, as the cockpit reads it. */
async function events(host: BenchHost): Promise<{ on(listener: (text: string, at: number) => void): void; close(): void }> {
  const conn = new HostConnection({
    parseFrame: frameShape,
    connect: () => new WebSocket(host.url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }) as never,
  });
  const listeners: ((text: string, at: number) => void)[] = [];
  conn.onEvent(({ event }) => {
    if (event.type !== 'brief.changed') return;
    const at = performance.now();
    for (const e of event.entries) if (e.kind === 'note' && e.payload) for (const l of listeners) l(e.payload.text, at);
  });
  await new Promise<void>((resolve) => {
    conn.onState((st) => st.kind === 'open' && resolve());
    conn.start();
  });
  return { on: (l) => void listeners.push(l), close: () => conn.stop() };
}

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function questions(conn: Connection): Promise<number> {
  const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number((rows as { Value: string }[])[0]!.Value);
}

async function latencyAndIdle(db: MariaDb, conn: Connection, comparisons: Comparison[], targets: Target[], extra: Record<string, unknown>): Promise<void> {
  for (const t of ['entries', 'counters', 'brief_numbers', 'claims', 'blob_chunks', 'blobs', 'grove_schema', 'raw_entries']) await conn.query(`DROP TABLE IF EXISTS ${t}`);
  const syncEnv = { GROVE_SYNC_PASSWORD: db.password };
  const a = await startHost('a', syncEnv);
  const b = await startHost('b', syncEnv);
  // C: the same host with sync off, the idle baseline, started now so its start-up is long past.
  const c = await startHost('c', { GROVE_SYNC_PASSWORD: undefined });
  await api(a, 'sync.set', { url: db.url });
  await api(b, 'sync.set', { url: db.url });
  const { brief } = await api<{ brief: { id: string } }>(a, 'briefs.create', { title: 'latency', kind: 'chore' });
  await until('B to have A’s brief', async () => (await api<{ briefs: { id: string }[] }>(b, 'briefs.list', {})).briefs.some((x) => x.id === brief.id));

  // (2) A writes at random moments; B's event says when it has the entry.
  const seen = new Map<string, number>();
  const stream = await events(b);
  stream.on((text, at) => seen.set(text, at));
  const latencies: number[] = [];
  const gaps = rng(2);
  for (let i = 0; i < WRITES; i++) {
    await new Promise((r) => setTimeout(r, 1000 + gaps() * 3000));
    const text = `latency probe ${i}`;
    const t0 = performance.now();
    await api(a, 'briefs.append', { ref: brief.id, action: { kind: 'note', text } });
    await until(`B to show "${text}"`, () => seen.has(text), 20_000);
    latencies.push(seen.get(text)! - t0);
  }
  stream.close();
  const sorted = [...latencies].sort((x, y) => x - y);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const p50 = round(q(0.5), 0);
  const p99 = round(q(0.99), 0);
  console.log(`A → B: p50 ${p50} ms, p99 ${p99} ms, max ${round(sorted.at(-1)!, 0)} ms over ${latencies.length} writes`);
  targets.push({ what: 'A → B visibility p50', value: p50, unit: 'ms', target: '(info)', met: true });
  targets.push({ what: 'A → B visibility p99', value: p99, unit: 'ms', target: '≤ 2000', met: p99 <= 2000 });
  extra.latency = { ...summarize({ name: 'A → B', unit: 'ms', samples: latencies }), p50, p99, writes: WRITES, pollMs: POLL_MS };

  // (3) Idle: only B talks to the server now; B (sync on) and C (sync off) over the same window.
  await a.stop();
  hosts.delete(a);
  childPids.delete(a.pid);
  await new Promise((r) => setTimeout(r, 3000));
  const q0 = await questions(conn);
  const b0 = cpuTicks(b.pid);
  const c0 = cpuTicks(c.pid);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const b1 = cpuTicks(b.pid);
  const c1 = cpuTicks(c.pid);
  const ms = performance.now() - w0;
  // The delta counts the second SHOW STATUS itself: one measuring query.
  const perMinute = round(((await questions(conn)) - q0 - 1) / (ms / 60_000), 1);
  const on = cpuPercent(b1.self - b0.self, ms);
  const off = cpuPercent(c1.self - c0.self, ms);
  console.log(`idle ${round(ms / 1000, 0)} s: sync on ${on.toFixed(2)}% of a core, sync off ${off.toFixed(2)}%; ${perMinute} queries/min`);
  comparisons.push(compare(`idle host, ${IDLE_S} s, nothing changing (% of a core)`, { name: 'sync on', unit: '%', samples: [on] }, { name: 'sync off', unit: '%', samples: [off] }));
  targets.push({ what: 'idle CPU with sync on', value: round(on, 2), unit: '% core', target: '< 0.5', met: on < 0.5 });
  targets.push({ what: 'idle CPU added by sync', value: round(on - off, 2), unit: '% core', target: '(info)', met: true });
  targets.push({ what: 'idle queries per minute', value: perMinute, unit: '/min', target: '(info)', met: true });
  extra.idle = { seconds: round(ms / 1000, 0), syncOnPercent: round(on, 3), syncOffPercent: round(off, 3), queriesPerMinute: perMinute };
}

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const targets: Target[] = [];
  const extra: Record<string, unknown> = { tempDir: root, server: 'MariaDB 10.11, loopback, fixture settings (test/fixtures/mariadb.ts)' };
  const db = await startMariaDb();
  const conn = await connect(db);
  const [version] = await conn.query('SELECT VERSION() AS v');
  extra.serverVersion = (version as { v: string }[])[0]!.v;
  const source = rig('source');
  const entries = seed(source, PUSH_N);
  if (PARTS.has('push')) await push(conn, source, entries, comparisons, targets, extra);
  if (PARTS.has('pull')) await pull(conn, source, entries, comparisons, targets, extra);
  if (PARTS.has('latency')) await latencyAndIdle(db, conn, comparisons, targets, extra);
  extra.targets = targets;
  report('sync', comparisons, extra);
  console.log('\ntargets');
  for (const t of targets) console.log(`  ${t.what.padEnd(40)} ${`${t.value} ${t.unit}`.padEnd(14)} target ${t.target.padEnd(8)} ${t.met ? 'met' : 'MISSED'}`);
}

await runBench(main, cleanup);
