import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { BlobStore } from '../briefs/blob-store';
import type { BriefStore } from '../briefs/brief-store';
import type { Logger } from '../logger';
import { chunkSizeOf, hasImageBytes, uploadBlob, type Step } from './blob-sync';
import { deleteUnnamedImages, underPushLock } from './push';

/**
 * Images wanted on the shared store, and the hosts that have them uploading them again
 * (docs/sync.md, "Repaired on request").
 *
 * A host that could not fetch an image (not there whole, marked lost, or damaged) says so by
 * moving the shared `images_wanted` counter; a damaged copy it first removes, so that it no
 * longer passes for whole. Every host reads that counter in the one query of its round
 * (round-counters.ts); when it moved, the host looks for the images its own attachments name
 * that the shared store lacks whole, and uploads those it has the bytes of. Nothing is
 * polled for per image, and an idle round costs no more than before.
 *
 * The counter needs no schema change: it is a row of `counters`, made by the first host that
 * asks; a Grove from before it neither asks nor answers, and reads the store as it did.
 */
export const IMAGES_WANTED = 'images_wanted';

/** Moves the counter every host watches: an image is wanted. */
export async function askForImages(conn: Connection): Promise<void> {
  await conn.query('INSERT INTO counters (name, value) VALUES (?, 1) ON DUPLICATE KEY UPDATE value = value + 1', [IMAGES_WANTED]);
}

/**
 * Removes the shared copy of an image found damaged (a chunk missing or altered: its bytes do
 * not hash to its name), if it still reads as the copy that was read (`chunks`, `chunkSize`):
 * one uploaded again meanwhile stays. Then asks for the image, in the same transaction. Its
 * chunks go with its row: an upload keeps chunks already there, and would keep the bad one.
 */
export async function removeDamagedCopy(conn: Connection, sha256: string, read: { chunks: number; chunkSize: number }): Promise<boolean> {
  await conn.beginTransaction();
  try {
    const [rows] = await conn.query('SELECT chunks, chunk_size, complete FROM blobs WHERE sha256 = ? FOR UPDATE', [sha256]);
    const row = (rows as { chunks: number; chunk_size: number; complete: number }[])[0];
    const same = row !== undefined && Number(row.complete) === 1 && Number(row.chunks) === read.chunks && Number(row.chunk_size) === read.chunkSize;
    if (same) {
      await conn.query('DELETE FROM blobs WHERE sha256 = ?', [sha256]);
      await conn.query('DELETE FROM blob_chunks WHERE sha256 = ?', [sha256]);
    }
    await askForImages(conn);
    await conn.commit();
    return same;
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}

export interface ImageRepairDeps {
  store: Pick<BriefStore, 'referencedBlobs'>;
  blobs: Pick<BlobStore, 'describe' | 'path'>;
  logger: Logger;
}

/** Images asked about at once in one query. */
const ASK_BATCH = 500;
/** Images checked and marked whole in one transaction under the push lock: it is held for a short scan. */
const FINISH_BATCH = 50;

/**
 * Uploads the images this host's attachments name and has the bytes of, that the shared
 * store does not have whole. Returns how many it made whole.
 *
 * An image whose attachments a redaction un-named elsewhere, pushed after this host's last
 * pull, must not come back, not even for a moment. So the chunks are uploaded with the image
 * left incomplete (no host fetches it so), and only then, in a transaction under the lock
 * every push takes first, is each image either marked whole (an unredacted attachment on the
 * shared store names it) or deleted (none does: push.ts, deleteUnnamedImages). A failure in
 * between leaves incomplete images only, which the next round's look finds missing and
 * finishes. An image whose entry this host has not pushed yet is deleted so too; its push
 * uploads it again, as it would have.
 */
export async function uploadWantedImages(conn: Connection, deps: ImageRepairDeps, step: Step): Promise<number> {
  const mine = [...deps.store.referencedBlobs()].filter((sha) => hasImageBytes(deps.blobs, sha));
  const missing: string[] = [];
  for (let i = 0; i < mine.length; i += ASK_BATCH) {
    const part = mine.slice(i, i + ASK_BATCH);
    const [rows] = await step(conn.query('SELECT sha256 FROM blobs WHERE complete = 1 AND sha256 IN (?)', [part]));
    const whole = new Set((rows as { sha256: string }[]).map((r) => r.sha256));
    missing.push(...part.filter((sha) => !whole.has(sha)));
  }
  if (missing.length === 0) return 0;
  const chunkSize = await step(chunkSizeOf(conn));
  const uploaded: string[] = [];
  for (const sha256 of missing) {
    const blob = deps.blobs.describe(sha256);
    if (!blob) continue;
    const outcome = await uploadBlob(conn, deps, { sha256, size: blob.size, type: blob.type }, chunkSize, step, false);
    if (outcome === 'uploaded') uploaded.push(sha256);
  }
  let finished = 0;
  for (let i = 0; i < uploaded.length; i += FINISH_BATCH) {
    const part = uploaded.slice(i, i + FINISH_BATCH);
    finished += await underPushLock(conn, step, async () => {
      const unnamed = new Set(await step(deleteUnnamedImages(conn, part)));
      const named = part.filter((sha) => !unnamed.has(sha));
      if (named.length === 0) return 0;
      // Whole only with every chunk there: a row deleted and begun again meanwhile by another host is not ours to finish.
      const [done] = await step(conn.query('UPDATE blobs b SET complete = 1 WHERE b.sha256 IN (?) AND b.chunks = (SELECT COUNT(*) FROM blob_chunks c WHERE c.sha256 = b.sha256)', [named]));
      return (done as ResultSetHeader).affectedRows;
    });
  }
  if (finished > 0) deps.logger.info('images wanted on the shared store uploaded again', { count: finished });
  return finished;
}
