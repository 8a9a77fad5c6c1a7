import { useSyncExternalStore } from 'react';
import { currentKeyboardPlatform, type KeyboardPlatform } from './platform';
import { resolveShortcuts, type CommandId, type ResolvedShortcuts, type ShortcutSettings } from './shortcut-registry';
import { followOtherWindows } from '../ui/other-windows';
import { parseShortcutSettings, serialiseShortcutSettings, SHORTCUTS_STORAGE_KEY } from './shortcut-settings-storage';

/**
 * The shortcut settings of this window: read once from storage, written back on every
 * change, resolved against the platform's defaults. Components read it through
 * `useResolvedShortcuts()`; the terminal's key filter reads `current()` on each key.
 */
export interface ShortcutStore {
  current(): ResolvedShortcuts;
  settings(): ShortcutSettings;
  /** Why stored settings were set aside at load, or null. */
  loadMessage(): string | null;
  update(change: (settings: ShortcutSettings) => ShortcutSettings): void;
  rebind(command: CommandId, bindings: string[]): void;
  resetCommand(command: CommandId): void;
  /** Takes what another window saved (its `storage` event), so a later change here does not write over it. */
  reload(text: string | null): void;
  subscribe(listener: () => void): () => void;
}

/** The part of localStorage used here (a Map-backed stand-in in tests). */
type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };

export function createShortcutStore(storage: Storage | undefined, platform: KeyboardPlatform): ShortcutStore {
  let text: string | null = null;
  try {
    text = storage?.getItem(SHORTCUTS_STORAGE_KEY) ?? null;
  } catch {
    /* storage refused (privacy mode): defaults */
  }
  const loaded = parseShortcutSettings(text);
  let settings = loaded.settings;
  let resolved = resolveShortcuts(platform, settings);
  const listeners = new Set<() => void>();
  const store: ShortcutStore = {
    current: () => resolved,
    settings: () => settings,
    loadMessage: () => loaded.message,
    update(change) {
      settings = change(settings);
      resolved = resolveShortcuts(platform, settings);
      try {
        storage?.setItem(SHORTCUTS_STORAGE_KEY, serialiseShortcutSettings(settings));
      } catch {
        /* not persisted; still in force for this window */
      }
      for (const l of listeners) l();
    },
    rebind: (command, bindings) => store.update((s) => ({ ...s, overrides: { ...s.overrides, [command]: bindings } })),
    resetCommand: (command) =>
      store.update((s) => {
        const overrides = { ...s.overrides };
        delete overrides[command];
        return { ...s, overrides };
      }),
    reload(text) {
      settings = parseShortcutSettings(text).settings;
      resolved = resolveShortcuts(platform, settings);
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}

let windowStore: ShortcutStore | null = null;

/** This window's store, made on first use from localStorage and the OS. */
export function shortcutStore(): ShortcutStore {
  if (!windowStore) {
    const store = createShortcutStore((globalThis as { localStorage?: Storage }).localStorage, currentKeyboardPlatform());
    followOtherWindows(SHORTCUTS_STORAGE_KEY, (text) => store.reload(text));
    windowStore = store;
  }
  return windowStore;
}

export function useResolvedShortcuts(): ResolvedShortcuts {
  const store = shortcutStore();
  return useSyncExternalStore(store.subscribe, store.current);
}
