import { describe, expect, it } from 'vitest';
import { nextRunDelayMs } from '../../../../src/host/health/probe-schedule';
import type { ProbeHealth } from '../../../../src/shared/health';

/** When a probe runs again: its interval, or soon while it fails below its threshold. */

const probe = (consecutiveFailures: number, state: ProbeHealth['state'] = 'passing'): ProbeHealth => ({ name: 'artisan', state, consecutiveFailures, last: null });
const hourly = { intervalMs: 3_600_000, failureThreshold: 2, debounceMs: 200 };

describe('probe schedule', () => {
  it('waits the interval after a pass', () => {
    expect(nextRunDelayMs(probe(0), hourly)).toBe(3_600_000);
  });

  it('retries soon after a failure below the threshold: the debounce, but at least a second', () => {
    expect(nextRunDelayMs(probe(1), hourly)).toBe(1000);
    expect(nextRunDelayMs(probe(1), { ...hourly, debounceMs: 5000 })).toBe(5000);
    expect(nextRunDelayMs(probe(2), { ...hourly, failureThreshold: 5 })).toBe(1000);
  });

  it('goes back to the interval once the probe is failing (MAIN is broken; no need to hurry)', () => {
    expect(nextRunDelayMs(probe(2, 'failing'), hourly)).toBe(3_600_000);
    expect(nextRunDelayMs(probe(1, 'failing'), { ...hourly, failureThreshold: 1 })).toBe(3_600_000);
  });

  it('never waits longer than the interval to retry', () => {
    expect(nextRunDelayMs(probe(1), { intervalMs: 2000, failureThreshold: 3, debounceMs: 10_000 })).toBe(2000);
  });

  it('waits the interval for a probe it does not know (removed from grove.yaml meanwhile)', () => {
    expect(nextRunDelayMs(undefined, hourly)).toBe(3_600_000);
  });
});
