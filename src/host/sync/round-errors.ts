import { PullRefused } from './pull';
import { parseSyncUrl } from './shared-connection';
import { StepTimeout } from './step-timeout';
import type { RoundOutcome } from './sync-rounds';
import type { SyncConfig } from './sync-state-store';

/**
 * A failed round in a sentence for the operator, and what comes next: `refused` (a person must
 * act; sync waits) or `offline` (it retries on its own). The server's own message is never
 * repeated: MySQL quotes the data it chokes on ("Duplicate entry '…'", "near '…'"), and a
 * round's data is briefs' text, which must not reach the status, its events or the UI
 * (redactions would never reach it there). Its code says enough.
 */
export function classifyRoundError(e: unknown, config: SyncConfig, timeoutMs: number): RoundOutcome {
  if (e instanceof PullRefused) return { kind: 'refused', message: e.message };
  const err = typeof e === 'object' && e !== null ? (e as { code?: unknown; errno?: unknown; sqlState?: unknown; message?: unknown }) : {};
  const code = typeof err.code === 'string' ? err.code : '';
  if (e instanceof StepTimeout || code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT') return { kind: 'offline', message: `${config.url} did not answer within ${Math.round(timeoutMs / 1000)} s; retrying. Local work goes on.` };
  const target = parseSyncUrl(config.url);
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
      return {
        kind: 'refused',
        message: `${config.url} refused user ${target.user} (${code === 'ER_ACCESS_DENIED_ERROR' ? 'wrong password, or the user may not connect from here' : 'no rights on the database'}): fix GROVE_SYNC_PASSWORD or the data dir's sync-password file, or the user's grants.`,
      };
    case 'ER_ACCOUNT_HAS_BEEN_LOCKED':
      return { kind: 'refused', message: `${config.url}: user ${target.user}'s account is locked; ask the server's administrator to unlock it (ALTER USER … ACCOUNT UNLOCK).` };
    case 'ER_MUST_CHANGE_PASSWORD':
    case 'ER_MUST_CHANGE_PASSWORD_LOGIN':
      return { kind: 'refused', message: `${config.url}: user ${target.user}'s password has expired; set a new one on the server, then give it to Grove (grove sync password).` };
    case 'ER_BAD_DB_ERROR':
      return { kind: 'refused', message: `${config.url}: the server has no database ${target.database}; create it (CREATE DATABASE ${target.database}) and grant ${target.user} on it.` };
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return { kind: 'refused', message: `${config.url} does not offer TLS, but sync asks for it (--tls ${config.tls}); enable TLS on the server or set --tls off.` };
  }
  if (TLS_TRUST.has(code) || code.startsWith('ERR_TLS_')) {
    return { kind: 'refused', message: `${config.url}'s TLS certificate is not trusted here (${code}), and sync verifies it (--tls verify): install the certificate's CA on this machine (NODE_EXTRA_CA_CERTS), or use --tls require to encrypt without verifying.` };
  }
  if (code.startsWith('SQLITE_')) {
    // This host's own store, not the server: retrying will not help until someone looks.
    return { kind: 'refused', message: `This host's own store failed while applying the round (${code}${code === 'SQLITE_FULL' ? ': the disk is full' : ''}); see the host's log. Sync waits; local work may fail too.` };
  }
  // SQLSTATE class 08 is a connection's failure, 40 a transaction rolled back (deadlock): they pass.
  if (typeof err.sqlState === 'string' && !RETRIED.has(code) && !/^(08|40)/.test(err.sqlState)) {
    // The server refused a statement: the same round would be refused again.
    return { kind: 'refused', message: `${config.url} refused a statement of this round (${code || 'error'}${typeof err.errno === 'number' ? ` ${err.errno}` : ''}, SQLSTATE ${err.sqlState}); see the host's log. Sync waits until it is fixed (grove sync now tries again).` };
  }
  const detail = code || (e instanceof Error ? e.constructor.name : 'unknown error');
  return { kind: 'offline', message: `${config.url} cannot be reached (${detail}); retrying. Local work goes on.` };
}

/** Certificate checks that fail under --tls verify (Node's codes). */
const TLS_TRUST = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'HOSTNAME_MISMATCH']);

/** Server errors that pass: a busy or restarting server, a lock that timed out, too many connections. */
const RETRIED = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_SERVER_SHUTDOWN', 'ER_QUERY_INTERRUPTED', 'ER_CONNECTION_KILLED', 'ER_NET_READ_INTERRUPTED', 'ER_NET_WRITE_INTERRUPTED', 'ER_SERVER_GONE_ERROR', 'ER_SERVER_LOST', 'ER_CLIENT_INTERACTION_TIMEOUT']);
