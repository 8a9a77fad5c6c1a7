import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import type { AgentInfo } from '../src/shared/agents';
import { makeRepo } from '../test/fixtures/git-repo';
import { addTrustedRepo, api, compare, endAll, percentile, report, runBench, startBenchHost, waitForQuietHost, within, type BenchHost, type Comparison, type Series } from './harness';
import { drainAgent, drainArgs, generateFile, openClient, type Client } from './harness-drain';

/**
 * What confining an agent costs, against the same agent started unconfined (`unconfined:
 * true` in `agents.start`) on the same host, in the same lane of a real repository:
 *  (1) start: from sending `agents.start` over the WebSocket to a client attached right
 *      after its answer (as the UI does) receiving the agent's `ready`, for a trivial agent
 *      (`echo ready; exec sleep 600`); alternated, the side going first swapping each pair;
 *  (2) drain: bench/terminals.ts's (b), a `cat` of a big file in raw mode streamed by the
 *      host to a UI-like client (headless xterm, acks after parsing), in MB/s; alternated
 *      the same way; and, as a diagnostic, the same to a client that acks on arrival and
 *      attaches without jumps (every byte through the WebSocket, the host's flow control
 *      pacing the agent), so no terminal parsing in this process is in its way.
 * Every timing starts on a quiet host (no CPU used for 300 ms): a drain leaves it work (its
 * log, its garbage) that would otherwise land in the next one. Besides the ratio of
 * medians, each reports the median of the per-run ratios (or differences), and the drain's
 * target is judged on it: the two sides of a run ran seconds apart, which a shared
 * machine's drift spares more than it spares the medians.
 *
 * Every agent must run as asked, confined by bubblewrap or not, or the run fails: on a
 * machine where confinement is not available (no bwrap, or a sandbox it refuses) there is
 * nothing to measure. The first confined start on the host also asks the OS whether
 * bubblewrap works (once, for the host's life): it is reported apart, as a warm-up.
 *
 * Sizes: 20 starts each (BENCH_RUNS), 8 drains each (BENCH_DRAIN_RUNS) of 200 MB
 * (BENCH_CONFINE_MB): a full run on this 2-core machine, shared, takes about 2 minutes.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DRAIN_RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 8);
const MB = Number(process.env.BENCH_CONFINE_MB ?? 200);
const SIZE = Math.round(MB * 1024 * 1024);
const COLS = 200;
const ROWS = 50;
const READY_AGENT = ['-c', 'echo ready; exec sleep 600'];
const TARGET = { startRatio: 1.2, startExtraMs: 50, drainRatio: 0.95 };

const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------
// Cleanup: the host, any agent it did not get to end, and sockets, by pid and handle.

const tempRoot = realpathSync(mkdtempSync(join(tmpdir(), 'grove-bench-confine-')));
const childPids = new Set<number>();
const hosts = new Set<BenchHost>();
const sockets = new Set<WebSocket>();

async function cleanup(): Promise<void> {
  for (const ws of sockets) ws.terminate();
  await endAll(hosts, childPids, [tempRoot]);
}

// ---------------------------------------------------------------------------------------
// Agents, confined or not.

type Side = 'confined' | 'unconfined';

interface Started {
  id: string;
  pid: number;
}

async function startAgent(client: Client, lanePath: string, side: Side, args: string[]): Promise<Started> {
  const { agent } = await client.call<{ agent: AgentInfo }>('agents.start', {
    lanePath,
    preset: 'custom',
    command: '/bin/sh',
    args,
    cols: COLS,
    rows: ROWS,
    restart: 'never',
    unconfined: side === 'unconfined',
  });
  if (agent.supervision.kind !== 'running') throw new Error(`a ${side} agent is ${agent.supervision.kind} right after agents.start: ${JSON.stringify(agent.supervision)}`);
  const pid = agent.supervision.pid;
  childPids.add(pid);
  const confined = agent.confinement?.confined ?? false;
  if (confined !== (side === 'confined')) {
    throw new Error(`asked for a ${side} agent, the host started it ${confined ? 'confined' : 'unconfined'} (${agent.confinement?.reason ?? 'no reason given'}): there is no confinement to measure here`);
  }
  return { id: agent.id, pid };
}

/**
 * The host's word checked against the process it started: bubblewrap when confined, the
 * program itself when not. Read once the agent has printed, so it has long been exec'd.
 */
function checkProcess(pid: number, side: Side): void {
  const program = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  if ((program === 'bwrap') !== (side === 'confined')) throw new Error(`a ${side} agent's process ${pid} is ${program}`);
}

/** Stops and removes the agent; its pid is the host's business no more. */
async function endAgent(client: Client, agent: Started): Promise<void> {
  await client.call('agents.stop', { id: agent.id });
  await client.call('agents.remove', { id: agent.id });
  childPids.delete(agent.pid);
}

/** (1): ms from `agents.start` sent to `ready` at the client, and of that, to the start's answer. */
async function timeStart(host: BenchHost, client: Client, lanePath: string, side: Side): Promise<{ readyMs: number; answeredMs: number }> {
  await waitForQuietHost(host.pid);
  const t0 = performance.now();
  const agent = await startAgent(client, lanePath, side, READY_AGENT);
  const answeredMs = performance.now() - t0;
  let text = '';
  const ready = new Promise<number>((resolve) =>
    client.on(agent.id, (offset, data) => {
      client.ack(agent.id, offset + data.length);
      text += Buffer.from(data).toString('latin1');
      if (text.includes('ready')) resolve(performance.now() - t0);
    }),
  );
  await client.call('agents.attach', { id: agent.id, since: 0 });
  const readyMs = await within(ready, 10_000, `${side} agent printing ready`);
  checkProcess(agent.pid, side);
  await client.call('agents.detach', { id: agent.id });
  await endAgent(client, agent);
  return { readyMs, answeredMs };
}

/** (2): MB/s of one drain (harness-drain.ts); with `parse` false the client acks on arrival. */
async function timeDrain(host: BenchHost, client: Client, lanePath: string, file: string, side: Side, parse: boolean): Promise<number> {
  await waitForQuietHost(host.pid);
  const agent = await startAgent(client, lanePath, side, drainArgs(file));
  const drained = await drainAgent(client, agent.id, { size: SIZE, cols: COLS, rows: ROWS, parse });
  childPids.delete(agent.pid);
  return drained.mbps;
}

const bothSides = (): Record<Side, number[]> => ({ confined: [], unconfined: [] });
/** Both sides once, the one going first swapping each run, so drift and order hit both alike. */
async function alternate(run: number, measure: (side: Side) => Promise<void>): Promise<void> {
  for (const side of run % 2 === 0 ? (['confined', 'unconfined'] as const) : (['unconfined', 'confined'] as const)) await measure(side);
}
const series = (samples: Record<Side, number[]>, unit: string): Record<Side, Series> => ({
  confined: { name: 'confined (bwrap)', unit, samples: samples.confined },
  unconfined: { name: 'unconfined', unit, samples: samples.unconfined },
});
const stats = (xs: number[]): { p50: number; p95: number } => ({ p50: round(percentile(xs, 0.5)), p95: round(percentile(xs, 0.95)) });
/**
 * The median over runs of (confined ∘ unconfined) within each run: the two of a run ran
 * seconds apart, so on a shared machine this drifts less than the ratio of medians.
 */
const paired = (s: Record<Side, number[]>, op: (c: number, u: number) => number, digits: number): number =>
  round(percentile(s.confined.map((c, i) => op(c, s.unconfined[i]!)), 0.5), digits);

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const extra: Record<string, unknown> = { runs: RUNS, drainRuns: DRAIN_RUNS, sizeMB: MB };
  const file = join(tempRoot, 'data.txt');
  const t0 = performance.now();
  await generateFile(file, SIZE);
  console.log(`generated ${MB} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const mainPath = makeRepo(join(tempRoot, 'repo'));
  const host = await startBenchHost(hostEntry, mkdtempSync(join(tempRoot, 'home-')), (pid) => childPids.add(pid));
  hosts.add(host);
  const repoId = await addTrustedRepo(host, mainPath);
  const { lane } = await api<{ lane: { path: string } }>(host, 'lanes.create', { repoId, name: 'bench' });
  const client = await openClient(host, sockets);

  // (1) Start. The first confined start also runs the host's one-off probe of bubblewrap.
  const first = await timeStart(host, client, lane.path, 'confined');
  await timeStart(host, client, lane.path, 'unconfined');
  extra.firstConfinedStartMs = { ready: round(first.readyMs), answered: round(first.answeredMs), note: 'includes the host probing bubblewrap once; a warm-up, not in the figures' };
  const ready = bothSides();
  const answered = bothSides();
  for (let i = 0; i < RUNS; i++) {
    await alternate(i, async (side) => {
      const t = await timeStart(host, client, lane.path, side);
      ready[side].push(t.readyMs);
      answered[side].push(t.answeredMs);
    });
  }
  const readySeries = series(ready, 'ms');
  const start = compare('agent start → "ready" at an attached client', readySeries.confined, readySeries.unconfined);
  comparisons.push(start);
  const startMs = { confined: stats(ready.confined), unconfined: stats(ready.unconfined) };
  const startExtraMs = round(startMs.confined.p50 - startMs.unconfined.p50);
  extra.startMs = {
    ...startMs,
    p50DifferenceMs: startExtraMs,
    pairedMedianDifferenceMs: paired(ready, (c, u) => c - u, 1),
    // Where the time goes: up to the host's answer to agents.start (it has spawned the process).
    startAnsweredMs: { confined: stats(answered.confined), unconfined: stats(answered.unconfined) },
    target: `≤ ${TARGET.startRatio}× or ≤ +${TARGET.startExtraMs} ms`,
  };
  console.log(`start (ms): confined p50 ${startMs.confined.p50} p95 ${startMs.confined.p95}; unconfined p50 ${startMs.unconfined.p50} p95 ${startMs.unconfined.p95}`);

  // (2) Drain, to a UI-like client; and, as a diagnostic, to one that acks on arrival (the
  //     agent, host and WebSocket without this process's terminal parsing in the way).
  const drain = bothSides();
  const ackOnly = bothSides();
  for (let i = 0; i < DRAIN_RUNS; i++) {
    await alternate(i, async (side) => void drain[side].push(await timeDrain(host, client, lane.path, file, side, true)));
    await alternate(i, async (side) => void ackOnly[side].push(await timeDrain(host, client, lane.path, file, side, false)));
    const last = (s: Record<Side, number[]>): string => `confined ${s.confined.at(-1)!.toFixed(0)}, unconfined ${s.unconfined.at(-1)!.toFixed(0)}`;
    console.log(`drain run ${i + 1} (MB/s): UI-like client ${last(drain)}; ack only ${last(ackOnly)}`);
  }
  const drainSeries = series(drain, 'MB/s');
  const drained = compare(`cat ${MB} MB drained to a UI-like client`, drainSeries.confined, drainSeries.unconfined);
  comparisons.push(drained);
  const ackSeries = series(ackOnly, 'MB/s');
  comparisons.push(compare(`diagnostic: the same, the client acking on arrival`, ackSeries.confined, ackSeries.unconfined));
  const drainPaired = paired(drain, (c, u) => c / u, 2);
  extra.drain = { pairedMedianRatio: drainPaired, ackOnlyPairedMedianRatio: paired(ackOnly, (c, u) => c / u, 2), target: `≥ ${TARGET.drainRatio}` };

  await client.close();
  await host.stop();
  hosts.delete(host);
  childPids.delete(host.pid);
  report('confine', comparisons, extra);
  const startOk = start.ratio <= TARGET.startRatio || startExtraMs <= TARGET.startExtraMs;
  console.log(
    `start confined/unconfined = ${start.ratio}× (+${startExtraMs} ms at p50; target ≤ ${TARGET.startRatio}× or +${TARGET.startExtraMs} ms: ${startOk ? 'met' : 'missed'}); ` +
      `drain confined/unconfined = ${drained.ratio}, paired ${drainPaired} (target ≥ ${TARGET.drainRatio}, paired: ${drainPaired >= TARGET.drainRatio ? 'met' : 'missed'})`,
  );
}

await runBench(async () => {
  if (!existsSync(hostEntry)) throw new Error(`${hostEntry} is missing: run \`npm run build\` first.`);
  await main();
}, cleanup);
