import { useEffect, useRef } from 'react';
import { chordOfPress } from './key-chord';
import { shortcutStore } from './shortcut-store';
import { COMMANDS, routeKey, type CommandId } from './shortcut-registry';

export type ShortcutHandlers = Partial<Record<CommandId, () => void>>;

/**
 * The app's one keydown listener: on the window, in the capture phase, so it sees a key
 * before xterm's textarea or any input does. It runs the handler of the registry command a
 * key is bound to and prevents the browser's default for exactly those keys; every other key
 * goes on untouched. With the focus in a terminal, the registry decides (pass-through list,
 * send-every-key mode), and terminal commands (find, copy, paste) are left to the terminal.
 * Mount it once, at the top of the app.
 */
export function useShortcuts(handlers: ShortcutHandlers): void {
  // The handlers of the latest render, set as it renders: an effect runs only after the
  // next paint, and a key pressed before it met the handlers of the render before.
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.isComposing || isRecordingShortcut(event.target)) return;
      const inTerminal = isInTerminal(event.target);
      const route = routeKey(shortcutStore().current(), chordOfPress(event), { inTerminal });
      if (route.kind !== 'command') return;
      if (inTerminal && COMMANDS[route.command].scope === 'terminal') return;
      const handler = latest.current[route.command];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, []);
}

/** Whether a key event's target is a terminal (xterm's textarea sits inside `.xterm`). */
export function isInTerminal(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('.xterm') !== null;
}

/** The settings' key recorder takes every key as the new binding: no shortcut may fire there. */
export function isRecordingShortcut(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[data-shortcut-recorder]') !== null;
}
