import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { approxTokens, cutString, fitJson, MAX_RESULT_CHARS, MAX_RESULT_TOKENS } from '../../../../src/host/mcp/bounded-result';

const size = (v: unknown) => JSON.stringify(v).length;

describe('fitJson', () => {
  it('leaves a value that fits as it is', () => {
    const value = { briefs: [{ ref: '#1', title: 'Petals' }], next_cursor: null };
    expect(fitJson(value, 1000)).toEqual({ value, notes: [], cut: false });
  });

  it('cuts the longest string just enough, and says how much it left out', () => {
    const fitted = fitJson({ ref: '#1', text: 'x'.repeat(10_000), other: 'short' }, 2000);
    expect(size(fitted.value)).toBeLessThanOrEqual(2000);
    expect(fitted.value.other).toBe('short');
    expect(fitted.value.text).toMatch(/^x+… \[[\d,]+ more characters\]$/);
    // Cut just enough: most of the room is still used.
    expect(size(fitted.value)).toBeGreaterThan(1800);
    expect(fitted).toMatchObject({ notes: [], cut: true });
  });

  it('shortens the longest list from its end when strings are already short, naming what it left out', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ id: `entry-${i}`, text: 'y'.repeat(150) }));
    const fitted = fitJson({ entries }, 5000, 'page with cursor');
    expect(size(fitted.value)).toBeLessThanOrEqual(5000);
    const kept = fitted.value.entries.length;
    expect(fitted.value.entries).toEqual(entries.slice(0, kept));
    // As many as fit: one more would not.
    expect(size({ entries: entries.slice(0, kept + 1) })).toBeGreaterThan(5000);
    expect(fitted.notes).toEqual([`entries: ${kept} of 100 shown, … ${100 - kept} more, page with cursor`]);
  });

  it('does not change its input', () => {
    const value = { text: 'z'.repeat(5000), list: Array.from({ length: 50 }, (_, i) => i) };
    const copy = JSON.parse(JSON.stringify(value)) as typeof value;
    fitJson(value, 300);
    expect(value).toEqual(copy);
  });

  it('fits any JSON, or has nothing left to cut: every list empty, every string short (property)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ maxDepth: 4 }, fc.string({ maxLength: 3000 }), fc.string({ minLength: 2000, maxLength: 6000 }), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 30 }),
      object: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 6 }),
    })).object;
    fc.assert(
      fc.property(json, fc.integer({ min: 1000, max: 20_000 }), (value, max) => {
        const fitted = fitJson(value, max);
        if (size(fitted.value) <= max) return;
        expect(leaves(fitted.value).every((x) => (Array.isArray(x) ? x.length === 0 : typeof x !== 'string' || x.length <= 240))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

/** Every list and every non-container value in V. */
function leaves(v: unknown): unknown[] {
  if (Array.isArray(v)) return [v, ...v.flatMap(leaves)];
  if (v && typeof v === 'object') return Object.values(v).flatMap(leaves);
  return [v];
}

describe('the budget', () => {
  it('is 8,000 tokens at four characters a token', () => {
    expect(MAX_RESULT_TOKENS).toBe(8000);
    expect(MAX_RESULT_CHARS).toBe(32_000);
    expect(approxTokens('x'.repeat(32_000))).toBe(8000);
  });

  it('cutString keeps the head and counts the rest', () => {
    expect(cutString('abcdef', 10)).toBe('abcdef');
    expect(cutString('a'.repeat(1500), 1000)).toBe(`${'a'.repeat(1000)}… [500 more characters]`);
  });
});
