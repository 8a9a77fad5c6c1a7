import { describe, expect, it } from 'vitest';
import type { KeyPress } from '../../../../src/renderer/keyboard/key-chord';
import { DEFAULT_SHORTCUT_SETTINGS, resolveShortcuts } from '../../../../src/renderer/keyboard/shortcut-registry';
import { decideTerminalKey, isLinkActivation, NEWLINE_WITHOUT_SUBMIT } from '../../../../src/renderer/terminals/terminal-keys';

const press = (code: string, key: string, mods: Partial<Pick<KeyPress, 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>> = {}): KeyPress => ({ code, key, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });
const linux = resolveShortcuts('other', DEFAULT_SHORTCUT_SETTINGS);
const mac = resolveShortcuts('mac', DEFAULT_SHORTCUT_SETTINGS);
const shell = { hasSelection: false, preset: 'shell' as const };

describe('a key in a focused terminal', () => {
  it('app shortcuts are kept from the program; readline and agent CLI keys are not', () => {
    expect(decideTerminalKey(linux, press('KeyP', 'P', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'app' });
    expect(decideTerminalKey(linux, press('Digit2', '@', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'app' });
    for (const key of 'kraeuwotbgjl') expect(decideTerminalKey(linux, press(`Key${key.toUpperCase()}`, key, { ctrlKey: true }), shell), `Ctrl+${key}`).toEqual({ kind: 'program' });
    expect(decideTerminalKey(linux, press('Tab', 'Tab', { shiftKey: true }), shell)).toEqual({ kind: 'program' });
    expect(decideTerminalKey(linux, press('Escape', 'Escape'), shell)).toEqual({ kind: 'program' });
  });

  it('Ctrl+Shift+C / Ctrl+Shift+V copy and paste on Linux and Windows, Cmd+C / Cmd+V on macOS', () => {
    expect(decideTerminalKey(linux, press('KeyC', 'C', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'copy' });
    expect(decideTerminalKey(linux, press('KeyV', 'V', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'paste' });
    expect(decideTerminalKey(mac, press('KeyC', 'c', { metaKey: true }), shell)).toEqual({ kind: 'copy' });
    expect(decideTerminalKey(mac, press('KeyV', 'v', { metaKey: true }), shell)).toEqual({ kind: 'paste' });
    expect(decideTerminalKey(linux, press('KeyF', 'F', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'find' });
  });

  it('Ctrl+C copies only with a selection (Linux and Windows); without one it is ^C for the program; on macOS always ^C', () => {
    const ctrlC = press('KeyC', 'c', { ctrlKey: true });
    expect(decideTerminalKey(linux, ctrlC, { ...shell, hasSelection: true })).toEqual({ kind: 'copy' });
    expect(decideTerminalKey(linux, ctrlC, shell)).toEqual({ kind: 'program' });
    expect(decideTerminalKey(mac, ctrlC, { ...shell, hasSelection: true })).toEqual({ kind: 'program' });
    expect(decideTerminalKey(linux, press('KeyV', 'v', { ctrlKey: true }), shell)).toEqual({ kind: 'program' });
  });

  it('Shift+Enter is a newline without submit (ESC CR) for Claude Code and Codex, plain Enter for a shell', () => {
    const shiftEnter = press('Enter', 'Enter', { shiftKey: true });
    expect(decideTerminalKey(linux, shiftEnter, { hasSelection: false, preset: 'claude' })).toEqual({ kind: 'send', data: NEWLINE_WITHOUT_SUBMIT });
    expect(decideTerminalKey(mac, shiftEnter, { hasSelection: false, preset: 'codex' })).toEqual({ kind: 'send', data: '\x1b\r' });
    expect(decideTerminalKey(linux, shiftEnter, shell)).toEqual({ kind: 'program' });
    expect(decideTerminalKey(linux, press('Enter', 'Enter'), { hasSelection: false, preset: 'claude' })).toEqual({ kind: 'program' });
  });

  it('send-every-key: only the palette key is kept from the program, copy with a selection included', () => {
    const every = resolveShortcuts('other', { ...DEFAULT_SHORTCUT_SETTINGS, sendEveryKey: true });
    expect(decideTerminalKey(every, press('KeyC', 'c', { ctrlKey: true }), { ...shell, hasSelection: true })).toEqual({ kind: 'program' });
    expect(decideTerminalKey(every, press('KeyC', 'C', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'program' });
    expect(decideTerminalKey(every, press('KeyP', 'P', { ctrlKey: true, shiftKey: true }), shell)).toEqual({ kind: 'app' });
    // Shift+Enter is how the agent reads a newline, not a shortcut: kept, or a half-written prompt is sent.
    expect(decideTerminalKey(every, press('Enter', 'Enter', { shiftKey: true }), { hasSelection: false, preset: 'claude' })).toEqual({ kind: 'send', data: NEWLINE_WITHOUT_SUBMIT });
  });

  it('a link opens on Ctrl+click (Cmd+click on macOS), not on a plain click', () => {
    expect(isLinkActivation({ ctrlKey: true, metaKey: false }, 'other')).toBe(true);
    expect(isLinkActivation({ ctrlKey: false, metaKey: false }, 'other')).toBe(false);
    expect(isLinkActivation({ ctrlKey: false, metaKey: true }, 'mac')).toBe(true);
    expect(isLinkActivation({ ctrlKey: true, metaKey: false }, 'mac')).toBe(false);
  });
});
