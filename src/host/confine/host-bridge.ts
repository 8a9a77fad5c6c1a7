import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname } from 'node:path';

/**
 * The host's side of `network: none` (net-forward.ts): a Unix socket in the data dir whose
 * every connection is carried to the host's own loopback port. One per host, opened at the
 * first such launch; a confined agent sees only the socket's directory of the data dir.
 */
export class HostBridge {
  private server: Server | null = null;

  constructor(
    readonly socketPath: string,
    private readonly port: () => number,
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
    const server = createServer((client) => {
      const upstream = connect(this.port(), '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
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
}

/** A Unix socket's path must fit in sun_path (108 bytes with its NUL on Linux). */
export const MAX_SOCKET_PATH = 107;
