import type { ProbeHealth } from '../../shared/health';

/**
 * When a probe runs again after a run. Normally its interval; but a probe that failed fewer
 * times in a row than its `failureThreshold` is retried soon — after the debounce, at least
 * RETRY_MIN_MS — so that a bad merge turns MAIN broken within seconds rather than one
 * interval per missing failure. One slow run still does not break MAIN: the retry must
 * fail too. Pure; the monitor owns the timers.
 */
export const RETRY_MIN_MS = 1000;

export function nextRunDelayMs(after: ProbeHealth | undefined, o: { intervalMs: number; failureThreshold: number; debounceMs: number }): number {
  const isBelowThreshold = after !== undefined && after.consecutiveFailures > 0 && after.consecutiveFailures < o.failureThreshold;
  return isBelowThreshold ? Math.min(o.intervalMs, Math.max(o.debounceMs, RETRY_MIN_MS)) : o.intervalMs;
}
