import { describe, expect, it } from 'vitest';
import { chordOfPress, type KeyPress } from '../../../../src/renderer/keyboard/key-chord';
import { COMMAND_IDS, COMMANDS, DEFAULT_SHORTCUT_SETTINGS, policyProblem, resolveShortcuts, routeKey, type ShortcutSettings } from '../../../../src/renderer/keyboard/shortcut-registry';

const press = (code: string, key: string, mods: Partial<Pick<KeyPress, 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>> = {}): KeyPress => ({
  code,
  key,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});
const settings = (change: Partial<ShortcutSettings>): ShortcutSettings => ({ ...DEFAULT_SHORTCUT_SETTINGS, ...change });
const linux = resolveShortcuts('other', DEFAULT_SHORTCUT_SETTINGS);
const mac = resolveShortcuts('mac', DEFAULT_SHORTCUT_SETTINGS);
const route = (resolved = linux, p: KeyPress, inTerminal = true) => routeKey(resolved, chordOfPress(p), { inTerminal });

describe('default bindings', () => {
  it.each(['mac', 'other'] as const)('on %s every command has a key, every default keeps the modifier policy, and no two commands share one', (platform) => {
    const resolved = resolveShortcuts(platform, DEFAULT_SHORTCUT_SETTINGS);
    for (const id of COMMAND_IDS) {
      expect(resolved.bindings[id].length, id).toBeGreaterThan(0);
      for (const b of resolved.bindings[id]) expect(policyProblem(b, platform), `${id}: ${b}`).toBeNull();
    }
    expect(resolved.conflicts).toEqual([]);
  });

  it('the policy check itself refuses bare Ctrl+letter, Alt+letter, Alt+arrows and Ctrl+Q', () => {
    expect(policyProblem('Ctrl+K', 'other')).toMatch(/Ctrl\+letter/);
    expect(policyProblem('Ctrl+Q', 'other')).toMatch(/Ctrl\+Q/);
    expect(policyProblem('Alt+B', 'other')).toMatch(/Alt\+letter/);
    expect(policyProblem('Alt+ArrowLeft', 'other')).toMatch(/Alt\+arrows/);
    expect(policyProblem('Ctrl+1', 'other')).toMatch(/Ctrl\+Shift or Ctrl\+Alt/);
    expect(policyProblem('Ctrl+Shift+P', 'mac')).toMatch(/Cmd/);
  });

  it('the palette is Ctrl+Shift+P or Ctrl+Alt+P on Linux and Windows (Firefox keeps Ctrl+Shift+P), and Cmd+Shift+P or Cmd+K on macOS', () => {
    expect(linux.bindings['palette.open']).toEqual(['Ctrl+Shift+P', 'Ctrl+Alt+P']);
    expect(route(linux, press('KeyP', 'p', { ctrlKey: true, altKey: true }))).toEqual({ kind: 'command', command: 'palette.open' });
    expect(mac.bindings['palette.open']).toEqual(['Shift+Meta+P', 'Meta+K']);
    expect(route(linux, press('KeyP', 'P', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'palette.open' });
    expect(route(mac, press('KeyK', 'k', { metaKey: true }))).toEqual({ kind: 'command', command: 'palette.open' });
  });

  it('lanes, agents, the rail and the shortcut list follow "Mod" per platform', () => {
    expect(linux.bindings['lane.3']).toEqual(['Ctrl+Shift+3']);
    expect(mac.bindings['lane.3']).toEqual(['Meta+3']);
    expect(linux.bindings['rail.toggle']).toEqual(['Ctrl+Shift+B']);
    expect(mac.bindings['rail.toggle']).toEqual(['Meta+B']);
    expect(linux.bindings['agent.next']).toEqual(['Ctrl+Shift+]']);
    expect(mac.bindings['shortcuts.show']).toEqual(['Meta+/']);
    expect(linux.bindings['terminal.copy']).toEqual(['Ctrl+Shift+C']);
    expect(linux.bindings['terminal.paste']).toEqual(['Ctrl+Shift+V']);
    expect(mac.bindings['terminal.paste']).toEqual(['Meta+V']);
  });

  it('digits and brackets match the physical key whatever they type: Ctrl+Shift+1 on US ("!") and AZERTY ("1")', () => {
    expect(route(linux, press('Digit1', '!', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'lane.1' });
    expect(route(linux, press('Digit1', '1', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'lane.1' });
    expect(route(linux, press('BracketRight', '}', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'agent.next' });
  });

  it('letters match the letter typed on Latin layouts and the position on others', () => {
    // AZERTY: the key at US "Q" types "a"; Ctrl+Shift+B is where B is printed.
    expect(route(linux, press('KeyQ', 'B', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'rail.toggle' });
    // Russian: "з" sits on KeyP.
    expect(route(linux, press('KeyP', 'З', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'palette.open' });
  });

  it('the keys shells and agent CLIs use go to the program', () => {
    for (const [code, key] of [['KeyK', 'k'], ['KeyR', 'r'], ['KeyA', 'a'], ['KeyE', 'e'], ['KeyU', 'u'], ['KeyW', 'w'], ['KeyO', 'o'], ['KeyT', 't'], ['KeyB', 'b'], ['KeyG', 'g'], ['KeyJ', 'j'], ['KeyC', 'c'], ['KeyQ', 'q']] as const) {
      expect(route(linux, press(code, key, { ctrlKey: true })), `Ctrl+${key}`).toEqual({ kind: 'program' });
      expect(route(mac, press(code, key, { ctrlKey: true })), `mac Ctrl+${key}`).toEqual({ kind: 'program' });
      expect(route(linux, press(code, key, { altKey: true })), `Alt+${key}`).toEqual({ kind: 'program' });
    }
    expect(route(linux, press('Tab', 'Tab', { shiftKey: true }))).toEqual({ kind: 'program' });
    expect(route(linux, press('ArrowLeft', 'ArrowLeft', { altKey: true }))).toEqual({ kind: 'program' });
    expect(route(linux, press('ShiftLeft', 'Shift', { shiftKey: true }))).toEqual({ kind: 'program' });
  });
});

describe('user settings', () => {
  it('an override replaces that command\'s defaults; the other commands keep theirs, new defaults included', () => {
    const resolved = resolveShortcuts('other', settings({ overrides: { 'rail.toggle': ['ctrl+alt+r'] } }));
    expect(resolved.bindings['rail.toggle']).toEqual(['Ctrl+Alt+R']);
    expect(resolved.bindings['palette.open']).toEqual(['Ctrl+Shift+P', 'Ctrl+Alt+P']);
    expect(route(resolved, press('KeyB', 'B', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'program' });
    expect(route(resolved, press('KeyR', 'r', { ctrlKey: true, altKey: true }))).toEqual({ kind: 'command', command: 'rail.toggle' });
  });

  it('an empty override unbinds a command', () => {
    const resolved = resolveShortcuts('other', settings({ overrides: { 'rail.toggle': [] } }));
    expect(resolved.bindings['rail.toggle']).toEqual([]);
    expect(route(resolved, press('KeyB', 'B', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'program' });
  });

  it('a binding used by two commands is a conflict naming both', () => {
    const resolved = resolveShortcuts('other', settings({ overrides: { 'settings.open': ['Ctrl+Shift+B'] } }));
    expect(resolved.conflicts).toEqual([{ binding: 'Ctrl+Shift+B', commands: ['rail.toggle', 'settings.open'] }]);
  });

  it('a pass-through key reaches a focused terminal, and stays an app shortcut elsewhere', () => {
    const resolved = resolveShortcuts('other', settings({ passThrough: ['Ctrl+Shift+B'] }));
    const ctrlShiftB = press('KeyB', 'B', { ctrlKey: true, shiftKey: true });
    expect(route(resolved, ctrlShiftB, true)).toEqual({ kind: 'program' });
    expect(route(resolved, ctrlShiftB, false)).toEqual({ kind: 'command', command: 'rail.toggle' });
  });

  it('send-every-key leaves a focused terminal only the palette key', () => {
    const resolved = resolveShortcuts('other', settings({ sendEveryKey: true }));
    expect(route(resolved, press('KeyB', 'B', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'program' });
    expect(route(resolved, press('KeyC', 'C', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'program' });
    expect(route(resolved, press('KeyP', 'P', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'command', command: 'palette.open' });
    expect(route(resolved, press('KeyB', 'B', { ctrlKey: true, shiftKey: true }), false)).toEqual({ kind: 'command', command: 'rail.toggle' });
  });

  it('every command has a title for the shortcut list', () => {
    for (const id of COMMAND_IDS) expect(COMMANDS[id].title.length).toBeGreaterThan(3);
  });
});

describe('a character typed with AltGr', () => {
  it('is text, not the Ctrl+Alt shortcut Windows reports it as ("{" is AltGr+B on a Czech layout)', () => {
    const altGr = (code: string, key: string): KeyPress => ({ ...press(code, key, { ctrlKey: true, altKey: true }), getModifierState: (k) => k === 'AltGraph' });
    expect(route(linux, press('KeyB', 'b', { ctrlKey: true, altKey: true }), false)).toEqual({ kind: 'command', command: 'panel.toggle' });
    expect(chordOfPress(altGr('KeyB', '{'))).toBeNull();
    expect(route(linux, altGr('KeyB', '{'), true)).toEqual({ kind: 'program' });
    expect(route(linux, altGr('KeyB', '{'), false)).toEqual({ kind: 'program' });
  });
});
