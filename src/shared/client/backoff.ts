/**
 * Reconnect delays: start small (a local host restarts in well under a second), double,
 * cap low enough that a UI never waits long after the host is back.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 2000 };

export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const exp = policy.initialMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, exp);
}
