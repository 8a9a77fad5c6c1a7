import { spawn as spawnChild } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import { chromium, type Browser } from 'playwright-core';
import type WebSocket from 'ws';
import type * as XtermHeadless from '@xterm/headless';
import { api, compare, report, runBench, startBenchHost, summarize, within, type Comparison, type Series, loginUrl } from './harness';
import { catThenHold, drainAgent, drainArgs, generateFile, mbps, openClient as openTerminalClient, quote, type Client } from './harness-drain';
import { countWebSocketBytes, glRendererOf, measureFrames, pageWebSocketBytes, type FrameWindow } from './harness-frame-gaps';
import { isSoftwareGl } from '../src/shared/software-gl';
import { timeKeystrokes, type KeystrokeTimings } from './harness-keystrokes';

/**
 * Terminal throughput, latency and memory, all in one run:
 *  (a) ceiling: `cat FILE` through a raw PTY whose master a reader drains without ever
 *      sleeping (the PTY's own speed on this machine), and, for reference, drained from a
 *      node-pty by this process's event loop, which is no ceiling (MB/s);
 *  (b) Grove end to end: the same `cat` as an agent of a real host, streamed over the
 *      WebSocket to a UI-like client (it attaches with `jump`, parses in a headless xterm,
 *      acks in its callback, resets on a jump), timed to the host having drained the PTY
 *      (the agent's speed), and from that last byte to the client's screen showing it;
 *  (c) tmux: the same file through a tmux session (it parses into its grid too), with a
 *      client attached in a PTY that this process drains, as Grove always has one (its
 *      WebSocket client); and detached, tmux's least work, for reference;
 *  (d) keystroke echo latency through host + WebSocket + PTY while 8 other agents flood,
 *      against the same with nothing flooding, and against the same 8 floods and echo on
 *      bare PTYs with no Grove in between (the machine's own latency under that load);
 *  (e) host RSS once those 8 agents have produced and drained their output, against the
 *      same host idle before it had any agent;
 *  (f) the real UI in Chromium, showing one agent's terminal: gaps between animation frames
 *      and time in long tasks while that agent floods, against the same page while it is
 *      silent (target: p95 gap ≤ 2×, long tasks ≤ 10% of the window).
 *
 * Size: 200 MB per stream by default (BENCH_TERMINAL_MB overrides). A full run on this
 * 2-core machine takes about 2½ minutes, (f)'s two browsers (~50 s) included: well under
 * the ~4 minutes that would call for a smaller default, so the full size stays.
 *
 * (d) counts only keystrokes sent and echoed while all eight floods ran: one echoed after
 * a flood ended measured a quieter host, so it is left out (`droppedAsTheFloodEnded`).
 */
const MB = Number(process.env.BENCH_TERMINAL_MB ?? 200);
const SIZE = Math.round(MB * 1024 * 1024);
/** Alternating runs of (a), (b), (c). */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KEYSTROKES = 200;
const FLOODERS = 8;
const COLS = 200;
const ROWS = 50;
const TMUX_SOCKET = 'grove-bench';

const repoRoot = process.cwd();
const hostEntry = join(repoRoot, 'out', 'host', 'main.js');
const floodScript = join(repoRoot, 'test', 'fixtures', 'agents', 'flood.mjs');
// The package is CommonJS and Node's ESM loader cannot see its named exports.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// Cleanup bookkeeping: everything started is ended by pid (or tmux socket) in `cleanup()`.

const tempRoot = mkdtempSync(join(tmpdir(), 'grove-bench-terminals-'));
const strayPids = new Set<number>();
const hosts = new Set<Host>();
const sockets = new Set<WebSocket>();
const browsers = new Set<Browser>();
let tmuxUsed = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function cleanup(): Promise<void> {
  for (const ws of sockets) ws.terminate();
  for (const b of browsers) await b.close().catch(() => undefined);
  for (const h of hosts) await h.stop().catch(() => undefined);
  for (const pid of strayPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  if (tmuxUsed) await run('tmux', ['-L', TMUX_SOCKET, 'kill-server']).catch(() => undefined);
  rmSync(tempRoot, { recursive: true, force: true });
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(cmd, args, { stdio: 'ignore' });
    if (child.pid) strayPids.add(child.pid);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (child.pid) strayPids.delete(child.pid);
      if (code === 0) resolve(code);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
    });
  });
}

// ---------------------------------------------------------------------------------------
// A real host, and clients of it over the WebSocket.

interface Host {
  url: string;
  token: string;
  pid: number;
  home: string;
  /** Its agents' processes: ended by its shutdown, or by `cleanup()` if it did not get to. */
  agentPids: Set<number>;
  stop(): Promise<void>;
}

async function startHost(): Promise<Host> {
  const started = await startBenchHost(hostEntry, mkdtempSync(join(tempRoot, 'home-')));
  const host: Host = {
    ...started,
    agentPids: new Set(),
    stop: async () => {
      const code = await started.stop();
      hosts.delete(host);
      if (code === 0) for (const pid of host.agentPids) strayPids.delete(pid);
    },
  };
  hosts.add(host);
  return host;
}

interface AgentRef {
  id: string;
  pid: number | null;
}


async function startAgent(host: Host, lanePath: string, command: string, args: string[], preset: 'custom' | 'claude' = 'custom', name?: string): Promise<AgentRef> {
  const { agent } = await api<{ agent: { id: string; supervision: { kind: string; pid?: number } } }>(host, 'agents.start', {
    lanePath,
    preset,
    command,
    args,
    ...(name ? { name } : {}),
    cols: COLS,
    rows: ROWS,
    restart: 'never',
  });
  const pid = agent.supervision.pid ?? null;
  if (pid !== null) {
    strayPids.add(pid);
    host.agentPids.add(pid);
  }
  return { id: agent.id, pid };
}

const openClient = (host: Host): Promise<Client> => openTerminalClient(host, sockets);

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // After the command: state is field 3, utime and stime are fields 14 and 15 (in ticks of 1/100 s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

async function sampleRssMiB(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    out.push(rssKiB(pid) / 1024);
    await sleep(200);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// (a) the ceiling: the PTY read by a reader that never sleeps; and node-pty drained in-process.

// Both (a) and (b) run the same shell line (harness-drain.ts).
function ptyDrain(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let bytes = 0;
    const pty = spawnPty('/bin/sh', catThenHold(file), { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: tempRoot, env: process.env as Record<string, string>, encoding: null });
    strayPids.add(pty.pid);
    let ms = 0;
    pty.onData((d) => {
      bytes += (d as unknown as Buffer).length;
      if (bytes >= SIZE && ms === 0) {
        ms = performance.now() - t0;
        pty.kill('SIGKILL');
      }
    });
    pty.onExit(() => {
      strayPids.delete(pty.pid);
      if (bytes !== SIZE) reject(new Error(`node-pty: got ${bytes} bytes of ${SIZE}`));
      else resolve(mbps(bytes, ms));
    });
  });
}

/**
 * The PTY's own ceiling on this machine: `cat FILE` into a raw PTY whose master is read by
 * a bare loop of 1 MiB reads, nothing else. Linux hands the master's reader at most about
 * 4 KiB per read (the line discipline's buffer) however large its buffer, so a reader that
 * waits for data pays a wake-up per 4 KiB: node-pty's event-loop reads (above, ~4 KiB per
 * `data` event) drain slower than a host that is busy between reads (it finds the next
 * 4 KiB already waiting). `spin` never sleeps (non-blocking reads, retried at once when
 * empty): on a quiet machine by far the fastest (~2.5-4× node-pty), but it takes a core
 * from `cat` on a busy one, where the blocking loop, or even node-pty, can win, and any one
 * drain swings by 2× with the neighbours' load. So the ceiling of a run is the fastest of
 * all its drains without Grove: two of each loop and node-pty's. Python, for its `pty` module.
 *
 * It is the best a bare reader did, not a law: on this 2-core VM a PTY's drain has two
 * regimes, 150-300 MB/s while each read finds data waiting, 40-130 MB/s once the reader
 * catches up and sleeps (a wake-up per 4 KiB), and which one a run falls into depends on
 * the neighbours. A reader busy between reads, such as Grove's host, stays in the fast one
 * more often, so a ratio above 1 can happen on a loaded machine (seen: 1.77×).
 */
const PTY_CEILING = `
import os, pty, subprocess, sys, time, tty
path, size, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
master, slave = pty.openpty()
tty.setraw(slave)
os.set_blocking(master, mode != 'spin')
t0 = time.perf_counter()
cat = subprocess.Popen(['cat', path], stdin=slave, stdout=slave, stderr=slave)
os.close(slave)
got = 0
while got < size:
    try:
        chunk = os.read(master, 1 << 20)
    except BlockingIOError:
        continue
    if not chunk:
        break
    got += len(chunk)
seconds = time.perf_counter() - t0
cat.wait()
if got != size:
    sys.exit(f'pty ceiling: got {got} bytes of {size}')
print(got / 1048576 / seconds)
`;

async function hasPython(): Promise<boolean> {
  return run('python3', ['-c', 'import pty']).then(
    () => true,
    () => false,
  );
}

function bareReaderDrain(file: string, mode: 'spin' | 'block'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawnChild('python3', ['-c', PTY_CEILING, file, String(SIZE), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) strayPids.add(child.pid);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (child.pid) strayPids.delete(child.pid);
      if (code === 0) resolve(Number(out));
      else reject(new Error(`the PTY ceiling's reader exited ${code}: ${out}`));
    });
  });
}

// ---------------------------------------------------------------------------------------
// (b) Grove end to end, into a headless xterm.

/** (b), through the client (harness-drain.ts); with `parse` false it acks on arrival (a diagnostic). */
async function groveDrain(host: Host, client: Client, lane: string, file: string, parse = true): Promise<{ mbps: number; lastByteToScreenMs: number; jumps: number }> {
  const agent = await startAgent(host, lane, '/bin/sh', drainArgs(file));
  const drained = await drainAgent(client, agent.id, { size: SIZE, cols: COLS, rows: ROWS, parse });
  if (agent.pid !== null) strayPids.delete(agent.pid);
  return drained;
}

/** Diagnostic: the headless xterm alone parsing the file, 64 KiB writes, ≤ 256 KiB in flight. */
async function xtermAlone(file: string): Promise<number> {
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: 10_000, allowProposedApi: true });
  const fd = openSync(file, 'r');
  const t0 = performance.now();
  let inFlight = 0;
  let wake: (() => void) | null = null;
  try {
    for (let at = 0; at < SIZE; ) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, at);
      at += n;
      inFlight += n;
      term.write(chunk.subarray(0, n), () => {
        inFlight -= n;
        wake?.();
      });
      while (inFlight > 256 * 1024) await new Promise<void>((r) => (wake = r));
    }
    while (inFlight > 0) await new Promise<void>((r) => (wake = r));
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - t0;
  term.dispose();
  return mbps(SIZE, ms);
}

// ---------------------------------------------------------------------------------------
// (c) tmux.

async function hasTmux(): Promise<boolean> {
  return run('tmux', ['-V']).then(
    () => true,
    () => false,
  );
}

/**
 * `attached`: a `tmux attach` client in a PTY, drained by this process, so tmux also redraws
 * the client's terminal as Grove streams to its client; the `cat` starts once it is attached.
 * Detached, tmux only parses into its grid: less work than Grove's path.
 */
async function tmuxDrain(file: string, attached: boolean): Promise<number> {
  tmuxUsed = true;
  await run('tmux', ['-L', TMUX_SOCKET, 'kill-server']).catch(() => undefined);
  const t0 = performance.now();
  const waitReady = attached ? `tmux -L ${TMUX_SOCKET} wait ready; ` : '';
  await run('tmux', ['-L', TMUX_SOCKET, '-f', '/dev/null', 'new-session', '-d', '-x', String(COLS), '-y', String(ROWS), `${waitReady}cat ${quote(file)}; tmux wait -S done`]);
  let start = t0;
  let client: ReturnType<typeof spawnPty> | null = null;
  if (attached) {
    client = spawnPty('tmux', ['-L', TMUX_SOCKET, 'attach-session'], { cols: COLS, rows: ROWS, cwd: tempRoot, env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string> });
    strayPids.add(client.pid);
    const firstOutput = new Promise<void>((r) => client!.onData(() => r()));
    await within(firstOutput, 10_000, 'the tmux client drawing');
    start = performance.now();
    await run('tmux', ['-L', TMUX_SOCKET, 'wait', '-S', 'ready']);
  }
  await run('tmux', ['-L', TMUX_SOCKET, 'wait', 'done']);
  const ms = performance.now() - start;
  client?.kill();
  await run('tmux', ['-L', TMUX_SOCKET, 'kill-server']).catch(() => undefined);
  return mbps(SIZE, ms);
}

// ---------------------------------------------------------------------------------------
// (d) keystroke echo latency, and (e) host memory.

interface Echo {
  agent: AgentRef;
  client: Client;
  next(): Promise<string>;
}

async function startEcho(host: Host, lane: string): Promise<Echo> {
  const client = await openClient(host);
  // `R` once the terminal is raw: a key typed before that would be echoed twice (the tty's, then cat's).
  const agent = await startAgent(host, lane, '/bin/sh', ['-c', 'stty raw -echo; printf R; exec cat']);
  const waiting: ((s: string) => void)[] = [];
  const got: string[] = [];
  client.on(agent.id, (offset, data) => {
    client.ack(agent.id, offset + data.length);
    for (const ch of Buffer.from(data).toString('latin1')) {
      const w = waiting.shift();
      if (w) w(ch);
      else got.push(ch);
    }
  });
  await client.call('agents.attach', { id: agent.id, since: 0 });
  const next = (): Promise<string> => (got.length ? Promise.resolve(got.shift()!) : new Promise((r) => waiting.push(r)));
  if ((await within(next(), 10_000, 'the echo agent\'s raw mode')) !== 'R') throw new Error('echo agent: no R before its echo');
  return { agent, client, next };
}

/** Echo latencies of KEYSTROKES keys, those that count being typed and echoed while `while_` holds (harness-keystrokes.ts). */
async function keystrokes(echo: Echo, while_: () => boolean): Promise<KeystrokeTimings> {
  // Make sure the agent has switched to raw mode and echoes before timing.
  echo.client.send('agents.input', { id: echo.agent.id, data: '.' });
  if ((await within(echo.next(), 10_000, 'the first echo')) !== '.') throw new Error('echo agent is not echoing');
  return timeKeystrokes({
    count: KEYSTROKES,
    within: while_,
    now: () => performance.now(),
    pause: () => sleep(5 + Math.random() * 10), // a fast typist's gaps
    type: async (i) => {
      const key = String.fromCharCode(97 + (i % 26));
      echo.client.send('agents.input', { id: echo.agent.id, data: key });
      const ch = await within(echo.next(), 10_000, `echo of keystroke ${i}`);
      if (ch !== key) throw new Error(`echo: sent ${key}, got ${JSON.stringify(ch)}`);
    },
  });
}

interface Flooder {
  agent: AgentRef;
  received: number;
  finished: boolean;
}

/**
 * The flooders' terminal client runs in a process of its own, like a second UI with eight
 * panes: then the keystroke timings measure Grove, not this process's own event loop
 * drowning in eight streams.
 */
const FLOOD_CLIENT = `
import WebSocket from 'ws';
const ids = process.env.IDS.split(',');
const ws = new WebSocket(process.env.URL.replace(/^http/, 'ws') + '/ws', { headers: { authorization: 'Bearer ' + process.env.TOKEN } });
const got = new Map(ids.map((id) => [id, { n: 0, tail: '', done: false }]));
const hex = (b, at) => Array.from(b.subarray(at, at + 16), (x) => x.toString(16).padStart(2, '0')).join('');
const uuid = (h) => h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
ws.on('open', () => ids.forEach((id, i) => ws.send(JSON.stringify({ kind: 'request', id: i + 1, method: 'agents.attach', params: { id, since: 0 } }))));
ws.on('message', (data, isBinary) => {
  if (!isBinary) return;
  const id = uuid(hex(data, 1));
  const offset = data.readDoubleBE(17);
  const body = data.subarray(25);
  const g = got.get(id);
  if (!g) return;
  g.n += body.length;
  ws.send(JSON.stringify({ kind: 'ack', agentId: id, offset: offset + body.length }));
  g.tail = (g.tail + body.subarray(Math.max(0, body.length - 200)).toString('latin1')).slice(-300);
  if (!g.done && g.tail.includes('FLOOD DONE')) { g.done = true; process.stdout.write('DONE ' + id + ' ' + g.n + '\\n'); }
});
setInterval(() => process.stdout.write('COUNTS ' + ids.map((id) => got.get(id).n).join(',') + '\\n'), 100);
`;

/**
 * (d)'s baseline, in the same run: the same eight floods and the same echo with no Grove in
 * between. Each flood runs in a PTY read by node-pty in a process of its own (as the host
 * reads them, with nothing logged, parsed or sent on), and the echo agent's keys are typed
 * straight into a PTY of this process. What is left is the machine's own latency under that
 * load: on two cores, eight floods already want every core, and the echo waits its turn.
 */
const BARE_FLOODS = `
import { spawn } from 'node-pty';
const [script, size, n] = [process.env.SCRIPT, process.env.SIZE, Number(process.env.N)];
const got = Array(n).fill(0);
let done = 0;
for (let i = 0; i < n; i++) {
  const p = spawn(process.execPath, [script, size], { cols: 200, rows: 50, encoding: null });
  process.stdout.write('PID ' + p.pid + '\\n');
  p.onData((d) => { got[i] += d.length; });
  p.onExit(() => { if (++done === n) process.stdout.write('DONE\\n'); });
}
setInterval(() => process.stdout.write('COUNTS ' + got.join(',') + '\\n'), 100);
`;

async function bareEchoUnderFloods(): Promise<KeystrokeTimings> {
  const floodPids: number[] = [];
  let counts: number[] = [];
  let allDone = false;
  const child = scriptChild(BARE_FLOODS, { SCRIPT: floodScript, SIZE: String(SIZE), N: String(FLOODERS) }, (line) => {
    if (line.startsWith('PID ')) floodPids.push(Number(line.slice(4)));
    if (line.startsWith('COUNTS ')) counts = line.slice(7).split(',').map(Number);
    if (line === 'DONE') allDone = true;
  });
  const echo = spawnPty('/bin/sh', ['-c', 'stty raw -echo; printf R; exec cat'], { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: tempRoot, env: process.env as Record<string, string> });
  strayPids.add(echo.pid);
  const waiting: ((s: string) => void)[] = [];
  const got: string[] = [];
  echo.onData((data) => {
    for (const ch of data) {
      const w = waiting.shift();
      if (w) w(ch);
      else got.push(ch);
    }
  });
  const next = (): Promise<string> => (got.length ? Promise.resolve(got.shift()!) : new Promise((r) => waiting.push(r)));
  try {
    if ((await within(next(), 10_000, 'the bare echo\'s raw mode')) !== 'R') throw new Error('bare echo: no R before its echo');
    echo.write('.');
    if ((await within(next(), 10_000, 'the bare echo')) !== '.') throw new Error('bare echo: not echoing');
    await within(
      (async () => {
        while (counts.length < FLOODERS || counts.some((n) => n < 1024 * 1024)) await sleep(20);
      })(),
      30_000,
      'bare floods streaming',
    );
    return await timeKeystrokes({
      count: KEYSTROKES,
      within: () => !allDone && counts.every((n) => n < SIZE),
      now: () => performance.now(),
      pause: () => sleep(5 + Math.random() * 10),
      type: async (i) => {
        const key = String.fromCharCode(97 + (i % 26));
        echo.write(key);
        const ch = await within(next(), 10_000, `bare echo of keystroke ${i}`);
        if (ch !== key) throw new Error(`bare echo: sent ${key}, got ${JSON.stringify(ch)}`);
      },
    });
  } finally {
    echo.kill('SIGKILL');
    strayPids.delete(echo.pid);
    for (const pid of floodPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* ended */
      }
    }
    await child.stop();
  }
}

/** A Node module script (`-e`) in a process of its own, its stdout read line by line; `stop` ends it. */
function scriptChild(script: string, env: Record<string, string>, onLine: (line: string) => void): { stop(): Promise<void> } {
  const child = spawnChild(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.pid) strayPids.add(child.pid);
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  return {
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (child.pid) strayPids.delete(child.pid);
    },
  };
}

async function startFlooders(host: Host, lane: string): Promise<{ flooders: Flooder[]; stop(): Promise<void> }> {
  const flooders: Flooder[] = [];
  // Held open after the flood, like the cat above, so its last line is not lost at exit.
  // Preset `claude` (a script as its command: the preset adds Claude's flags, which the
  // script ignores), so the host's screen reader parses each flood as it would a Claude
  // Code agent's: the timings include that work.
  const script = join(tempRoot, 'flooding-claude.sh');
  writeFileSync(script, `#!/bin/sh\n${quote(process.execPath)} ${quote(floodScript)} ${SIZE}; exec sleep 600\n`, { mode: 0o755 });
  for (let i = 0; i < FLOODERS; i++) {
    const agent = await startAgent(host, lane, script, [], 'claude');
    flooders.push({ agent, received: 0, finished: false });
  }
  const child = scriptChild(FLOOD_CLIENT, { URL: host.url, TOKEN: host.token, IDS: flooders.map((f) => f.agent.id).join(',') }, (line) => {
    if (line.startsWith('COUNTS ')) line.slice(7).split(',').forEach((n, i) => (flooders[i]!.received = Number(n)));
    if (line.startsWith('DONE ')) {
      const f = flooders.find((x) => x.agent.id === line.split(' ')[1]);
      if (f) f.finished = true;
    }
  });
  return {
    flooders,
    stop: () => child.stop(),
  };
}

// ---------------------------------------------------------------------------------------
// (f) frames in the real UI while its one visible agent floods.

const chromiumPath = process.env.GROVE_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
/** Each window: idle, then flooding. ~480 frames at 60 Hz, so p99 is not one frame's luck. */
const FRAME_WINDOW_MS = 8000;
/**
 * A flooding window counts only if the page received at least this much in it: 4 × the
 * 512 KiB the host sends a pane past its last ack (TerminalConstants.clientWindowBytes), and
 * the pane acks only once xterm has parsed, so most of it went through the terminal.
 */
const MIN_FLOOD_PAGE_BYTES = 2 * 1024 * 1024;

type Renderer = 'dom' | 'webgl';

interface FramePhases {
  idle: FrameWindow;
  flooding: FrameWindow;
  /** How fast the host drained the agent during the flooding window (MB/s). */
  hostMBps: number;
  /** The page's GL (headless Chromium has no GPU here: a software GL), or null for the DOM run. */
  glRenderer: string | null;
  /** Whether the terminal drew with WebGL (the app's choice for that GL). */
  drawsWithGl: boolean;
}

async function outputEnd(host: Host, agentId: string): Promise<number> {
  const { agents } = await api<{ agents: { id: string; outputEnd: number }[] }>(host, 'agents.list', {});
  return agents.find((a) => a.id === agentId)?.outputEnd ?? 0;
}

/**
 * Headless Chromium draws at a steady 60 Hz here (idle rAF gaps are 16.7 ms to within
 * 0.1 ms), so its frame timing is meaningful as it is. --disable-frame-rate-limit or
 * --disable-gpu-vsync would make idle gaps as short as the loop can spin, a baseline that
 * means nothing. `renderer`: 'dom' is xterm's DOM renderer (--disable-webgl, as the e2e
 * tests run), whose rows are text the page can read back; 'webgl' is what the app loads,
 * here drawn by a software GL on the CPU (no GPU), a diagnostic of a machine without one.
 */
async function framesWhileFlooding(lane: string, file: string, renderer: Renderer): Promise<FramePhases> {
  const host = await startHost();
  const flags = ['--disable-background-networking', '--disable-component-update', '--no-first-run', ...(renderer === 'dom' ? ['--disable-webgl'] : [])];
  const browser = await chromium.launch({ executablePath: chromiumPath, args: flags });
  browsers.add(browser);
  try {
    // Silent (waiting for a newline) until the flood, then `cat` over and over, so the
    // window never outlasts it. Not raw: lines end in \r\n on screen, as a program's do.
    const name = 'flood';
    const agent = await startAgent(host, lane, '/bin/sh', ['-c', `stty -echo; echo ready; read -r _; while :; do cat ${quote(file)}; done`], 'custom', name);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await countWebSocketBytes(context);
    const page = await context.newPage();
    // Logged in as a user is, by the token link: the cockpit opens on the agent's lane, its
    // one terminal on screen.
    await page.goto(await loginUrl(host));
    const terminal = `[data-testid="terminal-${name}"]`;
    await page.locator(terminal).waitFor();
    await sleep(2000); // attached, fonts loaded, first frames drawn
    const glRenderer = renderer === 'webgl' ? await glRendererOf(page) : null;
    // With GL on, the app chooses (gl-renderer.ts): WebGL on a real GPU, its DOM renderer on
    // a software GL (SwiftShader here), where WebGL held the page at ~10 frames a second.
    const drawsWithGl = (await page.locator(`${terminal} canvas`).count()) > 0;
    if (renderer === 'webgl' && drawsWithGl !== (glRenderer !== null && !isSoftwareGl(glRenderer))) {
      throw new Error(`frames (webgl): on ${glRenderer ?? 'no GL'} the app ${drawsWithGl ? 'drew with WebGL' : 'did not load WebGL'}, against its own rule`);
    }
    const windowOf = { windowMs: FRAME_WINDOW_MS, watchSelector: `${terminal} .xterm-rows`, sampleMs: 200 };
    const idle = await measureFrames(page, windowOf);
    const before = await pageWebSocketBytes(page);
    await api(host, 'agents.input', { id: agent.id, data: '\n' });
    // The window opens once the flood reaches the page.
    await within(
      (async () => {
        while ((await pageWebSocketBytes(page)) < before + 1024 * 1024) await sleep(50);
      })(),
      15_000,
      'the flood reaching the page',
    );
    const end0 = await outputEnd(host, agent.id);
    const flooding = await measureFrames(page, windowOf);
    const hostMBps = mbps((await outputEnd(host, agent.id)) - end0, flooding.windowMs);
    await context.close();
    checkFramePhases(renderer, idle, flooding);
    return { idle, flooding, hostMBps, glRenderer, drawsWithGl };
  } finally {
    await browser.close();
    browsers.delete(browser);
    await host.stop();
  }
}

/** Fails the run when a window did not measure what it says: an idle page that was not idle, a flood that never reached the screen. */
function checkFramePhases(renderer: Renderer, idle: FrameWindow, flooding: FrameWindow): void {
  if (idle.wsBytes > 256 * 1024) throw new Error(`frames (${renderer}): the idle window was not idle, the page received ${idle.wsBytes} bytes`);
  if (flooding.wsBytes < MIN_FLOOD_PAGE_BYTES) throw new Error(`frames (${renderer}): the flood brought the page only ${flooding.wsBytes} bytes in ${FRAME_WINDOW_MS} ms`);
  // The WebGL renderer draws on a canvas: no text to read back, the bytes above must do.
  if (renderer === 'dom' && flooding.screenChanges < 0.8 * flooding.screenSamples) {
    throw new Error(`frames (dom): the terminal's text changed in only ${flooding.screenChanges} of ${flooding.screenSamples} samples while flooding`);
  }
}

function frameStats(w: FrameWindow): Record<string, number | string> {
  return {
    frames: w.gapsMs.length,
    p50: p(w.gapsMs, 0.5),
    p95: p(w.gapsMs, 0.95),
    p99: p(w.gapsMs, 0.99),
    max: p(w.gapsMs, 1),
    longTasks: w.longTasks,
    longTaskPctOfWindow: Number(((100 * w.longTaskMs) / w.windowMs).toFixed(1)),
    pageReceivedMB: Number((w.wsBytes / (1024 * 1024)).toFixed(1)),
    screenChangedSamples: `${w.screenChanges}/${w.screenSamples}`,
  };
}

// ---------------------------------------------------------------------------------------

const p = (samples: number[], q: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2));
};

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const extra: Record<string, unknown> = { sizeMB: MB, runs: RUNS };
  const file = join(tempRoot, 'data.txt');
  const lane = realpathSync(mkdtempSync(join(tempRoot, 'lane-')));
  mkdirSync(lane, { recursive: true });
  const t0 = performance.now();
  await generateFile(file, SIZE);
  console.log(`generated ${MB} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // (a), (b), (c): alternated so drift on a shared machine hits all three alike.
  const ceiling: Series = { name: 'PTY ceiling (fastest bare reader)', unit: 'MB/s', samples: [] };
  const bareReaders = { spin: [] as number[], block: [] as number[], fastest: [] as string[] };
  const nodePty: Series = { name: 'node-pty drain (event-loop reads)', unit: 'MB/s', samples: [] };
  const grove: Series = { name: 'grove drain, UI-like client attached', unit: 'MB/s', samples: [] };
  const lastByteToScreen: Series = { name: 'last byte → client screen', unit: 'ms', samples: [] };
  let groveJumps = 0;
  const tmux: Series = { name: 'tmux, client attached', unit: 'MB/s', samples: [] };
  const tmuxDetached: Series = { name: 'tmux, detached', unit: 'MB/s', samples: [] };
  // Diagnostics, to tell where (b)'s time goes: the host and WebSocket without a terminal,
  // and the terminal without the host.
  const groveNoTerm: Series = { name: 'grove → ws, ack only', unit: 'MB/s', samples: [] };
  const xterm: Series = { name: 'xterm headless alone', unit: 'MB/s', samples: [] };
  const withTmux = await hasTmux();
  if (!withTmux) console.log('tmux is not installed: measure (c) is skipped.');
  const withPython = await hasPython();
  if (!withPython) console.log('python3 (with its pty module) is not installed: the PTY ceiling is skipped, Grove is compared with node-pty only.');
  const host = await startHost();
  const client = await openClient(host);
  // Where (b)'s time goes: CPU used by the host and by this process (the client: WebSocket
  // and xterm parsing), as a share of one core over (b)'s wall time.
  const busy = { wallS: 0, hostCpuS: 0, clientCpuS: 0 };
  for (let i = 0; i < RUNS; i++) {
    nodePty.samples.push(await ptyDrain(file));
    if (withPython) {
      const drains: [string, number][] = [['node-pty', nodePty.samples.at(-1)!]];
      for (let attempt = 0; attempt < 2; attempt++) {
        for (const mode of ['spin', 'block'] as const) {
          const speed = await bareReaderDrain(file, mode);
          bareReaders[mode].push(speed);
          drains.push([mode, speed]);
        }
      }
      const [fastest, speed] = drains.reduce((a, b) => (b[1] > a[1] ? b : a));
      ceiling.samples.push(speed);
      bareReaders.fastest.push(fastest);
    }
    const [hostCpu0, clientCpu0, wall0] = [cpuSeconds(host.pid), process.cpuUsage(), performance.now()];
    const drained = await groveDrain(host, client, lane, file);
    grove.samples.push(drained.mbps);
    lastByteToScreen.samples.push(drained.lastByteToScreenMs);
    groveJumps += drained.jumps;
    busy.wallS += (performance.now() - wall0) / 1000;
    busy.hostCpuS += cpuSeconds(host.pid) - hostCpu0;
    const clientCpu = process.cpuUsage(clientCpu0);
    busy.clientCpuS += (clientCpu.user + clientCpu.system) / 1e6;
    if (withTmux) tmux.samples.push(await tmuxDrain(file, true));
    if (withTmux) tmuxDetached.samples.push(await tmuxDrain(file, false));
    groveNoTerm.samples.push((await groveDrain(host, client, lane, file, false)).mbps);
    xterm.samples.push(await xtermAlone(file));
    const last = (s: Series): string => `${s.name} ${s.samples.at(-1)!.toFixed(0)}`;
    console.log(`run ${i + 1} (MB/s): ${[...(withPython ? [ceiling] : []), nodePty, grove, ...(withTmux ? [tmux, tmuxDetached] : []), groveNoTerm, xterm].map(last).join(', ')}`);
  }
  await client.close();
  await host.stop();
  // The reference for the diagnostics below: the ceiling, or node-pty without Python.
  const reference = withPython ? ceiling : nodePty;
  if (withPython) comparisons.push(compare(`cat ${MB} MB: grove vs the PTY's ceiling`, grove, ceiling));
  const roundAll = (xs: number[]): number[] => xs.map((x) => Math.round(x));
  extra.ptyCeilingMBps = withPython
    ? { spinningReader: roundAll(bareReaders.spin), blockingReader: roundAll(bareReaders.block), nodePty: roundAll(nodePty.samples), fastestPerRun: bareReaders.fastest }
    : 'skipped: python3 is not installed';
  comparisons.push(compare(`cat ${MB} MB: grove vs node-pty read by its event loop (not a ceiling)`, grove, nodePty));
  if (withTmux) comparisons.push(compare(`cat ${MB} MB: grove vs tmux with a client attached`, grove, tmux));
  if (withTmux) comparisons.push(compare(`cat ${MB} MB: grove vs tmux detached (less work than Grove's path)`, grove, tmuxDetached));
  else extra.tmux = 'skipped: tmux is not installed';
  extra.lastByteToScreenMs = { samples: lastByteToScreen.samples.map((m) => Math.round(m)), max: Math.round(Math.max(...lastByteToScreen.samples)), targetP95: 200, jumps: groveJumps };
  extra.groveDrainCpu = { hostPctOfCore: Math.round((100 * busy.hostCpuS) / busy.wallS), clientPctOfCore: Math.round((100 * busy.clientCpuS) / busy.wallS), cores: availableParallelism() };
  comparisons.push(compare('diagnostic: host + ws without a terminal', groveNoTerm, reference));
  comparisons.push(compare('diagnostic: xterm headless without the host', xterm, reference));

  // (d) and (e) on a fresh host, whose idle memory is the baseline.
  const host2 = await startHost();
  await sleep(1000);
  const idleRss = await sampleRssMiB(host2.pid);
  const echo = await startEcho(host2, lane);
  const quiet = await keystrokes(echo, () => true);
  const flood = await startFlooders(host2, lane);
  const { flooders } = flood;
  // Timing starts once every flooder is streaming.
  const streaming = (async () => {
    while (flooders.some((f) => f.received < 1024 * 1024)) await sleep(20);
  })();
  await within(streaming, 30_000, 'flooders streaming');
  const floodT0 = performance.now();
  const [hostCpu0, loop] = [cpuSeconds(host2.pid), monitorEventLoopDelay({ resolution: 1 })];
  loop.enable();
  const loaded = await keystrokes(echo, () => flooders.every((f) => !f.finished));
  loop.disable();
  if (loaded.ms.length === 0) throw new Error(`the floods ended before any keystroke was echoed: raise BENCH_TERMINAL_MB (now ${MB})`);
  const keystrokesMs = performance.now() - floodT0;
  const hostCpuPct = Math.round((100 * (cpuSeconds(host2.pid) - hostCpu0)) / (keystrokesMs / 1000));
  await within(
    (async () => {
      while (!flooders.every((f) => f.finished)) await sleep(50);
    })(),
    400_000,
    'FLOOD DONE from every flooder',
  );
  const floodMs = performance.now() - floodT0;
  const floodBytes = flooders.reduce((n, f) => n + f.received, 0);
  comparisons.push(
    compare(
      `keystroke echo, ${FLOODERS} agents flooding`,
      { name: 'under flood', unit: 'ms', samples: loaded.ms },
      { name: 'no flood', unit: 'ms', samples: quiet.ms },
    ),
  );
  const bare = await bareEchoUnderFloods();
  if (bare.ms.length === 0) throw new Error(`the bare floods ended before any keystroke was echoed: raise BENCH_TERMINAL_MB (now ${MB})`);
  comparisons.push(
    compare(
      `keystroke echo, ${FLOODERS} floods: grove vs the same floods and echo on bare PTYs`,
      { name: 'grove', unit: 'ms', samples: loaded.ms },
      { name: 'bare PTYs', unit: 'ms', samples: bare.ms },
    ),
  );
  extra.keystrokeEcho = {
    keystrokes: KEYSTROKES,
    bareUnderFlood: { p50: p(bare.ms, 0.5), p99: p(bare.ms, 0.99), max: p(bare.ms, 1), whileAllFlooding: bare.during },
    underFlood: { p50: p(loaded.ms, 0.5), p99: p(loaded.ms, 0.99), max: p(loaded.ms, 1), whileAllFlooding: loaded.during, droppedAsTheFloodEnded: loaded.dropped },
    noFlood: { p50: p(quiet.ms, 0.5), p99: p(quiet.ms, 0.99), max: p(quiet.ms, 1) },
    targetP99Ms: 25,
    // Under flood: how busy the host was, and how late this process's (the clients') event loop ran.
    hostPctOfCoreUnderFlood: hostCpuPct,
    clientLoopDelayMs: { p50: Number((loop.percentile(50) / 1e6).toFixed(2)), p99: Number((loop.percentile(99) / 1e6).toFixed(2)), max: Number((loop.max / 1e6).toFixed(2)) },
  };
  extra.flood = { agents: FLOODERS, mbEach: MB, aggregateMBps: Number(mbps(floodBytes, floodMs).toFixed(1)), keystrokePhaseS: Number((keystrokesMs / 1000).toFixed(1)) };

  // (e): everything produced and drained; let the host settle, then read its memory.
  await sleep(2000);
  const afterRss = await sampleRssMiB(host2.pid);
  comparisons.push(
    compare(
      `host RSS after ${FLOODERS} × ${MB} MB drained`,
      { name: 'after flood', unit: 'MiB', samples: afterRss },
      { name: 'idle host', unit: 'MiB', samples: idleRss },
    ),
  );
  const idleMed = summarize({ name: '', unit: '', samples: idleRss }).median;
  const afterMed = summarize({ name: '', unit: '', samples: afterRss }).median;
  extra.hostRssMiB = { idle: Number(idleMed.toFixed(1)), afterFlood: Number(afterMed.toFixed(1)), difference: Number((afterMed - idleMed).toFixed(1)), memoryTailBoundMiB: FLOODERS * 0.5 };

  await flood.stop();
  await echo.client.close();
  await host2.stop();

  // (f): each renderer on a host of its own, the page idle and then flooding.
  const frames = new Map<Renderer, FramePhases>();
  if (chromiumPath) for (const renderer of ['dom', 'webgl'] as const) frames.set(renderer, await framesWhileFlooding(lane, file, renderer));
  else {
    extra.frameGaps = 'skipped: no Chromium (install chromium or set GROVE_CHROMIUM)';
    console.log('No Chromium found (install chromium or set GROVE_CHROMIUM): measure (f) is skipped.');
  }
  const p95Ratio = (f: FramePhases): number => Number((p(f.flooding.gapsMs, 0.95) / p(f.idle.gapsMs, 0.95)).toFixed(2));
  const longTaskPct = (w: FrameWindow): number => Number(((100 * w.longTaskMs) / w.windowMs).toFixed(1));
  for (const [renderer, f] of frames) {
    const gl = f.glRenderer?.includes('SwiftShader') ? 'SwiftShader, a software GL' : (f.glRenderer ?? 'no GL');
    const label = renderer === 'dom' ? "xterm's DOM renderer" : `GL on: ${gl}, the app drawing with ${f.drawsWithGl ? 'WebGL' : 'its DOM renderer'}`;
    comparisons.push(compare(`UI frame gap, its visible agent flooding (${label})`, { name: 'flooding', unit: 'ms', samples: f.flooding.gapsMs }, { name: 'same page idle', unit: 'ms', samples: f.idle.gapsMs }));
  }
  if (chromiumPath) {
    extra.frameGaps = {
      windowMs: FRAME_WINDOW_MS,
      targetP95Ratio: 2,
      targetLongTaskPct: 10,
      ...Object.fromEntries(
        [...frames].map(([renderer, f]) => [
          renderer,
          { glRenderer: f.glRenderer, idle: frameStats(f.idle), flooding: frameStats(f.flooding), p95Ratio: p95Ratio(f), hostDrainWhileFloodingMBps: Number(f.hostMBps.toFixed(1)) },
        ]),
      ),
    };
  }

  report('terminals', comparisons, extra);
  const drain = comparisons[0]!;
  console.log(`drain: grove ${drain.grove.median.toFixed(0)} MB/s = ${drain.ratio} × ${drain.baseline.name} (target ≥ 0.8); keystroke echo under flood p50 ${p(loaded.ms, 0.5)} ms, p99 ${p(loaded.ms, 0.99)} ms (target ≤ 25; bare PTYs under the same floods p99 ${p(bare.ms, 0.99)} ms); host RSS +${(afterMed - idleMed).toFixed(1)} MiB`);
  for (const [renderer, f] of frames) {
    console.log(
      `frames (${renderer}): rAF gap p95 ${p(f.flooding.gapsMs, 0.95)} ms flooding vs ${p(f.idle.gapsMs, 0.95)} ms idle = ${p95Ratio(f)}× (target ≤ 2); long tasks ${longTaskPct(f.flooding)}% of the window flooding, ${longTaskPct(f.idle)}% idle (target ≤ 10%)`,
    );
  }
}

await runBench(main, cleanup);
