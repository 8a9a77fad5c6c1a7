import { describe, expect, it } from 'vitest';

import { contextFraction, contextWindowOf } from '../../../../../src/host/terminals/context/context-window';

describe('contextWindowOf', () => {
  it('gives Claude models and unknown ones 200K', () => {
    expect(contextWindowOf('claude-sonnet-4-5-20250929')).toBe(200_000);
    expect(contextWindowOf('claude-opus-4-1')).toBe(200_000);
    expect(contextWindowOf('some-new-model')).toBe(200_000);
    expect(contextWindowOf(null)).toBe(200_000);
  });

  it('gives 1M-context variants 1M', () => {
    expect(contextWindowOf('claude-sonnet-4-5[1m]')).toBe(1_000_000);
    expect(contextWindowOf('sonnet[1M]')).toBe(1_000_000);
    expect(contextWindowOf('claude-sonnet-4-1m')).toBe(1_000_000);
  });

  it('does not mistake a 1m inside a longer word for the variant', () => {
    expect(contextWindowOf('claude-sonnet-4-5-20251m0')).toBe(200_000);
    expect(contextWindowOf('gpt-41mini')).toBe(200_000);
  });
});

describe('contextFraction', () => {
  it('is the share of the window in use, kept between 0 and 1', () => {
    expect(contextFraction(50_000, 200_000)).toBe(0.25);
    expect(contextFraction(0, 200_000)).toBe(0);
    expect(contextFraction(250_000, 200_000)).toBe(1);
    expect(contextFraction(-5, 200_000)).toBe(0);
    expect(contextFraction(10, 0)).toBe(0);
  });
});
