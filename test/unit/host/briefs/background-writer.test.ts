import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import type * as NodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backgroundWriter, DiskError } from '../../../../src/host/briefs/background-writer';

/**
 * The disk as a full or slow one behaves, around real writes to a real file: `writev` may take
 * less than asked (a disk all but full), nothing at all, fail, or answer late.
 */
const disk = vi.hoisted(() => ({
  mode: 'well' as 'well' | 'short' | 'nothing' | 'enospc' | 'slow' | 'held',
  calls: 0,
  later: [] as (() => void)[],
  /** In `held` mode, each write waits here for the test to answer it: with the real write, or a failure. */
  held: [] as { write: () => void; fail: (code: string) => void }[],
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  return {
    ...fs,
    writev: (fd: number, chunks: Uint8Array[], at: number, done: (e: NodeJS.ErrnoException | null, n: number) => void) => {
      disk.calls++;
      if (disk.mode === 'enospc') return setImmediate(() => done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0));
      if (disk.mode === 'nothing') return setImmediate(() => done(null, 0));
      if (disk.mode === 'short') {
        // Half of what was asked, at most: the writer must send the rest from the right place.
        const all = Buffer.concat(chunks);
        const n = Math.max(1, Math.floor(all.length / 2));
        return setImmediate(() => done(null, fs.writeSync(fd, all.subarray(0, n), 0, n, at)));
      }
      if (disk.mode === 'slow') return disk.later.push(() => fs.writev(fd, chunks, at, done));
      if (disk.mode === 'held') return disk.held.push({ write: () => fs.writev(fd, chunks, at, done), fail: (code) => done(Object.assign(new Error(`${code}: i/o error, write`), { code }), 0) });
      return fs.writev(fd, chunks, at, done);
    },
  };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'grove-writer-'));
  Object.assign(disk, { mode: 'well', calls: 0, later: [], held: [] });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `body` in 64 KiB chunks (a socket's size), as the blob store does, and returns what the file then holds. */
async function writeAll(body: Buffer): Promise<{ file: Buffer; error: unknown }> {
  const path = join(dir, 'f');
  const fd = openSync(path, 'w');
  const writer = backgroundWriter(fd);
  let error: unknown = null;
  try {
    for (let i = 0; i < body.length; i += 65536) {
      await writer.write(body.subarray(i, i + 65536));
      // A socket's chunks come in turns of the event loop, where the writes' answers come too.
      await new Promise((r) => setImmediate(r));
    }
    await writer.finished();
  } catch (e) {
    error = e;
    await writer.finished().catch(() => undefined);
  }
  closeSync(fd);
  return { file: readFileSync(path), error };
}

describe('the background writer', () => {
  it('writes every chunk in order, in runs, however the chunks fall', async () => {
    const body = randomBytes(5 * 1024 * 1024 + 12345);
    const { file, error } = await writeAll(body);
    expect(error).toBeNull();
    expect(file.equals(body)).toBe(true);
    // Runs of a MiB, not one call per 64 KiB chunk.
    expect(disk.calls).toBe(6);
  });

  it('writes the rest of a run the disk took only part of, at the right place', async () => {
    disk.mode = 'short';
    const body = randomBytes(3 * 1024 * 1024 + 7);
    const { file, error } = await writeAll(body);
    expect(error).toBeNull();
    expect(file.equals(body)).toBe(true);
    expect(disk.calls).toBeGreaterThan(3 * 20);
  });

  it('fails, naming why, when the disk takes nothing or refuses, and takes no more chunks', async () => {
    for (const [mode, message] of [
      ['nothing', 'cannot write the upload to disk: wrote nothing of 1048576 bytes (no space left?)'],
      ['enospc', 'cannot write the upload to disk: ENOSPC: no space left on device, write'],
    ] as const) {
      disk.mode = mode;
      disk.calls = 0;
      const { error } = await writeAll(randomBytes(4 * 1024 * 1024));
      expect(error).toBeInstanceOf(DiskError);
      expect((error as Error).message).toBe(message);
      // The caller heard of it at its next chunk, and nothing more was sent after the first run.
      expect(disk.calls).toBe(1);
    }
  });

  it('holds the sender back while more than 8 MiB wait for a slow disk, and ends only when all is written', async () => {
    disk.mode = 'slow';
    const path = join(dir, 'f');
    const fd = openSync(path, 'w');
    const writer = backgroundWriter(fd);
    const body = randomBytes(12 * 1024 * 1024);
    let held: Promise<void> | undefined;
    let i = 0;
    for (; i < body.length && !held; i += 65536) held = writer.write(body.subarray(i, i + 65536));
    // Held back just past 8 MiB queued, not before and not much after.
    expect(i).toBeGreaterThan(8 * 1024 * 1024);
    expect(i).toBeLessThanOrEqual(9 * 1024 * 1024 + 65536);
    let released = false;
    void held!.then(() => (released = true));
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    // The disk catches up: the sender goes on, and `finished` waits for the last write.
    const drain = async () => {
      while (disk.later.length > 0) disk.later.shift()!();
      await new Promise((r) => setTimeout(r, 5));
    };
    await drain();
    // The real writes answer from the thread pool: however long that takes on a loaded machine.
    await vi.waitFor(() => expect(released).toBe(true));
    for (; i < body.length; i += 65536) await writer.write(body.subarray(i, i + 65536));
    let finished = false;
    const done = writer.finished().then(() => (finished = true));
    await new Promise((r) => setImmediate(r));
    expect(finished).toBe(false);
    while (!finished) await drain();
    await done;
    closeSync(fd);
    expect(readFileSync(path).equals(body)).toBe(true);
  });

  it('failing while other writes are still out: ends only once every one answered (the descriptor is then free to close), and wakes every waiter', async () => {
    disk.mode = 'held';
    const fd = openSync(join(dir, 'f'), 'w');
    const writer = backgroundWriter(fd);
    // Nine runs of a MiB out at once: the sender is held back past 8 MiB.
    let held: Promise<void> | undefined;
    const chunk = randomBytes(65536);
    for (let i = 0; i < 9 * 16 + 1 && !held; i++) held = writer.write(chunk);
    expect(held).toBeDefined();
    expect(disk.held.length).toBe(9);
    let heldOutcome: string | null = null;
    void held!.then(() => (heldOutcome = 'released'));
    let finishedOutcome: string | null = null;
    const finished = writer.finished().then(
      () => (finishedOutcome = 'resolved'),
      (e: unknown) => (finishedOutcome = e instanceof DiskError ? e.message : 'other'),
    );
    // The first run fails: the held-back sender is woken at once (its next write throws), but
    // `finished` still waits for the eight runs still being written.
    disk.held.shift()!.fail('EIO');
    await new Promise((r) => setImmediate(r));
    expect(heldOutcome).toBe('released');
    expect(() => writer.write(chunk)).toThrow(DiskError);
    expect(finishedOutcome).toBeNull();
    while (disk.held.length > 1) disk.held.shift()!.write();
    await new Promise((r) => setTimeout(r, 20));
    expect(finishedOutcome).toBeNull();
    disk.held.shift()!.write();
    await finished;
    expect(finishedOutcome).toBe('cannot write the upload to disk: EIO: i/o error, write');
    closeSync(fd);
  });
});
