import { describe, expect, it } from 'vitest';
import type { BriefEntry } from '../../../../src/shared/briefs';
import { mergeTrace } from '../../../../src/renderer/briefs/trace-merge';

function note(seq: number, text = `n${seq}`): BriefEntry {
  return { id: `e${seq}`, briefId: 'b', seq, kind: 'note', payload: { text }, actor: { kind: 'operator', name: 'operator:mike' }, channel: 'ui', at: '2026-01-01T00:00:00Z', hlc: `${seq}`, redacted: null };
}

describe('mergeTrace', () => {
  it('lays entries in by the host’s order, newest first, whatever order they arrive in, once each', () => {
    const shown = [note(5), note(3)];
    const merged = mergeTrace(shown, [note(6), note(4), note(5)]);
    expect(merged.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(mergeTrace(merged, [note(6)]).length).toBe(4);
  });

  it('swaps a redacted entry’s tombstone in, and does not add one it never showed', () => {
    const tomb = { ...note(3), payload: null, redacted: { by: { kind: 'operator' as const, name: 'operator:mike' }, reason: 'secret', at: 'x', redactionId: 'e9' } };
    const merged = mergeTrace([note(5), note(3)], [], [tomb, { ...note(1), payload: null }]);
    expect(merged.map((e) => e.seq)).toEqual([5, 3]);
    expect(merged[1]!.redacted?.reason).toBe('secret');
  });
});
