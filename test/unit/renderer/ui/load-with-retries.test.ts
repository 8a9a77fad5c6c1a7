import { describe, expect, it } from 'vitest';
import { loadWithRetries } from '../../../../src/renderer/ui/load-with-retries';

describe('loading a part of the page', () => {
  const noSleep = (slept: number[]) => (ms: number) => (slept.push(ms), Promise.resolve());
  it('retries a failed load, waiting longer each time, and gives the part once it loads', async () => {
    let calls = 0;
    const slept: number[] = [];
    const part = await loadWithRetries(() => (++calls < 3 ? Promise.reject(new Error('connection reset')) : Promise.resolve('view')), [10, 20, 40], noSleep(slept));
    expect(part).toBe('view');
    expect(calls).toBe(3);
    expect(slept).toEqual([10, 20]);
  });
  it('gives up after the last retry with the load\'s own error', async () => {
    const slept: number[] = [];
    await expect(loadWithRetries(() => Promise.reject(new Error('host down')), [10, 20], noSleep(slept))).rejects.toThrow('host down');
    expect(slept).toEqual([10, 20]);
  });
});
