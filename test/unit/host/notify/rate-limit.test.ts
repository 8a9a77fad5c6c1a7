import { describe, expect, it } from 'vitest';
import { decideRate, EMPTY_RATE_STATE, RateLimits, type RateInput, type RateState } from '../../../../src/host/notify/rate-limit';

/** The rate limit with a hand-driven clock: per-subject cooldown, the global cap, critical ones. */
const waiting = (agent: string): RateInput => ({ kind: 'agent.waiting', severity: 'info', subject: `agent:${agent}` });
const broken: RateInput = { kind: 'main.broken', severity: 'critical', subject: 'repo:r1' };

/** Offers each [input, at ms] in order; returns which were shown. */
function offer(items: [RateInput, number][], state: RateState = EMPTY_RATE_STATE): boolean[] {
  return items.map(([input, at]) => {
    const d = decideRate(state, input, at);
    state = d.state;
    return d.show;
  });
}

describe('rate limit', () => {
  it('shows one of a kind per subject per cooldown', () => {
    const cooldown = RateLimits.cooldownMs;
    expect(offer([[waiting('a'), 0], [waiting('a'), 1000], [waiting('b'), 1000], [waiting('a'), cooldown - 1], [waiting('a'), cooldown]])).toEqual([true, false, true, false, true]);
  });

  it('a held-back one does not restart the cooldown', () => {
    const cooldown = RateLimits.cooldownMs;
    expect(offer([[waiting('a'), 0], [waiting('a'), cooldown - 10], [waiting('a'), cooldown + 10]])).toEqual([true, false, true]);
  });

  it('kinds do not share a cooldown: waiting, then context, of one agent both show', () => {
    expect(offer([[waiting('a'), 0], [{ kind: 'agent.context', severity: 'warning', subject: 'agent:a' }, 1]])).toEqual([true, true]);
  });

  it('caps all notifications per window, and shows again once the window moved on', () => {
    const seven = Array.from({ length: 7 }, (_, i): [RateInput, number] => [waiting(`a${i}`), i * 100]);
    expect(offer([...seven, [waiting('late'), RateLimits.windowMs + 1]])).toEqual([true, true, true, true, true, true, false, true]);
  });

  it('never holds back a critical one, even over the cap or twice for one subject, but counts it', () => {
    const six = Array.from({ length: 6 }, (_, i): [RateInput, number] => [waiting(`a${i}`), i]);
    expect(offer([...six, [broken, 10], [broken, 11]])).toEqual([true, true, true, true, true, true, true, true]);
    // Critical ones fill the window like any other: the next plain one waits.
    expect(offer([...Array.from({ length: 6 }, (_, i): [RateInput, number] => [broken, i]), [waiting('x'), 10]])).toEqual([true, true, true, true, true, true, false]);
  });
});
