import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readSync, writeSync } from 'node:fs';
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

describe('output log when the disk fails it', () => {
  it('recovers once its directory is back after an open failed, and never closes an fd it no longer owns', async () => {
    const { closeSync, fstatSync, openSync, rmSync, writeFileSync } = await import('node:fs');
    const { join: j } = await import('node:path');
    const parent = makeTempDir();
    const dir = j(parent, 'output');
    const log = OutputLog.open(dir, 64, 16); // a new segment every 32 bytes
    log.append(Buffer.from('a'.repeat(40)));
    // The directory is replaced by a file: the next segment cannot be created.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, '');
    expect(() => log.append(Buffer.from('held'))).toThrow();
    // Another part of the host opens a file: it may get the fd number the log had closed.
    const other = j(parent, 'other.txt');
    writeFileSync(other, 'someone else');
    const otherFd = openSync(other, 'r');
    try {
      expect(() => log.append(Buffer.from('held'))).toThrow();
      expect(fstatSync(otherFd).size).toBe(12); // still open: the retry did not close it
      rmSync(dir);
      expect(log.append(Buffer.from('held'))).toBe(40);
      expect(log.read(40).data.toString()).toBe('held');
      expect(fstatSync(otherFd).size).toBe(12);
    } finally {
      closeSync(otherFd);
    }
  });

  it('recreates a removed directory on the next segment', async () => {
    const { rmSync } = await import('node:fs');
    const dir = makeTempDir();
    const log = OutputLog.open(dir, 64, 16);
    log.append(Buffer.from('a'.repeat(40)));
    rmSync(dir, { recursive: true });
    expect(log.append(Buffer.from('next'))).toBe(40);
    expect(log.read(40).data.toString()).toBe('next');
  });

  it('takes a chunk whole or not at all when the disk fills mid-write, and keeps offsets across a reopen', () => {
    const dir = makeTempDir();
    let room = 100; // bytes the "disk" still takes
    const io = {
      writeSync: (fd: number, data: Uint8Array): number => {
        if (room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const n = Math.min(room, data.length);
        room -= n;
        return writeSync(fd, data.subarray(0, n));
      },
      readSync: (fd: number, into: Uint8Array, offset: number, length: number, position: number): number => readSync(fd, into, offset, length, position),
    };
    const log = OutputLog.open(dir, 1 << 20, 16, io);
    log.append(Buffer.from('x'.repeat(60)));
    expect(() => log.append(Buffer.from('y'.repeat(70)))).toThrow(/ENOSPC/);
    expect(log.end).toBe(60);
    room = 1000; // space freed: the caller retries the whole chunk
    expect(log.append(Buffer.from('y'.repeat(70)))).toBe(60);
    expect(log.end).toBe(130);
    const expected = 'x'.repeat(60) + 'y'.repeat(70);
    expect(log.read(0).data.toString()).toBe(expected);
    log.close();
    const reopened = OutputLog.open(dir, 1 << 20, 16);
    expect(reopened.end).toBe(130);
    expect(reopened.read(0).data.toString()).toBe(expected);
  });

  it('never hands out bytes a segment does not hold (a file cut short outside the host)', async () => {
    const { truncateSync, readdirSync: list } = await import('node:fs');
    const { join: j } = await import('node:path');
    const dir = makeTempDir();
    const log = OutputLog.open(dir, 1 << 20, 8);
    log.append(Buffer.from('0123456789'));
    log.append(Buffer.from('abcdefghij'));
    truncateSync(j(dir, list(dir)[0]!), 15);
    const r = log.read(0, 12);
    expect(r.data.toString()).toBe('0123456789ab');
    expect(log.read(0).data.toString()).toBe('0123456789abcde');
  });
});
