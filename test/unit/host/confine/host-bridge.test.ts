import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostBridge } from '../../../../src/host/confine/host-bridge';
import { listeningLoopbackPorts, readLoopbackPorts } from '../../../../src/host/confine/loopback-ports';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
  removeTempDirs();
});

async function listen(host: string, name: string): Promise<number> {
  const server: Server = createServer((c) => c.end(`${name}\n`));
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** Connects to the bridge's socket, sends `hello`, and collects what comes back until the end. */
function talk(socket: string, hello: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let text = '';
    s.on('connect', () => s.write(hello));
    s.on('data', (d) => (text += String(d)));
    s.on('close', () => resolve(text));
    s.on('error', () => undefined);
  });
}

async function opened(kind: 'host' | 'loopback', port = 1): Promise<string> {
  const socketPath = join(makeTempDir('grove-bridge-'), 'run', 'b.sock');
  const bridge = new HostBridge(socketPath, () => port, kind);
  expect(bridge.open()).toBeNull();
  closers.push(() => bridge.close());
  await new Promise((r) => setTimeout(r, 50));
  return socketPath;
}

describe("the host's bridges", () => {
  it('loopback: carries a connection to the port it names, on 127.0.0.1 or ::1', async () => {
    const v4 = await listen('127.0.0.1', 'four');
    const socket = await opened('loopback');
    expect(await talk(socket, `CONNECT ${v4}\n`)).toBe('four\n');
    const v6 = await listen('::1', 'six').catch(() => null);
    if (v6) expect(await talk(socket, `CONNECT ${v6}\n`)).toBe('six\n');
  });

  it('loopback: says which ports the loopback serves, listening ones included', async () => {
    const port = await listen('127.0.0.1', 'x');
    const socket = await opened('loopback');
    const ports = (await talk(socket, 'PORTS\n')).trim().split(',').map(Number);
    expect(ports).toContain(port);
  });

  it("loopback: never carries to port 53 (a resolver: names carry data out) or 22 (ssh: a shell outside), nor lists them", async () => {
    // Port 53 and 22 may not be free to listen on here: the bridge's answer is checked, whatever listens.
    const socketPath = join(makeTempDir('grove-bridge-'), 'run', 'b.sock');
    const bridge = new HostBridge(socketPath, () => 1, 'loopback', () => [22, 53, 8080]);
    expect(bridge.open()).toBeNull();
    closers.push(() => bridge.close());
    await new Promise((r) => setTimeout(r, 50));
    expect(await talk(socketPath, 'PORTS\n')).toBe('8080\n');
    for (const port of [22, 53]) expect(await talk(socketPath, `CONNECT ${port}\n`)).toBe('');
  });

  it('loopback: anything else, or a first line too long, ends the connection', async () => {
    const socket = await opened('loopback');
    expect(await talk(socket, 'CONNECT 99999\n')).toBe('');
    expect(await talk(socket, 'GET / HTTP/1.1\n')).toBe('');
    expect(await talk(socket, 'x'.repeat(100))).toBe('');
  });

  it("host: goes to the host's port on 127.0.0.1 whatever the agent says first, never to ::1", async () => {
    const hostPort = await listen('127.0.0.1', 'grove');
    const other = await listen('127.0.0.1', 'other');
    const socket = await opened('host', hostPort);
    expect(await talk(socket, `CONNECT ${other}\n`)).toBe('grove\n');
    // Another program on ::1 at the host's port, while the host's own is closed: not reached.
    const v6 = await listen('::1', 'impostor').catch(() => null);
    if (v6) {
      const hostless = await opened('host', v6);
      expect(await talk(hostless, 'hello\n')).toBe('');
    }
  });
});

describe('the loopback ports', () => {
  it('reads the listening sockets on loopback or every address, from the kernel tables', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 121 1 0 100 0 0 10 0', // 0.0.0.0:2024
      '   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 122 1 0 100 0 0 10 0', // 127.0.0.1:8080
      '   2: 0200000A:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123 1 0 100 0 0 10 0', // 10.0.0.2:22, not loopback
      '   3: 0100007F:8007 0100007F:EE2A 01 00000000:00000000 00:00000000 00000000     0        0 124 1 0 100 0 0 10 0', // established, not listening
      '   4: 3500007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 125 1 0 100 0 0 10 0', // 127.0.0.53:53, a resolver's stub the bridge never dials
    ].join('\n');
    expect(listeningLoopbackPorts(tcp)).toEqual([2024, 8080]);
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0', // [::1]:3306
      '   1: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0', // [::]:5432
      '   2: 0000000000000000FFFF00000100007F:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3 1 0', // [::ffff:127.0.0.1]:3000
      '   3: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1 0', // 2001:db8::1:80, not loopback
    ].join('\n');
    expect(listeningLoopbackPorts(tcp6)).toEqual([3000, 3306, 5432]);
  });

  it.skipIf(process.platform !== 'linux')("finds a server listening on this machine's loopback now", async () => {
    const port = await listen('127.0.0.1', 'x');
    expect(readLoopbackPorts()).toContain(port);
    expect(readFileSync('/proc/net/tcp', 'utf8')).toContain(`:${port.toString(16).toUpperCase().padStart(4, '0')}`);
  });
});
