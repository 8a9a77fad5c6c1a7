import { LISTEN, readTcpRowsSync, tcpRows, type TcpRow } from '../net/tcp-table';

/**
 * The TCP ports this machine serves on its loopback: what a `network: loopback` agent may
 * reach (net-forward.ts listens on the same ports inside its namespace). Read from the
 * kernel's socket tables, as `ss -tln` does: a socket in LISTEN bound to 127.0.0.1, ::1, or a
 * wildcard address (which includes loopback); the bridge dials those two addresses, so a
 * server on another 127.x address (a resolver's stub at 127.0.0.53) is not one.
 */

/** The listening ports in one of /proc/net/tcp or /proc/net/tcp6. */
export function listeningLoopbackPorts(table: string): number[] {
  return loopbackListeners(tcpRows(table));
}

function loopbackListeners(rows: readonly TcpRow[]): number[] {
  const ports = new Set<number>();
  for (const row of rows) if (row.state === LISTEN && isLoopbackOrAny(row.local.hex)) ports.add(row.local.port);
  return [...ports].sort((a, b) => a - b);
}

/** The kernel writes addresses as 32-bit words in host byte order (little-endian here). */
function isLoopbackOrAny(hex: string): boolean {
  if (hex.length === 8) return /^0+$/.test(hex) || hex === '0100007F'; // 0.0.0.0, 127.0.0.1
  if (/^0+$/.test(hex) || hex === '00000000000000000000000001000000') return true; // ::, ::1
  return hex === '0000000000000000FFFF00000100007F'; // ::ffff:127.0.0.1
}

export function readLoopbackPorts(): number[] {
  return loopbackListeners(readTcpRowsSync());
}
