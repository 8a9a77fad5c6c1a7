import { describe, expect, it } from 'vitest';
import { FRESH_MODES, modesPreamble, TerminalModeTracker } from '../../../../src/host/terminals/terminal-mode-tracker';

describe('terminal mode tracker', () => {
  it('knows which screen was on at any offset, across chunks', () => {
    const t = new TerminalModeTracker();
    const stream = Buffer.from('shell $ vim\r\n\x1b[?1049hediting…\x1b[?1049lshell $ top\x1b[?47hTOP');
    t.observe(0, stream);
    const on = stream.indexOf('\x1b[?1049h');
    const off = stream.indexOf('\x1b[?1049l');
    expect(t.modesAt(0).altScreen).toBe(false);
    expect(t.modesAt(on).altScreen).toBe(false);
    expect(t.modesAt(on + 1).altScreen).toBe(true);
    expect(t.modesAt(off + 1).altScreen).toBe(false);
    expect(t.modesAt(stream.length).altScreen).toBe(true);
  });

  it('sees a sequence split between two chunks, once', () => {
    const stream = Buffer.from('ab\x1b[?1049;2004hcd');
    for (let cut = 1; cut < 14; cut++) {
      const t = new TerminalModeTracker();
      t.observe(0, stream.subarray(0, 2 + cut));
      t.observe(2 + cut, stream.subarray(2 + cut));
      expect(t.modesAt(3), `cut ${cut}`).toMatchObject({ altScreen: true, bracketedPaste: true });
      expect(t.modesAt(2), `cut ${cut}`).toEqual(FRESH_MODES);
    }
  });

  it('keeps the state of changes it no longer lists', () => {
    const t = new TerminalModeTracker();
    let at = 0;
    t.observe(at, Buffer.from('\x1b[?2004h'));
    at += 8;
    for (let i = 0; i < 5000; i++) {
      const chunk = Buffer.from(i % 2 === 0 ? '\x1b[?1049h' : '\x1b[?1049l');
      t.observe(at, chunk);
      at += chunk.length;
    }
    t.observe(at, Buffer.from('\x1b[?1049h'));
    expect(t.modesAt(at + 1)).toMatchObject({ altScreen: true, bracketedPaste: true });
    expect(t.modesAt(at).altScreen).toBe(false);
  });

  it('for a replay from before the changes it still lists, sets only the modes input depends on, never a screen mode that may come later', () => {
    const t = new TerminalModeTracker();
    let at = 0;
    t.observe(at, Buffer.from('\x1b[?2004h\x1b[?1000h'));
    at += 16;
    const early = at;
    // A TUI that hides and shows its cursor every frame, then enters the alternate screen.
    t.observe(at, Buffer.from('\x1b[?1049h'));
    at += 8;
    for (let i = 0; i < 5000; i++) {
      const chunk = Buffer.from(i % 2 === 0 ? '\x1b[?25l' : '\x1b[?25h');
      t.observe(at, chunk);
      at += chunk.length;
    }
    // At `early` the alternate screen was not on yet; what is remembered begins later.
    expect(t.modesForReplayFrom(early)).toEqual({ ...FRESH_MODES, bracketedPaste: true, mouseTracking: 1000 });
    // Within what is remembered, exact: the alternate screen included.
    expect(t.modesForReplayFrom(at)).toMatchObject({ altScreen: true, bracketedPaste: true, mouseTracking: 1000 });
  });

  it('follows the modes a TUI sets, and a full reset clears them all (back to the normal screen)', () => {
    const t = new TerminalModeTracker();
    const setup = Buffer.from('\x1b[?1049h\x1b[?2004h\x1b[?1h\x1b=\x1b[?25l\x1b[?1003h\x1b[?1006h\x1b[?1004h\x1b[?7l\x1b[3;20r\x1b[?6h\x1b[?2026hframe\x1b[?2026l');
    t.observe(0, setup);
    expect(t.modesAt(setup.length)).toEqual({
      altScreen: true,
      applicationCursorKeys: true,
      originMode: true,
      autowrap: false,
      cursorVisible: false,
      mouseTracking: 1003,
      mouseEncoding: 1006,
      focusReporting: true,
      bracketedPaste: true,
      applicationKeypad: true,
      scrollRegion: '3;20',
    });
    t.observe(setup.length, Buffer.from('\x1bcplain'));
    expect(t.modesAt(setup.length + 2)).toEqual(FRESH_MODES);
  });

  it('resetting any mouse tracking mode turns tracking off, as xterm does', () => {
    const t = new TerminalModeTracker();
    t.observe(0, Buffer.from('\x1b[?1003h\x1b[?1000l'));
    expect(t.modesAt(100).mouseTracking).toBeNull();
  });

  it('writes nothing for a fresh terminal and sets each mode that differs', () => {
    expect(modesPreamble(FRESH_MODES)).toBe('');
    expect(modesPreamble({ ...FRESH_MODES, bracketedPaste: true, cursorVisible: false, scrollRegion: '2;10' })).toBe('\x1b[2;10r\x1b[?25l\x1b[?2004h');
  });
});
