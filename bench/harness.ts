import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Shared by every benchmark: summary statistics, the Grove-versus-baseline ratio, and the
 * two outputs (JSON on disk and stdout, a table for people). Figures are only compared
 * within one run, because these machines are shared and their speed drifts.
 */
export interface Series {
  name: string;
  unit: string;
  samples: number[];
}

export interface Summary {
  name: string;
  unit: string;
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

/** The sample at quantile `q` (0–1) of `samples`: the nearest rank, no interpolation. */
export function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function summarize(s: Series): Summary {
  const at = (q: number): number => percentile(s.samples, q);
  return { name: s.name, unit: s.unit, n: s.samples.length, median: at(0.5), p90: at(0.9), min: at(0), max: at(1) };
}

export interface Comparison {
  what: string;
  grove: Summary;
  baseline: Summary;
  /** grove median / baseline median; not finite when the baseline median is 0 (an idle CPU), shown as –. */
  ratio: number;
}

export function compare(what: string, grove: Series, baseline: Series): Comparison {
  const g = summarize(grove);
  const b = summarize(baseline);
  return { what, grove: g, baseline: b, ratio: Number((g.median / b.median).toFixed(2)) };
}

export function report(bench: string, comparisons: Comparison[], extra: Record<string, unknown> = {}): void {
  const json = { bench, at: new Date().toISOString(), node: process.version, comparisons, ...extra };
  mkdirSync('.bench', { recursive: true });
  writeFileSync(`.bench/${bench}.json`, JSON.stringify(json, null, 2) + '\n');
  console.log(JSON.stringify(json));
  const fmt = (n: number): string => n.toFixed(1);
  const rows = comparisons.map((c) => [c.what, `${fmt(c.grove.median)} ${c.grove.unit}`, `${fmt(c.grove.p90)}`, c.baseline.name, `${fmt(c.baseline.median)} ${c.baseline.unit}`, Number.isFinite(c.ratio) ? `${c.ratio}×` : '–']);
  const head = ['measure', 'grove median', 'p90', 'baseline', 'baseline median', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${bench}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n(written to .bench/${bench}.json)`);
}

/** Fails the run instead of hanging it when something never arrives. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One call to a host under test; a refusal is a bench failure, thrown with the host's error. */
export async function api<T>(host: { url: string; token: string }, method: string, params: unknown): Promise<T> {
  const res = await fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { ok: boolean; result?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result as T;
}

/**
 * Registers a repository and trusts its commands, as one works in is: `lanes.create`
 * refuses an untrusted repository's recipe. Answers the repository's id.
 */
/** A browser's way in: a single-use login code's URL, as `grove open` makes it. */
export async function loginUrl(host: { url: string; token: string }): Promise<string> {
  return (await api<{ loginUrl: string }>(host, 'auth.loginCode', {})).loginUrl;
}

export async function addTrustedRepo(host: { url: string; token: string }, path: string): Promise<string> {
  const { repo } = await api<{ repo: { id: string } }>(host, 'repos.add', { path });
  const { digest } = await api<{ digest: string }>(host, 'repos.commands', { repoId: repo.id });
  await api(host, 'repos.trust', { repoId: repo.id, digest });
  return repo.id;
}

/** A real host on its own data dir, for a benchmark to drive; `stop` answers its exit code. */
export interface BenchHost {
  url: string;
  token: string;
  pid: number;
  home: string;
  stop(): Promise<number | null>;
}

/**
 * Starts `hostEntry` on `home` and waits until its discovery file names it. `onSpawn` hears
 * the pid at once, so a bench's cleanup can end a host that never became ready.
 */
export async function startBenchHost(hostEntry: string, home: string, onSpawn: (pid: number) => void = () => undefined): Promise<BenchHost> {
  // BENCH_HOST_NODE_ARGS: Node's own flags for the host, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes.
  const nodeArgs = (process.env.BENCH_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, hostEntry, '--home', home], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GROVE_HOME: home } });
  if (child.pid) onSpawn(child.pid);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the host exited during start-up: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the host did not become ready: ${stderr}`);
    }
    try {
      const disc = JSON.parse(readFileSync(join(home, 'host.json'), 'utf8')) as { url: string; pid: number };
      if (disc.pid === child.pid) {
        return {
          url: disc.url,
          token: readFileSync(join(home, 'token'), 'utf8').trim(),
          pid: child.pid,
          home,
          stop: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
            child.kill('SIGTERM');
            // Its shutdown stops its agents; past a grace period, end it hard.
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            const code = await exited;
            clearTimeout(timer);
            return code;
          },
        };
      }
    } catch {
      /* not written yet, or half-written: try again */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A deterministic generator (a linear congruential one), so every run writes the same data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Ticks per second in /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
const CLK_TCK = 100;

/** CPU ticks of a process itself (utime + stime) and of its waited-for children (cutime + cstime), from /proc. */
export function cpuTicks(pid: number): { self: number; children: number } {
  // After "(comm) ", the fields start at field 3 (state); utime is field 14.
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ').map(Number);
  return { self: f[11]! + f[12]!, children: f[13]! + f[14]! };
}

/** CPU ticks spent over `ms` of wall time, as a percentage of one core. */
export const cpuPercent = (ticks: number, ms: number): number => (100 * (ticks / CLK_TCK)) / (ms / 1000);

/**
 * Waits until a host has used no CPU, itself or through its children (git), for 300 ms, so
 * what the last run left it doing does not land inside the next timing; fails past 10 s.
 */
export async function waitForQuietHost(pid: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  const total = (): number => {
    const t = cpuTicks(pid);
    return t.self + t.children;
  };
  let last = total();
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = total();
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= 300) return;
  }
  throw new Error('the host did not become quiet within 10 s');
}

/**
 * Runs a bench's `main`, ending what it started (`cleanup`) however it ends: normally, by
 * an error, or by Ctrl+C / SIGTERM (then exiting 130).
 */
export async function runBench(main: () => Promise<void>, cleanup: () => Promise<void>): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  // A throw outside main's promise (an event handler's) would end the bench with its hosts left running.
  process.once('uncaughtException', (e) => {
    console.error(e);
    void cleanup().finally(() => process.exit(1));
  });
  try {
    await main();
  } finally {
    await cleanup();
  }
}

/** Ends hosts a bench started (politely), then any process it spawned (by pid), then removes its dirs. */
export async function endAll(hosts: Iterable<{ stop(): Promise<unknown> }>, pids: Iterable<number>, dirs: readonly string[]): Promise<void> {
  for (const h of hosts) await h.stop().catch(() => undefined);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
