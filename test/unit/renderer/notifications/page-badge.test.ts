import { describe, expect, it } from 'vitest';
import type { MainHealth } from '../../../../src/shared/health';
import { faviconHref, faviconSvg, titleFor, worstMainState } from '../../../../src/renderer/notifications/page-badge';

const health = (state: MainHealth['state'], probes = 1): MainHealth => ({
  state,
  probes: Array.from({ length: probes }, (_, i) => ({ name: `p${i}`, state: 'passing', consecutiveFailures: 0, last: null })),
});

describe('worstMainState', () => {
  it('is the worst MAIN over the repositories that declare probes', () => {
    expect(worstMainState({ a: health('healthy'), b: health('broken'), c: health('degraded') })).toBe('broken');
    expect(worstMainState({ a: health('healthy'), b: health('unknown') })).toBe('unknown');
    expect(worstMainState({ a: health('healthy') })).toBe('healthy');
  });

  it('is null when no repository declares probes', () => {
    expect(worstMainState({})).toBeNull();
    expect(worstMainState({ a: health('unknown', 0) })).toBeNull();
  });
});

describe('titleFor', () => {
  it("says MAIN's trouble and keeps the count of waiting agents", () => {
    expect(titleFor(0, 'broken')).toBe('● MAIN broken — Grove');
    expect(titleFor(2, 'degraded')).toBe('(2) ● MAIN degraded — Grove');
    expect(titleFor(1, 'healthy')).toBe('(1) Grove');
    expect(titleFor(0, null)).toBe('Grove');
  });
});

describe('favicon', () => {
  it('is drawn in the colour of the state, as an SVG data URL', () => {
    expect(faviconSvg('broken')).toContain('fill="#d0281e"');
    expect(faviconSvg('healthy')).toContain('fill="#2f7d4f"');
    expect(faviconSvg('broken')).not.toBe(faviconSvg('degraded'));
    expect(decodeURIComponent(faviconHref('broken').replace('data:image/svg+xml,', ''))).toBe(faviconSvg('broken'));
  });
});
