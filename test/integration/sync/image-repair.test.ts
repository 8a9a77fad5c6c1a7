import { readFileSync } from 'node:fs';
import type { Connection } from 'mysql2/promise';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHybridClock } from '../../../src/host/briefs/hybrid-clock';
import { createLogger } from '../../../src/host/logger';
import { chunkSizeOf, uploadBlob } from '../../../src/host/sync/blob-sync';
import { deleteIfUnnamed, sweepCandidates, sweepDue, sweepUnnamedImages, SWEEP_EVERY_MS } from '../../../src/host/sync/image-sweep';
import { IMAGES_WANTED, removeDamagedCopy, uploadWantedImages } from '../../../src/host/sync/image-repair';
import { pushWaiting } from '../../../src/host/sync/push-waiting';
import { readRoundCounters } from '../../../src/host/sync/round-counters';
import { sharedStoreId } from '../../../src/host/sync/shared-schema';
import { createSyncStateStore } from '../../../src/host/sync/sync-state-store';
import { closeRigs, MIKE, type BriefRig } from '../../fixtures/brief-service';
import { hasMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { withSharedStore } from '../../fixtures/shared-store';

/**
 * Images asked for again (image-repair.ts) and swept (image-sweep.ts) against a real MariaDB,
 * by the modules' own functions: a host uploads what the shared store lacks of the images its
 * attachments name, and never one a redaction pushed elsewhere has un-named since its last
 * pull; a damaged copy is removed only if it is still the copy that was read; a round sees the
 * counter move; a sweep deletes the images no unredacted attachment names, and only those.
 */
afterEach(closeRigs);
afterAll(stopAllMariaDbs);

const images = new URL('../../fixtures/images/', import.meta.url).pathname;
const GIF = readFileSync(`${images}dot.gif`);
const PNG = readFileSync(`${images}screenshot.png`);
const JPEG = readFileSync(`${images}photo.jpg`);
const step = <T>(work: Promise<T>): Promise<T> => work;
const logger = createLogger(() => undefined);

/** A brief with `bytes` attached; the image's sha256 and its attachment entry's id. */
async function attached(b: BriefRig, title: string, bytes: Buffer): Promise<{ sha: string; entryId: string }> {
  const created = b.service.create({ title, kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
  if (!created.ok) throw new Error(created.error.message);
  const put = await b.blobs.put((async function* () {
    yield bytes;
  })());
  if (!put.ok) throw new Error(JSON.stringify(put.error));
  const added = b.service.append(created.value.brief.id, { kind: 'attachment_added', sha256: put.value.sha256, name: `${title}.img` }, MIKE, 'ui');
  if (!added.ok) throw new Error(added.error.message);
  return { sha: put.value.sha256, entryId: added.value.entries.at(-1)!.id };
}

/** Everything waiting, pushed as a round does (push-waiting.ts): each batch's images first. */
async function pushAll(conn: Connection, b: BriefRig): Promise<void> {
  await pushWaiting(conn, { store: b.store, outbox: b.outbox, origin: 'host-b', clock: createHybridClock('host-b'), blobs: b.blobs, logger }, await sharedStoreId(conn), step);
}

async function sharedImage(conn: Connection, sha: string): Promise<{ complete: number | null; chunkBytes: number }> {
  const [rows] = await conn.query('SELECT complete FROM blobs WHERE sha256 = ?', [sha]);
  const [chunks] = await conn.query('SELECT COALESCE(SUM(LENGTH(data)), 0) AS n FROM blob_chunks WHERE sha256 = ?', [sha]);
  return { complete: (rows as { complete: number }[])[0]?.complete ?? null, chunkBytes: Number((chunks as { n: number | string }[])[0]!.n) };
}

async function wanted(conn: Connection): Promise<number> {
  const [rows] = await conn.query('SELECT value FROM counters WHERE name = ?', [IMAGES_WANTED]);
  return Number((rows as { value: number | string }[])[0]?.value ?? 0);
}

describe.skipIf(!hasMariaDb())('images asked for again', () => {
  it('uploads the images its attachments name that the store lacks whole; one a redaction pushed elsewhere un-named leaves again', async () => {
    await withSharedStore(async (conn, b) => {
      const kept = await attached(b, 'kept', GIF);
      const secret = await attached(b, 'secret', PNG);
      await pushAll(conn, b);
      expect(await sharedImage(conn, kept.sha)).toEqual({ complete: 1, chunkBytes: GIF.length });

      // Both images gone from the store (damaged and removed, say), and the second one's
      // attachment redacted by another host, which this one has not pulled yet.
      await conn.query('DELETE FROM blobs');
      await conn.query('DELETE FROM blob_chunks');
      await conn.query("UPDATE entries SET payload = NULL, redacted = '{\"reason\":\"a secret\"}' WHERE id = ?", [secret.entryId]);
      expect([...b.store.referencedBlobs()].sort()).toEqual([kept.sha, secret.sha].sort());

      expect(await uploadWantedImages(conn, { store: b.store, blobs: b.blobs, logger }, step)).toBe(1);
      expect(await sharedImage(conn, kept.sha)).toEqual({ complete: 1, chunkBytes: GIF.length });
      expect(await sharedImage(conn, secret.sha)).toEqual({ complete: null, chunkBytes: 0 });

      // Asked again before this host pulled the redaction: the secret is offered again, and leaves again.
      expect(await uploadWantedImages(conn, { store: b.store, blobs: b.blobs, logger }, step)).toBe(0);
      expect(await sharedImage(conn, secret.sha)).toEqual({ complete: null, chunkBytes: 0 });
    });
  });

  it('an upload cut off before its check leaves the image incomplete, which no host fetches; the next look finishes it', async () => {
    await withSharedStore(async (conn, b) => {
      const image = await attached(b, 'frame', GIF);
      await pushAll(conn, b);
      await conn.query('DELETE FROM blobs');
      await conn.query('DELETE FROM blob_chunks');
      // What a repair interrupted between its chunks and its check leaves: every chunk, not marked whole.
      const blob = b.blobs.describe(image.sha)!;
      expect(await uploadBlob(conn, { blobs: b.blobs, logger }, { sha256: image.sha, size: blob.size, type: blob.type }, await chunkSizeOf(conn), step, false)).toBe('uploaded');
      expect(await sharedImage(conn, image.sha)).toEqual({ complete: 0, chunkBytes: GIF.length });
      expect(await uploadWantedImages(conn, { store: b.store, blobs: b.blobs, logger }, step)).toBe(1);
      expect(await sharedImage(conn, image.sha)).toEqual({ complete: 1, chunkBytes: GIF.length });
    });
  });

  it('removes a damaged copy only while it is the copy that was read, and asks for the image either way; a round sees the ask once', async () => {
    await withSharedStore(async (conn, b) => {
      const image = await attached(b, 'frame', GIF);
      await pushAll(conn, b);
      const state = createSyncStateStore(b.db);
      expect((await readRoundCounters(conn, state)).imagesWanted).toBeNull();

      // Read with other chunking than the store has now (uploaded again meanwhile): kept.
      expect(await removeDamagedCopy(conn, image.sha, { chunks: 7, chunkSize: 3 })).toBe(false);
      expect((await sharedImage(conn, image.sha)).complete).toBe(1);
      const [row] = await conn.query('SELECT chunks, chunk_size FROM blobs WHERE sha256 = ?', [image.sha]);
      const read = (row as { chunks: number; chunk_size: number }[])[0]!;
      expect(await removeDamagedCopy(conn, image.sha, { chunks: read.chunks, chunkSize: read.chunk_size })).toBe(true);
      expect(await sharedImage(conn, image.sha)).toEqual({ complete: null, chunkBytes: 0 });
      expect(await wanted(conn)).toBe(2);

      expect((await readRoundCounters(conn, state)).imagesWanted).toBe(2);
      state.setImagesWantedSeen(2);
      expect((await readRoundCounters(conn, state)).imagesWanted).toBeNull();
    });
  });

  it('a sweep deletes the images no unredacted attachment names (uploaded and never pushed; redacted elsewhere), and keeps the rest', async () => {
    await withSharedStore(async (conn, b) => {
      const kept = await attached(b, 'kept', GIF);
      const secret = await attached(b, 'secret', PNG);
      await pushAll(conn, b);
      // Uploaded by a host that was removed before it pushed the entry naming it.
      const orphan = await b.blobs.put((async function* () {
        yield JPEG;
      })());
      if (!orphan.ok) throw new Error(JSON.stringify(orphan.error));
      const o = orphan.value;
      expect(await uploadBlob(conn, { blobs: b.blobs, logger }, { sha256: o.sha256, size: o.size, type: o.type }, await chunkSizeOf(conn), step)).toBe('uploaded');
      // Redacted by a host whose push (a Grove from before images left with their last name) did not delete it.
      await conn.query("UPDATE entries SET payload = NULL, redacted = '{\"reason\":\"a secret\"}' WHERE id = ?", [secret.entryId]);

      // Found unnamed, then named by an entry pushed before the sweep takes the lock: kept.
      const candidates = await sweepCandidates(conn, step);
      expect(candidates.sort()).toEqual([secret.sha, o.sha256].sort());
      await attached(b, 'late', JPEG);
      await pushAll(conn, b);
      expect(await deleteIfUnnamed(conn, candidates, step)).toBe(1);
      expect(await sharedImage(conn, o.sha256)).toEqual({ complete: 1, chunkBytes: JPEG.length });
      expect(await sharedImage(conn, secret.sha)).toEqual({ complete: null, chunkBytes: 0 });

      // Its last attachment redacted elsewhere too: the next sweep takes it.
      const [late] = await conn.query("SELECT id FROM entries WHERE kind = 'attachment_added' AND payload LIKE ?", [`%${o.sha256}%`]);
      for (const { id } of late as { id: string }[]) await conn.query("UPDATE entries SET payload = NULL, redacted = '{}' WHERE id = ?", [id]);
      expect(await sweepUnnamedImages(conn, step)).toBe(1);
      expect(await sharedImage(conn, o.sha256)).toEqual({ complete: null, chunkBytes: 0 });
      expect(await sharedImage(conn, kept.sha)).toEqual({ complete: 1, chunkBytes: GIF.length });
      expect(await sweepUnnamedImages(conn, step)).toBe(0);
    });
  });

  it('a host sweeps once a day', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(sweepDue(null, now)).toBe(true);
    expect(sweepDue(new Date(now - 60_000).toISOString(), now)).toBe(false);
    expect(sweepDue(new Date(now - SWEEP_EVERY_MS).toISOString(), now)).toBe(true);
    // A clock set back: the time it recorded is ahead; it sweeps rather than wait a day past it.
    expect(sweepDue(new Date(now + 3_600_000).toISOString(), now)).toBe(true);
  });
});
