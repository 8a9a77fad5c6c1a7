import { PullRefused } from './pull';
import { RetryLater } from './retry-later';
import { errorCode, sharedStoreFailure } from './shared-store-failure';
import type { RoundOutcome } from './sync-rounds';
import type { SyncConfig } from './sync-state-store';

/**
 * A failed round in a sentence for the operator, and what comes next: `refused` (a person must
 * act; sync waits) or `offline` (it retries on its own). What the shared store's failure says
 * is shared-store-failure.ts's, as claims say it too; the whole error goes to the host's log
 * (describeRoundError), which the sentences that send the operator there rely on.
 */
export function classifyRoundError(e: unknown, config: SyncConfig, timeoutMs: number): RoundOutcome {
  if (e instanceof PullRefused) return { kind: 'refused', message: e.message };
  if (e instanceof RetryLater) return { kind: 'offline', message: `${config.url}: ${e.message}. Local work goes on.` };
  const code = errorCode(e);
  if (code.startsWith('SQLITE_')) {
    // This host's own store, not the server: retrying will not help until someone looks.
    return { kind: 'refused', message: `This host's own store failed while applying the round (${code}${code === 'SQLITE_FULL' ? ': the disk is full' : ''}); see the host's log. Sync waits; local work may fail too.` };
  }
  const failed = sharedStoreFailure(e, config, timeoutMs);
  if (failed.kind === 'offline') return { kind: 'offline', message: `${failed.words}; retrying. Local work goes on.` };
  // The server refused what the round sends: the same round would be refused again.
  return { kind: 'refused', message: failed.refusedStatement ? `${failed.words}. Sync waits until it is fixed (grove sync now tries again).` : `${failed.words}.` };
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
