/**
 * Where a terminal that was reset can start rendering an agent's output and still end on the
 * screen a terminal fed every byte would show. Used when a client (or the host's own screen
 * reader) has fallen too far behind a flood to parse it all: it jumps to a restart point near
 * the end of the log instead (see flow-control.ts, docs/protocol.md "catch-up").
 *
 * Pure: it looks at the last bytes of the log (the `window`) and answers an index into them.
 *
 * Preferred restart points are sequences after which nothing before matters to the screen:
 * a full reset (`ESC c`), a switch to or from the alternate screen (`CSI ?1049 h/l`, and the
 * older `?1047`/`?47`), or a clear of the whole screen (`CSI 2J`). A `2J` inside an alternate
 * screen session that began in the window restarts at that switch, so the reset terminal is
 * on the same screen buffer. A lone `CSI 3J` clears only the scrollback, not the screen, so it
 * is no restart point (the usual `CSI 2J CSI 3J` restarts at the `2J`).
 *
 * Without any, the last `plainTailBytes` are used, cut where a terminal can start cleanly:
 * not inside an escape sequence, not inside a UTF-8 character, and at the start of a line
 * when there is one (plain output then shows whole lines; the last screenful matches).
 */

const ESC = 0x1b;
const BEL = 0x07;
const LF = 0x0a;
/** How far back from a cut an escape sequence that the cut may fall inside is looked for. */
const SEQUENCE_LOOKBACK_BYTES = 4096;

type Marker = 'reset' | 'alt-on' | 'alt-off' | 'clear';

/** The restart point in `window` (an index into it; `window.length` when nothing fits). */
export function findRestartPoint(window: Uint8Array, plainTailBytes: number): number {
  const markers = markersIn(window);
  const last = markers.at(-1);
  if (last) {
    if (last.kind === 'alt-off') {
      // Back from a full-screen program (`less`, `vim`): the normal screen shows again what it
      // showed before the program started. Restart where that screen can be rebuilt: at the
      // restart point before the matching switch on, if that switch is in the window.
      const on = markers.findLast((m) => m.kind === 'alt-on' || m.kind === 'reset');
      if (on?.kind === 'alt-on') {
        const before = findRestartPoint(window.subarray(0, on.at), plainTailBytes);
        return before < on.at ? before : on.at;
      }
      return last.at;
    }
    if (last.kind !== 'clear') return last.at;
    // A clear while the alternate screen is on (switched on in the window): start at the switch.
    const lastSwitch = markers.findLast((m) => m.kind !== 'clear');
    return lastSwitch?.kind === 'alt-on' ? lastSwitch.at : last.at;
  }
  return cleanStartFrom(window, Math.max(0, window.length - plainTailBytes));
}

/**
 * Where a terminal can start in `bytes` that begin at an arbitrary cut (the oldest byte a
 * log kept, the bytes before it dropped): at the first line start, so neither half a
 * character nor the rest of an escape sequence is shown as text; without a newline, past any
 * UTF-8 continuation bytes.
 */
export function firstCleanStart(bytes: Uint8Array): number {
  const newline = bytes.indexOf(LF);
  if (newline !== -1) return newline + 1;
  let at = 0;
  while (at < bytes.length && (bytes[at]! & 0xc0) === 0x80) at++;
  return at;
}

/**
 * The first index at or after `cut` where a terminal can start: past any escape sequence the
 * cut falls inside, on a UTF-8 character boundary, and at a line start if a newline follows.
 */
export function cleanStartFrom(bytes: Uint8Array, cut: number): number {
  if (cut <= 0) return 0;
  let at = Math.min(cut, bytes.length);
  const seq = lastEscapeBefore(bytes, at);
  if (seq !== -1) {
    const end = sequenceEnd(bytes, seq);
    // Cut inside a sequence that has not ended yet (a long OSC or DCS payload, an image):
    // start at that sequence, so its rest is never shown as text.
    if (end === -1) return seq;
    at = Math.max(at, end);
  }
  const newline = bytes.indexOf(LF, at);
  if (newline !== -1 && newline + 1 < bytes.length) return newline + 1;
  while (at < bytes.length && (bytes[at]! & 0xc0) === 0x80) at++;
  return at;
}

function lastEscapeBefore(bytes: Uint8Array, at: number): number {
  const floor = Math.max(0, at - SEQUENCE_LOOKBACK_BYTES);
  for (let i = at - 1; i >= floor; i--) if (bytes[i] === ESC) return i;
  return -1;
}

/**
 * Index just past the escape sequence starting at `at` (an ESC), or -1 if `bytes` ends
 * before it does. CSI ends at its final byte; OSC, DCS, APC, PM and SOS at BEL or ST
 * (`ESC \`); an ESC with intermediates at the byte after them; any other ESC after one byte.
 */
export function sequenceEnd(bytes: Uint8Array, at: number): number {
  const kind = bytes[at + 1];
  if (kind === undefined) return -1;
  if (kind === 0x5b /* [ */) {
    for (let i = at + 2; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b >= 0x40 && b <= 0x7e) return i + 1;
      // A byte that cannot be in a CSI ends it (the terminal drops the sequence there).
      if (b < 0x20 || b > 0x3f) return i;
    }
    return -1;
  }
  if (kind === 0x5d /* ] */ || kind === 0x50 /* P */ || kind === 0x5f /* _ */ || kind === 0x5e /* ^ */ || kind === 0x58 /* X */) {
    for (let i = at + 2; i < bytes.length; i++) {
      if (bytes[i] === BEL && kind === 0x5d) return i + 1;
      if (bytes[i] === ESC) return bytes[i + 1] === undefined ? -1 : bytes[i + 1] === 0x5c /* \ */ ? i + 2 : i;
    }
    return -1;
  }
  let i = at + 1;
  while (i < bytes.length && bytes[i]! >= 0x20 && bytes[i]! <= 0x2f) i++;
  return i < bytes.length ? i + 1 : -1;
}

const CSI_MARKERS: [string, Marker][] = [
  ['2J', 'clear'],
  ['?1049h', 'alt-on'],
  ['?1049l', 'alt-off'],
  ['?1047h', 'alt-on'],
  ['?1047l', 'alt-off'],
  ['?47h', 'alt-on'],
  ['?47l', 'alt-off'],
];

function markersIn(bytes: Uint8Array): { at: number; kind: Marker }[] {
  const found: { at: number; kind: Marker }[] = [];
  for (let i = bytes.indexOf(ESC); i !== -1; i = bytes.indexOf(ESC, i + 1)) {
    const next = bytes[i + 1];
    if (next === 0x63 /* c */) found.push({ at: i, kind: 'reset' });
    else if (next === 0x5b /* [ */) {
      for (const [body, kind] of CSI_MARKERS) {
        if (matchesAscii(bytes, i + 2, body)) {
          found.push({ at: i, kind });
          break;
        }
      }
    }
  }
  return found;
}

function matchesAscii(bytes: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text.charCodeAt(k)) return false;
  return true;
}
