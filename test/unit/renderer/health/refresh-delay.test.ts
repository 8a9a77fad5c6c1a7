import { describe, expect, it } from 'vitest';
import { refreshDelay } from '../../../../src/renderer/health/refresh-delay';

describe('refreshDelay', () => {
  it('fetches at once the first time and after a quiet gap, else when the gap is over', () => {
    expect(refreshDelay(null, 1000, 3000)).toBe(0);
    expect(refreshDelay(1000, 5000, 3000)).toBe(0);
    expect(refreshDelay(1000, 2000, 3000)).toBe(2000);
  });
});
