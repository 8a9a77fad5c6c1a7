import { readFileSync } from 'node:fs';

/**
 * The TCP ports this machine serves on its loopback: what a `network: loopback` agent may
 * reach (net-forward.ts listens on the same ports inside its namespace). Read from the
 * kernel's socket tables, as `ss -tln` does: a socket in LISTEN bound to 127.0.0.1, ::1, or a
 * wildcard address (which includes loopback); the bridge dials those two addresses, so a
 * server on another 127.x address (a resolver's stub at 127.0.0.53) is not one.
 */
const LISTEN = '0A';

/** The listening ports in one of /proc/net/tcp or /proc/net/tcp6. */
export function listeningLoopbackPorts(table: string): number[] {
  const ports = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (state !== LISTEN || !local) continue;
    const [address, portHex] = local.split(':');
    if (!address || !portHex) continue;
    if (isLoopbackOrAny(address)) ports.add(parseInt(portHex, 16));
  }
  return [...ports].sort((a, b) => a - b);
}

/** The kernel writes addresses as 32-bit words in host byte order (little-endian here). */
function isLoopbackOrAny(hex: string): boolean {
  if (hex.length === 8) return /^0+$/.test(hex) || hex === '0100007F'; // 0.0.0.0, 127.0.0.1
  if (/^0+$/.test(hex) || hex === '00000000000000000000000001000000') return true; // ::, ::1
  return hex === '0000000000000000FFFF00000100007F'; // ::ffff:127.0.0.1
}

export function readLoopbackPorts(): number[] {
  const all = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 here
    }
    for (const p of listeningLoopbackPorts(table)) all.add(p);
  }
  return [...all].sort((a, b) => a - b);
}
