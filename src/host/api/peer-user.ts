import { kernelHex, LISTEN, readTcpRows, TCP_TABLES, type TcpRow } from '../net/tcp-table';

/**
 * Which user a connection to the host comes from, on Linux: the other end of a loopback
 * connection is a socket on this machine, and the kernel's table of sockets names the user
 * who made it. The token and a browser's page key say who may call; this says that no other
 * user of the machine does, with a login code read off a command line or a page key sent
 * to a program that took the host's port while it was down (protocol.md, Authentication).
 */
export type PeerUser =
  | { kind: 'user'; uid: number }
  /** Not in the table: a socket the kernel does not show here (refused, not guessed at). */
  | { kind: 'unknown' }
  /** No table to read (not Linux), or one that does not show even the host's own socket (a sandbox's): not checked. */
  | { kind: 'unchecked' };

export interface ConnectionEnds {
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
}

/** The peer of the connection `c` (the host's side of it) in the kernel's rows. */
export function peerUserIn(rows: readonly TcpRow[] | null, c: ConnectionEnds): PeerUser {
  if (rows === null || !rows.some((r) => r.state === LISTEN && r.local.port === c.localPort)) return { kind: 'unchecked' };
  const peer = kernelHex(c.remoteAddress ?? '');
  const here = kernelHex(c.localAddress ?? '');
  if (!peer || !here) return { kind: 'unknown' };
  const at = (end: TcpRow['local'], address: { v4: string; mapped: string }, port: number | undefined) => end.port === port && (end.hex === address.v4 || end.hex === address.mapped);
  // The peer's own socket: its local end is the connection's far end, and it points here.
  const row = rows.find((r) => at(r.local, peer, c.remotePort) && at(r.remote, here, c.localPort));
  return row ? { kind: 'user', uid: row.uid } : { kind: 'unknown' };
}

/**
 * Looked for in /proc/net/tcp first (a client of the host's IPv4 address has its socket
 * there, unless it made a dual-stack one), then in both tables, read again: the kernel
 * writes a table a page at a time as sockets come and go, and a row can slip between two
 * pages. Only what is not found then is unknown.
 */
export async function peerUser(c: ConnectionEnds, read: (tables?: readonly string[]) => Promise<TcpRow[] | null> = readTcpRows): Promise<PeerUser> {
  const found = peerUserIn(await read([TCP_TABLES[0]]), c);
  return found.kind === 'user' ? found : peerUserIn(await read(TCP_TABLES), c);
}

/** Whether the host serves a connection from `peer`: its own user's, root's (who can read its token anyway), or one it cannot check. */
export function isServedPeer(peer: PeerUser, ownUid: number | undefined): boolean {
  if (peer.kind === 'unchecked' || ownUid === undefined) return true;
  return peer.kind === 'user' && (peer.uid === ownUid || peer.uid === 0);
}
