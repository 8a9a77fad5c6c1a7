import { parseSyncUrl } from './shared-connection';
import { StepTimeout } from './step-timeout';
import type { SyncConfig } from './sync-state-store';

/**
 * What a failure to work with the shared store says, by the error's code, for every caller
 * that talks to it (sync rounds: round-errors.ts; claims: shared-claims.ts), so one server's
 * refusal reads the same wherever the operator meets it. `refused`: a person must act (a
 * password, grants, a database, TLS, a statement the server will refuse again); `offline`: it
 * may pass on its own. `words` is a clause without a full stop, each caller saying what comes
 * next. The server's own message is never repeated: MySQL quotes the data it chokes on
 * ("Duplicate entry '…'", "near '…'"), and that data is briefs' text, which must not reach a
 * status, an event or the UI (redactions would never reach it there). Its code says enough.
 */
export type SharedStoreFailure = { kind: 'refused' | 'offline'; words: string; refusedStatement?: true };

export function sharedStoreFailure(e: unknown, config: SyncConfig, timeoutMs: number): SharedStoreFailure {
  const err = typeof e === 'object' && e !== null ? (e as { errno?: unknown; sqlState?: unknown }) : {};
  const code = errorCode(e);
  if (e instanceof StepTimeout || code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT') return { kind: 'offline', words: `${config.url} did not answer within ${Math.round(timeoutMs / 1000)} s` };
  const target = parseSyncUrl(config.url);
  const refused = (words: string): SharedStoreFailure => ({ kind: 'refused', words });
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
      return refused(`${config.url} refused user ${target.user} (${code === 'ER_ACCESS_DENIED_ERROR' ? 'wrong password, or the user may not connect from here' : 'no rights on the database'}): fix GROVE_SYNC_PASSWORD or the data dir's sync-password file, or the user's grants`);
    case 'ER_ACCOUNT_HAS_BEEN_LOCKED':
      return refused(`${config.url}: user ${target.user}'s account is locked; ask the server's administrator to unlock it (ALTER USER … ACCOUNT UNLOCK)`);
    case 'ER_MUST_CHANGE_PASSWORD':
    case 'ER_MUST_CHANGE_PASSWORD_LOGIN':
      return refused(`${config.url}: user ${target.user}'s password has expired; set a new one on the server, then give it to Grove (grove sync password)`);
    case 'ER_BAD_DB_ERROR':
      return refused(`${config.url}: the server has no database ${target.database}; create it (CREATE DATABASE ${target.database}) and grant ${target.user} on it`);
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return refused(`${config.url} does not offer TLS, but sync asks for it (--tls ${config.tls}); enable TLS on the server or set --tls off`);
  }
  if (TLS_TRUST.has(code) || code.startsWith('ERR_TLS_')) {
    return refused(`${config.url}'s TLS certificate is not trusted here (${code}), and sync verifies it (--tls verify): install the certificate's CA on this machine (NODE_EXTRA_CA_CERTS), or use --tls require to encrypt without verifying`);
  }
  const serverCode = `${code || 'error'}${typeof err.errno === 'number' ? ` ${err.errno}` : ''}`;
  if (REFUSED_STATEMENTS.has(code)) {
    return { kind: 'refused', words: `${config.url} refused a statement Grove sent (${serverCode}); see the host's log`, refusedStatement: true };
  }
  if (typeof err.sqlState === 'string') {
    // Any other answer of the server's passes, or may (read-only during a failover, a query
    // timeout, a full disk there): said by its code.
    return { kind: 'offline', words: `${config.url} answered with an error (${serverCode})` };
  }
  return { kind: 'offline', words: `${config.url} cannot be reached (${code || (e instanceof Error ? e.constructor.name : 'unknown error')})` };
}

/** An error's `code` (mysql2's, Node's), or ''. */
export function errorCode(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/** What the server says of the statements or data it was sent: sending them again gets the same. */
const REFUSED_STATEMENTS = new Set([
  'ER_DATA_TOO_LONG',
  'ER_PARSE_ERROR',
  'ER_DUP_ENTRY',
  'ER_BAD_FIELD_ERROR',
  'ER_NO_SUCH_TABLE',
  'ER_BAD_NULL_ERROR',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WRONG_VALUE_COUNT_ON_ROW',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_CHECK_CONSTRAINT_VIOLATED',
  'ER_INVALID_CHARACTER_STRING',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
]);

/** Certificate checks that fail under --tls verify (Node's codes). */
const TLS_TRUST = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'HOSTNAME_MISMATCH']);
