import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type * as NodeFs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeRigs, trackedRig } from '../../../fixtures/brief-service';

/**
 * An early flush that meets an I/O error: Linux reports a failed writeback once per file, to
 * the flush that met it, so the store must not count on the final fsync to say so.
 */
const flushes = vi.hoisted(() => ({ fail: false, calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  return {
    ...fs,
    fdatasync: (fd: number, done: (e: NodeJS.ErrnoException | null) => void) => {
      flushes.calls++;
      if (flushes.fail) return setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      return fs.fdatasync(fd, done);
    },
  };
});

const PNG = readFileSync(new URL('../../../fixtures/images/screenshot.png', import.meta.url));
afterEach(closeRigs);

async function* pieces(b: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += 65536) yield b.subarray(i, i + 65536);
}

describe('the blob store’s early flushes', () => {
  it('refuse the upload when one meets a disk error, and keep nothing', async () => {
    const rig = trackedRig();
    const body = Buffer.concat([PNG, randomBytes(9 * 1024 * 1024 - PNG.length)]);
    flushes.fail = true;
    const stored = await rig.blobs.put(pieces(body));
    flushes.fail = false;
    expect(flushes.calls).toBeGreaterThan(0);
    expect(stored).toMatchObject({ ok: false, error: { kind: 'store_failed', message: 'cannot flush the upload to disk: EIO: i/o error, fdatasync' } });
    expect(readdirSync(join(rig.dir, 'blobs', 'tmp'))).toEqual([]);
    expect(readdirSync(join(rig.dir, 'blobs')).filter((d) => d !== 'tmp')).toEqual([]);
    // Once the disk is well again, the same bytes are stored.
    expect(await rig.blobs.put(pieces(body))).toMatchObject({ ok: true, value: { size: body.length } });
  });
});
