/**
 * Terminal output travels as binary WebSocket frames, not JSON: no base64 inflation and no
 * string decoding of bytes that may split a UTF-8 character (the terminal decodes them).
 *
 *   byte 0       frame type (1 = output)
 *   bytes 1-16   agent id (a UUID's 16 bytes)
 *   bytes 17-24  offset of the first data byte in the agent's output (float64, big-endian)
 *   bytes 25-…   the output bytes
 */
export const OUTPUT_FRAME = 1;
const HEADER = 25;

export function uuidToBytes(id: string, into: Uint8Array, at: number): void {
  const hex = id.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${id}`);
  for (let i = 0; i < 16; i++) into[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

export function bytesToUuid(b: Uint8Array, at: number): string {
  let h = '';
  for (let i = 0; i < 16; i++) h += b[at + i]!.toString(16).padStart(2, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function encodeOutputFrame(agentId: string, offset: number, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER + data.length);
  frame[0] = OUTPUT_FRAME;
  uuidToBytes(agentId, frame, 1);
  new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setFloat64(17, offset);
  frame.set(data, HEADER);
  return frame;
}

export function decodeOutputFrame(frame: Uint8Array): { agentId: string; offset: number; data: Uint8Array } | null {
  if (frame.length < HEADER || frame[0] !== OUTPUT_FRAME) return null;
  const offset = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getFloat64(17);
  return { agentId: bytesToUuid(frame, 1), offset, data: frame.subarray(HEADER) };
}
