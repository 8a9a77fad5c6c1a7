import { describe, expect, it } from 'vitest';
import { readTheme, resolveTheme } from '../../../../src/renderer/theme/theme-preference';

describe('theme preference', () => {
  it('follows the OS unless a theme was chosen', () => {
    expect(resolveTheme('system', true)).toBe('light');
    expect(resolveTheme('system', false)).toBe('dark');
    expect(resolveTheme('dark', true)).toBe('dark');
    expect(resolveTheme('light', false)).toBe('light');
  });
  it('reads an unknown or unreadable choice as following the OS', () => {
    expect(readTheme({ getItem: () => 'light' })).toBe('light');
    expect(readTheme({ getItem: () => 'purple' })).toBe('system');
    expect(readTheme({ getItem: () => { throw new Error('denied'); } })).toBe('system');
    expect(readTheme(null)).toBe('system');
  });
});
