import { describe, expect, it } from 'vitest';
import { DEFAULT_SHORTCUT_SETTINGS } from '../../../../src/renderer/keyboard/shortcut-registry';
import { parseShortcutSettings, serialiseShortcutSettings, SHORTCUTS_STORAGE_KEY } from '../../../../src/renderer/keyboard/shortcut-settings-storage';
import { createShortcutStore } from '../../../../src/renderer/keyboard/shortcut-store';

const memoryStorage = (initial: Record<string, string> = {}) => {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
};

describe('stored shortcut settings', () => {
  it('nothing stored: the defaults, no message', () => {
    expect(parseShortcutSettings(null)).toEqual({ settings: DEFAULT_SHORTCUT_SETTINGS, message: null });
  });

  it('round-trips what the user changed', () => {
    const settings = { overrides: { 'rail.toggle': ['Ctrl+Alt+R'] }, passThrough: ['Ctrl+Shift+B'], sendEveryKey: true };
    expect(parseShortcutSettings(serialiseShortcutSettings(settings))).toEqual({ settings, message: null });
  });

  it.each([['not json', '{oops'], ['another version', '{"version":2,"overrides":{}}'], ['wrong shape', '{"version":1,"overrides":[1,2]}'], ['a bare value', '42']])('%s: the defaults and a clear message, nothing thrown', (_name, text) => {
    const loaded = parseShortcutSettings(text);
    expect(loaded.settings).toEqual(DEFAULT_SHORTCUT_SETTINGS);
    expect(loaded.message).toMatch(/defaults are in use/);
  });

  it('keeps what it can read and names what it set aside', () => {
    const loaded = parseShortcutSettings(JSON.stringify({ version: 1, overrides: { 'rail.toggle': ['Ctrl+Alt+R', 'Hyper+'], 'old.command': ['Ctrl+Shift+O'] }, passThrough: ['Ctrl+Shift+B', 'Foo+X'] }));
    expect(loaded.settings).toEqual({ overrides: { 'rail.toggle': ['Ctrl+Alt+R'] }, passThrough: ['Ctrl+Shift+B'], sendEveryKey: false });
    expect(loaded.message).toContain('unknown command "old.command"');
    expect(loaded.message).toContain('"Hyper+" for rail.toggle');
    expect(loaded.message).toContain('pass-through "Foo+X"');
  });

  it('a command whose every saved key is unreadable keeps its default; one saved with no key keeps none', () => {
    const loaded = parseShortcutSettings(JSON.stringify({ version: 1, overrides: { 'rail.toggle': ['Hyper+'], 'panel.toggle': [] }, passThrough: [] }));
    expect(loaded.settings.overrides).toEqual({ 'panel.toggle': [] });
    expect(loaded.message).toContain('"Hyper+" for rail.toggle');
  });
});

describe('the shortcut store', () => {
  it('takes what another window saved, so its own next change keeps the other\'s rebinding', () => {
    const storage = memoryStorage();
    const tabA = createShortcutStore(storage, 'other');
    const tabB = createShortcutStore(storage, 'other');
    tabA.rebind('rail.toggle', ['Ctrl+Alt+R']);
    // The browser's storage event, in tab B.
    let told = 0;
    tabB.subscribe(() => told++);
    tabB.reload(storage.data.get(SHORTCUTS_STORAGE_KEY) ?? null);
    expect(told).toBe(1);
    expect(tabB.current().bindings['rail.toggle']).toEqual(['Ctrl+Alt+R']);
    tabB.update((settings) => ({ ...settings, sendEveryKey: true }));
    expect(JSON.parse(storage.data.get(SHORTCUTS_STORAGE_KEY)!)).toMatchObject({ overrides: { 'rail.toggle': ['Ctrl+Alt+R'] }, sendEveryKey: true });
  });

  it('persists a rebinding under the versioned key and a new store reads it back merged with the defaults', () => {
    const storage = memoryStorage();
    const store = createShortcutStore(storage, 'other');
    let changes = 0;
    store.subscribe(() => changes++);
    store.rebind('rail.toggle', ['Ctrl+Alt+R']);
    expect(changes).toBe(1);
    expect(JSON.parse(storage.data.get(SHORTCUTS_STORAGE_KEY)!)).toMatchObject({ version: 1, overrides: { 'rail.toggle': ['Ctrl+Alt+R'] } });
    const again = createShortcutStore(storage, 'other');
    expect(again.current().bindings['rail.toggle']).toEqual(['Ctrl+Alt+R']);
    expect(again.current().bindings['palette.open']).toEqual(['Ctrl+Shift+P', 'Ctrl+Alt+P']);
    again.resetCommand('rail.toggle');
    expect(createShortcutStore(storage, 'other').current().bindings['rail.toggle']).toEqual(['Ctrl+Shift+B']);
  });

  it('garbled storage: defaults and the message, and storage that throws is survived', () => {
    const store = createShortcutStore(memoryStorage({ [SHORTCUTS_STORAGE_KEY]: 'garbage' }), 'mac');
    expect(store.current().bindings['palette.open']).toEqual(['Shift+Meta+P', 'Meta+K']);
    expect(store.loadMessage()).toMatch(/could not be read/);
    const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    const survived = createShortcutStore(refusing, 'other');
    survived.rebind('rail.toggle', ['Ctrl+Alt+R']);
    expect(survived.current().bindings['rail.toggle']).toEqual(['Ctrl+Alt+R']);
  });
});
