import { createRequire } from 'node:module';
import type * as XtermHeadless from '@xterm/headless';

/**
 * Terminal output as the lines a person saw in their terminal: every escape sequence
 * interpreted, not deleted. Used wherever Grove quotes an agent's or a command's last line
 * (exit and crash notifications, a broken probe, a failed gate).
 *
 * Why a terminal and not an ANSI-stripping library: on the real bytes they are wrong.
 * - Claude Code 2.1.197 exits with `ESC[>4m ESC[<u ESC(B SI` (test/fixtures/screens/
 *   claude-2.1.197-offline-exit.ansi). Node's `stripVTControlCharacters` (ansi-regex's
 *   pattern) leaves `4mu` of the private-parameter CSIs, so the notification read
 *   "exit 1 — 4mu"; `strip-ansi` 7.2 removes those but keeps the SI byte.
 * - The same CLI spaces words with cursor moves (`Note:ESC[7GClaude`): any stripper glues
 *   them ("Note:ClaudeCodemightnot…"); a terminal puts the spaces where the user saw them.
 * - Progress redraws (`\r`, cursor up, erase line) leave only what was drawn last.
 * @xterm/headless is the parser the host already runs for screen states (screen-reader.ts),
 * a full VT500 state machine for CSI, OSC, DCS, APC and C1 controls.
 */
// @xterm/headless is CommonJS; load it the CommonJS way from this ES module.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;

/** Wide enough that a tail re-rendered here wraps where few terminals would. */
const COLS = 240;
const ROWS = 50;
/** Lines kept above the screen: a 4 KiB tail fits many times over. */
const SCROLLBACK = 2000;

/**
 * The public `write` is asynchronous (it yields to the event loop between chunks); its
 * core's `writeSync` parses at once. Notification wording is synchronous, and a terminal
 * made for one call has no handler that could re-enter it, which is what makes `writeSync`
 * "unreliable" in general. rendered-lines.test.ts fails if an @xterm/headless update drops it.
 */
interface CoreWithWriteSync {
  _core?: { writeSync?: (data: string | Uint8Array) => void };
}

export function renderedLines(output: string | Uint8Array): string[] {
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true, convertEol: true, logLevel: 'off' });
  try {
    const core = (term as unknown as CoreWithWriteSync)._core;
    if (typeof core?.writeSync !== 'function') throw new Error('@xterm/headless no longer has a synchronous write: rendered-lines.ts needs another way to parse');
    core.writeSync(output);
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buf.length; y++) {
      const row = buf.getLine(y);
      if (!row) continue;
      // Untrimmed when the next row continues it: a space at the wrap is part of the line.
      const text = row.translateToString(!buf.getLine(y + 1)?.isWrapped);
      // A row the terminal wrapped continues the line above it.
      if (row.isWrapped && lines.length) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    return lines.map((l) => l.trimEnd());
  } finally {
    term.dispose();
  }
}
