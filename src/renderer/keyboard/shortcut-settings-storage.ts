import { normaliseBinding } from './key-chord';
import { COMMAND_IDS, DEFAULT_SHORTCUT_SETTINGS, isCommandId, type CommandId, type ShortcutSettings } from './shortcut-registry';

/**
 * Shortcut settings in localStorage under a versioned key. Only what the user changed is
 * stored (overrides per command, the pass-through list, the mode), so new defaults in an
 * update appear and custom bindings survive it. Unreadable data gives the defaults and a
 * message saying so; nothing here throws.
 */
export const SHORTCUTS_STORAGE_KEY = 'grove.shortcuts.v1';

interface Stored {
  overrides: Record<string, string[]>;
  passThrough: string[];
  sendEveryKey: boolean;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Version 1's record, missing fields defaulted; null when it is not one. (Checked by hand: the page loads no validator before its first paint.) */
function readStored(json: unknown): Stored | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const r = json as Record<string, unknown>;
  if (r.version !== 1) return null;
  const overrides = r.overrides ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides) || !Object.values(overrides).every(isStrings)) return null;
  const passThrough = r.passThrough ?? [];
  if (!isStrings(passThrough)) return null;
  const sendEveryKey = r.sendEveryKey ?? false;
  if (typeof sendEveryKey !== 'boolean') return null;
  return { overrides: overrides as Record<string, string[]>, passThrough, sendEveryKey };
}

export interface LoadedShortcutSettings {
  settings: ShortcutSettings;
  /** Why the stored settings were (partly) set aside, for the settings view; null when all was read. */
  message: string | null;
}

export function parseShortcutSettings(text: string | null): LoadedShortcutSettings {
  if (text === null) return { settings: DEFAULT_SHORTCUT_SETTINGS, message: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { settings: DEFAULT_SHORTCUT_SETTINGS, message: 'The saved keyboard shortcuts could not be read (not JSON); the defaults are in use.' };
  }
  const parsed = readStored(json);
  if (!parsed) return { settings: DEFAULT_SHORTCUT_SETTINGS, message: 'The saved keyboard shortcuts are not in a format this version knows; the defaults are in use.' };
  const dropped: string[] = [];
  const overrides: Partial<Record<CommandId, string[]>> = {};
  for (const [id, bindings] of Object.entries(parsed.overrides)) {
    if (!isCommandId(id)) {
      dropped.push(`unknown command "${id}"`);
      continue;
    }
    const normal = bindings.map((b) => normaliseBinding(b));
    normal.forEach((b, i) => b === null && dropped.push(`"${bindings[i]}" for ${id}`));
    const kept = normal.filter((b): b is string => b !== null);
    // An empty list means "no key" (the operator took it away); one left empty only because
    // nothing saved could be read keeps the default instead.
    if (kept.length > 0 || bindings.length === 0) overrides[id] = kept;
  }
  const passThrough: string[] = [];
  for (const b of parsed.passThrough) {
    const normal = normaliseBinding(b);
    if (normal) passThrough.push(normal);
    else dropped.push(`pass-through "${b}"`);
  }
  const message = dropped.length > 0 ? `Some saved keyboard settings were set aside: ${dropped.join(', ')}.` : null;
  return { settings: { overrides, passThrough, sendEveryKey: parsed.sendEveryKey }, message };
}

export function serialiseShortcutSettings(settings: ShortcutSettings): string {
  const overrides = Object.fromEntries(COMMAND_IDS.filter((id) => settings.overrides[id]).map((id) => [id, settings.overrides[id]!]));
  return JSON.stringify({ version: 1, overrides, passThrough: settings.passThrough, sendEveryKey: settings.sendEveryKey });
}
