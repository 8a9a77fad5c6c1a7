import { describe, expect, it } from 'vitest';
import { bindingKeys, displayBinding } from '../../../../src/renderer/keyboard/chord-display';
import { formatChord, parseChord } from '../../../../src/renderer/keyboard/key-chord';

describe('a binding as the user reads it', () => {
  it('on macOS: symbols in Apple\'s order', () => {
    expect(displayBinding('Shift+Meta+P', 'mac')).toBe('⇧⌘P');
    expect(displayBinding('Meta+K', 'mac')).toBe('⌘K');
    expect(displayBinding('Alt+Meta+B', 'mac')).toBe('⌥⌘B');
    expect(displayBinding('Ctrl+Shift+Meta+[', 'mac')).toBe('⌃⇧⌘[');
  });

  it('on Linux and Windows: words joined by +', () => {
    expect(displayBinding('Ctrl+Shift+P', 'other')).toBe('Ctrl+Shift+P');
    expect(displayBinding('Shift+Ctrl+Escape', 'other')).toBe('Ctrl+Shift+Esc');
    expect(displayBinding('Ctrl+Alt+J', 'other')).toBe('Ctrl+Alt+J');
  });

  it('one key per <kbd>', () => {
    expect(bindingKeys('Ctrl+Shift+P', 'other')).toEqual(['Ctrl', 'Shift', 'P']);
    expect(bindingKeys('Shift+Meta+P', 'mac')).toEqual(['⇧', '⌘', 'P']);
  });

  it('stored text reads back in one canonical form', () => {
    expect(formatChord(parseChord('shift+cmd+p')!)).toBe('Shift+Meta+P');
    expect(formatChord(parseChord('Ctrl++')!)).toBe('Ctrl++');
    expect(parseChord('Ctrl+Ctrl+P')).toBeNull();
    expect(parseChord('Hyper+P')).toBeNull();
    expect(parseChord('')).toBeNull();
  });
});
