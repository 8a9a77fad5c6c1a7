import { describe, expect, it } from 'vitest';
import { ReportLimiter } from '../../../../src/host/terminals/report-limiter';

describe('agents.report limiter', () => {
  it('lets a burst through, then as many a second as it earns back, per agent', () => {
    let t = 1_000_000;
    const limiter = new ReportLimiter({ burst: 3, perSecond: 2 }, () => t);
    const takes = (id: string, n: number): boolean[] => Array.from({ length: n }, () => limiter.take(id));
    expect(takes('a', 5)).toEqual([true, true, true, false, false]);
    // Another agent has its own bucket.
    expect(takes('b', 3)).toEqual([true, true, true]);
    t += 500; // one report earned back
    expect(takes('a', 2)).toEqual([true, false]);
    t += 60_000; // never more than the burst saved up
    expect(takes('a', 4)).toEqual([true, true, true, false]);
    limiter.forget('b');
    expect(takes('b', 1)).toEqual([true]);
  });
});
