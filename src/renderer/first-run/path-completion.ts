import type { DirectoryEntry } from '../../shared/directories';

/**
 * The path field's completion, as plain functions: when to ask the host, what accepting a
 * suggestion types, and how the highlight moves. The component wires them to the keyboard.
 */

/** The prefix to complete, or null when the text cannot name a directory yet (empty, relative). */
export function completionPrefix(text: string): string | null {
  if (text === '' || text.includes('\0')) return null;
  if (text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text) || text === '~' || text.startsWith('~/')) return text;
  return null;
}

/** Accepting a directory types its path and a separator, so its own children are offered next. */
export function acceptedText(entry: DirectoryEntry): string {
  const sep = entry.path.includes('\\') && !entry.path.includes('/') ? '\\' : '/';
  return entry.path + sep;
}

/** The highlighted suggestion after an arrow key: wraps around; -1 is "none". */
export function moveHighlight(current: number, count: number, delta: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return delta === 1 ? 0 : count - 1;
  return (current + delta + count) % count;
}

/** The path to register: the field's text without a trailing separator (the root stays "/"). */
export function pathToAdd(text: string): string {
  const trimmed = text.trim();
  const stripped = trimmed.replace(/[\\/]+$/, '');
  return stripped === '' || /^[A-Za-z]:$/.test(stripped) ? trimmed : stripped;
}
