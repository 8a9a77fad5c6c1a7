import { describe, expect, it } from 'vitest';
import { INITIAL_PACING, nextRound, POLL_MS, RETRY_MAX_MS, stateAfter, type Pacing } from '../../../../src/host/sync/sync-rounds';

/** The delays after a run of outcomes, from `from`. */
function delaysAfter(outcomes: Parameters<typeof nextRound>[1][], from: Pacing = INITIAL_PACING): { delays: number[]; pacing: Pacing } {
  let pacing = from;
  const delays: number[] = [];
  for (const o of outcomes) {
    const r = nextRound(pacing, o);
    pacing = r.pacing;
    delays.push(r.delayMs);
  }
  return { delays, pacing };
}

describe('sync pacing', () => {
  it('polls every POLL_MS whether things move or not, so a quiet host still sees others within about a second', () => {
    const quiet = Array.from({ length: 100 }, () => ({ kind: 'synced' as const, moved: 0 }));
    const { delays } = delaysAfter([{ kind: 'synced', moved: 40 }, ...quiet]);
    expect(POLL_MS).toBeLessThanOrEqual(1500);
    expect(new Set(delays)).toEqual(new Set([POLL_MS]));
  });

  it('retries an unreachable server with backoff, a refusal at the slowest pace, and forgets failures on success', () => {
    const down = { kind: 'offline' as const, message: 'down' };
    const { delays, pacing } = delaysAfter([down, down, down, down, down, down]);
    expect(delays).toEqual([1000, 2000, 4000, 8000, RETRY_MAX_MS, RETRY_MAX_MS]);
    expect(nextRound(pacing, { kind: 'refused', message: 'no' }).delayMs).toBe(RETRY_MAX_MS);
    expect(nextRound(INITIAL_PACING, { kind: 'refused', message: 'no' }).delayMs).toBe(RETRY_MAX_MS);
    const back = nextRound(pacing, { kind: 'synced', moved: 1 });
    expect(back).toEqual({ pacing: { failures: 0 }, delayMs: POLL_MS });
    // After a success, a new failure starts the backoff from 1 s again.
    expect(nextRound(back.pacing, down).delayMs).toBe(1000);
  });

  it('maps a round to the state the operator sees', () => {
    expect(stateAfter({ kind: 'synced', moved: 0 })).toBe('idle');
    expect(stateAfter({ kind: 'offline', message: '' })).toBe('offline');
    expect(stateAfter({ kind: 'refused', message: '' })).toBe('refused');
  });
});
