import { probeSettings, type MainHealth, type MainHealthState, type ProbeHealth, type ProbeResult, type ProbeSpec } from '../../shared/health';

/**
 * MAIN's health as a pure state machine: a probe's result in, the next MainHealth out. No
 * clock, no I/O; the scheduler that runs the probes and the store that keeps incidents sit
 * around it. An incident is the time MAIN spends broken, so "one notification per incident"
 * is `incidentChange` on consecutive states, never per probe run, knowing whether the log
 * holds an open incident (one left open by a previous host included).
 *
 * A probe counts as failing once its latest `failureThreshold` runs all failed (one slow
 * run does not break MAIN); below that its state stays what it was (passing, or unknown if
 * it never passed) and MAIN is degraded. One passing run resets it.
 */

/** Every declared probe, none run yet. */
export function initialMainHealth(specs: readonly ProbeSpec[]): MainHealth {
  return withState(specs.map((s) => ({ name: s.name, state: 'unknown', consecutiveFailures: 0, last: null })));
}

/**
 * The next health after `result`. A result for a probe no longer declared (the config
 * changed while it ran) changes nothing.
 */
export function applyProbeResult(prev: MainHealth, result: ProbeResult, specs: readonly ProbeSpec[]): MainHealth {
  const spec = specs.find((s) => s.name === result.probe);
  const index = prev.probes.findIndex((p) => p.name === result.probe);
  if (!spec || index === -1) return prev;
  const probes = [...prev.probes];
  probes[index] = nextProbeHealth(probes[index]!, result, probeSettings(spec).failureThreshold);
  // An invalid grove.yaml stays said until it is fixed (reconcileProbes, with a valid one).
  return prev.configProblems ? { ...withState(probes), configProblems: prev.configProblems } : withState(probes);
}

/**
 * The health after grove.yaml changed: probes still declared keep their history (judged
 * against their threshold as it is now), new ones start unknown, removed ones are dropped.
 */
export function reconcileProbes(prev: MainHealth, specs: readonly ProbeSpec[]): MainHealth {
  const probes = specs.map((spec): ProbeHealth => {
    const known = prev.probes.find((p) => p.name === spec.name);
    if (!known) return { name: spec.name, state: 'unknown', consecutiveFailures: 0, last: null };
    const threshold = probeSettings(spec).failureThreshold;
    if (known.consecutiveFailures >= threshold) return { ...known, state: 'failing' };
    if (known.state === 'failing') return { ...known, state: 'unknown' }; // the threshold rose: no longer failing, not passing either
    return known;
  });
  return withState(probes);
}

function nextProbeHealth(prev: ProbeHealth, result: ProbeResult, failureThreshold: number): ProbeHealth {
  if (result.ok) return { name: prev.name, state: 'passing', consecutiveFailures: 0, last: result };
  const consecutiveFailures = prev.consecutiveFailures + 1;
  const state = consecutiveFailures >= failureThreshold ? 'failing' : prev.state;
  return { name: prev.name, state, consecutiveFailures, last: result };
}

function withState(probes: ProbeHealth[]): MainHealth {
  return { state: mainStateOf(probes), probes };
}

export function mainStateOf(probes: readonly ProbeHealth[]): MainHealthState {
  if (probes.some((p) => p.state === 'failing')) return 'broken';
  if (probes.some((p) => p.last !== null && !p.last.ok)) return 'degraded';
  if (probes.length === 0 || probes.some((p) => p.last === null)) return 'unknown';
  return 'healthy';
}

/**
 * What MAIN's new health means for its incident log, given whether an incident is open.
 * Broken with none open opens one. With one open, MAIN no longer broken closes it: right
 * after a broken state, or — after a host restart, when the state starts from unknown — once
 * every probe passed (healthy). A first failure after a restart (degraded) is no sign of
 * recovery: it is how a MAIN that is still broken looks before the threshold. A host restart
 * while MAIN stays broken therefore keeps the one incident instead of opening a second.
 */
export function incidentChange(prev: MainHealth, next: MainHealth, hasOpenIncident: boolean): 'open' | 'close' | null {
  if (next.state === 'broken') return hasOpenIncident ? null : 'open';
  if (!hasOpenIncident) return null;
  return prev.state === 'broken' || next.state === 'healthy' ? 'close' : null;
}

/**
 * Whether `next` says something `prev` did not: a state, a failure count, a result that
 * passed or failed differently. A passing probe that passes again (only its run time and
 * duration differ) is no news, so a healthy MAIN costs no event per probe run.
 */
export function hasNewOutcome(prev: MainHealth, next: MainHealth): boolean {
  const outcome = (h: MainHealth): string =>
    JSON.stringify([h.state, h.configProblems ?? null, h.probes.map((p) => [p.name, p.state, p.consecutiveFailures, p.last?.ok ?? null, p.last?.detail ?? null, p.last?.ok === false ? p.last.outputTail : null])]);
  return outcome(prev) !== outcome(next);
}

/** The probes whose latest run failed, those past their threshold first. */
export function failedProbes(h: MainHealth): MainHealth['probes'] {
  const failed = h.probes.filter((p) => p.last !== null && !p.last.ok);
  return [...failed.filter((p) => p.state === 'failing'), ...failed.filter((p) => p.state !== 'failing')];
}
