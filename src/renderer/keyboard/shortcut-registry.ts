import { formatChord, isLetter, normaliseBinding, parseChord, type KeyChord } from './key-chord';
import type { KeyboardPlatform } from './platform';

/**
 * The one list of app shortcuts: every command with a key, its default bindings per
 * platform, and how user settings (rebindings, the pass-through list, "send every key to
 * the terminal") change what a key press does. Pure: the store and the hook sit on top.
 *
 * Modifier policy for the defaults: on macOS Cmd; on Linux and Windows Ctrl+Shift (or
 * Ctrl+Alt where Ctrl+Shift is taken by the browser or the desktop), because shells and
 * agent CLIs use nearly every Ctrl+letter and Alt+letter. So "Mod+B" (the rail) is Cmd+B
 * on macOS and Ctrl+Shift+B elsewhere; "Mod+1" is Cmd+1 / Ctrl+Shift+1. No default is a bare
 * Ctrl+letter, an Alt+letter, Alt+arrow or Ctrl+Q, and there are no chord prefixes.
 */
export const COMMAND_IDS = [
  'palette.open',
  'shortcuts.show',
  'rail.toggle',
  'panel.toggle',
  'lane.1',
  'lane.2',
  'lane.3',
  'lane.4',
  'lane.5',
  'lane.6',
  'lane.7',
  'lane.8',
  'lane.9',
  'agent.prev',
  'agent.next',
  'agent.nextWaiting',
  'terminal.find',
  'terminal.copy',
  'terminal.paste',
  'split.toggle',
  'settings.open',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/**
 * `app` commands act wherever the focus is. `terminal` commands (find, copy, paste) act on
 * the focused terminal and are handled by the terminal pane itself; with the focus elsewhere
 * the app may handle them.
 */
export type CommandScope = 'app' | 'terminal';

export interface CommandInfo {
  title: string;
  scope: CommandScope;
  /** Default bindings: [macOS, Linux and Windows]. */
  defaults: Record<KeyboardPlatform, string[]>;
}

const lane = (n: number): CommandInfo => ({ title: `Go to lane ${n}`, scope: 'app', defaults: { mac: [`Meta+${n}`], other: [`Ctrl+Shift+${n}`] } });

export const COMMANDS: Record<CommandId, CommandInfo> = {
  // Cmd+K as well on macOS, where it is the palette key people expect; Ctrl+K stays readline's.
  // Ctrl+Alt+P too off macOS: Firefox keeps Ctrl+Shift+P (a private window) and the page never sees it.
  'palette.open': { title: 'Open the command palette', scope: 'app', defaults: { mac: ['Shift+Meta+P', 'Meta+K'], other: ['Ctrl+Shift+P', 'Ctrl+Alt+P'] } },
  'shortcuts.show': { title: 'Show keyboard shortcuts', scope: 'app', defaults: { mac: ['Meta+/'], other: ['Ctrl+Shift+/'] } },
  'rail.toggle': { title: 'Show or hide the rail', scope: 'app', defaults: { mac: ['Meta+B'], other: ['Ctrl+Shift+B'] } },
  'panel.toggle': { title: 'Show or hide the right panel', scope: 'app', defaults: { mac: ['Alt+Meta+B'], other: ['Ctrl+Alt+B'] } },
  'lane.1': lane(1),
  'lane.2': lane(2),
  'lane.3': lane(3),
  'lane.4': lane(4),
  'lane.5': lane(5),
  'lane.6': lane(6),
  'lane.7': lane(7),
  'lane.8': lane(8),
  'lane.9': lane(9),
  'agent.prev': { title: 'Previous agent in the lane', scope: 'app', defaults: { mac: ['Shift+Meta+['], other: ['Ctrl+Shift+['] } },
  'agent.next': { title: 'Next agent in the lane', scope: 'app', defaults: { mac: ['Shift+Meta+]'], other: ['Ctrl+Shift+]'] } },
  // Ctrl+Shift+J would open Chromium's console and Ctrl+Shift+U is the desktop's Unicode entry: Ctrl+Alt+J.
  'agent.nextWaiting': { title: 'Next agent waiting for you', scope: 'app', defaults: { mac: ['Meta+J'], other: ['Ctrl+Alt+J'] } },
  'terminal.find': { title: 'Find in the terminal', scope: 'terminal', defaults: { mac: ['Meta+F'], other: ['Ctrl+Shift+F'] } },
  'terminal.copy': { title: 'Copy the selection', scope: 'terminal', defaults: { mac: ['Meta+C'], other: ['Ctrl+Shift+C'] } },
  'terminal.paste': { title: 'Paste into the terminal', scope: 'terminal', defaults: { mac: ['Meta+V'], other: ['Ctrl+Shift+V'] } },
  'split.toggle': { title: 'Split or unsplit the terminals', scope: 'app', defaults: { mac: ['Meta+\\'], other: ['Ctrl+Shift+\\'] } },
  'settings.open': { title: 'Open settings', scope: 'app', defaults: { mac: ['Meta+,'], other: ['Ctrl+Shift+,'] } },
};

export function isCommandId(value: string): value is CommandId {
  return (COMMAND_IDS as readonly string[]).includes(value);
}

/** What the user changed; everything absent means "the default". */
export interface ShortcutSettings {
  /** Per command, the bindings that replace its defaults ([] = no key at all). */
  overrides: Partial<Record<CommandId, string[]>>;
  /** Chords a focused terminal always receives, even when an app shortcut uses them. */
  passThrough: string[];
  /** Every key goes to a focused terminal except the palette's, so the user can still get out. */
  sendEveryKey: boolean;
}

export const DEFAULT_SHORTCUT_SETTINGS: ShortcutSettings = { overrides: {}, passThrough: [], sendEveryKey: false };

export interface Conflict {
  binding: string;
  commands: CommandId[];
}

/** The bindings in force and the lookup from a chord to its command. */
export interface ResolvedShortcuts {
  platform: KeyboardPlatform;
  bindings: Record<CommandId, string[]>;
  /** Chord text → the commands bound to it (more than one is a conflict; the first wins). */
  byChord: Map<string, CommandId[]>;
  passThrough: Set<string>;
  sendEveryKey: boolean;
  conflicts: Conflict[];
}

export function resolveShortcuts(platform: KeyboardPlatform, settings: ShortcutSettings): ResolvedShortcuts {
  const bindings = {} as Record<CommandId, string[]>;
  const byChord = new Map<string, CommandId[]>();
  for (const id of COMMAND_IDS) {
    const chosen = settings.overrides[id] ?? COMMANDS[id].defaults[platform];
    const normal = [...new Set(chosen.map((b) => normaliseBinding(b)).filter((b): b is string => b !== null))];
    bindings[id] = normal;
    for (const b of normal) byChord.set(b, [...(byChord.get(b) ?? []), id]);
  }
  const conflicts = [...byChord].filter(([, ids]) => ids.length > 1).map(([binding, commands]) => ({ binding, commands }));
  const passThrough = new Set(settings.passThrough.map((b) => normaliseBinding(b)).filter((b): b is string => b !== null));
  return { platform, bindings, byChord, passThrough, sendEveryKey: settings.sendEveryKey, conflicts };
}

/** Where a key press goes. */
export type KeyRoute = { kind: 'command'; command: CommandId } | { kind: 'program' };

/**
 * The one decision both the window listener and the terminal's key filter make. With the
 * focus in a terminal, a key is the program's unless it is an app shortcut that is not on
 * the pass-through list (and, in send-every-key mode, unless it is not the palette's key).
 * Terminal-scope commands (find, copy, paste) are routed to the command either way; the
 * terminal handles them itself when it has the focus.
 */
export function routeKey(resolved: ResolvedShortcuts, chord: KeyChord | null, where: { inTerminal: boolean }): KeyRoute {
  if (!chord) return { kind: 'program' };
  const text = formatChord(chord);
  const command = resolved.byChord.get(text)?.[0];
  if (!command) return { kind: 'program' };
  if (where.inTerminal) {
    if (resolved.sendEveryKey && command !== 'palette.open') return { kind: 'program' };
    if (resolved.passThrough.has(text)) return { kind: 'program' };
  }
  return { kind: 'command', command };
}

/**
 * Why a binding breaks the policy for defaults, or null when it keeps it. Users may bind what
 * they like; the settings view shows this as a warning.
 */
export function policyProblem(binding: string, platform: KeyboardPlatform): string | null {
  const chord = parseChord(binding);
  if (!chord) return 'not a key combination';
  const onlyCtrl = chord.ctrl && !chord.alt && !chord.shift && !chord.meta;
  const onlyAlt = chord.alt && !chord.ctrl && !chord.shift && !chord.meta;
  if (onlyCtrl && chord.key === 'Q') return 'Ctrl+Q is XON flow control and quits programs';
  if (onlyCtrl && isLetter(chord.key)) return 'shells and agent CLIs use every Ctrl+letter';
  if (onlyAlt && isLetter(chord.key)) return 'shells use Alt+letter (word motions)';
  if (chord.alt && !chord.ctrl && !chord.meta && chord.key.startsWith('Arrow')) return 'shells use Alt+arrows (word motions)';
  if (platform === 'mac' && !chord.meta) return 'app shortcuts on macOS use Cmd';
  if (platform === 'other' && !(chord.ctrl && (chord.shift || chord.alt))) return 'app shortcuts on Linux and Windows use Ctrl+Shift or Ctrl+Alt';
  return null;
}
