import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/host/db/database';
import { createEventLog } from '../src/host/events/event-log';
import { createBriefStore } from '../src/host/briefs/brief-store';
import { BriefService } from '../src/host/briefs/brief-service';
import { createBlobStore } from '../src/host/briefs/blob-store';
import { createHybridClock, formatStamp } from '../src/host/briefs/hybrid-clock';
import { uuidv7 } from '../src/host/ids';
import { postFile } from '../src/host-client/post-file';
import { WebSocket } from 'ws';
import { HostConnection } from '../src/shared/client/host-connection';
import { frameShape } from '../src/renderer/connection/frame-shape';
import type { Actor, BriefEntry } from '../src/shared/briefs';
import { api, compare, endAll, report, rng, runBench, startBenchHost, summarize, type BenchHost, type Comparison, type Series } from './harness';

/**
 * Briefs, each figure against a baseline measured in the same run:
 * (a) appending notes through a real host's API (`briefs.append`, one HTTP POST each), with
 *     1 client and with 8 concurrent clients, against raw better-sqlite3 inserts of the same
 *     rows (an entry row and its FTS row, one transaction per entry, WAL + synchronous=FULL:
 *     the host's durability) into a file next to the host's. Throughput, API / raw (≥ 0.5).
 * (b) opening a brief of 5,000 entries (`briefs.get`, its first page) against the raw SQL
 *     query of that page on the same file, in this process (≤ 3×). An empty HTTP round trip
 *     (`host.status`) is measured beside it: the floor any API call pays.
 * (c) search over 10,000 briefs and 100,000 entries: p95 of `briefs.list {query}` over a mix
 *     of rare and common words (≤ 50 ms, absolute). The store is seeded in-process through
 *     the store and service modules before the host starts on it (not timed).
 * (d) a 10 MiB screenshot upload (`POST /blobs`, streamed from the file as the CLI sends it)
 *     against `cp` of the same file (≤ 3×), each from a quiet disk, taken in turn.
 * (e) the agent's-eye payload: the seed brief (≤ 4,000 tokens) and a brief of 5,000 entries
 *     (≤ 8,000 tokens), from `briefs.recall`.
 *
 * The data dirs are on disk (the OS temp dir; BENCH_TMPDIR overrides): every commit syncs,
 * and that is the cost being compared. Sizes: BENCH_BRIEF_APPENDS, BENCH_BRIEF_OPEN_ENTRIES,
 * BENCH_BRIEF_SEARCH_BRIEFS, BENCH_BRIEF_SEARCH_ENTRIES, BENCH_BRIEF_QUERIES, BENCH_BRIEF_UPLOAD_MIB,
 * BENCH_BRIEF_UPLOAD_RUNS; BENCH_BRIEF_PARTS picks parts. A full run takes about 2½ minutes here.
 */
const APPENDS = Number(process.env.BENCH_BRIEF_APPENDS ?? 10_000);
const CLIENTS = 8;
const OPEN_ENTRIES = Number(process.env.BENCH_BRIEF_OPEN_ENTRIES ?? 5_000);
const OPEN_RUNS = Number(process.env.BENCH_RUNS ?? 200);
const SEARCH_BRIEFS = Number(process.env.BENCH_BRIEF_SEARCH_BRIEFS ?? 10_000);
const SEARCH_ENTRIES = Number(process.env.BENCH_BRIEF_SEARCH_ENTRIES ?? 100_000);
const QUERIES = Number(process.env.BENCH_BRIEF_QUERIES ?? 300);
/** Which parts run (comma-separated, default all): append, open (with recall), search, upload. */
const PARTS = new Set((process.env.BENCH_BRIEF_PARTS ?? 'append,open,search,upload').split(','));
const UPLOAD_MIB = Number(process.env.BENCH_BRIEF_UPLOAD_MIB ?? 10);
const UPLOAD_RUNS = Number(process.env.BENCH_BRIEF_UPLOAD_RUNS ?? 10);

const execFileAsync = promisify(execFile);
const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
// The seed fixture's operator; every host here names the operator so.
process.env.GROVE_OPERATOR_NAME = 'mike';

const root = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'grove-bench-briefs-'));
const childPids = new Set<number>();
const hosts = new Set<BenchHost>();

const cleanup = (): Promise<void> => endAll(hosts, childPids, [root]);

async function startHost(home: string): Promise<BenchHost> {
  const h = await startBenchHost(hostEntry, home, (pid) => childPids.add(pid));
  const host: BenchHost = {
    ...h,
    stop: async () => {
      const code = await h.stop();
      hosts.delete(host);
      childPids.delete(h.pid);
      return code;
    },
  };
  hosts.add(host);
  return host;
}

// ---------------------------------------------------------------------------------------
// Text: notes from a vocabulary with a few very common words and many rare ones.

const COMMON = ['worktree', 'agent', 'lane', 'merge', 'review', 'spec', 'plan', 'flower', 'screenshot', 'deploy'];
const FILLER = ['the', 'and', 'with', 'after', 'before', 'then', 'into', 'over', 'because', 'while'];
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
/** A rare word: one of RARE distinct ones, each in about ENTRIES / RARE entries. */
const RARE = 20_000;
const rareWord = (i: number): string => `zq${i.toString(36)}x`;

function noteText(i: number): string {
  const words: string[] = [];
  for (let k = 0; k < 14; k++) words.push(k % 3 === 0 ? pick(COMMON) : pick(FILLER));
  words.push(rareWord(Math.floor(rand() * RARE)));
  return `Note ${i}: ${words.join(' ')}.`;
}

// ---------------------------------------------------------------------------------------
// (a) appends.

/** The two tables an entry touches, as migration 0009 makes them, and nothing else. */
function rawStore(path: string): { insert(text: string, briefId: string): void; close(): void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE brief_entries (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, brief_id TEXT NOT NULL, kind TEXT NOT NULL,
      actor_kind TEXT NOT NULL, actor_name TEXT NOT NULL, channel TEXT NOT NULL, at TEXT NOT NULL, hlc TEXT NOT NULL,
      payload TEXT, redacted TEXT);
    CREATE INDEX brief_entries_by_brief ON brief_entries (brief_id, seq);
    CREATE VIRTUAL TABLE brief_search USING fts5 (text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
  `);
  const entry = db.prepare(
    `INSERT INTO brief_entries (id, brief_id, kind, actor_kind, actor_name, channel, at, hlc, payload, redacted)
     VALUES (?, ?, 'note', 'operator', 'operator:mike', 'api', ?, ?, ?, NULL)`,
  );
  const search = db.prepare('INSERT INTO brief_search (rowid, text) VALUES (?, ?)');
  let counter = 0;
  const one = db.transaction((text: string, briefId: string) => {
    const at = new Date();
    const info = entry.run(uuidv7(at.getTime()), briefId, at.toISOString(), formatStamp(at.getTime(), counter++ % 10_000, 'bench'), JSON.stringify({ text }));
    search.run(info.lastInsertRowid, text);
  });
  return { insert: (text, briefId) => one(text, briefId), close: () => db.close() };
}

/** One brief per client; `append(texts)` writes them all, the clients taking the next text as each is acknowledged. */
type Call = <T>(method: string, params: unknown) => Promise<T>;

/** A client of the host as the cockpit is: one WebSocket, requests answered on it. */
async function wsClient(host: BenchHost): Promise<{ call: Call; close(): void }> {
  const conn = new HostConnection({
    // As the cockpit reads frames (a shape check; the host it talks to validated what it sends).
    parseFrame: frameShape,
    subscribe: false,
    connect: () => new WebSocket(host.url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }) as never,
  });
  const opened = new Promise<void>((resolve, reject) => {
    conn.onState((st) => {
      if (st.kind === 'open') resolve();
      else if (st.kind === 'stopped' || st.kind === 'incompatible') reject(new Error(`the WebSocket did not open: ${st.kind}`));
    });
  });
  conn.start();
  await opened;
  return {
    call: async <T>(method: string, params: unknown): Promise<T> => {
      const r = await conn.call(method as never, params as never);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    },
    close: () => conn.stop(),
  };
}

/** `clients` writers, each on its own brief, through HTTP calls or each on its own WebSocket. */
async function apiAppender(host: BenchHost, clients: number, transport: 'http' | 'ws' = 'http'): Promise<{ append: (texts: string[]) => Promise<void>; close(): void }> {
  const refs: string[] = [];
  const calls: Call[] = [];
  const sockets: { close(): void }[] = [];
  for (let c = 0; c < clients; c++) {
    const { brief } = await api<{ brief: { number: number } }>(host, 'briefs.create', { title: `append bench, client ${c + 1} of ${clients}`, kind: 'chore' });
    refs.push(`#${brief.number}`);
    if (transport === 'ws') {
      const ws = await wsClient(host);
      sockets.push(ws);
      calls.push(ws.call);
    } else calls.push((method, params) => api(host, method, params));
  }
  return {
    append: async (texts) => {
      let next = 0;
      await Promise.all(
        refs.map(async (ref, c) => {
          for (let i = next++; i < texts.length; i = next++) await calls[c]!('briefs.append', { ref, action: { kind: 'note', text: texts[i]! } });
        }),
      );
    },
    close: () => sockets.forEach((s) => s.close()),
  };
}

/**
 * API and raw appends in alternating blocks, each block timed: the shared disk's fsync
 * latency drifts over seconds, and alternating gives both sides the same spells of it.
 */
async function appendPaired(host: BenchHost, clients: number, total: number, dir: string): Promise<{ apiMs: number; wsMs: number; rawMs: number; serviceMs: number }> {
  const viaApi = await apiAppender(host, clients);
  const viaWs = await apiAppender(host, clients, 'ws');
  const raw = rawStore(join(dir, 'raw.db'));
  const briefId = uuidv7();
  // A diagnostic third side: the host's own service in this process, without HTTP.
  const local = inProcess(dir);
  const created = local.service.create({ title: 'in-process', kind: 'chore', spec: '', projects: [] }, MIKE, 'api');
  if (!created.ok) throw new Error(created.error.message);
  const block = 250;
  let apiMs = 0;
  let wsMs = 0;
  let rawMs = 0;
  let serviceMs = 0;
  for (let done = 0; done < total; done += block) {
    const texts = Array.from({ length: Math.min(block, total - done) }, (_, i) => noteText(done + i));
    apiMs += await timed(() => viaApi.append(texts));
    wsMs += await timed(() => viaWs.append(texts));
    rawMs += await timed(() => {
      for (const text of texts) raw.insert(text, briefId);
    });
    serviceMs += await timed(() => {
      for (const text of texts) {
        const r = local.service.append(created.value.brief.id, { kind: 'note', text }, MIKE, 'api');
        if (!r.ok) throw new Error(r.error.message);
      }
    });
  }
  raw.close();
  local.db.close();
  viaApi.close();
  viaWs.close();
  return { apiMs, wsMs, rawMs, serviceMs };
}

// ---------------------------------------------------------------------------------------
// Entries built the way an export carries them, for briefs.import and in-process seeding.

const MIKE: Actor = { kind: 'operator', name: 'operator:mike' };

function exportedBrief(entries: number, number: number): BriefEntry[] {
  const briefId = uuidv7();
  const base = Date.now() - entries * 1000;
  const meta = (i: number) => ({ id: uuidv7(base + i * 1000), briefId, seq: 0, actor: MIKE, channel: 'api' as const, at: new Date(base + i * 1000).toISOString(), hlc: formatStamp(base + i * 1000, 0, 'bench'), redacted: null });
  const out: BriefEntry[] = [
    { ...meta(0), kind: 'created', payload: { title: `A long-lived brief of ${entries} entries`, kind: 'feature', status: 'in_progress', spec: 'Keep the worktree pool warm.\n', projects: [{ name: 'flower', primary: true }], number } },
  ];
  for (let i = 1; i < entries; i++) out.push({ ...meta(i), kind: 'note', payload: { text: noteText(i) } });
  return out;
}

async function importInBatches(host: BenchHost, entries: BriefEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) await api(host, 'briefs.import', { entries: entries.slice(i, i + 500) });
}

/** The brief service as the host builds it, in this process, on a data dir of its own. */
function inProcess(home: string): { db: Database.Database; store: ReturnType<typeof createBriefStore>; service: BriefService } {
  const { db } = openDatabase(join(home, 'grove.db'));
  const store = createBriefStore(db);
  const service = new BriefService({
    store,
    events: createEventLog(db, undefined, undefined, { error: () => {} }),
    clock: createHybridClock('bench'),
    blobs: createBlobStore(db, join(home, 'blobs')),
    operatorName: 'mike',
    agentName: () => null,
  });
  return { db, store, service };
}

/** SEARCH_BRIEFS briefs with SEARCH_ENTRIES entries in all, written by the service itself, 200 briefs per transaction. */
function seedSearchStore(home: string): void {
  const { db, service } = inProcess(home);
  // Each brief gets `created` and the writer's `participant joined`; the rest are notes.
  const notesPerBrief = Math.max(0, Math.round(SEARCH_ENTRIES / SEARCH_BRIEFS) - 2);
  let written = 0;
  const batch = db.transaction((from: number, to: number) => {
    for (let b = from; b < to; b++) {
      const created = service.create({ title: `${pick(COMMON)} ${pick(FILLER)} ${rareWord(b % RARE)} brief ${b}`, kind: pick(['feature', 'bug', 'chore', 'ops'] as const), spec: noteText(b), projects: [`project-${b % 20}`] }, MIKE, 'api');
      if (!created.ok) throw new Error(created.error.message);
      const ref = created.value.brief.id;
      written += created.value.entries.length;
      for (let n = 0; n < notesPerBrief; n++) {
        const r = service.append(ref, { kind: 'note', text: noteText(written) }, MIKE, 'api');
        if (!r.ok) throw new Error(r.error.message);
        written += r.value.entries.length;
      }
    }
  });
  const t0 = performance.now();
  for (let b = 0; b < SEARCH_BRIEFS; b += 200) batch(b, Math.min(SEARCH_BRIEFS, b + 200));
  console.log(`seeded ${SEARCH_BRIEFS} briefs with ${written} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  db.close();
}

// ---------------------------------------------------------------------------------------

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const targets: Target[] = [];
  const extra: Record<string, unknown> = { appends: APPENDS, clients: CLIENTS, openEntries: OPEN_ENTRIES, searchBriefs: SEARCH_BRIEFS, searchEntries: SEARCH_ENTRIES, queries: QUERIES, tempDir: root };

  // (a) Appends: each API run against a raw run right after it, on the same disk.
  const host = await startHost(mkdtempSync(join(root, 'home-')));
  await (await apiAppender(host, 1)).append(Array.from({ length: 200 }, (_, i) => noteText(i)));
  for (const clients of PARTS.has('append') ? [1, CLIENTS] : []) {
    const { apiMs, wsMs, rawMs, serviceMs } = await appendPaired(host, clients, APPENDS, mkdtempSync(join(root, 'raw-')));
    const apiRate = (APPENDS / apiMs) * 1000;
    const wsRate = (APPENDS / wsMs) * 1000;
    const rawRate = (APPENDS / rawMs) * 1000;
    const ratio = round(apiRate / rawRate, 2);
    const wsRatio = round(wsRate / rawRate, 2);
    console.log(`append ${APPENDS}, ${clients} client(s): HTTP ${apiRate.toFixed(0)}/s, WebSocket ${wsRate.toFixed(0)}/s, raw ${rawRate.toFixed(0)}/s: ${ratio} / ${wsRatio}`);
    const plural = `${clients} client${clients > 1 ? 's' : ''}`;
    comparisons.push(
      compare(`append ${APPENDS} notes, ${plural}, WebSocket (ms per entry)`, { name: 'briefs.append', unit: 'ms', samples: [wsMs / APPENDS] }, { name: 'raw insert + FTS', unit: 'ms', samples: [rawMs / APPENDS] }),
      compare(`append ${APPENDS} notes, ${plural}, HTTP POST (ms per entry)`, { name: 'briefs.append', unit: 'ms', samples: [apiMs / APPENDS] }, { name: 'raw insert + FTS', unit: 'ms', samples: [rawMs / APPENDS] }),
    );
    targets.push({ what: `append API/raw, ${plural}, WebSocket`, value: wsRatio, unit: '×', target: '≥ 0.5', met: wsRatio >= 0.5 });
    targets.push({ what: `append API/raw, ${plural}, HTTP`, value: ratio, unit: '×', target: '≥ 0.5', met: ratio >= 0.5 });
    if (clients === 1) comparisons.push(compare('  the service in-process, no HTTP (diagnostic)', { name: 'service.append', unit: 'ms', samples: [serviceMs / APPENDS] }, { name: 'raw insert + FTS', unit: 'ms', samples: [rawMs / APPENDS] }));
    extra[`append${clients}`] = { apiPerS: round(apiRate), wsPerS: round(wsRate), rawPerS: round(rawRate), inProcessServicePerS: round((APPENDS / serviceMs) * 1000), apiMs: round(apiMs), rawMs: round(rawMs), serviceMs: round(serviceMs) };
  }

  if (PARTS.has('open')) await openAndRecall(host, comparisons, targets, extra);
  await host.stop();
  if (PARTS.has('search')) await search(comparisons, targets, extra);

  if (PARTS.has('upload')) await upload(comparisons, targets, extra);

  extra.targets = targets;
  report('briefs', comparisons, extra);
  console.log('\ntargets');
  for (const t of targets) {
    const verdict = t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED';
    console.log(`  ${t.what.padEnd(44)} ${(Number.isFinite(t.value) ? `${t.value} ${t.unit}` : '–').padEnd(14)} target ${t.target.padEnd(8)} ${verdict}`);
  }
}

type Target = { what: string; value: number; unit: string; target: string; met: boolean | null };

/** (b) Opening a brief of OPEN_ENTRIES entries, its first page, through the API and raw; (e) recall sizes. */
async function openAndRecall(host: BenchHost, comparisons: Comparison[], targets: Target[], extra: Record<string, unknown>): Promise<void> {
  const long = exportedBrief(OPEN_ENTRIES, 100_000);
  const importMs = await timed(() => importInBatches(host, long));
  extra.importMs = round(importMs);
  console.log(`imported a brief of ${OPEN_ENTRIES} entries in ${(importMs / 1000).toFixed(1)} s (${OPEN_ENTRIES / 500} calls of 500)`);
  const ref = '#100000';
  const reader = new Database(join(host.home, 'grove.db'), { readonly: true });
  const page = reader.prepare('SELECT * FROM brief_entries WHERE brief_id = ? AND seq < ? ORDER BY seq DESC LIMIT 50');
  const briefId = long[0]!.briefId;
  // A diagnostic: what briefs.get does (resolve, page, count, one more row for hasOlder) in
  // this process, on the same file, without HTTP.
  const local = createBriefStore(reader);
  const openLocal: Series = { name: 'store reads, in-process', unit: 'ms', samples: [] };
  const openApi: Series = { name: 'briefs.get', unit: 'ms', samples: [] };
  const openRaw: Series = { name: 'SELECT page of 50', unit: 'ms', samples: [] };
  const roundTrip: Series = { name: 'host.status', unit: 'ms', samples: [] };
  const openWs: Series = { name: 'briefs.get', unit: 'ms', samples: [] };
  const wsRoundTrip: Series = { name: 'host.status', unit: 'ms', samples: [] };
  const ws = await wsClient(host);
  for (let i = -10; i < OPEN_RUNS; i++) {
    const w = await timed(async () => {
      const got = await ws.call<{ trace: unknown[]; total: number }>('briefs.get', { ref });
      if (got.trace.length !== 50 || got.total !== OPEN_ENTRIES) throw new Error(`briefs.get answered ${got.trace.length} of ${got.total}`);
    });
    const a = await timed(async () => {
      const got = await api<{ trace: unknown[]; total: number }>(host, 'briefs.get', { ref });
      if (got.trace.length !== 50 || got.total !== OPEN_ENTRIES) throw new Error(`briefs.get answered ${got.trace.length} of ${got.total}`);
    });
    const r = await timed(() => {
      const rows = page.all(briefId, Number.MAX_SAFE_INTEGER);
      if (rows.length !== 50) throw new Error('the raw page is not 50 rows');
    });
    const s = await timed(() => api(host, 'host.status', {}));
    const sw = await timed(() => ws.call('host.status', {}));
    const l = await timed(() => {
      const brief = local.resolve(ref)!;
      const trace = local.page(brief.id, 50);
      JSON.stringify({ brief, trace, total: brief.version, hasOlder: local.hasBefore(brief.id, trace[trace.length - 1]!.seq) });
    });
    if (i < 0) continue;
    openWs.samples.push(w);
    wsRoundTrip.samples.push(sw);
    openLocal.samples.push(l);
    openApi.samples.push(a);
    openRaw.samples.push(r);
    roundTrip.samples.push(s);
  }
  reader.close();
  ws.close();
  const openOverWs = compare(`open a brief of ${OPEN_ENTRIES} entries (first page of 50), WebSocket`, openWs, openRaw);
  const open = compare(`open a brief of ${OPEN_ENTRIES} entries (first page of 50), HTTP POST`, openApi, openRaw);
  comparisons.push(openOverWs, compare('  the same, against an empty WebSocket round trip', openWs, wsRoundTrip), open);
  comparisons.push(compare('  the same, against an empty API round trip', openApi, roundTrip));
  comparisons.push(compare('  its reads in-process, no HTTP (diagnostic)', openLocal, openRaw));
  targets.push({ what: `open a brief of ${OPEN_ENTRIES}, WebSocket/raw`, value: openOverWs.ratio, unit: '×', target: '≤ 3', met: openOverWs.ratio <= 3 });
  targets.push({ what: `open a brief of ${OPEN_ENTRIES}, HTTP/raw`, value: open.ratio, unit: '×', target: '≤ 3', met: open.ratio <= 3 });

  // (e) Recall of that brief, and of the seed brief (recreated on the same host).
  const longRecall = await api<{ approxTokens: number; chars: number; entriesShown: number }>(host, 'briefs.recall', { ref });
  // The fixture reads its text next to itself (import.meta.url): give the bundle a copy, then load it.
  cpSync(join(process.cwd(), 'test', 'fixtures', 'seed-brief'), join(process.cwd(), '.bench', 'seed-brief'), { recursive: true });
  const { recreateSeedBrief } = await import('../test/fixtures/seed-brief');
  const seed = await recreateSeedBrief(host as never);
  const seedRecall = await api<{ approxTokens: number; chars: number; entriesShown: number }>(host, 'briefs.recall', { ref: `#${seed.number}` });
  targets.push({ what: 'recall, the seed brief', value: seedRecall.approxTokens, unit: 'tokens', target: '≤ 4000', met: seedRecall.approxTokens <= 4000 });
  targets.push({ what: `recall, a brief of ${OPEN_ENTRIES} entries`, value: longRecall.approxTokens, unit: 'tokens', target: '≤ 8000', met: longRecall.approxTokens <= 8000 });
  // Sizes only: the payloads themselves would drown the report.
  const size = (r: { approxTokens: number; chars: number; entriesShown: number }) => ({ approxTokens: r.approxTokens, chars: r.chars, entriesShown: r.entriesShown });
  extra.recall = { seed: size(seedRecall), [`entries${OPEN_ENTRIES}`]: size(longRecall) };
}

/** (c) Search over a store seeded in-process before its host starts. */
async function search(comparisons: Comparison[], targets: Target[], extra: Record<string, unknown>): Promise<void> {
  const searchHome = mkdtempSync(join(root, 'search-'));
  seedSearchStore(searchHome);
  const searchHost = await startHost(searchHome);
  const words: { kind: string; query: string }[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const mix = i % 5;
    if (mix === 0) words.push({ kind: 'common', query: pick(COMMON) });
    else if (mix === 1) words.push({ kind: 'common pair', query: `${pick(COMMON)} ${pick(COMMON)}` });
    else if (mix === 2) words.push({ kind: 'rare', query: rareWord(Math.floor(rand() * RARE)) });
    else if (mix === 3) words.push({ kind: 'prefix', query: pick(COMMON).slice(0, 3) });
    else words.push({ kind: 'rare + common', query: `${pick(COMMON)} ${rareWord(Math.floor(rand() * RARE))}` });
  }
  for (const w of words.slice(0, 20)) await api(searchHost, 'briefs.list', { query: w.query });
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  for (const w of words) {
    const ms = await timed(() => api(searchHost, 'briefs.list', { query: w.query }));
    all.push(ms);
    byKind.set(w.kind, [...(byKind.get(w.kind) ?? []), ms]);
  }
  // The same store listed without a query: what a search adds.
  const unfiltered: number[] = [];
  for (let i = 0; i < 50; i++) unfiltered.push(await timed(() => api(searchHost, 'briefs.list', {})));
  await searchHost.stop();
  const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
  comparisons.push(compare(`search ${SEARCH_BRIEFS} briefs / ${SEARCH_ENTRIES} entries`, { name: 'briefs.list {query}', unit: 'ms', samples: all }, { name: 'briefs.list {}', unit: 'ms', samples: unfiltered }));
  targets.push({ what: 'search p95', value: round(p95(all)), unit: 'ms', target: '≤ 50', met: p95(all) <= 50 });
  extra.search = Object.fromEntries([...byKind].map(([k, xs]) => [k, { n: xs.length, median: round(summarize({ name: k, unit: 'ms', samples: xs }).median), p95: round(p95(xs)) }]));
  for (const [k, v] of Object.entries(extra.search as Record<string, { median: number; p95: number }>)) console.log(`search, ${k}: median ${v.median} ms, p95 ${v.p95} ms`);
}

/**
 * (d) A screenshot-sized upload (`POST /blobs?brief=…`, streamed from the file by the CLI's
 * client, src/host-client/post-file.ts) against `cp` of the same file on the same disk, in
 * turn. Every run's file has different bytes, so the store never finds it already there.
 */
async function upload(comparisons: Comparison[], targets: Target[], extra: Record<string, unknown>): Promise<void> {
  const host = await startHost(mkdtempSync(join(root, 'upload-')));
  const { brief } = await api<{ brief: { number: number } }>(host, 'briefs.create', { title: 'screenshots' });
  const files = mkdtempSync(join(root, 'files-'));
  const viaApi: Series = { name: 'POST /blobs', unit: 'ms', samples: [] };
  const viaCp: Series = { name: 'cp', unit: 'ms', samples: [] };
  const viaDurableCp: Series = { name: 'cp && sync FILE', unit: 'ms', samples: [] };
  for (let i = -1; i < UPLOAD_RUNS; i++) {
    const file = join(files, `screen-${i + 1}.png`);
    writeFileSync(file, Buffer.concat([PNG, randomBytes(UPLOAD_MIB * 1024 * 1024 - PNG.length)]));
    const upload = () =>
      timed(async () => {
        // Streamed from the file by the client `grove brief attach` uses.
        const url = new URL(`${host.url}/blobs?brief=%23${brief.number}&name=screen-${i + 1}.png`);
        const sent = await postFile(url, { path: file, size: statSync(file).size }, { authorization: `Bearer ${host.token}` }, 60_000);
        if (!sent.ok) throw new Error(`POST /blobs: ${sent.error.message}`);
        const body = JSON.parse(sent.value.body) as { ok: boolean };
        if (!body.ok) throw new Error(`POST /blobs: ${JSON.stringify(body)}`);
      });
    const copy = () => timed(() => execFileAsync('cp', [file, `${file}.copy`]));
    // The store syncs the file before it answers; plain cp leaves it in the page cache.
    const durable = () =>
      timed(async () => {
        await execFileAsync('cp', [file, `${file}.durable`]);
        await execFileAsync('sync', [`${file}.durable`]);
      });
    // Each starts from a quiet disk: the screenshot already saved (as one the user attaches
    // is), nothing an earlier step wrote still being written back under the next one's
    // flush. Taken in turn, so neither always follows the other.
    const quiet = () => execFileAsync('sync');
    await quiet();
    const first = i % 2 === 0 ? await upload() : await copy();
    await quiet();
    const second = i % 2 === 0 ? await copy() : await upload();
    await quiet();
    const synced = await durable();
    await quiet();
    if (i < 0) continue;
    viaApi.samples.push(i % 2 === 0 ? first : second);
    viaCp.samples.push(i % 2 === 0 ? second : first);
    viaDurableCp.samples.push(synced);
  }
  await host.stop();
  const c = compare(`upload a ${UPLOAD_MIB} MiB screenshot`, viaApi, viaCp);
  comparisons.push(c);
  comparisons.push(compare('  the same, against a copy synced to disk (diagnostic)', viaApi, viaDurableCp));
  targets.push({ what: `${UPLOAD_MIB} MiB screenshot upload vs cp`, value: c.ratio, unit: '×', target: '≤ 3', met: c.ratio <= 3 });
  extra.upload = { mib: UPLOAD_MIB, runs: UPLOAD_RUNS };
}

/** A 1×1 PNG: what the store's sniffer reads; the rest of a bench "screenshot" is noise. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

await runBench(main, cleanup);
