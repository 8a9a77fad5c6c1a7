import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputLog } from '../../../../src/host/terminals/output-log';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

describe('output log', () => {
  it('gives back exactly the bytes after any offset, from memory and from disk', () => {
    const log = OutputLog.open(makeTempDir(), 1 << 20, 1000);
    const all: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk = randomBytes(1 + (i * 37) % 400);
      expect(log.append(chunk)).toBe(Buffer.concat(all).length);
      all.push(chunk);
    }
    const whole = Buffer.concat(all);
    for (const since of [0, 1, 500, whole.length - 999, whole.length - 1, whole.length]) {
      const r = log.read(since);
      expect(r.gap).toBe(false);
      expect(r.from).toBe(since);
      expect(r.data.equals(whole.subarray(since))).toBe(true);
    }
  });

  it('keeps offsets across a reopen (a host restart)', () => {
    const dir = makeTempDir();
    const a = OutputLog.open(dir, 1 << 20, 64);
    a.append(Buffer.from('hello '));
    a.close();
    const b = OutputLog.open(dir, 1 << 20, 64);
    expect(b.end).toBe(6);
    expect(b.append(Buffer.from('world'))).toBe(6);
    expect(b.read(0).data.toString()).toBe('hello world');
  });

  it('stays within its cap on disk and reports a gap for what it dropped, without half a character', () => {
    const dir = makeTempDir();
    const cap = 64 * 1024;
    const log = OutputLog.open(dir, cap, 1024);
    const text = 'é'.repeat(100_000); // 2 bytes each
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 999) log.append(bytes.subarray(i, i + 999));
    const onDisk = readdirSync(dir).length;
    expect(onDisk).toBeLessThanOrEqual(3);
    expect(log.end).toBe(bytes.length);
    expect(log.end - log.start).toBeLessThanOrEqual(cap * 1.5);
    const r = log.read(0);
    expect(r.gap).toBe(true);
    expect(r.data.toString()).toMatch(/^é+$/);
    expect(createHash('sha256').update(r.data).digest('hex')).toBe(createHash('sha256').update(bytes.subarray(r.from)).digest('hex'));
  });
});

describe('output log after a crash', () => {
  it('ignores an empty segment left between creating and writing it', async () => {
    const { writeFileSync: write } = await import('node:fs');
    const { join: j } = await import('node:path');
    const dir = makeTempDir();
    const a = OutputLog.open(dir, 1 << 20, 64);
    a.append(Buffer.from('kept'));
    a.close();
    write(j(dir, `${String(4).padStart(16, '0')}.log`), ''); // the crash's leftover
    const b = OutputLog.open(dir, 1 << 20, 64);
    expect(b.end).toBe(4);
    b.append(Buffer.from(' and more'));
    expect(b.read(0).data.toString()).toBe('kept and more');
  });
});
