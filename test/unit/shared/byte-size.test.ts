import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/shared/byte-size';

describe('formatBytes', () => {
  it('reads as people read sizes: bytes, KiB rounded up, MiB with one decimal', () => {
    expect([0, 1, 1023].map(formatBytes)).toEqual(['0 bytes', '1 byte', '1023 bytes']);
    expect([1024, 1025, 122_880, 1024 * 1024 - 1].map(formatBytes)).toEqual(['1 KiB', '2 KiB', '120 KiB', '1024 KiB']);
    expect([1024 * 1024, 4.24 * 1024 * 1024, 20 * 1024 * 1024].map(formatBytes)).toEqual(['1 MiB', '4.2 MiB', '20 MiB']);
  });
});
