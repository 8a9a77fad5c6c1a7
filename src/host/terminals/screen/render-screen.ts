import { ScreenReader } from './screen-reader';

/** A slice of an agent's retained output, as OutputLog.read gives it. */
type ReadOutput = (since: number, max: number) => { from: number; data: Uint8Array };

const CHUNK = 256 * 1024;

/**
 * The screen a terminal of `cols` × `rows` shows after the agent's retained output: the
 * output replayed into a fresh headless terminal, so `grove agent tail --screen` prints
 * what the operator would see (redraws and cursor moves applied) rather than raw bytes.
 * Built on demand, so every agent has one (not only those whose preset reads its screen),
 * stopped ones included; `until`: the log's end when the screen was asked for.
 */
export async function renderScreen(read: ReadOutput, cols: number, rows: number, until: number): Promise<{ text: string; end: number }> {
  const screen = new ScreenReader(cols, rows);
  try {
    let at = 0;
    // Up to where the log ended when asked: an agent printing faster than this parses would
    // otherwise keep the answer from ever coming.
    while (at < until) {
      const piece = read(at, Math.min(CHUNK, until - at));
      if (piece.data.length === 0) break;
      await new Promise<void>((resolve) => screen.write(piece.data, resolve));
      at = piece.from + piece.data.length;
    }
    return { text: screen.visibleText(), end: at };
  } finally {
    screen.dispose();
  }
}
