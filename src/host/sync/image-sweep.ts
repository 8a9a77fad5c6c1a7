import type { Connection } from 'mysql2/promise';
import type { Step } from './blob-sync';
import { deleteUnnamedImages, sha256Of, underPushLock } from './push';

/**
 * Images on the shared store that no attachment there names, deleted (docs/sync.md, "Swept
 * when no entry names them"). They come from a host that uploaded an image and never pushed its
 * entry (it was removed, or its data dir lost, between the two). Each host sweeps once a day.
 *
 * The candidates are found without a lock: every image, less those an unredacted attachment
 * names. Only they are then checked again and deleted, under the lock every push takes first
 * (push.ts, deleteUnnamedImages), so the lock is held for a few rows, not a scan of the store.
 * An image a host is uploading for an entry it has not pushed yet may go too: its push then
 * finds it gone, under that same lock, and uploads it again before it pushes.
 */
export const SWEEP_EVERY_MS = 24 * 60 * 60 * 1000;

/** Deletes at most this many images a sweep (the rest go in the next one). */
const SWEEP_MAX = 500;
/** Images checked again and deleted in one transaction under the push lock: it is held for a short scan. */
const LOCKED_BATCH = 50;

/** Whether a host that last swept at `last` (ISO, or null for never) sweeps now. */
export function sweepDue(last: string | null, now: number): boolean {
  const at = last === null ? NaN : Date.parse(last);
  return !(at <= now && now - at < SWEEP_EVERY_MS);
}

/** Returns how many images were deleted. */
export async function sweepUnnamedImages(conn: Connection, step: Step): Promise<number> {
  return deleteIfUnnamed(conn, await sweepCandidates(conn, step), step);
}

/** The images on the shared store that no unredacted attachment names, read without a lock. */
export async function sweepCandidates(conn: Connection, step: Step): Promise<string[]> {
  const [images] = await step(conn.query('SELECT sha256 FROM blobs'));
  const all = (images as { sha256: string }[]).map((r) => r.sha256);
  if (all.length === 0) return [];
  const [attachments] = await step(conn.query("SELECT payload FROM entries WHERE kind = 'attachment_added' AND redacted IS NULL"));
  const named = new Set((attachments as { payload: string | null }[]).map((r) => sha256Of(r.payload)));
  return all.filter((sha) => !named.has(sha)).slice(0, SWEEP_MAX);
}

/** Each candidate checked again under the push lock, and deleted if still no attachment names it. */
export async function deleteIfUnnamed(conn: Connection, candidates: readonly string[], step: Step): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < candidates.length; i += LOCKED_BATCH) {
    const batch = candidates.slice(i, i + LOCKED_BATCH);
    deleted += (await underPushLock(conn, step, () => step(deleteUnnamedImages(conn, batch)))).length;
  }
  return deleted;
}
