import { useSyncExternalStore } from 'react';
import { z } from 'zod';

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

const stored = z.object({
  version: z.literal(1),
  fontFamily: z.string().trim().min(1).max(300).optional(),
  fontSize: z.number().int().min(TERMINAL_FONT_SIZE.min).max(TERMINAL_FONT_SIZE.max).optional(),
});

export function parseTerminalSettings(text: string | null): TerminalSettings {
  if (text === null) return DEFAULT_TERMINAL_SETTINGS;
  try {
    const parsed = stored.safeParse(JSON.parse(text));
    if (!parsed.success) return DEFAULT_TERMINAL_SETTINGS;
    return { fontFamily: parsed.data.fontFamily ?? DEFAULT_TERMINAL_SETTINGS.fontFamily, fontSize: parsed.data.fontSize ?? DEFAULT_TERMINAL_SETTINGS.fontSize };
  } catch {
    return DEFAULT_TERMINAL_SETTINGS;
  }
}

export interface TerminalSettingsStore {
  current(): TerminalSettings;
  update(change: Partial<TerminalSettings>): void;
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
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let windowStore: TerminalSettingsStore | null = null;

export function terminalSettingsStore(): TerminalSettingsStore {
  windowStore ??= createTerminalSettingsStore((globalThis as { localStorage?: Storage }).localStorage);
  return windowStore;
}

export function useTerminalSettings(): TerminalSettings {
  const store = terminalSettingsStore();
  return useSyncExternalStore(store.subscribe, store.current);
}
