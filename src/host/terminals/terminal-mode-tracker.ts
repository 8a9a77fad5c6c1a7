/**
 * The terminal modes an agent's output had set at a given offset. A jump resets a client's
 * terminal and restarts it near the end of the log; the modes a program set long before
 * (megabytes back, maybe no longer in the log) would be lost with the reset: the alternate
 * screen, bracketed paste (a pasted prompt would be submitted at its first newline),
 * application cursor keys, mouse tracking, focus reporting, a hidden cursor, origin mode,
 * autowrap, the scroll region, the application keypad. The host notes every change as
 * output is appended (a cheap scan), and the jump tells the client: `altScreen`, and
 * `modes`, the sequences that set the rest again after its reset (jumpResetSequence).
 *
 * It follows the last set/reset of each mode; a full reset (`ESC c`) resets them all, a soft
 * reset (`CSI ! p`) the ones it resets in xterm. Sequences longer than CARRY_BYTES split
 * across two chunks are missed (none of the tracked ones is that long in practice).
 */

/** What a terminal fed every byte would have set; defaults are a fresh terminal's. */
export interface TerminalModes {
  altScreen: boolean;
  /** DECCKM (?1): cursor keys send application sequences. */
  applicationCursorKeys: boolean;
  /** DECOM (?6). */
  originMode: boolean;
  /** DECAWM (?7), on in a fresh terminal. */
  autowrap: boolean;
  /** DECTCEM (?25), on in a fresh terminal. */
  cursorVisible: boolean;
  /** The last mouse tracking mode set (9, 1000, 1002, 1003); resetting any turns tracking off. */
  mouseTracking: number | null;
  /** The last mouse encoding set (1005, 1006, 1015). */
  mouseEncoding: number | null;
  /** ?1004. */
  focusReporting: boolean;
  /** ?2004. */
  bracketedPaste: boolean;
  /** DECKPAM (`ESC =`). */
  applicationKeypad: boolean;
  /** DECSTBM's parameters (`5;20`), null for the whole screen. */
  scrollRegion: string | null;
}

export const FRESH_MODES: TerminalModes = {
  altScreen: false,
  applicationCursorKeys: false,
  originMode: false,
  autowrap: true,
  cursorVisible: true,
  mouseTracking: null,
  mouseEncoding: null,
  focusReporting: false,
  bracketedPaste: false,
  applicationKeypad: false,
  scrollRegion: null,
};

type ModeChange =
  | { kind: 'dec'; modes: number[]; on: boolean }
  | { kind: 'scroll-region'; region: string | null }
  | { kind: 'keypad'; application: boolean }
  | { kind: 'soft-reset' }
  | { kind: 'reset' };

// CSI ? Pm h/l | CSI Pt;Pb r (DECSTBM) | CSI ! p (DECSTR) | ESC c (RIS) | ESC = / ESC > (keypad).
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const CHANGE = /\x1b\[\?([\d;]+)([hl])|\x1b\[(\d*(?:;\d*)?)r|\x1b\[!p|\x1bc|\x1b([=>])/g;
const TRACKED_DEC_MODES = new Set([1, 6, 7, 25, 9, 1000, 1002, 1003, 1005, 1006, 1015, 1004, 2004, 47, 1047, 1049]);
/** A tracked sequence is at most this long, so this much of a chunk's end may begin one the next completes. */
const CARRY_BYTES = 32;
/** Changes remembered; older ones are folded into the modes before the first kept. */
const MAX_CHANGES = 4096;

export class TerminalModeTracker {
  private changes: { offset: number; change: ModeChange }[] = [];
  private modesBefore: TerminalModes = FRESH_MODES;
  /** Where the changes folded into `modesBefore` end: before it, modesAt is not exact. */
  private foldedTo = 0;
  private carry = '';

  /** Output `chunk` was appended at `offset`. */
  observe(offset: number, chunk: Buffer): void {
    const text = this.carry + chunk.toString('latin1');
    const textStart = offset - this.carry.length;
    for (const m of text.matchAll(CHANGE)) {
      // A sequence that lies wholly in the carry was seen with the previous chunk.
      if (m.index + m[0].length <= this.carry.length) continue;
      const change = changeOf(m);
      // Modes it does not follow (a TUI's synchronized output, ?2026, brackets every frame) take no room.
      if (change.kind === 'dec' && !change.modes.some((mode) => TRACKED_DEC_MODES.has(mode))) continue;
      this.changes.push({ offset: textStart + m.index, change });
    }
    if (this.changes.length > MAX_CHANGES) {
      const folded = this.changes.splice(0, this.changes.length - MAX_CHANGES);
      this.modesBefore = folded.reduce((modes, c) => applyChange(modes, c.change), this.modesBefore);
      this.foldedTo = folded.at(-1)!.offset + 1;
    }
    this.carry = text.slice(-CARRY_BYTES);
  }

  /**
   * The modes to set before replaying from `offset`. Exact when its changes are still
   * remembered. Before that (a TUI that toggles its cursor every frame fills the memory long
   * before its log fills), only the modes that change what keys, pastes and the mouse send:
   * those may be later than `offset`, but a replay that follows ends where the log does
   * either way, while a screen mode set too early (the alternate screen, a scroll region)
   * would draw the replay wrong.
   */
  modesForReplayFrom(offset: number): TerminalModes {
    const modes = this.modesAt(offset);
    if (offset >= this.foldedTo) return modes;
    const { applicationCursorKeys, mouseTracking, mouseEncoding, focusReporting, bracketedPaste, applicationKeypad } = modes;
    return { ...FRESH_MODES, applicationCursorKeys, mouseTracking, mouseEncoding, focusReporting, bracketedPaste, applicationKeypad };
  }

  /** The modes just before the byte at `offset`. */
  modesAt(offset: number): TerminalModes {
    let modes = this.modesBefore;
    for (const c of this.changes) {
      if (c.offset >= offset) break;
      modes = applyChange(modes, c.change);
    }
    return modes;
  }
}

function changeOf(m: RegExpMatchArray): ModeChange {
  if (m[1] !== undefined) return { kind: 'dec', modes: m[1].split(';').filter(Boolean).map(Number), on: m[2] === 'h' };
  if (m[3] !== undefined) return { kind: 'scroll-region', region: m[3] === '' || m[3] === ';' ? null : m[3] };
  if (m[4] !== undefined) return { kind: 'keypad', application: m[4] === '=' };
  return m[0] === '\x1bc' ? { kind: 'reset' } : { kind: 'soft-reset' };
}

function applyChange(modes: TerminalModes, change: ModeChange): TerminalModes {
  switch (change.kind) {
    case 'reset':
      return FRESH_MODES;
    case 'soft-reset':
      // What xterm's DECSTR resets; the screen buffer, mouse and paste modes stay.
      return { ...modes, applicationCursorKeys: false, originMode: false, autowrap: true, cursorVisible: true, applicationKeypad: false, scrollRegion: null };
    case 'keypad':
      return { ...modes, applicationKeypad: change.application };
    case 'scroll-region':
      return { ...modes, scrollRegion: change.region };
    case 'dec':
      return change.modes.reduce((m, mode) => applyDecMode(m, mode, change.on), modes);
  }
}

function applyDecMode(modes: TerminalModes, mode: number, on: boolean): TerminalModes {
  switch (mode) {
    case 1:
      return { ...modes, applicationCursorKeys: on };
    case 6:
      return { ...modes, originMode: on };
    case 7:
      return { ...modes, autowrap: on };
    case 25:
      return { ...modes, cursorVisible: on };
    case 9:
    case 1000:
    case 1002:
    case 1003:
      return { ...modes, mouseTracking: on ? mode : null };
    case 1005:
    case 1006:
    case 1015:
      return { ...modes, mouseEncoding: on ? mode : null };
    case 1004:
      return { ...modes, focusReporting: on };
    case 2004:
      return { ...modes, bracketedPaste: on };
    case 47:
    case 1047:
    case 1049:
      return { ...modes, altScreen: on };
    default:
      return modes;
  }
}

/**
 * The sequences that set `modes` again in a terminal just reset and (if `altScreen`) switched
 * to the alternate screen: what the jump frame carries as `modes`. Empty for a fresh terminal's.
 */
export function modesPreamble(modes: TerminalModes): string {
  const set = (mode: number, on: boolean): string => `\x1b[?${mode}${on ? 'h' : 'l'}`;
  let out = '';
  if (modes.scrollRegion !== null) out += `\x1b[${modes.scrollRegion}r`;
  // After the scroll region: DECSTBM homes the cursor, relative to the origin mode.
  if (modes.originMode) out += set(6, true);
  if (!modes.autowrap) out += set(7, false);
  if (!modes.cursorVisible) out += set(25, false);
  if (modes.applicationCursorKeys) out += set(1, true);
  if (modes.applicationKeypad) out += '\x1b=';
  if (modes.mouseTracking !== null) out += set(modes.mouseTracking, true);
  if (modes.mouseEncoding !== null) out += set(modes.mouseEncoding, true);
  if (modes.focusReporting) out += set(1004, true);
  if (modes.bracketedPaste) out += set(2004, true);
  return out;
}
