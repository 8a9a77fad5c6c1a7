/**
 * A key chord: the modifiers held and one key, written as text ("Ctrl+Shift+P", "Meta+[",
 * "Ctrl+Alt+J") so bindings can be stored, compared and shown.
 *
 * Which key a press is: digits, brackets and other punctuation are read from
 * `KeyboardEvent.code` (the physical key), because their character moves with the layout and
 * with Shift (Ctrl+Shift+1 types "!" on a US layout and needs no Shift on AZERTY's "&" key);
 * letters are read from `KeyboardEvent.key` when it is a Latin letter, so Ctrl+Shift+P means
 * the key labelled P on AZERTY or Dvorak too, and from `code` otherwise (a Cyrillic or Greek
 * layout still reaches Ctrl+Shift+P at the US position). Other keys (Enter, Tab, arrows, F1)
 * use their `key` name.
 */
export interface KeyChord {
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
  /** "P", "1", "[", "/", "Enter", "ArrowLeft", "F5"... */
  key: string;
}

/** What a keydown carries that a chord is read from (a DOM KeyboardEvent has all of it). */
export interface KeyPress {
  code: string;
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
  /** A DOM KeyboardEvent's: whether AltGr is held. */
  getModifierState?(key: string): boolean;
}

const PUNCTUATION_BY_CODE: Record<string, string> = {
  BracketLeft: '[',
  BracketRight: ']',
  Slash: '/',
  Backslash: '\\',
  Comma: ',',
  Period: '.',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
  Minus: '-',
  Equal: '=',
};

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'OS', 'Hyper', 'Super', 'CapsLock', 'Fn']);

/**
 * The chord a key press makes, or null for a modifier pressed on its own, or for a character
 * typed with AltGr: Windows reports AltGr as Ctrl+Alt, so AltGr+B typing "{" on a Czech
 * layout would otherwise read as Ctrl+Alt+B (a shortcut) and the "{" be lost.
 */
export function chordOfPress(press: KeyPress): KeyChord | null {
  if (MODIFIER_KEYS.has(press.key)) return null;
  if (press.getModifierState?.('AltGraph') && press.key.length === 1) return null;
  const mods = { ctrl: press.ctrlKey, alt: press.altKey, shift: press.shiftKey, meta: press.metaKey };
  return { ...mods, key: keyOfPress(press) };
}

function keyOfPress(press: KeyPress): string {
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(press.code);
  if (digit) return digit[1]!;
  const punctuation = PUNCTUATION_BY_CODE[press.code];
  if (punctuation) return punctuation;
  const letter = /^Key([A-Z])$/.exec(press.code);
  if (letter) return /^[a-z]$/i.test(press.key) ? press.key.toUpperCase() : letter[1]!;
  if (press.key === ' ' || press.code === 'Space') return 'Space';
  return press.key.length === 1 ? press.key.toUpperCase() : press.key;
}

/** "Ctrl+Alt+Shift+Meta+K": modifiers always in this order, so equal chords give equal text. */
export function formatChord(chord: KeyChord): string {
  const parts: string[] = [];
  if (chord.ctrl) parts.push('Ctrl');
  if (chord.alt) parts.push('Alt');
  if (chord.shift) parts.push('Shift');
  if (chord.meta) parts.push('Meta');
  parts.push(chord.key);
  return parts.join('+');
}

const MODIFIER_NAMES: Record<string, keyof Omit<KeyChord, 'key'>> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  alt: 'alt',
  option: 'alt',
  shift: 'shift',
  meta: 'meta',
  cmd: 'meta',
  command: 'meta',
};

/**
 * Reads "Ctrl+Shift+P" (any modifier order, any case, "Cmd" for Meta) back into a chord;
 * null when it is not one (no key, an unknown modifier, two keys).
 */
export function parseChord(text: string): KeyChord | null {
  // "+" itself as the key: "Ctrl++" splits into [..., '', ''].
  const raw = text.trim();
  const parts = raw.endsWith('++') ? [...raw.slice(0, -2).split('+'), '+'] : raw.split('+');
  const key = parts.pop()?.trim();
  if (!key) return null;
  const chord: KeyChord = { ctrl: false, alt: false, shift: false, meta: false, key: normaliseKeyName(key) };
  for (const part of parts) {
    const modifier = MODIFIER_NAMES[part.trim().toLowerCase()];
    if (!modifier || chord[modifier]) return null;
    chord[modifier] = true;
  }
  return chord;
}

function normaliseKeyName(key: string): string {
  if (key.length === 1) return key.toUpperCase();
  const lower = key.toLowerCase();
  if (lower === 'space') return 'Space';
  if (lower === 'esc' || lower === 'escape') return 'Escape';
  if (lower === 'enter' || lower === 'return') return 'Enter';
  return key;
}

/** The canonical text of a stored binding, or null when it is not a chord. */
export function normaliseBinding(text: string): string | null {
  const chord = parseChord(text);
  return chord ? formatChord(chord) : null;
}

export function isLetter(key: string): boolean {
  return /^[A-Z]$/.test(key);
}
