import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allocatePortBlock, isPortFree } from '../../src/host/lanes/ports';

/** Port blocks against real sockets: a port something listens on is never handed out. */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(host: string, port = 0): Promise<number> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => resolve((server.address() as { port: number }).port));
  });
}

describe('ports on this machine', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::1'])('sees a port bound on %s as taken, and free again once closed', async (host) => {
    const port = await listen(host);
    expect(await isPortFree(port)).toBe(false);
    await new Promise((r) => servers.pop()!.close(r));
    expect(await isPortFree(port)).toBe(true);
  });

  it('skips the block holding a bound port', async () => {
    const port = await listen('127.0.0.1');
    const start = port - 4;
    const base = await allocatePortBlock({ start, end: start + 99, taken: [] });
    expect(base).not.toBeNull();
    expect(base!).toBeGreaterThanOrEqual(start + 10);
    expect((base! - start) % 10).toBe(0);
  });

  it('skips a block a lane holds and then one with a bound port', async () => {
    const port = await listen('127.0.0.1');
    const start = port - 14;
    const base = await allocatePortBlock({ start, end: start + 99, taken: [start] });
    expect(base!).toBeGreaterThanOrEqual(start + 20);
  });

  it('returns null when the only block left has a bound port', async () => {
    const port = await listen('127.0.0.1');
    const start = port - 9;
    expect(await allocatePortBlock({ start: start - 10, end: start + 9, taken: [start - 10] })).toBeNull();
  });
});
