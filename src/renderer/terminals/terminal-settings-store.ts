import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { followOtherWindows } from '../ui/other-windows';

/**
 * Terminal font settings of this window, in localStorage under a versioned key. Open
 * terminals subscribe and apply a change at once. Garbled data gives the defaults.
 */
export const TERMINAL_SETTINGS_KEY = 'grove.terminal.v1';

export const TERMINAL_FONT_SIZE = { min: 8, max: 32 } as const;

export interface TerminalSettings {
  fontFamily: string;
  fontSize: number;
}

export const DEFAULT_TERMINAL_SETTINGS: TerminalSettings = {
  fontFamily: 'ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  fontSize: 13,
};

/** The longest font family kept (the field takes no more). */
export const MAX_FONT_FAMILY = 300;

const stored = z.object({ version: z.literal(1), fontFamily: z.unknown().optional(), fontSize: z.unknown().optional() });
const family = z.string().trim().min(1).max(MAX_FONT_FAMILY);
const size = z.number().int().min(TERMINAL_FONT_SIZE.min).max(TERMINAL_FONT_SIZE.max);

export function parseTerminalSettings(text: string | null): TerminalSettings {
  if (text === null) return DEFAULT_TERMINAL_SETTINGS;
  try {
    const parsed = stored.safeParse(JSON.parse(text));
    if (!parsed.success) return DEFAULT_TERMINAL_SETTINGS;
    // Each field on its own: one bad value (a font family saved too long) keeps the other.
    const f = family.safeParse(parsed.data.fontFamily);
    const s = size.safeParse(parsed.data.fontSize);
    return { fontFamily: f.success ? f.data : DEFAULT_TERMINAL_SETTINGS.fontFamily, fontSize: s.success ? s.data : DEFAULT_TERMINAL_SETTINGS.fontSize };
  } catch {
    return DEFAULT_TERMINAL_SETTINGS;
  }
}

export interface TerminalSettingsStore {
  current(): TerminalSettings;
  update(change: Partial<TerminalSettings>): void;
  /** Takes what another window saved (its `storage` event), so a later change here does not write over it. */
  reload(text: string | null): void;
  subscribe(listener: () => void): () => void;
}

/** The part of localStorage used here (a Map-backed stand-in in tests). */
type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };

export function createTerminalSettingsStore(storage: Storage | undefined): TerminalSettingsStore {
  let text: string | null = null;
  try {
    text = storage?.getItem(TERMINAL_SETTINGS_KEY) ?? null;
  } catch {
    /* storage refused: defaults */
  }
  let settings = parseTerminalSettings(text);
  const listeners = new Set<() => void>();
  return {
    current: () => settings,
    update(change) {
      settings = { ...settings, ...change };
      try {
        storage?.setItem(TERMINAL_SETTINGS_KEY, JSON.stringify({ version: 1, ...settings }));
      } catch {
        /* not persisted */
      }
      for (const l of listeners) l();
    },
    reload(text) {
      settings = parseTerminalSettings(text);
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let windowStore: TerminalSettingsStore | null = null;

export function terminalSettingsStore(): TerminalSettingsStore {
  if (!windowStore) {
    const store = createTerminalSettingsStore((globalThis as { localStorage?: Storage }).localStorage);
    followOtherWindows(TERMINAL_SETTINGS_KEY, (text) => store.reload(text));
    windowStore = store;
  }
  return windowStore;
}

export function useTerminalSettings(): TerminalSettings {
  const store = terminalSettingsStore();
  return useSyncExternalStore(store.subscribe, store.current);
}
