import { describe, expect, it } from 'vitest';
import { ago, columns, entryBody, statusWord } from '../../../../src/cli/commands/brief-format';
import type { BriefEntry } from '../../../../src/shared/briefs';

const now = Date.parse('2026-12-03T12:00:00Z');
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();

describe('how a brief reads in a terminal', () => {
  it('says times relative to now, then the date past a month', () => {
    expect([ago(at(10), now), ago(at(50), now), ago(at(59 * 60), now), ago(at(3 * 3600), now), ago(at(2 * 86_400), now)]).toEqual(['just now', '1m ago', '59m ago', '3h ago', '2d ago']);
    expect(ago(at(40 * 86_400), now)).toBe('2026-10-24');
    expect(ago(at(-30), now)).toBe('just now');
  });

  it('aligns columns without padding the last one', () => {
    expect(columns([['#1', 'draft', 'Short'], ['#12', 'in progress', 'Longer title']])).toEqual(['  #1   draft        Short', '  #12  in progress  Longer title']);
  });

  it('names statuses as words and shows a redacted entry by its tombstone only', () => {
    expect(statusWord('in_review')).toBe('in review');
    const redacted = {
      id: 'e1', briefId: 'b1', seq: 3, kind: 'note', actor: { kind: 'operator', name: 'mike' }, channel: 'cli', at: at(60), hlc: 'h',
      payload: null, redacted: { by: { kind: 'operator', name: 'mike' }, reason: 'a key', at: at(0), redactionId: 'r1' },
    } as BriefEntry;
    expect(entryBody(redacted, now)).toBe('[redacted by mike just now: a key]');
  });
});
