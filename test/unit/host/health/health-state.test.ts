import { describe, expect, it } from 'vitest';
import { applyProbeResult, hasNewOutcome, incidentChange, initialMainHealth, reconcileProbes } from '../../../../src/host/health/health-state';
import { MainHealth, type ProbeResult, type ProbeSpec } from '../../../../src/shared/health';

/** MAIN's health state machine: every transition of a probe and of MAIN, and incidents. */

const boot: ProbeSpec = { name: 'boot', command: 'php artisan about' }; // threshold 2 (default)
const up: ProbeSpec = { name: 'up', http: { url: 'http://flower.test/up' }, failureThreshold: 1 };
const specs = [boot, up];

let clock = 0;
function result(probe: string, ok: boolean): ProbeResult {
  clock += 1000;
  return { probe, ok, at: new Date(clock).toISOString(), durationMs: 12, detail: ok ? 'exit 0' : 'exit 255', outputTail: ok ? '' : 'PHP Fatal error' };
}

/** Applies runs in order, each a probe name with + (passed) or - (failed): `boot+`, `up-`. */
function after(runs: string[], from = initialMainHealth(specs), with_ = specs): MainHealth {
  return runs.reduce((h, run) => applyProbeResult(h, result(run.slice(0, -1), run.endsWith('+')), with_), from);
}

const summary = (h: MainHealth) => [h.state, ...h.probes.map((p) => `${p.name}:${p.state}/${p.consecutiveFailures}`)].join(' ');

describe('MAIN health transitions', () => {
  it('starts unknown with every declared probe unknown and never run', () => {
    const h = initialMainHealth(specs);
    expect(MainHealth.parse(h)).toEqual(h);
    expect(summary(h)).toBe('unknown boot:unknown/0 up:unknown/0');
    expect(h.probes.every((p) => p.last === null)).toBe(true);
  });

  it('is unknown with no probes declared, whatever arrives', () => {
    expect(initialMainHealth([]).state).toBe('unknown');
    expect(applyProbeResult(initialMainHealth([]), result('boot', false), []).state).toBe('unknown');
  });

  it('stays unknown while some probe has never run and none failed', () => {
    expect(summary(after(['boot+']))).toBe('unknown boot:passing/0 up:unknown/0');
  });

  it('is healthy once every probe passed its latest run, and keeps the result', () => {
    const h = after(['boot+', 'up+']);
    expect(summary(h)).toBe('healthy boot:passing/0 up:passing/0');
    expect(h.probes[1]!.last).toMatchObject({ probe: 'up', ok: true });
  });

  it('is degraded when a probe fails below its threshold; the probe keeps its state', () => {
    expect(summary(after(['boot+', 'up+', 'boot-']))).toBe('degraded boot:passing/1 up:passing/0');
    expect(summary(after(['boot-']))).toBe('degraded boot:unknown/1 up:unknown/0'); // degraded wins over unknown
  });

  it('is broken once a probe failed threshold times in a row', () => {
    expect(summary(after(['boot+', 'up+', 'boot-', 'boot-']))).toBe('broken boot:failing/2 up:passing/0');
    expect(summary(after(['boot+', 'up+', 'boot-', 'boot-', 'boot-']))).toBe('broken boot:failing/3 up:passing/0');
  });

  it('is broken at once for a probe with threshold 1, even while another has never run', () => {
    expect(summary(after(['up-']))).toBe('broken boot:unknown/0 up:failing/1');
  });

  it('counts only consecutive failures: a pass in between resets the count', () => {
    expect(summary(after(['boot+', 'up+', 'boot-', 'boot+', 'boot-']))).toBe('degraded boot:passing/1 up:passing/0');
  });

  it('recovers with one passing run: broken to healthy', () => {
    expect(summary(after(['boot+', 'up+', 'boot-', 'boot-', 'boot+']))).toBe('healthy boot:passing/0 up:passing/0');
  });

  it('stays broken while another probe still fails', () => {
    expect(summary(after(['boot-', 'boot-', 'up-', 'boot+']))).toBe('broken boot:passing/0 up:failing/1');
  });

  it('goes from broken to degraded when the failing probe passes but another failed below threshold', () => {
    expect(summary(after(['boot+', 'boot-', 'up-', 'up+']))).toBe('degraded boot:passing/1 up:passing/0');
  });

  it('ignores a result for a probe that is no longer declared', () => {
    const h = after(['boot+', 'up+']);
    expect(applyProbeResult(h, result('gone', false), specs)).toBe(h);
    expect(applyProbeResult(h, result('up', false), [boot])).toBe(h); // up removed from the config while it ran
  });

  it('does not change the previous state (pure)', () => {
    const h = after(['boot+', 'up+']);
    const copy = structuredClone(h);
    after(['boot-', 'boot-'], h);
    expect(h).toEqual(copy);
  });
});

describe('reconcileProbes: grove.yaml changed', () => {
  it('keeps history of probes still declared, adds new ones unknown, drops removed ones', () => {
    const h = after(['boot+', 'up-']);
    const migrate: ProbeSpec = { name: 'migrations', command: 'php artisan migrate:status' };
    expect(summary(reconcileProbes(h, [boot, migrate]))).toBe('unknown boot:passing/0 migrations:unknown/0');
  });

  it('judges kept failures against the new threshold', () => {
    const h = after(['boot+', 'up+', 'boot-']);
    expect(summary(reconcileProbes(h, [{ ...boot, failureThreshold: 1 }, up]))).toBe('broken boot:failing/1 up:passing/0');
    const broken = after(['boot-', 'boot-', 'up+']);
    expect(summary(reconcileProbes(broken, [{ ...boot, failureThreshold: 5 }, up]))).toBe('degraded boot:unknown/2 up:passing/0');
  });
});

describe('incidents', () => {
  const healthy = after(['boot+', 'up+']);
  const degraded = after(['boot-'], healthy);
  const broken = after(['boot-'], degraded);
  const stillBroken = after(['boot-'], broken);
  const recovered = after(['boot+'], stillBroken);

  it('starts when MAIN enters broken, from any other state, and only then', () => {
    // With no incident open (MAIN was not broken before).
    expect(incidentChange(degraded, broken, false)).toBe('open');
    expect(incidentChange(initialMainHealth(specs), after(['up-']), false)).toBe('open');
    expect(incidentChange(healthy, degraded, false)).toBe(null);
    // With the incident open since MAIN broke.
    expect(incidentChange(broken, stillBroken, true)).not.toBe('open');
    expect(incidentChange(stillBroken, recovered, true)).not.toBe('open');
  });

  it('ends when MAIN leaves broken, and only then', () => {
    expect(incidentChange(stillBroken, recovered, true)).toBe('close');
    expect(incidentChange(broken, reconcileProbes(broken, [up]), true)).toBe('close'); // the failing probe was removed
    expect(incidentChange(broken, stillBroken, true)).not.toBe('close');
    expect(incidentChange(degraded, broken, false)).not.toBe('close');
    expect(incidentChange(healthy, degraded, false)).not.toBe('close');
  });

  it('one incident per run of failures: a sequence of runs opens and closes exactly once', () => {
    const runs = ['boot+', 'up+', 'boot-', 'boot-', 'boot-', 'up-', 'boot+', 'up+', 'up+'];
    let h = initialMainHealth(specs);
    let starts = 0;
    let ends = 0;
    let open = false;
    for (const run of runs) {
      const next = after([run], h);
      const change = incidentChange(h, next, open);
      if (change === 'open') starts++;
      if (change === 'close') ends++;
      if (change !== null) open = change === 'open';
      h = next;
    }
    expect([starts, ends, h.state]).toEqual([1, 1, 'healthy']);
  });

  it('opens one incident and closes it, judged with the incident log', () => {
    expect(incidentChange(degraded, broken, false)).toBe('open');
    expect(incidentChange(broken, stillBroken, true)).toBe(null);
    expect(incidentChange(stillBroken, recovered, true)).toBe('close');
    expect(incidentChange(broken, reconcileProbes(broken, [up]), true)).toBe('close'); // the failing probe was removed
    expect(incidentChange(healthy, degraded, false)).toBe(null);
  });

  it('after a host restart while MAIN is broken: keeps the open incident, and closes it once every probe passes', () => {
    const restarted = initialMainHealth(specs);
    expect(incidentChange(restarted, after(['up-'], restarted), true)).toBe(null); // broken again: same incident
    expect(incidentChange(restarted, after(['boot+'], restarted), true)).toBe(null); // unknown: up has not run yet
    expect(incidentChange(after(['boot+'], restarted), after(['boot+', 'up+'], restarted), true)).toBe('close'); // healthy
    expect(incidentChange(restarted, after(['boot-'], restarted), true)).toBe(null); // degraded: the first failure of a MAIN still broken
  });

  it('never closes what is not open, nor opens a second', () => {
    expect(incidentChange(stillBroken, recovered, false)).toBe(null);
    expect(incidentChange(degraded, broken, true)).toBe(null);
  });
});

describe('hasNewOutcome: which runs are news (a health.updated event)', () => {
  it('a healthy MAIN passing again is not; the first pass, a failure, each further failure and a recovery are', () => {
    const healthy = after(['boot+', 'up+']);
    expect(hasNewOutcome(after(['boot+']), healthy)).toBe(true);
    expect(hasNewOutcome(healthy, after(['boot+'], healthy))).toBe(false);
    const once = after(['boot-'], healthy);
    expect(hasNewOutcome(healthy, once)).toBe(true);
    const twice = after(['boot-'], once);
    expect(hasNewOutcome(once, twice)).toBe(true);
    expect(hasNewOutcome(twice, after(['boot+'], twice))).toBe(true);
  });
});
