import type { SyncState } from '../../shared/sync';

/**
 * When the next round runs and what state a round's outcome leaves, kept pure so the polling
 * and backoff are tested in milliseconds (test/unit/host/sync/sync-rounds.test.ts).
 *
 * Polling adapts. While anything moved in the last ACTIVE_MS (an entry pulled or pushed, here
 * or on any host), a round runs every POLL_MS: a team at work sees each other's entries within
 * about a second. Once nothing has moved for ACTIVE_MS, each quiet round waits twice as long
 * as the one before, up to IDLE_MAX_MS: an idle host asks the server a few times a minute
 * instead of every second. The first entry after a quiet spell shows within IDLE_MAX_MS, and
 * the pace is back to POLL_MS from there. A local write does not wait for the timer: it wakes
 * the loop at once, and counts as a change; but not after a failed round (isWokenByWrite).
 *
 * What keeps even the fast pace cheap is the round itself (sync-service.ts): with nothing to
 * push, it asks one statement of primary-key reads (has the shared `entry_seq` counter moved
 * past this host's cursor, or `images_wanted` since it last looked? round-counters.ts) and
 * pulls, or looks for images to upload, only if so.
 *
 * A failed round retries after 1 s, doubling to RETRY_MAX_MS; a refusal (wrong password,
 * newer schema) is retried at RETRY_MAX_MS only, as a person must fix it first.
 */
export const POLL_MS = 1000;
/** How long after the last change the pace stays at POLL_MS. */
export const ACTIVE_MS = 30_000;
/** The slowest pace of a quiet host. */
export const IDLE_MAX_MS = 8000;
export const RETRY_MAX_MS = 15_000;

export type RoundOutcome =
  | { kind: 'synced'; moved: number }
  | { kind: 'offline'; message: string }
  | { kind: 'refused'; message: string };

export interface Pacing {
  /** Failed rounds in a row (offline or refused); a synced round forgets them. */
  failures: number;
  /** When a round last moved anything (ms); null until one has. */
  lastChangeAt: number | null;
  /** The delay after the last quiet round past ACTIVE_MS: the next one doubles it. */
  quietDelayMs: number;
}

export const INITIAL_PACING: Pacing = { failures: 0, lastChangeAt: null, quietDelayMs: POLL_MS };

export function stateAfter(outcome: RoundOutcome): SyncState {
  return outcome.kind === 'synced' ? 'idle' : outcome.kind;
}

/**
 * Whether a local write runs the next round at once rather than when the timer says. While the
 * rounds succeed it does: what was written reaches the others within about a second. After a
 * failed round it does not, and the retry keeps its backoff: otherwise every write (an agent's
 * progress notes, seconds apart) would be one more login to a server refusing this password,
 * and a server that locks an account after failed logins (MySQL 8's FAILED_LOGIN_ATTEMPTS)
 * would lock out the whole team. The write waits in the outbox for the retry.
 */
export function isWokenByWrite(p: Pacing): boolean {
  return p.failures === 0;
}

/** The pacing after a round that ended at `now` (ms), and the delay before the next one. */
export function nextRound(p: Pacing, outcome: RoundOutcome, now: number): { pacing: Pacing; delayMs: number } {
  switch (outcome.kind) {
    case 'refused':
      return { pacing: { ...p, failures: p.failures + 1 }, delayMs: RETRY_MAX_MS };
    case 'offline': {
      const failures = p.failures + 1;
      return { pacing: { ...p, failures }, delayMs: Math.min(RETRY_MAX_MS, POLL_MS * 2 ** (failures - 1)) };
    }
    case 'synced': {
      // A host that just started counts as active: what others wrote while it was off comes in its first rounds.
      const lastChangeAt = outcome.moved > 0 ? now : (p.lastChangeAt ?? now);
      if (now - lastChangeAt < ACTIVE_MS) return { pacing: { failures: 0, lastChangeAt, quietDelayMs: POLL_MS }, delayMs: POLL_MS };
      const delayMs = Math.min(IDLE_MAX_MS, p.quietDelayMs * 2);
      return { pacing: { failures: 0, lastChangeAt, quietDelayMs: delayMs }, delayMs };
    }
  }
}
