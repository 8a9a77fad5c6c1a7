import { createServer } from 'node:net';

/**
 * Port blocks for lanes. Each lane owns ten consecutive ports, GROVE_PORT to GROVE_PORT+9,
 * so its dev server, Vite, a mail catcher… never collide with another lane's. Blocks are
 * aligned on the range's start (start, start+10, …) and handed out lowest first. A block
 * is free when no lane holds one overlapping it and nothing on the machine listens on any
 * of its ports right now (a port can still be taken later by someone else; the block is
 * the lane's by record, not by reservation).
 *
 * Only GROVE_PORT goes into the environment: the rest follow from it (`$((GROVE_PORT+1))`
 * in a shell, `{{port+1}}` in grove.yaml templates), and ten near-identical variables
 * would be noise in every agent's environment.
 */
export const PORTS_PER_LANE = 10;
export const DEFAULT_PORT_RANGE = { start: 41000, end: 48999 } as const;

export interface AllocatePortBlockOptions {
  /** First port that may be handed out (the first block's base). */
  start: number;
  /** Last port that may be handed out (a block must fit below it, inclusive). */
  end: number;
  /** Bases of the blocks lanes already hold. */
  taken: readonly number[];
  /** Whether nothing listens on the port; default: try to listen on 127.0.0.1. */
  isFree?: (port: number) => Promise<boolean>;
}

/** The lowest free block's base, or null when the range has none left. */
export async function allocatePortBlock(o: AllocatePortBlockOptions): Promise<number | null> {
  const isFree = o.isFree ?? isPortFree;
  for (let base = o.start; base + PORTS_PER_LANE - 1 <= o.end; base += PORTS_PER_LANE) {
    if (o.taken.some((t) => overlaps(t, base))) continue;
    if (await isBlockFree(base, isFree)) return base;
  }
  return null;
}

function overlaps(a: number, b: number): boolean {
  return a <= b + PORTS_PER_LANE - 1 && b <= a + PORTS_PER_LANE - 1;
}

/** The block's ports are tried at once: a lane's creation waits on this. */
async function isBlockFree(base: number, isFree: (port: number) => Promise<boolean>): Promise<boolean> {
  const free = await Promise.all(Array.from({ length: PORTS_PER_LANE }, (_, i) => isFree(base + i)));
  return free.every(Boolean);
}

/**
 * Whether a server could listen on the port on loopback now, over IPv4 and IPv6 both (a dev
 * server bound to `localhost` is often on ::1 only): listens and closes at once. Any error
 * (EADDRINUSE, EACCES, …) counts as taken, but a machine without IPv6 loopback has no ::1 to
 * take; a port Grove cannot vouch for is not handed out.
 */
export async function isPortFree(port: number): Promise<boolean> {
  const [v4, v6] = await Promise.all([listenable(port, '127.0.0.1'), listenable(port, '::1')]);
  return v4 === 'free' && v6 !== 'taken';
}

function listenable(port: number, host: string): Promise<'free' | 'taken' | 'no-such-address'> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT' ? 'no-such-address' : 'taken'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** The lane's port variables: GROVE_PORT is the base; the lane owns GROVE_PORT..GROVE_PORT+9. */
export function portEnv(base: number): Record<string, string> {
  return { GROVE_PORT: String(base) };
}
