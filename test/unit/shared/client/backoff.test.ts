import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../src/shared/client/backoff';

describe('reconnect backoff', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const p = { initialMs: 100, maxMs: 2000 };
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(p, a))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });
});
