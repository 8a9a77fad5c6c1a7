import { PullRefused } from './pull';
import { RetryLater } from './retry-later';
import { parseSyncUrl } from './shared-connection';
import { StepTimeout } from './step-timeout';
import type { RoundOutcome } from './sync-rounds';
import type { SyncConfig } from './sync-state-store';

/**
 * A failed round in a sentence for the operator, and what comes next: `refused` (a person must
 * act; sync waits) or `offline` (it retries on its own). The server's own message is never
 * repeated: MySQL quotes the data it chokes on ("Duplicate entry '…'", "near '…'"), and a
 * round's data is briefs' text, which must not reach the status, its events or the UI
 * (redactions would never reach it there). Its code says enough; the whole error goes to the
 * host's log (describeRoundError), which the sentences that send the operator there rely on.
 */
export function classifyRoundError(e: unknown, config: SyncConfig, timeoutMs: number): RoundOutcome {
  if (e instanceof PullRefused) return { kind: 'refused', message: e.message };
  if (e instanceof RetryLater) return { kind: 'offline', message: `${config.url}: ${e.message}. Local work goes on.` };
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
  const serverCode = `${code || 'error'}${typeof err.errno === 'number' ? ` ${err.errno}` : ''}`;
  if (REFUSED_STATEMENTS.has(code)) {
    // The server refused what the round sends: the same round would be refused again.
    return { kind: 'refused', message: `${config.url} refused a statement of this round (${serverCode}); see the host's log. Sync waits until it is fixed (grove sync now tries again).` };
  }
  if (typeof err.sqlState === 'string') {
    // Any other answer of the server's passes, or may (read-only during a failover, a query
    // timeout, a full disk there): retried, said by its code.
    return { kind: 'offline', message: `${config.url} answered with an error (${serverCode}); retrying. Local work goes on.` };
  }
  const detail = code || (e instanceof Error ? e.constructor.name : 'unknown error');
  return { kind: 'offline', message: `${config.url} cannot be reached (${detail}); retrying. Local work goes on.` };
}

/** A failed round's error as the host's log has it: everything but the statement sent. */
export interface RoundErrorDetail {
  /** `Name: message`. */
  error: string;
  code?: string;
  errno?: number;
  sqlState?: string;
  stack?: string;
  /** What it wraps: its `cause`, or each attempt an AggregateError gathers (every address a connect tried). */
  causes?: RoundErrorDetail[];
}

/**
 * The whole error of a failed round, for the host's log only (never the status: see above),
 * every text passed through `mask` (the sync service's, which hides its password). The
 * statement mysql2 attaches (`sql`) is left out: a push batch's is megabytes of briefs' text,
 * and the server's message already says what it refused.
 */
export function describeRoundError(e: unknown, mask: (text: string) => string, depth = 0): RoundErrorDetail {
  if (!(e instanceof Error)) return { error: mask(String(e)) };
  const fields = e as Error & { code?: unknown; errno?: unknown; sqlState?: unknown; cause?: unknown; errors?: unknown };
  const detail: RoundErrorDetail = { error: mask(`${e.name}: ${e.message}`) };
  if (typeof fields.code === 'string' || typeof fields.code === 'number') detail.code = mask(String(fields.code));
  if (typeof fields.errno === 'number') detail.errno = fields.errno;
  if (typeof fields.sqlState === 'string') detail.sqlState = fields.sqlState;
  if (e.stack) detail.stack = mask(e.stack);
  // A few levels, a few attempts: enough to say why, and a cycle of causes cannot loop.
  const wrapped = [...(fields.cause !== undefined ? [fields.cause] : []), ...(Array.isArray(fields.errors) ? fields.errors.slice(0, 5) : [])];
  if (wrapped.length > 0 && depth < 3) detail.causes = wrapped.map((c) => describeRoundError(c, mask, depth + 1));
  return detail;
}

/** What the server says of the round's own statements or data: retrying sends the same again. */
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

