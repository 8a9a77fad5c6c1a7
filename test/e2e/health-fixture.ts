import { ARTISAN_COMMAND, startHostWithProbedRepo, type ProbedHost } from '../fixtures/probed-repo';

/**
 * The host the browser stories of MAIN's health share (health.spec.ts, notifications.spec.ts):
 * flower, whose artisan probe fails at once while BROKEN is in MAIN, and a merge gate that
 * checks something else, so a bad merge lands and the probe must notice.
 */
export function startHostWithFlower(): Promise<ProbedHost> {
  return startHostWithProbedRepo({
    merge: { gate: 'true' },
    health: { debounceMs: 200, probes: [{ name: 'artisan', command: ARTISAN_COMMAND, failureThreshold: 1 }] },
  });
}
