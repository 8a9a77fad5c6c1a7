import { describe, expect, it } from 'vitest';
import { INPUT_PIECE, inputPieces } from '../../../../src/renderer/terminals/input-pieces';

describe('input cut into pieces the host takes', () => {
  it('leaves keystrokes and ordinary pastes whole', () => {
    expect(inputPieces('a')).toEqual(['a']);
    expect(inputPieces('x'.repeat(INPUT_PIECE))).toEqual(['x'.repeat(INPUT_PIECE)]);
    expect(inputPieces('')).toEqual([]);
  });

  it('cuts a paste larger than a call takes into pieces that join back to it, none over the limit', () => {
    const paste = Array.from({ length: 700_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const pieces = inputPieces(paste);
    expect(pieces.length).toBe(Math.ceil(700_000 / INPUT_PIECE));
    expect(pieces.every((p) => p.length > 0 && p.length <= INPUT_PIECE)).toBe(true);
    expect(pieces.join('')).toBe(paste);
  });

  it('never cuts between the two halves of a character', () => {
    const paste = 'ab😀cd😀';
    const pieces = inputPieces(paste, 3);
    expect(pieces).toEqual(['ab', '😀c', 'd😀']);
    expect(pieces.join('')).toBe(paste);
    for (const p of pieces) expect(() => encodeURIComponent(p)).not.toThrow();
  });
});
