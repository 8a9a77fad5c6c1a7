import { describe, expect, it } from 'vitest';
import { timeKeystrokes } from '../../../bench/harness-keystrokes';

describe('keystroke timings under flood (bench/terminals.ts (d))', () => {
  it('keeps only keystrokes sent and echoed while the floods ran, and stops typing once they ended', async () => {
    let clock = 0;
    // The floods end at t = 25; each echo takes 10 (keystroke i is sent at 10·i).
    const floodsRun = (): boolean => clock < 25;
    const typed: number[] = [];
    const timings = await timeKeystrokes({
      count: 200,
      within: floodsRun,
      now: () => clock,
      pause: () => Promise.resolve(),
      type: (i) => {
        typed.push(i);
        clock += 10;
        return Promise.resolve();
      },
    });
    // Keys 0 and 1 were echoed at 10 and 20, under flood; key 2, sent at 20, echoed at 30 after it.
    expect(timings).toEqual({ ms: [10, 10], during: 2, dropped: 1 });
    expect(typed).toEqual([0, 1, 2]);
  });
});
