/**
 * A size as people read it: "512 bytes", "120 KiB", "4.2 MiB". Binary units, as the limits
 * are stated (an attachment may be 20 MiB); KiB rounded up, so a non-empty file is never "0 KiB".
 */
const KIB = 1024;
const MIB = KIB * 1024;

export function formatBytes(n: number): string {
  if (n < KIB) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  if (n < MIB) return `${Math.ceil(n / KIB)} KiB`;
  return `${(n / MIB).toFixed(1).replace(/\.0$/, '')} MiB`;
}
