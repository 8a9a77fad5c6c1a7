import { describe, expect, it } from 'vitest';
import { backoffFor, DEFAULT_RESTART, decideOnExit, NO_RESTARTS, type Supervision } from '../../../../src/host/terminals/supervision';

const running = (startedAt: number, generation = 1): Extract<Supervision, { kind: 'running' }> => ({ kind: 'running', generation, pid: 100, startedAt });
const exit = (at: number, code: number | null = 1, requested = false) => ({ code, signal: null, at, requested });

describe('supervision', () => {
  it('backs off 1 s, 2 s, 4 s … capped at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffFor(n, DEFAULT_RESTART))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('restarts an unstable crash after a growing delay, then gives up as fatal with an alert after 5', () => {
    let counters = NO_RESTARTS;
    let t = 0;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const d = decideOnExit(running(t), counters, exit(t + 100), 'on-failure');
      expect(d.restart).toBe(true);
      if (d.restart) delays.push(d.delayMs);
      counters = d.counters;
      t += 10_000;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    const last = decideOnExit(running(t), counters, exit(t + 100), 'on-failure');
    expect(last.next.kind).toBe('fatal');
    expect('alert' in last && last.alert).toContain('gave up after 5 restarts');
  });

  it('restarts at once after a run that had settled (10 minutes), resetting both counts', () => {
    const d = decideOnExit(running(0), { unstableRestarts: 4, restartsInARow: 6 }, exit(DEFAULT_RESTART.settledUptimeMs), 'on-failure');
    expect(d).toMatchObject({ restart: true, delayMs: 0, counters: { unstableRestarts: 0, restartsInARow: 0 } });
  });

  it('a run that fails each time a while after it starts (over the minimum uptime) is never fatal, but restarted less and less often, not at once for ever', () => {
    let counters = NO_RESTARTS;
    let t = 0;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = decideOnExit(running(t), counters, exit(t + DEFAULT_RESTART.minUptimeMs + 1000), 'on-failure');
      expect(d.restart, `restart ${i + 1}`).toBe(true);
      if (d.restart) delays.push(d.delayMs);
      counters = d.counters;
      t += 120_000;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(counters.unstableRestarts).toBe(0);
    // Once a run settles, the next crash restarts at once.
    expect(decideOnExit(running(t), counters, exit(t + DEFAULT_RESTART.settledUptimeMs + 1), 'on-failure')).toMatchObject({ delayMs: 0 });
  });

  it('backs off an unstable run even when settledUptimeMs is set below the minimum uptime', () => {
    const cfg = { ...DEFAULT_RESTART, settledUptimeMs: 1000 };
    const d = decideOnExit(running(0), NO_RESTARTS, exit(3000), 'on-failure', cfg);
    expect(d).toMatchObject({ restart: true, delayMs: 1000, counters: { unstableRestarts: 1, restartsInARow: 1 } });
  });

  it('follows the policy: never, on-failure, always', () => {
    expect(decideOnExit(running(0), NO_RESTARTS, exit(10_000, 1), 'never').next.kind).toBe('crashed');
    expect(decideOnExit(running(0), NO_RESTARTS, exit(10_000, 0), 'never').next.kind).toBe('exited');
    expect(decideOnExit(running(0), NO_RESTARTS, exit(10_000, 0), 'on-failure').next.kind).toBe('exited');
    expect(decideOnExit(running(0), NO_RESTARTS, exit(10_000, 0), 'always').restart).toBe(true);
  });

  it('never restarts an agent the operator stopped', () => {
    const stopping: Extract<Supervision, { kind: 'stopping' }> = { kind: 'stopping', generation: 1, pid: 100 };
    const d = decideOnExit(stopping, NO_RESTARTS, exit(100, null, true), 'always');
    expect(d.restart).toBe(false);
    expect(d.next.kind).toBe('exited');
  });

  it('gives the next run a new generation, so timers of the old run are ignored', () => {
    const d = decideOnExit(running(0, 7), NO_RESTARTS, exit(100), 'always');
    expect(d.next).toMatchObject({ kind: 'backoff', generation: 8 });
  });

  it('keeps the exit that led to a backoff, so it can be reported while the restart waits', () => {
    const d = decideOnExit(running(0), NO_RESTARTS, { code: null, signal: 9, at: 100, requested: false }, 'on-failure');
    expect(d.next).toMatchObject({ kind: 'backoff', code: null, signal: 9 });
  });
});
