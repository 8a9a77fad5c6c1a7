import type { SyncState } from '../../shared/sync';

/**
 * When the next round runs and what state a round's outcome leaves, kept pure so the polling
 * and backoff are tested in milliseconds (test/unit/host/sync/sync-rounds.test.ts).
 *
 * Polling adapts: about BUSY_MS while anything changed recently (a local write or pulled
 * entries within RECENT_MS), then doubling up to IDLE_MS when nothing moves. A failed round
 * retries after 1 s, doubling to IDLE_MS; a refusal (wrong password, newer schema) is retried
 * at IDLE_MS only, as a person must fix it first.
 */
export const BUSY_MS = 1000;
export const IDLE_MS = 15_000;
export const RECENT_MS = 30_000;

export type RoundOutcome =
  | { kind: 'synced'; moved: number }
  | { kind: 'offline'; message: string }
  | { kind: 'refused'; message: string };

export interface Pacing {
  /** The delay used after the last quiet round (grows while nothing moves). */
  quietDelay: number;
  failures: number;
  lastChangeAt: number;
}

export const INITIAL_PACING: Pacing = { quietDelay: BUSY_MS, failures: 0, lastChangeAt: 0 };

export function stateAfter(outcome: RoundOutcome): SyncState {
  return outcome.kind === 'synced' ? 'idle' : outcome.kind;
}

/** The pacing after a round and the delay before the next one. */
export function nextRound(p: Pacing, outcome: RoundOutcome, now: number): { pacing: Pacing; delayMs: number } {
  switch (outcome.kind) {
    case 'refused':
      return { pacing: { ...p, failures: p.failures + 1 }, delayMs: IDLE_MS };
    case 'offline': {
      const failures = p.failures + 1;
      return { pacing: { ...p, failures }, delayMs: Math.min(IDLE_MS, BUSY_MS * 2 ** (failures - 1)) };
    }
    case 'synced': {
      const lastChangeAt = outcome.moved > 0 ? now : p.lastChangeAt;
      const recent = now - lastChangeAt < RECENT_MS;
      const quietDelay = recent ? BUSY_MS : Math.min(IDLE_MS, p.quietDelay * 2);
      return { pacing: { quietDelay, failures: 0, lastChangeAt }, delayMs: quietDelay };
    }
  }
}

/** A local write: the next round soon, and busy pacing for a while. */
export function afterLocalWrite(p: Pacing, now: number): Pacing {
  return { ...p, quietDelay: BUSY_MS, lastChangeAt: now };
}
