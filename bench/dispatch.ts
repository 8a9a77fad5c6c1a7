import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { z } from 'zod';
import { api, compare, endAll, report, runBench, startBenchHost, summarize, type BenchHost, type Comparison } from './harness';

/**
 * `npm run bench -- dispatch` (issue 13), each figure against a baseline measured in the
 * same run:
 *   (a) recall_brief over MCP (the SDK's client, Streamable HTTP) vs briefs.recall over
 *       plain HTTP, the same brief (the seed), alternated call by call
 *       (targets: ≤ 2×, MCP p99 ≤ 50 ms);
 *   (b) a dispatch to a new ephemeral lane until the agent runs (it wrote its first file, in
 *       its lane: it is confined, the default) vs `git worktree add` plus a spawn of the same
 *       program until it does the same, both watched on disk (target ≤ 1.5×);
 *   (c) the seed brief's payloads in tokens: the recall an agent reads, and the packet.
 * Env: BENCH_RECALLS (default 300), BENCH_DISPATCHES (default 8), BENCH_TMPDIR.
 */
const RECALLS = Number(process.env.BENCH_RECALLS ?? 300);
const DISPATCHES = Number(process.env.BENCH_DISPATCHES ?? 8);
const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
const worker = join(process.cwd(), 'test', 'fixtures', 'agents', 'brief-worker.mjs');

const root = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'grove-bench-dispatch-'));
const childPids = new Set<number>();
const hosts = new Set<BenchHost>();
const cleanup = (): Promise<void> => endAll(hosts, childPids, [root]);

type Target = { what: string; value: number; unit: string; target: string; met: boolean };
const round = (n: number, d = 1): number => Number(n.toFixed(d));

function makeRepo(dir: string): string {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  writeFileSync(join(dir, 'README.md'), '# flower\n');
  execFileSync('git', ['-C', dir, 'add', '.']);
  execFileSync('git', ['-C', dir, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'initial']);
  return dir;
}

/** Where a dispatched agent writes that it runs, relative to its lane. */
const LANE_OUT = '.bench-out';

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const targets: Target[] = [];
  const extra: Record<string, unknown> = { recalls: RECALLS, dispatches: DISPATCHES, tempDir: root };
  const home = mkdtempSync(join(root, 'home-'));
  const host = await startBenchHost(hostEntry, home, (pid) => childPids.add(pid));
  hosts.add(host);
  const main = makeRepo(join(root, 'flower'));
  const repo = await api<{ repo: { id: string } }>(host, 'repos.add', { path: main });
  const repoId = repo.repo.id;
  const shown = await api<{ digest: string }>(host, 'repos.commands', { repoId });
  await api(host, 'repos.trust', { repoId, digest: shown.digest });

  // The seed brief, as the briefs bench makes it (its fixture reads its text beside itself).
  cpSync(join(process.cwd(), 'test', 'fixtures', 'seed-brief'), join(process.cwd(), '.bench', 'seed-brief'), { recursive: true });
  const { recreateSeedBrief } = await import('../test/fixtures/seed-brief');
  const seed = await recreateSeedBrief(host as never);
  const ref = `#${seed.number}`;

  // (a) recall: MCP (both protocol eras: 2026-07-28 as Claude Code negotiates it, and the
  // 2025 handshake) vs plain HTTP, alternated call by call so drift hits all alike.
  const connect = async (modern: boolean): Promise<Client> => {
    const c = new Client({ name: 'grove-bench', version: '1.0.0' }, modern ? { versionNegotiation: { mode: 'auto' } } : {});
    await c.connect(new StreamableHTTPClientTransport(new URL(`${host.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${host.token}` } } }));
    return c;
  };
  const modern = await connect(true);
  const legacy = await connect(false);
  const viaMcp: number[] = [];
  const viaLegacy: number[] = [];
  const viaHttp: number[] = [];
  let mcpTokens = 0;
  const timedCall = async (c: Client): Promise<number> => {
    const t0 = performance.now();
    const r = await c.callTool({ name: 'recall_brief', arguments: { ref } });
    if (r.isError) throw new Error(`recall_brief failed: ${JSON.stringify(r.content)}`);
    mcpTokens = Math.ceil(JSON.stringify(r.content).length / 4);
    return performance.now() - t0;
  };
  for (let i = 0; i < RECALLS + 20; i++) {
    const m = await timedCall(modern);
    const l = await timedCall(legacy);
    const t0 = performance.now();
    await api(host, 'briefs.recall', { ref });
    const h = performance.now() - t0;
    if (i >= 20) {
      viaMcp.push(m);
      viaLegacy.push(l);
      viaHttp.push(h);
    }
  }
  await modern.close();
  await legacy.close();
  const recall = compare(`recall_brief of the seed brief, MCP 2026-07-28 (${RECALLS} calls)`, { name: 'MCP recall_brief', unit: 'ms', samples: viaMcp }, { name: 'HTTP briefs.recall', unit: 'ms', samples: viaHttp });
  comparisons.push(recall, compare('  the same over the 2025 handshake', { name: 'MCP recall_brief', unit: 'ms', samples: viaLegacy }, { name: 'HTTP briefs.recall', unit: 'ms', samples: viaHttp }));
  const sorted = [...viaMcp].sort((a, b) => a - b);
  const p99 = round(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!, 2);
  targets.push({ what: 'recall over MCP / over HTTP', value: recall.ratio, unit: '×', target: '≤ 2', met: recall.ratio <= 2 });
  targets.push({ what: 'recall over MCP, p99', value: p99, unit: 'ms', target: '≤ 50', met: p99 <= 50 });

  // The SDK's own floor, for scale: one trivial tool answering the same number of characters,
  // served statelessly as Grove serves /mcp, against a plain JSON handler, in one process.
  comparisons.push(await sdkFloor(viaHttp.length));

  // (b) dispatch until the agent runs vs git worktree add + spawn of the same program.
  const viaDispatch: number[] = [];
  const byHand: number[] = [];
  const outDir = mkdtempSync(join(root, 'out-'));
  for (let i = 0; i < DISPATCHES; i++) {
    const created = await api<{ brief: { number: number } }>(host, 'briefs.create', { title: `Bench dispatch ${i}`, projects: ['flower'] });
    const t0 = performance.now();
    const made = await api<{ dispatch: { id: string } }>(host, 'dispatch.create', {
      ref: `#${created.brief.number}`,
      preset: 'custom',
      command: process.execPath,
      // Into its own lane: the dispatched agent is confined (the default), and may write
      // nowhere else.
      args: [worker, '--out', LANE_OUT],
    });
    // Watched on disk, as the program by hand is below: asking the host every 2 ms would
    // load it while it dispatches. Its lane is `<repo>-brief-N-<slug>` beside MAIN; the
    // host is asked only now and then whether the dispatch failed.
    const lanePrefix = `${basename(main)}-brief-${created.brief.number}-`;
    let agentId = '';
    let asked = performance.now();
    await until('the dispatched agent', async () => {
      for (const dir of readdirSync(dirname(main)).filter((d) => d.startsWith(lanePrefix))) {
        const ran = existsSync(join(dirname(main), dir, LANE_OUT)) ? readdirSync(join(dirname(main), dir, LANE_OUT)).find((f) => f.endsWith('.json')) : undefined;
        if (ran) {
          agentId = ran.slice(0, -'.json'.length);
          return true;
        }
      }
      if (performance.now() - asked > 250) {
        asked = performance.now();
        const listed = await api<{ dispatches: { id: string; state: string }[] }>(host, 'dispatch.list', { ref: `#${created.brief.number}` });
        const d = listed.dispatches.find((x) => x.id === made.dispatch.id);
        if (d?.state === 'failed') throw new Error(`dispatch failed: ${JSON.stringify(d)}`);
      }
      return false;
    });
    viaDispatch.push(performance.now() - t0);
    await api(host, 'agents.stop', { id: agentId });

    const path = join(root, `by-hand-${i}`);
    const t3 = performance.now();
    execFileSync('git', ['-C', main, 'worktree', 'add', '-q', '-b', `by-hand-${i}`, path]);
    const child = spawn(process.execPath, [worker, '--out', outDir, 'packet for brief #0'], { cwd: path, env: { ...process.env, GROVE_AGENT_ID: `by-hand-${i}` }, stdio: ['pipe', 'ignore', 'ignore'] });
    if (child.pid) childPids.add(child.pid);
    await until('the program by hand', () => existsSync(join(outDir, `by-hand-${i}.json`)));
    byHand.push(performance.now() - t3);
    child.kill('SIGTERM');
    if (child.pid) childPids.delete(child.pid);
  }
  const dispatch = compare(`dispatch to a new ephemeral lane until the agent runs (${DISPATCHES}×)`, { name: 'dispatch.create', unit: 'ms', samples: viaDispatch }, { name: 'git worktree add + spawn', unit: 'ms', samples: byHand });
  comparisons.push(dispatch);
  targets.push({ what: 'dispatch / worktree add + spawn', value: dispatch.ratio, unit: '×', target: '≤ 1.5', met: dispatch.ratio <= 1.5 });

  // (c) payload sizes for the seed brief.
  const seedRecall = await api<{ approxTokens: number; chars: number }>(host, 'briefs.recall', { ref });
  const packet = await api<{ text: string }>(host, 'briefs.packet', { ref });
  extra.payloads = { seedRecallTokens: seedRecall.approxTokens, seedRecallOverMcpTokens: mcpTokens, packetTokens: Math.ceil(packet.text.length / 4) };
  extra.recallMcp = summarize({ name: 'mcp', unit: 'ms', samples: viaMcp });
  extra.targets = targets;
  report('dispatch', comparisons, extra);
  console.log(`\npayloads: seed recall ${seedRecall.approxTokens} tokens (over MCP, with structured content: ~${mcpTokens}); packet ${Math.ceil(packet.text.length / 4)} tokens`);
  console.log('\ntargets');
  for (const t of targets) console.log(`  ${t.what.padEnd(36)} ${`${t.value} ${t.unit}`.padEnd(12)} target ${t.target.padEnd(8)} ${t.met ? 'met' : 'MISSED'}`);
}

async function sdkFloor(calls: number): Promise<Comparison> {
  const text = 'x'.repeat(7_000);
  const handler = createMcpHandler(
    () => {
      const server = new McpServer({ name: 'floor', version: '1' });
      server.registerTool('t', { inputSchema: z.object({ ref: z.string().optional() }) }, () => ({ content: [{ type: 'text', text }] }));
      return server;
    },
    { legacy: 'stateless' },
  );
  const mcp = toNodeHandler(handler);
  const server = createServer((req, res) => {
    if (req.url === '/mcp') return void mcp(req, res);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, result: { text } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', arguments: {} } });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const viaSdk: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < calls + 20; i++) {
    const t0 = performance.now();
    await (await fetch(`${url}/mcp`, { method: 'POST', headers, body })).text();
    const t1 = performance.now();
    await (await fetch(`${url}/api`, { method: 'POST', headers, body: '{}' })).text();
    const t2 = performance.now();
    if (i >= 20) {
      viaSdk.push(t1 - t0);
      plain.push(t2 - t1);
    }
  }
  await handler.close();
  await new Promise<void>((r) => server.close(() => r()));
  return compare('  for scale: the MCP SDK alone, a trivial tool (diagnostic)', { name: 'SDK tools/call', unit: 'ms', samples: viaSdk }, { name: 'plain JSON POST', unit: 'ms', samples: plain });
}

void runBench(main, cleanup);
