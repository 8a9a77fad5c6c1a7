import { z } from 'zod';
import { normaliseBinding } from './key-chord';
import { COMMAND_IDS, DEFAULT_SHORTCUT_SETTINGS, isCommandId, type CommandId, type ShortcutSettings } from './shortcut-registry';

/**
 * Shortcut settings in localStorage under a versioned key. Only what the user changed is
 * stored (overrides per command, the pass-through list, the mode), so new defaults in an
 * update appear and custom bindings survive it. Unreadable data gives the defaults and a
 * message saying so; nothing here throws.
 */
export const SHORTCUTS_STORAGE_KEY = 'grove.shortcuts.v1';

const stored = z.object({
  version: z.literal(1),
  overrides: z.record(z.string(), z.array(z.string())).default({}),
  passThrough: z.array(z.string()).default([]),
  sendEveryKey: z.boolean().default(false),
});

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
  const parsed = stored.safeParse(json);
  if (!parsed.success) return { settings: DEFAULT_SHORTCUT_SETTINGS, message: 'The saved keyboard shortcuts are not in a format this version knows; the defaults are in use.' };
  const dropped: string[] = [];
  const overrides: Partial<Record<CommandId, string[]>> = {};
  for (const [id, bindings] of Object.entries(parsed.data.overrides)) {
    if (!isCommandId(id)) {
      dropped.push(`unknown command "${id}"`);
      continue;
    }
    const normal = bindings.map((b) => normaliseBinding(b));
    normal.forEach((b, i) => b === null && dropped.push(`"${bindings[i]}" for ${id}`));
    overrides[id] = normal.filter((b): b is string => b !== null);
  }
  const passThrough: string[] = [];
  for (const b of parsed.data.passThrough) {
    const normal = normaliseBinding(b);
    if (normal) passThrough.push(normal);
    else dropped.push(`pass-through "${b}"`);
  }
  const message = dropped.length > 0 ? `Some saved keyboard settings were set aside: ${dropped.join(', ')}.` : null;
  return { settings: { overrides, passThrough, sendEveryKey: parsed.data.sendEveryKey }, message };
}

export function serialiseShortcutSettings(settings: ShortcutSettings): string {
  const overrides = Object.fromEntries(COMMAND_IDS.filter((id) => settings.overrides[id]).map((id) => [id, settings.overrides[id]!]));
  return JSON.stringify({ version: 1, overrides, passThrough: settings.passThrough, sendEveryKey: settings.sendEveryKey });
}
