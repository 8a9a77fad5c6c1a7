import { describe, expect, it } from 'vitest';
import { acceptedText, completionPrefix, moveHighlight, pathToAdd } from '../../../../src/renderer/first-run/path-completion';

describe('the path field\'s completion', () => {
  it('asks the host only about text that can name a directory', () => {
    expect(completionPrefix('/home/me/Si')).toBe('/home/me/Si');
    expect(completionPrefix('~/Si')).toBe('~/Si');
    expect(completionPrefix('~')).toBe('~');
    expect(completionPrefix('C:\\Users')).toBe('C:\\Users');
    expect(completionPrefix('')).toBeNull();
    expect(completionPrefix('Sites/flower')).toBeNull();
    expect(completionPrefix('~me')).toBeNull();
  });

  it('accepting a directory types its path and a separator', () => {
    expect(acceptedText({ name: 'flower', path: '/home/me/Sites/flower', isGitCheckout: true })).toBe('/home/me/Sites/flower/');
    expect(acceptedText({ name: 'flower', path: 'C:\\Sites\\flower', isGitCheckout: false })).toBe('C:\\Sites\\flower\\');
  });

  it('the highlight moves with the arrows and wraps around', () => {
    expect(moveHighlight(-1, 3, 1)).toBe(0);
    expect(moveHighlight(-1, 3, -1)).toBe(2);
    expect(moveHighlight(2, 3, 1)).toBe(0);
    expect(moveHighlight(0, 3, -1)).toBe(2);
    expect(moveHighlight(1, 0, 1)).toBe(-1);
  });

  it('registers the path without its trailing separator', () => {
    expect(pathToAdd('/home/me/Sites/flower/')).toBe('/home/me/Sites/flower');
    expect(pathToAdd('  /home/me/Sites/flower  ')).toBe('/home/me/Sites/flower');
    expect(pathToAdd('/')).toBe('/');
    expect(pathToAdd('C:\\')).toBe('C:\\');
  });
});
