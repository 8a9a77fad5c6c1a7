import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import WebSocket from 'ws';
import type * as XtermHeadless from '@xterm/headless';
import { decodeOutputFrame } from '../src/shared/terminal-frames';
import { within } from './harness';

/**
 * A terminal client of a host over its WebSocket, and the drain it is timed with: a `cat`
 * of a big file in raw mode, streamed by the host to that client (bench/terminals.ts (b),
 * bench/confine.ts (2)). The bench starts the agent, with `drainArgs` as its command, so
 * it can track its pid and choose how it runs; `drainAgent` does the rest and removes it.
 */

// The package is CommonJS and Node's ESM loader cannot see its named exports.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const mbps = (bytes: number, ms: number): number => bytes / (1024 * 1024) / (ms / 1000);
export const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

// ---------------------------------------------------------------------------------------
// The data: printable 100-byte lines, numbered so no two blocks are alike.

export async function generateFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const words = 'the quick brown fox jumps over the lazy dog while agents write code in their lanes';
  let written = 0;
  let n = 0;
  while (written < bytes) {
    let block = '';
    while (block.length < 1024 * 1024 && written + block.length < bytes) {
      const head = `${String(++n).padStart(9, '0')} `;
      const line = (head + words.slice(n % 20) + ' ' + words).slice(0, 99) + '\n';
      block += line.slice(0, bytes - written - block.length);
    }
    written += block.length;
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

// ---------------------------------------------------------------------------------------
// A client of the host over the WebSocket.

type FrameHandler = (offset: number, data: Uint8Array) => void;

export interface Client {
  call<T = unknown>(method: string, params: unknown): Promise<T>;
  /** Sends the request without waiting for its answer (errors still fail the run). */
  send(method: string, params: unknown): void;
  ack(agentId: string, offset: number): void;
  /** Where output frames for an agent go. */
  on(agentId: string, handler: FrameHandler, onJump?: (toOffset: number, altScreen: boolean) => void): void;
  close(): Promise<void>;
}

/** `sockets` holds the socket while it is open, for a bench's cleanup to terminate. */
export async function openClient(host: { url: string; token: string }, sockets: Set<WebSocket>): Promise<Client> {
  const ws = new WebSocket(host.url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } });
  sockets.add(ws);
  const handlers = new Map<string, FrameHandler>();
  const jumpHandlers = new Map<string, (toOffset: number, altScreen: boolean) => void>();
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let failure: Error | null = null;
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const frame = decodeOutputFrame(new Uint8Array(data as Buffer));
      if (frame) handlers.get(frame.agentId)?.(frame.offset, frame.data);
      return;
    }
    const f = JSON.parse(data.toString()) as { kind: string; id?: number; ok?: boolean; result?: unknown; error?: unknown; agentId?: string; reason?: string; toOffset?: number; altScreen?: boolean };
    if (f.kind === 'jump') jumpHandlers.get(f.agentId!)?.(f.toOffset!, f.altScreen!);
    if (f.kind === 'response' && typeof f.id === 'number') {
      const p = pending.get(f.id);
      pending.delete(f.id);
      const error = new Error(`request ${f.id}: ${JSON.stringify(f.error)}`);
      if (f.ok) p?.resolve(f.result);
      else if (p) p.reject(error);
      else failure = error;
    }
    // A detach would mean flow control gave up on this client: the figures would be wrong.
    if (f.kind === 'detached') failure = new Error(`agent ${f.agentId} detached: ${f.reason}`);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const request = (method: string, params: unknown, p?: { resolve(v: unknown): void; reject(e: Error): void }): void => {
    if (failure) throw failure;
    const id = nextId++;
    if (p) pending.set(id, p);
    ws.send(JSON.stringify({ kind: 'request', id, method, params }));
  };
  return {
    call: <T>(method: string, params: unknown) => new Promise<T>((resolve, reject) => request(method, params, { resolve: resolve as (v: unknown) => void, reject })),
    send: (method, params) => request(method, params),
    ack: (agentId, offset) => {
      if (failure) throw failure;
      ws.send(JSON.stringify({ kind: 'ack', agentId, offset }));
    },
    on: (agentId, handler, onJump) => {
      handlers.set(agentId, handler);
      if (onJump) jumpHandlers.set(agentId, onJump);
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.delete(ws);
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

// ---------------------------------------------------------------------------------------
// The drain.

// Raw mode, so the bytes pass unchanged, and the PTY is kept open after `cat` (by `sleep`)
// because node-pty drops what is still buffered in the PTY when its process exits (up to
// ~10 KB here, in the host too): counting stops at the file's size instead, and the
// sleeper is then ended.
export const catThenHold = (file: string, gate = ''): string[] => ['-c', `stty raw -echo; ${gate}cat ${quote(file)}; exec sleep 600`];

/**
 * The agent's `/bin/sh` arguments for `drainAgent`: it waits for a newline before it
 * starts, so the client is attached from byte 0 when the flood begins (else it races the
 * attach and the scrollback cap). It prints one byte once it is in raw mode, and only then
 * gets the newline: sent earlier, the newline would be echoed as \r\n by a terminal not yet
 * raw. That byte is not counted.
 */
export const drainArgs = (file: string): string[] => catThenHold(file, 'printf .; read -r _; ');

/**
 * Times an agent started with `drainArgs(file)` (a file of `size` bytes) and removes it.
 * The client attaches as the UI does (with `jump`), parses in a headless xterm of
 * `cols`×`rows` and acks in its callback; with `parse` false it acks on arrival (the host
 * and WebSocket alone). Answers the drain speed (the file's bytes over the time until the
 * host had them all in the agent's log) and, with `parse`, the time from then until the
 * client's terminal had parsed up to that last byte (its screen shows the final state).
 */
export async function drainAgent(
  client: Client,
  agentId: string,
  o: { size: number; cols: number; rows: number; parse: boolean },
): Promise<{ mbps: number; lastByteToScreenMs: number; jumps: number }> {
  const { size, parse } = o;
  const term = new Terminal({ cols: o.cols, rows: o.rows, scrollback: 10_000, allowProposedApi: true });
  let parsedTo = 0;
  let jumps = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  client.on(
    agentId,
    (offset, data) => {
      const end = offset + data.length;
      if (offset === 0) ready();
      const parsed = (): void => {
        client.ack(agentId, end);
        parsedTo = Math.max(parsedTo, end);
        if (end - 1 >= size) done();
      };
      if (parse) term.write(data, parsed);
      else parsed();
    },
    (_to, altScreen) => {
      jumps++;
      term.write(altScreen ? '\x1bc\x1b[?1049h' : '\x1bc');
    },
  );
  await client.call('agents.attach', { id: agentId, since: 0, jump: parse });
  await isReady;
  const t0 = performance.now();
  await client.call('agents.input', { id: agentId, data: '\n' });
  // The agent's speed: until the host has every byte in the log (polled over the socket).
  let drainedAt = 0;
  await within(
    (async () => {
      for (;;) {
        const { agents } = await client.call<{ agents: { id: string; outputEnd: number }[] }>('agents.list', {});
        if ((agents.find((a) => a.id === agentId)?.outputEnd ?? 0) - 1 >= size) break;
        await sleep(10);
      }
      drainedAt = performance.now();
    })(),
    300_000,
    'grove: the host draining the agent',
  );
  await within(finished, 300_000, `grove: client parsed to ${parsedTo} of ${size + 1}`);
  const screenAt = performance.now();
  term.dispose();
  await client.call('agents.detach', { id: agentId });
  await client.call('agents.stop', { id: agentId });
  await client.call('agents.remove', { id: agentId });
  return { mbps: mbps(size, drainedAt - t0), lastByteToScreenMs: Math.max(0, screenAt - drainedAt), jumps };
}
