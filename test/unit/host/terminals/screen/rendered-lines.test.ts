import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastLine } from '../../../../../src/host/notify/notification-wording';
import { renderedLines } from '../../../../../src/host/terminals/screen/rendered-lines';

const screens = join(__dirname, '..', '..', '..', '..', 'fixtures', 'screens');
const recorded = (name: string): string => readFileSync(join(screens, name), 'utf8');

describe('the last line of real CLI output', () => {
  it("Claude Code 2.1.197's exit (ESC[>4m ESC[<u ESC(B SI) leaves nothing behind its real last line", () => {
    // Recorded offline: Claude exits 1 after its connectivity check.
    expect(lastLine(recorded('claude-2.1.197-offline-exit.ansi'))).toBe('https://anthropic.com/supported-countries');
  });

  it('keeps the spaces Claude Code draws with cursor moves', () => {
    const lines = renderedLines(recorded('claude-2.1.197-offline-exit.ansi')).map((l) => l.trim());
    expect(lines).toContain('Note: Claude Code might not be available in your country. Check supported countries at');
  });

  it('after a Ctrl-C exit, the line Claude Code printed last', () => {
    expect(lastLine(recorded('claude-2.1.197-ctrl-c-exit.ansi'))).toBe('claude --resume b6a0c581-d554-4ebd-8a39-ccb669d2b755');
  });

  it("Claude Code 2.1.332's exit (terminal queries ESC[>0q ESC[?u ESC]7501;? BEL ESC[c, then ESC[>4m ESC[<u ESC(B SI ESC[?1016l ESC[?7h) leaves nothing behind its real last line", () => {
    // Recorded offline, as for 2.1.197: exit 1 after the connectivity check.
    expect(lastLine(recorded('claude-2.1.332-offline-exit.ansi'))).toBe('https://anthropic.com/supported-countries');
    const lines = renderedLines(recorded('claude-2.1.332-offline-exit.ansi')).map((l) => l.trim());
    // 2.1.332 dropped the "Note: " and "Please " of 2.1.197's wording; the words are still spaced by cursor moves.
    expect(lines).toContain('Claude Code might not be available in your country. Check supported countries at');
    expect(lines).toContain('Check your internet connection and network settings.');
  });

  it('after a Ctrl-C exit of Claude Code 2.1.332, the line it printed last', () => {
    expect(lastLine(recorded('claude-2.1.332-ctrl-c-exit.ansi'))).toBe('claude --resume c9955792-e1a5-4f07-ab15-1b8725feb9a8');
  });

  it('drops private-parameter CSIs, OSC, DCS and APC strings, C1 and shift controls whole', () => {
    const bytes = 'done: 3 files\x1b[>4;2m\x1b]0;title\x07\x1bP>|xterm(1)\x1b\\\x1b_apc\x1b\\\x0f\x1b[<u\x1b[>1u\x1b[?2004l\r\n\x1b[>4m\x1b[<u';
    expect(lastLine(bytes)).toBe('done: 3 files');
  });

  it('still parses synchronously (a newer @xterm/headless without writeSync fails here, not in a notification)', () => {
    expect(renderedLines('a\r\nb')).toEqual(['a', 'b', ...Array<string>(48).fill('')]);
  });
});
