import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, trackedRig } from '../../../fixtures/brief-service';

const PNG = readFileSync(new URL('../../../fixtures/images/screenshot.png', import.meta.url));
afterEach(closeRigs);

async function* chunks(b: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += 1000) yield b.subarray(i, i + 1000);
}

describe('the blob store', () => {
  it('tells a disk that refuses the blob apart from an upload cut short, and leaves nothing behind', async () => {
    const rig = trackedRig();
    const sha = createHash('sha256').update(PNG).digest('hex');
    const blobs = join(rig.dir, 'blobs');
    // Where the blob's directory must go, a file: the rename into place fails as a full or read-only disk would.
    writeFileSync(join(blobs, sha.slice(0, 2)), 'in the way');
    const stored = await rig.blobs.put(chunks(PNG));
    expect(stored).toMatchObject({ ok: false, error: { kind: 'store_failed', message: expect.stringContaining('cannot move the upload into the blob store') } });
    expect(readdirSync(join(blobs, 'tmp'))).toEqual([]);
    expect(rig.blobs.describe(sha)).toBeNull();

    async function* cut(): AsyncIterable<Uint8Array> {
      yield PNG.subarray(0, 100);
      throw new Error('aborted');
    }
    expect(await rig.blobs.put(cut())).toMatchObject({ ok: false, error: { kind: 'read_failed' } });
    expect(readdirSync(join(blobs, 'tmp'))).toEqual([]);

    // The store refuses the blob's row (a full or broken database): the disk's trouble, and the file it moved in goes again.
    rmSync(join(blobs, sha.slice(0, 2)));
    rig.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON blobs BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
    expect(await rig.blobs.put(chunks(PNG))).toMatchObject({ ok: false, error: { kind: 'store_failed', message: 'cannot record the upload in the store: database or disk is full' } });
    expect(existsSync(rig.blobs.path(sha))).toBe(false);
    expect(readdirSync(join(blobs, 'tmp'))).toEqual([]);
  });

  it('stores a body larger than its early flushes whole, and leaves nothing when one is refused or cut short past them', async () => {
    const rig = trackedRig();
    const blobs = join(rig.dir, 'blobs');
    // 9 MiB in 64 KiB pieces, as a socket delivers it: two early flushes run while it arrives.
    const big = Buffer.concat([PNG, randomBytes(9 * 1024 * 1024 - PNG.length)]);
    async function* pieces(b: Buffer, cutAt = Infinity): AsyncIterable<Uint8Array> {
      for (let i = 0; i < b.length; i += 65536) {
        if (i >= cutAt) throw new Error('aborted');
        yield b.subarray(i, i + 65536);
      }
    }
    const stored = await rig.blobs.put(pieces(big));
    const sha = createHash('sha256').update(big).digest('hex');
    expect(stored).toMatchObject({ ok: true, value: { sha256: sha, size: big.length, type: 'image/png', created: true } });
    expect(readFileSync(rig.blobs.path(sha)).equals(big)).toBe(true);

    const other = Buffer.concat([PNG, randomBytes(9 * 1024 * 1024 - PNG.length)]);
    expect(await rig.blobs.put(pieces(other), 6 * 1024 * 1024)).toMatchObject({ ok: false, error: { kind: 'too_large' } });
    expect(await rig.blobs.put(pieces(other, 5 * 1024 * 1024))).toMatchObject({ ok: false, error: { kind: 'read_failed' } });
    expect(readdirSync(join(blobs, 'tmp'))).toEqual([]);
    expect(rig.blobs.describe(createHash('sha256').update(other).digest('hex'))).toBeNull();
  });
});
