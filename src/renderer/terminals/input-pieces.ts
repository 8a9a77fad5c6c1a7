/**
 * Input for an agent cut into pieces the host takes (`agents.input` takes at most 512 Ki
 * characters a call): xterm hands a whole paste over as one string, and a paste larger than
 * that was refused whole, silently. Sent in order on one socket, every piece but the last
 * with `more`, they are held by the host and written with the last, all at once (a socket
 * that drops meanwhile writes none of them: half a bracketed paste would leave the program
 * waiting for its end), and keys typed after arrive after them. A cut never falls between
 * the two halves of a character written with a surrogate pair.
 */
export const INPUT_PIECE = 128 * 1024;

export function inputPieces(data: string, max = INPUT_PIECE): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < data.length; ) {
    let end = Math.min(data.length, at + max);
    const code = data.charCodeAt(end - 1);
    if (end < data.length && end - at > 1 && code >= 0xd800 && code <= 0xdbff) end--;
    pieces.push(data.slice(at, end));
    at = end;
  }
  return pieces;
}
