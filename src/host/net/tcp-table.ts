import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

/**
 * Linux's tables of TCP sockets, /proc/net/tcp and /proc/net/tcp6 (what `ss -t` reads): one
 * row per socket, with its two ends, its state and the user who made it. Addresses are as
 * the kernel writes them, 32-bit words in hex in the machine's byte order, so an address is
 * compared in that form (`kernelHex`), never parsed back.
 */
export interface TcpRow {
  local: { hex: string; port: number };
  remote: { hex: string; port: number };
  /** The kernel's state code: '01' established, '0A' listening. */
  state: string;
  uid: number;
}

export const TCP_TABLES = ['/proc/net/tcp', '/proc/net/tcp6'] as const;
export const LISTEN = '0A';

/** The rows of one table's text. */
export function tcpRows(table: string): TcpRow[] {
  const rows: TcpRow[] = [];
  for (const line of table.split('\n').slice(1)) {
    const [, local, remote, state, , , , uid] = line.trim().split(/\s+/);
    const l = end(local);
    const r = end(remote);
    if (!l || !r || !state || uid === undefined || !/^\d+$/.test(uid)) continue;
    rows.push({ local: l, remote: r, state, uid: Number(uid) });
  }
  return rows;
}

function end(field: string | undefined): { hex: string; port: number } | null {
  const [hex, port] = field?.split(':') ?? [];
  return hex && port ? { hex, port: parseInt(port, 16) } : null;
}

/**
 * The rows of the given tables (both by default); null where none can be read (not Linux).
 * Each read walks the kernel's whole hash of connections, about 4-5 ms of CPU here (2 vCPU,
 * 24 GiB, 262,144 buckets) however few sockets there are: read only what is needed.
 */
export async function readTcpRows(tables: readonly string[] = TCP_TABLES): Promise<TcpRow[] | null> {
  const texts = await Promise.all(tables.map((f) => readFile(f, 'utf8').catch(() => null)));
  return texts.every((t) => t === null) ? null : texts.flatMap((t) => (t === null ? [] : tcpRows(t)));
}

/** The same, read at once (a confined launch's port list). */
export function readTcpRowsSync(): TcpRow[] {
  return TCP_TABLES.flatMap((f) => {
    try {
      return tcpRows(readFileSync(f, 'utf8'));
    } catch {
      return []; // no IPv6 here
    }
  });
}

/**
 * An IPv4 address as the kernel writes it in each table: in /proc/net/tcp, and, as
 * `::ffff:a.b.c.d`, in /proc/net/tcp6 (a dual-stack socket's). Null for anything else.
 */
export function kernelHex(ipv4: string, order: 'LE' | 'BE' = endianness()): { v4: string; mapped: string } | null {
  const m = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(ipv4);
  if (!m) return null;
  const bytes = m.slice(1, 5).map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0'));
  const word = (bs: string[]) => (order === 'LE' ? [...bs].reverse() : bs).join('');
  const v4 = word(bytes);
  return { v4, mapped: `0000000000000000${word(['00', '00', 'FF', 'FF'])}${v4}` };
}
