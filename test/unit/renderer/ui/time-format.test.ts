import { describe, expect, it } from 'vitest';
import { formatRelative } from '../../../../src/renderer/ui/time-format';

describe('formatRelative', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  const at = (secondsAgo: number): string => new Date(now.getTime() - secondsAgo * 1000).toISOString();
  it('says now for the last few seconds, then the largest whole unit', () => {
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
    expect(formatRelative(at(3), now)).toBe(rtf.format(0, 'second'));
    expect(formatRelative(at(42), now)).toBe(rtf.format(-42, 'second'));
    expect(formatRelative(at(5 * 60 + 30), now)).toBe(rtf.format(-5, 'minute'));
    expect(formatRelative(at(3 * 3600), now)).toBe(rtf.format(-3, 'hour'));
    expect(formatRelative(at(2 * 86_400), now)).toBe(rtf.format(-2, 'day'));
    expect(formatRelative(at(-90), now)).toBe(rtf.format(1, 'minute'));
  });
});
