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

  /** Starts listening (the agent's forwarder retries while it does). Idempotent. */
  open(): void {
    if (this.server) return;
    mkdirSync(dirname(this.socketPath), { recursive: true, mode: 0o700 });
    rmSync(this.socketPath, { force: true });
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
    server.listen(this.socketPath, () => chmodSync(this.socketPath, 0o600));
    this.server = server;
  }

  close(): void {
    this.server?.close();
    this.server = null;
    rmSync(this.socketPath, { force: true });
  }
}

/** A Unix socket's path must fit in sun_path (108 bytes with its NUL on Linux). */
export const MAX_SOCKET_PATH = 107;
