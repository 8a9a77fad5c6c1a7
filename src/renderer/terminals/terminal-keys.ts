import type { PresetId } from '../../shared/agents';
import { chordOfPress, type KeyPress } from '../keyboard/key-chord';
import { routeKey, type ResolvedShortcuts } from '../keyboard/shortcut-registry';

/**
 * What a key pressed in a focused terminal does: go to the program (xterm encodes it), or be
 * kept from the program because the app acts on it. Pure, so each rule is unit-tested; the
 * terminal pane carries out the decision.
 *
 * - Registry app shortcuts (palette, lanes...) stay out of the program; the window listener
 *   runs them.
 * - Find, copy and paste are the terminal's own: copy writes the selection, paste is left to
 *   the browser's paste event, which xterm turns into `paste()` (bracketed when the program
 *   asked for it).
 * - On Linux and Windows, Ctrl+C copies when text is selected and is ^C otherwise.
 * - Shift+Enter in Claude Code or Codex sends ESC CR, which both read as "newline without
 *   submitting" (Alt+Enter in their terms; Claude Code stopped reading a bare LF as one in
 *   2.1.82). Shells get Shift+Enter as Enter, as every terminal sends it.
 */
export type TerminalKeyDecision =
  | { kind: 'program' }
  | { kind: 'app' }
  | { kind: 'find' }
  | { kind: 'copy' }
  | { kind: 'paste' }
  | { kind: 'send'; data: string };

export const NEWLINE_WITHOUT_SUBMIT = '\x1b\r';

const PRESETS_WITH_NEWLINE_KEY: ReadonlySet<PresetId> = new Set(['claude', 'codex']);

export function decideTerminalKey(resolved: ResolvedShortcuts, press: KeyPress, context: { hasSelection: boolean; preset: PresetId }): TerminalKeyDecision {
  const chord = chordOfPress(press);
  const route = routeKey(resolved, chord, { inTerminal: true });
  if (route.kind === 'command') {
    if (route.command === 'terminal.find') return { kind: 'find' };
    if (route.command === 'terminal.copy') return { kind: 'copy' };
    if (route.command === 'terminal.paste') return { kind: 'paste' };
    return { kind: 'app' };
  }
  if (!chord) return { kind: 'program' };
  // How the agent reads Shift+Enter, not a shortcut of Grove's: "send every key" keeps it, or
  // the prompt half written would be sent.
  const onlyShift = chord.shift && !chord.ctrl && !chord.alt && !chord.meta;
  if (onlyShift && chord.key === 'Enter' && PRESETS_WITH_NEWLINE_KEY.has(context.preset)) return { kind: 'send', data: NEWLINE_WITHOUT_SUBMIT };
  if (resolved.sendEveryKey) return { kind: 'program' };
  const onlyCtrl = chord.ctrl && !chord.alt && !chord.shift && !chord.meta;
  if (resolved.platform === 'other' && onlyCtrl && chord.key === 'C' && context.hasSelection) return { kind: 'copy' };
  return { kind: 'program' };
}

/** A link in a terminal opens on Cmd+click (macOS) or Ctrl+click (elsewhere); a plain click selects text. */
export function isLinkActivation(click: { ctrlKey: boolean; metaKey: boolean }, platform: 'mac' | 'other'): boolean {
  return platform === 'mac' ? click.metaKey : click.ctrlKey;
}
