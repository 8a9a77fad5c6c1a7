import type { Connection } from 'mysql2/promise';
import type { BriefStore } from '../briefs/brief-store';
import type { HybridClock } from '../briefs/hybrid-clock';
import { hasImageBytes, imagesNamedBy, uploadWaitingBlobs, type BlobUploadDeps, type Step } from './blob-sync';
import type { Outbox, OutboxBatch } from './outbox';
import { pushBatch, PUSH_BATCH } from './push';
import { RetryLater } from './retry-later';

export interface PushWaitingDeps extends BlobUploadDeps {
  store: BriefStore;
  outbox: Outbox;
  /** This store's HLC node id, recorded as each pushed row's origin. */
  origin: string;
  clock: HybridClock;
}

/** Uploads of one round's images again after a redaction deleted them meanwhile, before the round gives up. */
const MAX_REUPLOADS = 3;

/** A batch read while the one before it was being inserted, and the outbox generation it was read in. */
type ReadAhead = { batch: OutboxBatch; generation: number };

/**
 * Everything the outbox holds, pushed batch after batch (push.ts), each batch's images uploaded
 * before it (blob-sync.ts). The local read of a batch is a tenth of a push's time on this
 * thread, so it is done while the server inserts the batch before (`npm run bench -- sync`).
 * A batch read ahead is pushed as read only if it names no image (images are uploaded, and the
 * batch read again, on the usual path) and the outbox's generation did not move meanwhile
 * (outbox.ts: sync turned off or pointed elsewhere, or an entry redacted, whose text the batch
 * may hold). Answers what was pushed, and how many briefs the shared store numbered.
 */
export async function pushWaiting(conn: Connection, deps: PushWaitingDeps, storeId: string, step: Step, current: () => boolean = () => true): Promise<{ pushed: number; numbered: number }> {
  let pushed = 0;
  let numbered = 0;
  let reuploads = 0;
  // Set by the push's callbacks (closures: plain variables would read as never set).
  const next: { ahead: ReadAhead | null; done: readonly string[] } = { ahead: null, done: [] };
  /**
   * Set once this call has returned or thrown. A step that timed out leaves its push running
   * (a closed mysql2 connection still delivers the answer to a query already sent): when the
   * server answers at last, perhaps after sync was pointed at another store whose outbox now
   * holds the same entries, that push must not take them out of it.
   */
  let over = false;
  // The last batch's entries leave the outbox while the next is inserted, or before the
  // outbox is read from its start (which would find them again), or when the loop ends.
  const settle = (): void => {
    const ids = next.done;
    next.done = [];
    if (ids.length > 0 && !over && current()) deps.outbox.done(ids);
  };
  try {
    for (;;) {
      const ahead = next.ahead;
      next.ahead = null;
      let batch: OutboxBatch;
      let uploaded: readonly string[] = [];
      if (ahead && ahead.generation === deps.outbox.generation()) batch = ahead.batch;
      else {
        settle();
        if (deps.outbox.waiting() === 0) break;
        // The images this batch's attachments name go first: an entry never arrives before its image.
        ({ batch, uploaded } = await uploadWaitingBlobs(conn, deps, step));
      }
      const result = await step(
        pushBatch(conn, deps.store, deps.outbox, deps.origin, deps.clock, storeId, {
          batch,
          uploaded,
          haveImage: (sha) => hasImageBytes(deps.blobs, sha),
          whileInserting: () => {
            if (over) return;
            settle();
            next.ahead = readNext(deps.outbox, batch);
          },
          done: (ids) => void (over || (next.done = [...next.done, ...ids])),
          current,
        }),
      );
      if (result.imagesGone.length > 0) {
        // A redaction elsewhere deleted them after they were uploaded (push.ts): uploaded again.
        if (++reuploads > MAX_REUPLOADS) throw new RetryLater(`images this host uploaded keep leaving the shared store before their entries are pushed (${result.imagesGone.join(', ')}); the next round tries again`);
        next.ahead = null;
        continue;
      }
      if (result.pushed === 0) break;
      pushed += result.pushed;
      numbered += result.numbered;
    }
  } catch (e) {
    try {
      // Rows of a batch committed to a store sync no longer points at stay: they were queued again for the new one.
      settle();
    } catch (failed) {
      // The push's own failure is the one the round reports; these rows are only pushed again.
      deps.logger.warn('sync: clearing pushed entries from the outbox failed; the next round pushes them again, which changes nothing', { error: String(failed) });
    } finally {
      over = true;
    }
    throw e;
  }
  settle();
  over = true;
  return { pushed, numbered };
}

/** The batch after `batch`, if it can be pushed as read: some entries, and no image among them. */
function readNext(outbox: Outbox, batch: OutboxBatch): ReadAhead | null {
  const generation = outbox.generation();
  const next = outbox.nextBatch(PUSH_BATCH, batch.lastSeq);
  if (next.ids.length === 0 || imagesNamedBy(next.entries).length > 0) return null;
  return { batch: next, generation };
}
