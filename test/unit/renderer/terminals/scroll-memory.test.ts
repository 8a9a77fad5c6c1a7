import { describe, expect, it } from 'vitest';
import { ScrollMemory } from '../../../../src/renderer/terminals/scroll-memory';
import { parseTerminalSettings, DEFAULT_TERMINAL_SETTINGS, createTerminalSettingsStore, TERMINAL_SETTINGS_KEY } from '../../../../src/renderer/terminals/terminal-settings-store';

describe('scroll memory', () => {
  it('remembers lines from the bottom per agent; at the bottom means follow', () => {
    const memory = new ScrollMemory();
    memory.remember('a', { baseY: 500, viewportY: 380 });
    memory.remember('b', { baseY: 500, viewportY: 500 });
    expect(memory.recall('a')).toBe(120);
    expect(memory.recall('b')).toBe(0);
    expect(memory.recall('never-seen')).toBe(0);
    // A shorter replayed tail: the same distance from the end, clamped to the top.
    expect(ScrollMemory.targetLine(300, 120)).toBe(180);
    expect(ScrollMemory.targetLine(50, 120)).toBe(0);
    memory.remember('a', { baseY: 600, viewportY: 600 });
    expect(memory.recall('a')).toBe(0);
  });
});

describe('terminal font settings', () => {
  it('persist, and garbled or out-of-range data gives the defaults', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    const store = createTerminalSettingsStore(storage);
    store.update({ fontSize: 16 });
    expect(createTerminalSettingsStore(storage).current()).toEqual({ ...DEFAULT_TERMINAL_SETTINGS, fontSize: 16 });
    expect(data.get(TERMINAL_SETTINGS_KEY)).toContain('"version":1');
    expect(parseTerminalSettings('{nope')).toEqual(DEFAULT_TERMINAL_SETTINGS);
    expect(parseTerminalSettings('{"version":1,"fontSize":400}')).toEqual(DEFAULT_TERMINAL_SETTINGS);
    // One bad field keeps the other: a family saved too long does not lose the size.
    expect(parseTerminalSettings(JSON.stringify({ version: 1, fontFamily: 'x'.repeat(301), fontSize: 18 }))).toEqual({ ...DEFAULT_TERMINAL_SETTINGS, fontSize: 18 });
  });
});
