import { parseChord } from './key-chord';
import type { KeyboardPlatform } from './platform';

/**
 * A binding as the user reads it: macOS symbols in Apple's order (⌃⌥⇧⌘, so "⇧⌘P"), words
 * joined by "+" elsewhere ("Ctrl+Shift+P").
 */
const MAC_KEYS: Record<string, string> = { Enter: '↩', Escape: '⎋', Backspace: '⌫', Tab: '⇥', ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→', Space: 'Space' };
const OTHER_KEYS: Record<string, string> = { Escape: 'Esc', ArrowUp: 'Up', ArrowDown: 'Down', ArrowLeft: 'Left', ArrowRight: 'Right' };

export function displayBinding(binding: string, platform: KeyboardPlatform): string {
  return bindingKeys(binding, platform).join(platform === 'mac' ? '' : '+');
}

/** The keys of a binding one by one, for <kbd> elements. */
export function bindingKeys(binding: string, platform: KeyboardPlatform): string[] {
  const chord = parseChord(binding);
  if (!chord) return [binding];
  const mac = platform === 'mac';
  const keys: string[] = [];
  if (chord.ctrl) keys.push(mac ? '⌃' : 'Ctrl');
  if (chord.alt) keys.push(mac ? '⌥' : 'Alt');
  if (chord.shift) keys.push(mac ? '⇧' : 'Shift');
  if (chord.meta) keys.push(mac ? '⌘' : 'Win');
  keys.push((mac ? MAC_KEYS : OTHER_KEYS)[chord.key] ?? chord.key);
  return keys;
}

/** A command's first binding as shown, for a palette entry's `shortcut`; undefined when it has no key. */
export function commandShortcut(resolved: { platform: KeyboardPlatform; bindings: Record<string, string[]> }, command: string): string | undefined {
  const first = resolved.bindings[command]?.[0];
  return first ? displayBinding(first, resolved.platform) : undefined;
}
