import { createRequire } from 'node:module';
import type * as XtermHeadless from '@xterm/headless';
import { jumpResetSequence } from '../../../shared/terminal-jump';

/**
 * A headless terminal per agent that keeps the screen as the operator would see it, so
 * patterns are matched against what is visible now, after cursor moves and redraws, not
 * against raw bytes. Only agents whose preset has screen patterns get one.
 */
// @xterm/headless is CommonJS; load it the CommonJS way from this ES module.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;

export class ScreenReader {
  private readonly term: XtermHeadless.Terminal;

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  }

  /** Feeds output; `done` runs once the terminal has parsed it. */
  write(data: Uint8Array, done?: () => void): void {
    this.term.write(data, done);
  }

  /**
   * Starts over as a fresh terminal, in order with what was written before (a full reset
   * sequence, parsed after the pieces still queued): the feed jumped past a flood. The
   * screen and modes the output had set come back with it (jumpResetSequence).
   */
  reset(jump: { altScreen: boolean; modes: string }): void {
    this.term.write(jumpResetSequence(jump));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The visible screen as text, one line per row, trailing blanks trimmed. */
  visibleText(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = buf.viewportY; y < buf.viewportY + this.term.rows; y++) {
      lines.push(buf.getLine(y)?.translateToString(true) ?? '');
    }
    return lines.join('\n').trimEnd();
  }

  dispose(): void {
    this.term.dispose();
  }
}
