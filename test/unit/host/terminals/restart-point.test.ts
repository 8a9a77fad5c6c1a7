import { createRequire } from 'node:module';
import type * as XtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { cleanStartFrom, findRestartPoint, firstCleanStart, sequenceEnd } from '../../../../src/host/terminals/restart-point';

const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;

const b = (s: string): Buffer => Buffer.from(s, 'utf8');
const PLAIN = 64;

/** The screen (text) a terminal shows after being fed `data`. */
async function screenOf(data: Uint8Array, cols = 40, rows = 8): Promise<string> {
  const t = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  await new Promise<void>((r) => t.write(data, r));
  const buf = t.buffer.active;
  const lines: string[] = [];
  for (let y = buf.viewportY; y < buf.viewportY + rows; y++) lines.push(buf.getLine(y)?.translateToString(true) ?? '');
  const alt = buf.type;
  t.dispose();
  return `${alt}\n${lines.join('\n')}`;
}

describe('restart point: screen-wide sequences', () => {
  it('starts at the last full reset, clear or alternate-screen switch', () => {
    const data = b('old\r\n\x1b[2Jmid\r\n\x1bcnew\r\n');
    expect(findRestartPoint(data, PLAIN)).toBe(data.indexOf('\x1bc'));
    const alt = b('a\x1b[2Jb\x1b[?1049hfull screen app');
    expect(findRestartPoint(alt, PLAIN)).toBe(alt.indexOf('\x1b[?1049h'));
    const back = b('\x1b[?1049happ\x1b[?1049lshell $ ');
    expect(findRestartPoint(back, PLAIN)).toBe(back.indexOf('\x1b[?1049h'));
    expect(findRestartPoint(b('x\x1b[?47hy'), PLAIN)).toBe(1);
  });

  it('restarts a clear inside an alternate screen at the switch, so the reset terminal is on that screen', () => {
    const data = b('shell\r\n\x1b[?1049h\x1b[H\x1b[2Jframe 1\x1b[H\x1b[2Jframe 2');
    expect(findRestartPoint(data, PLAIN)).toBe(data.indexOf('\x1b[?1049h'));
    const after = b('\x1b[?1049happ\x1b[?1049l\x1b[2Jshell');
    expect(findRestartPoint(after, PLAIN)).toBe(after.indexOf('\x1b[2J'));
  });

  it('takes no lone CSI 3J (it clears the scrollback, not the screen); CSI 2J CSI 3J restarts at the 2J', () => {
    const lone = b('line one\nline two\x1b[3Jmore');
    expect(findRestartPoint(lone, 1000)).toBe(0);
    const clear = b('junk\x1b[H\x1b[2J\x1b[3J$ ');
    expect(findRestartPoint(clear, PLAIN)).toBe(clear.indexOf('\x1b[2J'));
  });

  it('does not take look-alikes: CSI 12J, a marker cut off at the end of the window', () => {
    expect(findRestartPoint(b('ab\x1b[12Jcd'), 1000)).toBe(0);
    const cut = b('abc\ndef\x1b[?1049');
    expect(findRestartPoint(cut, 1000)).toBe(0);
  });

  it('ends on the same screen as a terminal fed everything (alternate screen app redrawing)', async () => {
    let stream = 'prompt $ run\r\n\x1b[?1049h';
    for (let f = 0; f < 50; f++) stream += `\x1b[H\x1b[2J\x1b[1mframe ${f}\x1b[0m\r\n${'row '.repeat(5)}${f}`;
    const data = b(stream);
    const at = findRestartPoint(data, PLAIN);
    expect(at).toBeGreaterThan(0);
    expect(await screenOf(data.subarray(at))).toBe(await screenOf(data));
  });
});

describe('restart point: plain output', () => {
  it('cuts the last N bytes at a line start; the last screenful matches', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}…`).join('\r\n') + '\r\n$ ';
    const data = b(lines);
    const at = findRestartPoint(data, 400);
    expect(data.length - at).toBeLessThanOrEqual(400);
    expect(data[at - 1]).toBe(0x0a);
    expect(await screenOf(data.subarray(at))).toBe(await screenOf(data));
  });

  it('never starts inside a UTF-8 character', () => {
    const data = b('ééééééééééé'); // no newline: the cut is only moved to a character boundary
    for (let n = 1; n < data.length; n++) {
      const at = findRestartPoint(data, n);
      expect((data[at]! & 0xc0) === 0x80, `cut ${n} → ${at}`).toBe(false);
      expect(b(data.subarray(at).toString('utf8')).equals(data.subarray(at))).toBe(true);
    }
  });

  it('never starts inside a CSI, an OSC (BEL or ST) or a DCS cut mid-way', () => {
    const data = b('\x1b[38;2;255;100;0mcolour\x1b]0;a long window title\x07\x1b]8;;https://x.test/\x1b\\link\x1bP1$r0m\x1b\\tail');
    const ends = new Set<number>();
    for (let i = 0; i < data.length; i++) if (data[i] === 0x1b) ends.add(sequenceEnd(data, i));
    for (let cut = 1; cut < data.length; cut++) {
      const at = cleanStartFrom(data, cut);
      // Wherever the cut fell, the start is outside every sequence: no ESC before it reaches past it.
      for (let i = 0; i < at; i++) if (data[i] === 0x1b) expect(sequenceEnd(data, i), `cut ${cut} → ${at}`).toBeLessThanOrEqual(at);
    }
    expect(ends.has(-1)).toBe(false);
  });

  it('starts at a sequence the cut falls in that has not finished yet, so its rest is never shown as text', async () => {
    const data = b('abc\x1b]0;title still com');
    expect(cleanStartFrom(data, 8)).toBe(3);
    expect(cleanStartFrom(b('abc\x1b[38;5'), 6)).toBe(3);
    // An inline image (OSC 1337) still arriving when the client jumps: the rest of its payload
    // never lands on the screen as text, once it ends.
    const image = b(`${'line\r\n'.repeat(20)}\x1b]1337;File=inline=1:${'QUJD'.repeat(100)}`);
    const at = findRestartPoint(image, 200);
    expect(at).toBe(image.indexOf('\x1b]1337'));
    const all = Buffer.concat([image, b(`${'QUJD'.repeat(10)}\x07$ `)]);
    expect(await screenOf(all.subarray(at))).toBe('normal\n$ \n\n\n\n\n\n\n');
  });

  it('after a full-screen program quit (`cat big; less x; q`) shows the normal screen as it was, not an empty one', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `output line ${i}`).join('\r\n') + '\r\n$ less x\r\n';
    const data = b(`${lines}\x1b[?1049h\x1b[H\x1b[2Jpage of x\x1b[?1049l\r$ `);
    const at = findRestartPoint(data, 400);
    expect(at).toBeLessThan(data.indexOf('\x1b[?1049h'));
    expect(await screenOf(data.subarray(at))).toBe(await screenOf(data));
    expect(await screenOf(data.subarray(at))).toContain('output line 99');
  });

  it('finds where a terminal can start in bytes cut at an arbitrary point (the oldest a log kept)', () => {
    const cut = b('é\x1b[31mred\x1b[0m rest of a line\r\nnext line\r\n').subarray(1);
    expect(cut.subarray(firstCleanStart(cut)).toString()).toBe('next line\r\n');
    const noLine = b('ééé').subarray(1);
    expect(firstCleanStart(noLine)).toBe(1);
  });

  it('reads sequence ends as a terminal does', () => {
    expect(sequenceEnd(b('\x1b[1;31mx'), 0)).toBe(7);
    expect(sequenceEnd(b('\x1b]0;t\x07x'), 0)).toBe(6);
    expect(sequenceEnd(b('\x1b]0;t\x1b\\x'), 0)).toBe(7);
    expect(sequenceEnd(b('\x1b(Bx'), 0)).toBe(3);
    expect(sequenceEnd(b('\x1b7x'), 0)).toBe(2);
    expect(sequenceEnd(b('\x1b[1;3'), 0)).toBe(-1);
    expect(sequenceEnd(b('\x1b'), 0)).toBe(-1);
  });
});
