import type { SyncState } from '../../shared/sync';

/**
 * When the next round runs and what state a round's outcome leaves, kept pure so the polling
 * and backoff are tested in milliseconds (test/unit/host/sync/sync-rounds.test.ts).
 *
 * Polling: a round every POLL_MS while the server answers, busy or idle. What keeps that cheap
 * is the round itself (sync-service.ts): with nothing to push, it asks one indexed question
 * (has the shared `entry_seq` counter moved past this host's cursor?) and pulls only if so.
 * Measured (`npm run bench -- sync`, docs/sync.md): an idle host costs about one query per
 * POLL_MS on the server and a small fraction of a percent of a core, while another host's
 * entry shows here within POLL_MS plus a round trip. A slower idle pace (the 15 s it once
 * backed off to) saves a query a second but leaves a quiet host 15 s behind, which the
 * p99 ≤ 2 s visibility target rules out. A local write does not wait for the timer: it wakes
 * the loop at once.
 *
 * A failed round retries after 1 s, doubling to RETRY_MAX_MS; a refusal (wrong password,
 * newer schema) is retried at RETRY_MAX_MS only, as a person must fix it first.
 */
export const POLL_MS = 1000;
export const RETRY_MAX_MS = 15_000;

export type RoundOutcome =
  | { kind: 'synced'; moved: number }
  | { kind: 'offline'; message: string }
  | { kind: 'refused'; message: string };

export interface Pacing {
  /** Failed rounds in a row (offline or refused); a synced round forgets them. */
  failures: number;
}

export const INITIAL_PACING: Pacing = { failures: 0 };

export function stateAfter(outcome: RoundOutcome): SyncState {
  return outcome.kind === 'synced' ? 'idle' : outcome.kind;
}

/** The pacing after a round and the delay before the next one. */
export function nextRound(p: Pacing, outcome: RoundOutcome): { pacing: Pacing; delayMs: number } {
  switch (outcome.kind) {
    case 'refused':
      return { pacing: { failures: p.failures + 1 }, delayMs: RETRY_MAX_MS };
    case 'offline': {
      const failures = p.failures + 1;
      return { pacing: { failures }, delayMs: Math.min(RETRY_MAX_MS, POLL_MS * 2 ** (failures - 1)) };
    }
    case 'synced':
      return { pacing: { failures: 0 }, delayMs: POLL_MS };
  }
}
