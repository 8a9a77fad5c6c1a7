import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { readLoopbackPorts } from './loopback-ports';

/**
 * The host's side of a confined agent's network namespace (net-forward.ts): a Unix socket
 * in the data dir, carrying each connection to this machine's loopback. One per kind, opened
 * at the first such launch; a confined agent sees only its own kind's socket directory.
 *
 * - `host`, for `network: none`: every connection goes to the host's own port, and nowhere
 *   else, whatever the agent sends.
 * - `loopback`, for `network: loopback`: a connection first says where it goes, in one line:
 *   `CONNECT <port>` (then it is carried to 127.0.0.1 or ::1 at that port), or `PORTS` (the
 *   answer is the ports the loopback serves now, comma-separated, and the end).
 */
export type BridgeKind = 'host' | 'loopback';

/**
 * Loopback ports a lane with `network: loopback` is not carried to, whatever listens there:
 * 53, a resolver that answers over TCP (a name lookup carries data off the machine), and 22,
 * the machine's ssh server (a login there is a shell outside any sandbox).
 */
export const WITHHELD_PORTS: ReadonlySet<number> = new Set([22, 53]);

/** The longest first line a loopback connection may send before its bytes, and how long it may take. */
const MAX_LINE = 32;
const FIRST_LINE_MS = 10_000;

export class HostBridge {
  private server: Server | null = null;

  constructor(
    readonly socketPath: string,
    private readonly port: () => number,
    private readonly kind: BridgeKind = 'host',
    private readonly loopbackPorts: () => number[] = readLoopbackPorts,
  ) {}

  /** Why it cannot serve, once it failed (kept: every later launch is told). */
  private broken: string | null = null;

  /**
   * Starts listening (the agent's forwarder retries while it does). Idempotent. Answers why
   * it cannot serve, null when it does (or is starting: a later failure is kept for the next).
   */
  open(): string | null {
    if (this.server || this.broken) return this.broken;
    try {
      mkdirSync(dirname(this.socketPath), { recursive: true, mode: 0o700 });
      rmSync(this.socketPath, { force: true });
    } catch (e) {
      return (this.broken = `${this.socketPath}: ${(e as Error).message}`);
    }
    // The host listens on 127.0.0.1 alone: a `host` connection goes there and nowhere else,
    // not to whatever holds ::1 at that port while the host's is closed.
    const server = createServer((client) => (this.kind === 'host' ? carry(client, this.port(), Buffer.alloc(0), ['127.0.0.1']) : this.route(client)));
    server.on('error', (e) => {
      this.broken = `${this.socketPath}: ${e.message}`;
      this.server = null;
    });
    server.listen(this.socketPath, () => chmodSync(this.socketPath, 0o600));
    this.server = server;
    return null;
  }

  close(): void {
    this.server?.close();
    this.server = null;
    rmSync(this.socketPath, { force: true });
  }

  /** A loopback connection: its first line says where it goes. */
  private route(client: Socket): void {
    // A connection that never says where it goes does not hold a descriptor for long.
    client.setTimeout(FIRST_LINE_MS, () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(10);
      if (nl < 0) {
        if (head.length > MAX_LINE) client.destroy();
        return;
      }
      client.off('data', onData);
      client.setTimeout(0);
      client.pause();
      const line = head.subarray(0, nl).toString('latin1');
      const rest = head.subarray(nl + 1);
      const port = /^CONNECT (\d{1,5})$/.exec(line)?.[1];
      if (line === 'PORTS') client.end(`${this.loopbackPorts().filter((p) => !WITHHELD_PORTS.has(p)).join(',')}\n`);
      else if (port && Number(port) > 0 && Number(port) < 65536 && !WITHHELD_PORTS.has(Number(port))) carry(client, Number(port), rest);
      else client.destroy();
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  }
}

/** Pipes `client` to the loopback at `port` (127.0.0.1, else ::1), `first` ahead of the rest. */
function carry(client: Socket, port: number, first: Buffer, hosts: string[] = ['127.0.0.1', '::1']): void {
  const upstream = connect(port, hosts[0]);
  const end = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end).on('close', end);
  upstream.once('error', (e: NodeJS.ErrnoException) => {
    // A server on ::1 only (what `localhost` means to some): tried there before giving up.
    if (e.code === 'ECONNREFUSED' && hosts.length > 1 && !upstream.bytesWritten) carry(client, port, first, hosts.slice(1));
    else end();
  });
  upstream.once('connect', () => {
    upstream.on('error', end).on('close', end);
    if (first.length > 0) upstream.write(first);
    client.pipe(upstream).pipe(client);
    client.resume();
  });
}

/** A Unix socket's path must fit in sun_path (108 bytes with its NUL on Linux). */
export const MAX_SOCKET_PATH = 107;
