import { describe, expect, it } from 'vitest';
import { ACTIVE_MS, IDLE_MAX_MS, INITIAL_PACING, isWokenByWrite, nextRound, POLL_MS, RETRY_MAX_MS, stateAfter, type Pacing, type RoundOutcome } from '../../../../src/host/sync/sync-rounds';

/**
 * The delays after a run of outcomes, from `from`, each round ending when the delay before it
 * ran out (a round itself takes no time here).
 */
function delaysAfter(outcomes: RoundOutcome[], from: Pacing = INITIAL_PACING, start = 0): { delays: number[]; pacing: Pacing; now: number } {
  let pacing = from;
  let now = start;
  const delays: number[] = [];
  for (const o of outcomes) {
    const r = nextRound(pacing, o, now);
    pacing = r.pacing;
    delays.push(r.delayMs);
    now += r.delayMs;
  }
  return { delays, pacing, now };
}
const quiet = (n: number): RoundOutcome[] => Array.from({ length: n }, () => ({ kind: 'synced' as const, moved: 0 }));

describe('sync pacing', () => {
  it('polls every POLL_MS while anything moved in the last ACTIVE_MS, then backs off to IDLE_MAX_MS', () => {
    const { delays } = delaysAfter([{ kind: 'synced', moved: 40 }, ...quiet(60)]);
    expect(POLL_MS).toBeLessThanOrEqual(1500);
    // ACTIVE_MS of rounds a second apart after the change…
    const fast = delays.findIndex((d) => d !== POLL_MS);
    expect(fast).toBe(ACTIVE_MS / POLL_MS);
    // …then each quiet round waits twice as long, up to the idle pace, and stays there.
    expect(delays.slice(fast, fast + 4)).toEqual([2 * POLL_MS, 4 * POLL_MS, IDLE_MAX_MS, IDLE_MAX_MS]);
    expect(new Set(delays.slice(fast + 2))).toEqual(new Set([IDLE_MAX_MS]));
    // A quiet host asks a few times a minute, not every second.
    expect(60_000 / IDLE_MAX_MS).toBeLessThanOrEqual(10);
  });

  it('is back to POLL_MS at the first round that moves something, here or on another host', () => {
    const idle = delaysAfter([{ kind: 'synced', moved: 1 }, ...quiet(50)]);
    expect(idle.delays.at(-1)).toBe(IDLE_MAX_MS);
    const woken = delaysAfter([{ kind: 'synced', moved: 3 }, ...quiet(5)], idle.pacing, idle.now);
    expect(woken.delays).toEqual(Array.from({ length: 6 }, () => POLL_MS));
  });

  it('a host that just started polls fast: what others wrote meanwhile comes in its first rounds', () => {
    const { delays } = delaysAfter(quiet(ACTIVE_MS / POLL_MS), INITIAL_PACING, 1_000_000);
    expect(new Set(delays)).toEqual(new Set([POLL_MS]));
  });

  it('retries an unreachable server with backoff, a refusal at the slowest pace, and forgets failures on success', () => {
    const down = { kind: 'offline' as const, message: 'down' };
    const { delays, pacing, now } = delaysAfter([down, down, down, down, down, down]);
    expect(delays).toEqual([1000, 2000, 4000, 8000, RETRY_MAX_MS, RETRY_MAX_MS]);
    expect(nextRound(pacing, { kind: 'refused', message: 'no' }, now).delayMs).toBe(RETRY_MAX_MS);
    expect(nextRound(INITIAL_PACING, { kind: 'refused', message: 'no' }, now).delayMs).toBe(RETRY_MAX_MS);
    const back = nextRound(pacing, { kind: 'synced', moved: 1 }, now);
    expect(back.delayMs).toBe(POLL_MS);
    expect(back.pacing.failures).toBe(0);
    // After a success, a new failure starts the backoff from 1 s again.
    expect(nextRound(back.pacing, down, now + POLL_MS).delayMs).toBe(1000);
  });

  it('a local write runs a round at once while rounds succeed, never while they fail: the backoff stands', () => {
    const down = { kind: 'offline' as const, message: 'down' };
    const refused = { kind: 'refused' as const, message: 'wrong password' };
    // A host that just started, or whose last round was in step, pushes a write at once.
    expect(isWokenByWrite(INITIAL_PACING)).toBe(true);
    expect(isWokenByWrite(delaysAfter([{ kind: 'synced', moved: 1 }, ...quiet(40)]).pacing)).toBe(true);
    // A refusal, or a server down, however long: the write waits for the retry the timer has.
    for (const run of [[refused], [refused, refused, refused], [down], [down, down, down, down, down, down], [{ kind: 'synced' as const, moved: 2 }, down]]) {
      expect(isWokenByWrite(delaysAfter(run).pacing)).toBe(false);
    }
    // The first round in step again makes writes prompt again.
    const back = delaysAfter([refused, down, { kind: 'synced', moved: 0 }]);
    expect(isWokenByWrite(back.pacing)).toBe(true);
  });

  it('maps a round to the state the operator sees', () => {
    expect(stateAfter({ kind: 'synced', moved: 0 })).toBe('idle');
    expect(stateAfter({ kind: 'offline', message: '' })).toBe('offline');
    expect(stateAfter({ kind: 'refused', message: '' })).toBe('refused');
  });
});
