import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as XtermHeadless from '@xterm/headless';
import { writePieces } from '../../../../src/renderer/terminals/write-pieces';

// The package is CommonJS: its named exports come through require.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;

describe('a frame handed to xterm in pieces', () => {
  it('covers the bytes once, in order, each piece naming the log offset it reaches', () => {
    const bytes = new Uint8Array(40_000).map((_, i) => i % 251);
    const pieces = writePieces(bytes, 1_000_000, 16 * 1024);
    expect(pieces.map((p) => p.bytes.length)).toEqual([16_384, 16_384, 7_232]);
    expect(pieces.map((p) => p.end)).toEqual([1_000_000 - 40_000 + 16_384, 1_000_000 - 40_000 + 32_768, 1_000_000]);
    expect(Buffer.concat(pieces.map((p) => p.bytes))).toEqual(Buffer.from(bytes));
    expect(writePieces(new Uint8Array(0), 5)).toEqual([]);
  });

  it('shows a character split between two pieces whole (xterm\'s decoder carries it)', async () => {
    const text = 'petal ✿ 花 🌸 end\r\n';
    const bytes = new TextEncoder().encode(text);
    const term = new Terminal({ cols: 40, rows: 3, allowProposedApi: true });
    // 3 bytes a piece: every multi-byte character above is cut somewhere.
    for (const piece of writePieces(bytes, bytes.length, 3)) await new Promise<void>((r) => term.write(piece.bytes, r));
    expect(term.buffer.active.getLine(0)!.translateToString(true)).toBe('petal ✿ 花 🌸 end');
    term.dispose();
  });
});
