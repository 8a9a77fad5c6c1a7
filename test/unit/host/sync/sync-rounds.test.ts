import { describe, expect, it } from 'vitest';
import { afterLocalWrite, BUSY_MS, IDLE_MS, INITIAL_PACING, nextRound, RECENT_MS, stateAfter } from '../../../../src/host/sync/sync-rounds';

describe('sync pacing', () => {
  it('polls about every second while things move, then backs off to the idle pace', () => {
    let p = INITIAL_PACING;
    let t = 1_000_000;
    let r = nextRound(p, { kind: 'synced', moved: 3 }, t);
    expect(r.delayMs).toBe(BUSY_MS);
    p = r.pacing;
    // Quiet rounds within RECENT_MS of the change stay busy.
    t += RECENT_MS - 1;
    r = nextRound(p, { kind: 'synced', moved: 0 }, t);
    expect(r.delayMs).toBe(BUSY_MS);
    p = r.pacing;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      t += 10_000;
      r = nextRound(p, { kind: 'synced', moved: 0 }, t);
      p = r.pacing;
      delays.push(r.delayMs);
    }
    expect(delays).toEqual([2000, 4000, 8000, IDLE_MS, IDLE_MS, IDLE_MS]);
    // A local write brings the busy pace back.
    p = afterLocalWrite(p, t);
    expect(nextRound(p, { kind: 'synced', moved: 0 }, t + 10).delayMs).toBe(BUSY_MS);
  });

  it('retries an unreachable server with backoff, a refusal at the idle pace, and forgets failures on success', () => {
    let p = INITIAL_PACING;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = nextRound(p, { kind: 'offline', message: 'down' }, 0);
      p = r.pacing;
      delays.push(r.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, IDLE_MS, IDLE_MS]);
    expect(nextRound(p, { kind: 'refused', message: 'no' }, 0).delayMs).toBe(IDLE_MS);
    expect(nextRound(p, { kind: 'synced', moved: 1 }, 0).pacing.failures).toBe(0);
  });

  it('maps a round to the state the operator sees', () => {
    expect(stateAfter({ kind: 'synced', moved: 0 })).toBe('idle');
    expect(stateAfter({ kind: 'offline', message: '' })).toBe('offline');
    expect(stateAfter({ kind: 'refused', message: '' })).toBe('refused');
  });
});
