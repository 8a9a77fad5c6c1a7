import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSyncRig, type SyncRig } from '../../../fixtures/sync-rig';
import { removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * What a failed round leaves in the host's log, which the status's sentences send the operator
 * to: the whole error (message, code, errno, stack), once per failure however often the round
 * retries, and never the password. The shared store here is a loopback port nothing listens on,
 * then one that hangs up at once: no MariaDB needed.
 */
const servers: Server[] = [];
const rigs: SyncRig[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const rig of rigs.splice(0)) {
    await rig.sync.stop();
    rig.db.close();
  }
  removeTempDirs();
});

async function listen(onConnection: (socket: Socket) => void, port = 0): Promise<number> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

/** A loopback port with nothing on it now. */
async function closedPort(): Promise<number> {
  const port = await listen(() => undefined);
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}

async function rigOn(port: number, password: string): Promise<SyncRig> {
  const rig = openSyncRig({ password, timeoutMs: 2000 });
  rigs.push(rig);
  await rig.sync.configure(`mysql://grove@127.0.0.1:${port}/grove`, 'off');
  return rig;
}

const syncLines = (rig: SyncRig) => rig.logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'sync');

describe("a failed sync round in the host's log", () => {
  it('has the whole error, once while it repeats, and again when it changes', async () => {
    const port = await closedPort();
    const rig = await rigOn(port, 'a-right-password');
    for (let i = 0; i < 3; i++) {
      const r = await rig.sync.syncNow();
      expect(r.ok && r.value).toMatchObject({ state: 'offline', lastError: { message: expect.stringContaining('cannot be reached (ECONNREFUSED)') } });
    }
    const [first, ...more] = syncLines(rig);
    expect(more).toEqual([]);
    expect(first).toMatchObject({
      level: 'warn',
      state: 'offline',
      message: expect.stringContaining('cannot be reached'),
      error: { error: `Error: connect ECONNREFUSED 127.0.0.1:${port}`, code: 'ECONNREFUSED', errno: expect.any(Number), stack: expect.stringContaining('ECONNREFUSED') },
    });

    // Something listens there now, and hangs up at once: another failure, logged.
    await listen((socket) => socket.destroy(), port);
    for (let i = 0; i < 2; i++) expect((await rig.sync.syncNow()).ok).toBe(true);
    const lines = syncLines(rig);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.error).not.toEqual(first!.error);
  });

  it('masks the password, even where the error happens to hold it', async () => {
    const port = await closedPort();
    const password = `ECONNREFUSED 127.0.0.1:${port}`;
    const rig = await rigOn(port, password);
    await rig.sync.syncNow();
    const [line] = syncLines(rig);
    expect(line).toMatchObject({ error: { code: 'ECONNREFUSED', stack: expect.stringContaining('(masked)') } });
    expect(rig.logged.join('\n')).not.toContain(password);
  });
});
