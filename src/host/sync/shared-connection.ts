import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';
import { RETRY_MAX_MS } from './sync-rounds';
import type { SyncConfig } from './sync-state-store';

/**
 * How any connection to the shared MySQL is opened: the round's, and the short-lived ones a
 * request opens for itself (a lazy blob fetch) so it never waits behind, or interleaves with,
 * the round's transaction.
 */
export function parseSyncUrl(url: string): { user: string; host: string; port: number; database: string } {
  const m = /^mysql:\/\/([^:@/\s]+)@([^:/\s]+)(?::(\d{1,5}))?\/([A-Za-z0-9_$]+)$/.exec(url.trim());
  if (!m) throw new Error(`not a sync URL: ${url}`);
  return { user: decodeURIComponent(m[1]!), host: m[2]!, port: m[3] ? Number(m[3]) : 3306, database: m[4]! };
}

export function sharedConnectionOptions(config: SyncConfig, password: string, timeoutMs: number): ConnectionOptions {
  const target = parseSyncUrl(config.url);
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password,
    database: target.database,
    connectTimeout: timeoutMs,
    ssl: config.tls === 'off' ? undefined : { rejectUnauthorized: config.tls === 'verify' },
    supportBigNumbers: true,
  };
}

/**
 * How long the server keeps a silent session of this host: the longest idle between rounds,
 * and some steps. A host whose link dies inside a transaction sends no FIN, so without this the
 * server would keep the session, and the row locks it holds (the entry_seq counter every push
 * needs, a claim row), for wait_timeout: 8 hours by default.
 */
export function sessionIdleSeconds(timeoutMs: number): number {
  return Math.ceil((RETRY_MAX_MS + 3 * timeoutMs) / 1000);
}

/**
 * What every session with the shared store sets first, whoever opened it:
 * - its idle limit (sessionIdleSeconds), so a link that dies inside a transaction does not
 *   keep the row locks it took for the server's default 8 hours;
 * - an sql_mode without NO_BACKSLASH_ESCAPES. The client escapes a quote in a value with a
 *   backslash; a server that reads backslashes as plain characters would end the string at
 *   the quote, and text an agent wrote could then add rows of its own to an INSERT.
 */
export async function prepareSharedSession(conn: Connection, timeoutMs: number): Promise<void> {
  await conn.query('SET SESSION wait_timeout = ?', [sessionIdleSeconds(timeoutMs)]);
  const [rows] = await conn.query<RowDataPacket[]>('SELECT @@SESSION.sql_mode AS mode');
  const modes = String(rows[0]?.mode ?? '').split(',').filter((m) => m !== '');
  if (modes.includes('NO_BACKSLASH_ESCAPES')) await conn.query('SET SESSION sql_mode = ?', [modes.filter((m) => m !== 'NO_BACKSLASH_ESCAPES').join(',')]);
}
