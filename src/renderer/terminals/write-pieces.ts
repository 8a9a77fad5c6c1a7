/**
 * What a pane hands xterm at once. xterm parses each write whole before it looks at the
 * clock, so a 128 KiB frame handed over in one write can hold the page past a frame (the
 * terminals bench: p95 frame gap 50 ms while an agent floods, against 33 ms in 16 KiB
 * pieces). Each piece carries the log offset its end reaches, for the acks. Its UTF-8
 * decoder carries a character split between two pieces.
 */
export const WRITE_PIECE_BYTES = 16 * 1024;

export function writePieces(bytes: Uint8Array, end: number, size = WRITE_PIECE_BYTES): { bytes: Uint8Array; end: number }[] {
  const out: { bytes: Uint8Array; end: number }[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const piece = bytes.subarray(at, at + size);
    out.push({ bytes: piece, end: end - bytes.length + at + piece.length });
  }
  return out;
}
