import type { Notification } from '../../shared/notifications';

/**
 * How many notifications are shown, as a pure function of what was shown before and the
 * time (passed in, so tests need no clock): one of a kind per subject per cooldown (an
 * agent that waits again and again is told once a minute), and a cap on all of them per
 * window, so a storm of agents does not bury the operator. Critical ones (MAIN broke, the
 * ops loop gave up, a merge was rolled back) are never held back, but they count. What is
 * held back is still stored and listed, marked quiet.
 */
export const RateLimits = {
  /** One notification of a kind per subject in this long. */
  cooldownMs: 60_000,
  /** At most `maxShown` notifications in any `windowMs`. */
  maxShown: 6,
  windowMs: 60_000,
} as const;

export type RateLimitConfig = { cooldownMs: number; maxShown: number; windowMs: number };

export interface RateState {
  /** When each kind-and-subject was last shown (ms since epoch). */
  lastShown: ReadonlyMap<string, number>;
  /** When the notifications of the current window were shown, oldest first. */
  shownAt: readonly number[];
}

export const EMPTY_RATE_STATE: RateState = { lastShown: new Map(), shownAt: [] };

export interface RateInput {
  kind: Notification['kind'];
  severity: Notification['severity'];
  subject: string;
}

export function decideRate(state: RateState, n: RateInput, now: number, limits: RateLimitConfig = RateLimits): { state: RateState; show: boolean } {
  const key = `${n.kind} ${n.subject}`;
  const shownAt = state.shownAt.filter((t) => t > now - limits.windowMs);
  const last = state.lastShown.get(key);
  const cooling = last !== undefined && now - last < limits.cooldownMs;
  const show = n.severity === 'critical' || (!cooling && shownAt.length < limits.maxShown);
  if (!show) return { state: { ...state, shownAt }, show };
  // Forget subjects whose cooldown is over, so the map does not grow with every agent ever seen.
  const lastShown = new Map([...state.lastShown].filter(([, t]) => now - t < limits.cooldownMs)).set(key, now);
  return { state: { lastShown, shownAt: [...shownAt, now] }, show };
}
