// Draws the tray icon set into resources/: a filled disc per state, anti-aliased, at 16 px
// and 32 px (@2x). Run it again after changing a colour; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const faces = { ok: [0x3c, 0x8d, 0x5f], attention: [0xd9, 0x8e, 0x04], broken: [0xd3, 0x2f, 0x2f] };

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, [r, g, b]) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const c = size / 2, radius = size / 2 - size / 16;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = Math.round(alpha * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

for (const [face, rgb] of Object.entries(faces)) {
  writeFileSync(new URL(`../resources/tray-${face}.png`, import.meta.url), png(16, rgb));
  writeFileSync(new URL(`../resources/tray-${face}@2x.png`, import.meta.url), png(32, rgb));
}
writeFileSync(new URL('../resources/icon.png', import.meta.url), png(256, faces.ok));
