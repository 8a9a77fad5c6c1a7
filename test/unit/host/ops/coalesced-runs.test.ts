import { describe, expect, it } from 'vitest';
import { CoalescedRuns } from '../../../../src/host/ops/coalesced-runs';

/** A run the test finishes by hand. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('CoalescedRuns', () => {
  it('folds a burst during a run into exactly one more run, which every request waits for', async () => {
    const runs = new CoalescedRuns(() => undefined);
    const gates = [gate(), gate()];
    let started = 0;
    const work = async (): Promise<void> => {
      await gates[started++]!.wait;
    };
    const first = runs.request('r1', work);
    await Promise.resolve();
    await Promise.resolve();
    const burst = [runs.request('r1', work), runs.request('r1', work), runs.request('r1', work)];
    gates[0]!.open();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toBe(2);
    gates[1]!.open();
    await Promise.all([first, ...burst]);
    expect(started).toBe(2);
  });

  it('runs different keys side by side and reports a failed run without stopping the next', async () => {
    const errors: string[] = [];
    const runs = new CoalescedRuns((key, e) => errors.push(`${key}: ${(e as Error).message}`));
    const seen: string[] = [];
    await Promise.all([
      runs.request('a', async () => {
        seen.push('a');
        throw new Error('git failed');
      }),
      runs.request('b', async () => void seen.push('b')),
    ]);
    await runs.request('a', async () => void seen.push('a again'));
    expect(seen).toEqual(['a', 'b', 'a again']);
    expect(errors).toEqual(['a: git failed']);
  });
});
