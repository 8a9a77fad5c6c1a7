import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isServedPeer, peerUser, peerUserIn } from '../../../../src/host/api/peer-user';
import { kernelHex, tcpRows } from '../../../../src/host/net/tcp-table';

/**
 * Tables as Linux writes them (x86, little-endian): the host listening at 127.0.0.1:4100
 * (0x1004), the accepted connection from port 50000 (0xC350), and the client's own socket,
 * owned by uid 1001.
 */
const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, remote: string, state: string, uid: number) => `   0: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000  ${uid}        0 4242 1 0000000000000000 100 0 0 10 0\n`;
const LISTENING = row('0100007F:1004', '00000000:0000', '0A', 1000);
const ACCEPTED = row('0100007F:1004', '0100007F:C350', '01', 1000);
const CLIENT = row('0100007F:C350', '0100007F:1004', '01', 1001);
const CLIENT_V6 = row('0000000000000000FFFF00000100007F:C350', '0000000000000000FFFF00000100007F:1004', '01', 1001);
const ENDS = { localAddress: '127.0.0.1', localPort: 4100, remoteAddress: '127.0.0.1', remotePort: 50000 };

describe('the kernel socket tables', () => {
  it('reads each row\'s ends, state and owner, and skips what is not a row', () => {
    expect(tcpRows(HEADER + LISTENING + CLIENT + 'garbage\n')).toEqual([
      { local: { hex: '0100007F', port: 4100 }, remote: { hex: '00000000', port: 0 }, state: '0A', uid: 1000 },
      { local: { hex: '0100007F', port: 50000 }, remote: { hex: '0100007F', port: 4100 }, state: '01', uid: 1001 },
    ]);
  });

  it('writes an IPv4 address as the kernel does, plain and mapped into IPv6, in either byte order', () => {
    expect(kernelHex('127.0.0.1', 'LE')).toEqual({ v4: '0100007F', mapped: '0000000000000000FFFF00000100007F' });
    expect(kernelHex('::ffff:127.0.0.1', 'LE')?.v4).toBe('0100007F');
    expect(kernelHex('127.0.0.1', 'BE')).toEqual({ v4: '7F000001', mapped: '00000000000000000000FFFF7F000001' });
    expect(kernelHex('::1')).toBeNull();
  });
});

describe('the user a connection comes from', () => {
  it('is the owner of the socket at its far end, an IPv4 one or a dual-stack one', () => {
    expect(peerUserIn(tcpRows(HEADER + LISTENING + ACCEPTED + CLIENT), ENDS)).toEqual({ kind: 'user', uid: 1001 });
    expect(peerUserIn(tcpRows(HEADER + LISTENING + ACCEPTED + CLIENT_V6), ENDS)).toEqual({ kind: 'user', uid: 1001 });
  });

  it('is unknown when no socket is at the far end, and unchecked with no table or one that does not show the host listening', () => {
    expect(peerUserIn(tcpRows(HEADER + LISTENING + ACCEPTED), ENDS)).toEqual({ kind: 'unknown' });
    expect(peerUserIn(null, ENDS)).toEqual({ kind: 'unchecked' });
    expect(peerUserIn(tcpRows(HEADER + CLIENT), ENDS)).toEqual({ kind: 'unchecked' });
  });

  it('reads the IPv4 table alone, then both, again, before it calls a connection unknown (a row can slip between the pages of one read)', async () => {
    const asked: string[][] = [];
    const tables: Record<string, string[]> = { '/proc/net/tcp': [HEADER + LISTENING + ACCEPTED, HEADER + LISTENING + ACCEPTED], '/proc/net/tcp6': [HEADER + CLIENT_V6] };
    const read = async (files: readonly string[] = []) => {
      asked.push([...files]);
      return files.flatMap((f) => tcpRows(tables[f]!.shift()!));
    };
    expect(await peerUser(ENDS, read)).toEqual({ kind: 'user', uid: 1001 });
    expect(asked).toEqual([['/proc/net/tcp'], ['/proc/net/tcp', '/proc/net/tcp6']]);
    // Found in the first: read once.
    asked.length = 0;
    expect(await peerUser(ENDS, async (files = []) => (asked.push([...files]), tcpRows(HEADER + LISTENING + CLIENT)))).toEqual({ kind: 'user', uid: 1001 });
    expect(asked).toEqual([['/proc/net/tcp']]);
  });

  it('serves its own user and root, and neither another user nor one the kernel does not name; a table it cannot read is not a reason to refuse', () => {
    expect(isServedPeer({ kind: 'user', uid: 1000 }, 1000)).toBe(true);
    expect(isServedPeer({ kind: 'user', uid: 0 }, 1000)).toBe(true);
    expect(isServedPeer({ kind: 'user', uid: 1001 }, 1000)).toBe(false);
    expect(isServedPeer({ kind: 'unknown' }, 1000)).toBe(false);
    expect(isServedPeer({ kind: 'unchecked' }, 1000)).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')('finds this process behind a real loopback connection', async () => {
    let accepted!: (s: Socket) => void;
    const got = new Promise<Socket>((resolve) => (accepted = resolve));
    const server = createServer(accepted);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    const socket = await got;
    try {
      expect(await peerUser(socket)).toEqual({ kind: 'user', uid: process.getuid!() });
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });
});
