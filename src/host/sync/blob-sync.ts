import { existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createConnection, type Connection } from 'mysql2/promise';
import { MAX_ATTACHMENT_BYTES } from '../../shared/brief-constants';
import { formatBytes } from '../../shared/byte-size';
import type { BlobStore, PutError } from '../briefs/blob-store';
import type { BriefEntry } from '../../shared/briefs';
import type { Logger } from '../logger';
import type { Outbox, OutboxBatch } from './outbox';
import { PUSH_BATCH } from './push';
import { sharedConnectionOptions, prepareSharedSession } from './shared-connection';
import { newerSchema, sharedSchemaVersion, SHARED_SCHEMA_VERSION } from './shared-schema';
import { askForImages, removeDamagedCopy } from './image-repair';
import { readSyncPassword } from './sync-password';
import type { SyncConfig } from './sync-state-store';

/**
 * Attachments' images through the shared store (docs/sync.md, "Blobs"), by sha256, in chunks
 * that fit the server's packet limit.
 *
 * Up: the round calls `uploadWaitingBlobs` before each push batch, for the images the batch's
 * `attachment_added` entries name, so an entry never reaches the shared store before its
 * image. A blob the store has whole is skipped; otherwise each chunk is its own statement and
 * `complete` turns 1 last. An image this host no longer has is marked `lost` there and its
 * entry still goes: the other hosts then say it is not available anywhere.
 *
 * Down: a host asked for a blob it lacks (`GET /blobs/<sha256>`, a dispatch copying a brief's
 * images into a lane) fetches it on its OWN short-lived connection, each step bounded by the
 * step timeout, never the round's; the bytes go through the blob store with the sha256 and size
 * they must have, so a damaged copy is refused before it takes any name. Concurrent requests
 * for one blob share one fetch.
 */

/** A chunk at most this big, whatever the server allows: a 20 MiB image is 20 statements. */
export const MAX_CHUNK_BYTES = 1024 * 1024;

/**
 * A quarter of the server's `max_allowed_packet`: a chunk travels hex-escaped (twice its size)
 * inside an INSERT, which leaves the other half for the statement and slack. Read once per
 * connection (a connection's session value is fixed when it opens).
 */
const chunkSizes = new WeakMap<Connection, number>();
export async function chunkSizeOf(conn: Connection): Promise<number> {
  const known = chunkSizes.get(conn);
  if (known !== undefined) return known;
  const [rows] = await conn.query('SELECT @@max_allowed_packet AS packet');
  const packet = Number((rows as { packet: number | string }[])[0]?.packet ?? 0);
  const size = Math.max(256, Math.min(MAX_CHUNK_BYTES, Math.floor(packet / 4)));
  chunkSizes.set(conn, size);
  return size;
}

/** One step against the shared store, bounded by the caller's timeout. */
export type Step = <T>(work: Promise<T>) => Promise<T>;
type BlobRow = { size: number | string; type: string; chunks: number; chunk_size: number; complete: number; lost: number };
type Named = { sha256: string; size: number; type: string };

export interface BlobUploadDeps {
  outbox: Pick<Outbox, 'nextBatch'>;
  blobs: Pick<BlobStore, 'describe' | 'path'>;
  logger: Logger;
}

/**
 * Uploads every image the next push batch's entries name, and answers that batch, read again
 * after the last upload and naming none it has not handled (with the images handled, which it
 * may no longer name: an attachment redacted meanwhile): the caller pushes exactly it, so
 * an entry written meanwhile (a request handled between two awaits) waits for the next batch
 * and its own upload, never reaching the shared store before its image.
 */
export async function uploadWaitingBlobs(conn: Connection, deps: BlobUploadDeps, step: Step): Promise<{ batch: OutboxBatch; uploaded: string[] }> {
  const handled = new Set<string>();
  for (;;) {
    const batch = deps.outbox.nextBatch(PUSH_BATCH);
    const waiting = imagesNamedBy(batch.entries).filter((b) => !handled.has(b.sha256));
    if (waiting.length === 0) return { batch, uploaded: [...handled] };
    const chunkSize = await step(chunkSizeOf(conn));
    for (const blob of waiting) {
      await uploadBlob(conn, deps, blob, chunkSize, step);
      handled.add(blob.sha256);
    }
  }
}

/** Whether this host has an image's bytes to upload (its row, and its file: a file deleted by hand leaves the row). */
export function hasImageBytes(blobs: Pick<BlobStore, 'describe' | 'path'>, sha256: string): boolean {
  return blobs.describe(sha256) !== null && existsSync(blobs.path(sha256));
}

/** The images `entries` name: their attachments not redacted, one per sha256. */
export function imagesNamedBy(entries: readonly BriefEntry[]): Named[] {
  const named = new Map<string, Named>();
  for (const e of entries) {
    // A redacted attachment's image stays here (or is gone): its entry no longer names it.
    if (e?.kind !== 'attachment_added' || !e.payload || e.redacted) continue;
    named.set(e.payload.sha256, { sha256: e.payload.sha256, size: e.payload.size, type: e.payload.type });
  }
  return [...named.values()];
}

/**
 * Uploads one image unless the shared store has it whole: `present`, `uploaded`, `lost` (this
 * host has not the bytes: the row says so), or `gone` (its row was deleted mid-upload). With
 * `finish` false its chunks are all written but it is not marked complete: the caller does
 * that once it has checked the image may be there (image-repair.ts).
 */
export async function uploadBlob(
  conn: Connection,
  deps: Pick<BlobUploadDeps, 'blobs' | 'logger'>,
  blob: Named,
  ourChunkSize: number,
  step: Step,
  finish = true,
): Promise<'present' | 'uploaded' | 'lost' | 'gone'> {
  const there = await readRow(conn, blob.sha256, step);
  if (there?.complete === 1) return 'present';
  let file: FileHandle | null = null;
  if (deps.blobs.describe(blob.sha256)) file = await open(deps.blobs.path(blob.sha256), 'r').catch(() => null);
  if (!file) {
    // The entry still goes (it is history); the row tells the other hosts why they cannot have its image.
    await step(conn.query('INSERT INTO blobs (sha256, size, type, chunks, chunk_size, complete, lost) VALUES (?, ?, ?, 0, 0, 0, 1) ON DUPLICATE KEY UPDATE sha256 = sha256', [blob.sha256, blob.size, blob.type]));
    deps.logger.warn('an attachment is pushed without its image, which is not stored here', { sha256: blob.sha256 });
    return 'lost';
  }
  try {
    // A row another host is still filling keeps its chunk size (its chunks and ours are then the
    // same bytes); a row a host without the bytes left (chunk_size 0) is taken over. MySQL and
    // MariaDB both assign left to right, so chunk_size is tested before it changes.
    const chunks = Math.ceil(blob.size / ourChunkSize);
    await step(
      conn.query(
        'INSERT INTO blobs (sha256, size, type, chunks, chunk_size, complete, lost) VALUES (?, ?, ?, ?, ?, 0, 0) ON DUPLICATE KEY UPDATE chunks = IF(chunk_size = 0, ?, chunks), chunk_size = IF(chunk_size = 0, ?, chunk_size), lost = 0',
        [blob.sha256, blob.size, blob.type, chunks, ourChunkSize, chunks, ourChunkSize],
      ),
    );
    const row = await readRow(conn, blob.sha256, step);
    // Deleted meanwhile by a redaction's push (push.ts): the push finds it gone and this runs again.
    if (row === null) return 'gone';
    if (row.complete === 1) return 'present';
    const buffer = Buffer.alloc(row.chunk_size);
    for (let n = 0; n < row.chunks; n++) {
      const { bytesRead } = await file.read(buffer, 0, row.chunk_size, n * row.chunk_size);
      // Content-addressed: a chunk already there is these very bytes, so a replay writes nothing.
      await step(conn.query('INSERT INTO blob_chunks (sha256, n, data) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE n = n', [blob.sha256, n, buffer.subarray(0, bytesRead)]));
    }
    if (finish) await step(conn.query('UPDATE blobs SET complete = 1 WHERE sha256 = ?', [blob.sha256]));
    return 'uploaded';
  } finally {
    await file.close();
  }
}

async function readRow(conn: Connection, sha256: string, step: Step): Promise<BlobRow | null> {
  const [rows] = await step(conn.query('SELECT size, type, chunks, chunk_size, complete, lost FROM blobs WHERE sha256 = ?', [sha256]));
  const row = (rows as BlobRow[])[0];
  return row ? { ...row, chunks: Number(row.chunks), chunk_size: Number(row.chunk_size), complete: Number(row.complete), lost: Number(row.lost) } : null;
}

/** What asking the shared store for a blob came to. */
export type BlobFetch =
  | { kind: 'fetched' }
  | { kind: 'sync-off' }
  /**
   * Not on the shared store whole: an upload not finished, or an entry a Grove without blob
   * sync pushed. `asked`: the hosts that have it were asked to upload it (image-repair.ts).
   */
  | { kind: 'not-uploaded'; asked: boolean }
  /** The host that pushed its entry no longer had the image (any other host that has it was asked for it, as above). */
  | { kind: 'lost' }
  /** Its last attachment was redacted while it was fetched: not kept, as a redacted image never is. */
  | { kind: 'redacted' }
  | { kind: 'unreachable'; message: string }
  /** A newer Grove migrated the shared store: this one leaves it alone. */
  | { kind: 'store-too-new'; message: string }
  /**
   * The shared copy is not the image (a hash or size mismatch, a missing chunk): nothing was
   * kept. `removed`: that copy was taken off the shared store and the image asked for.
   */
  | { kind: 'corrupt'; message: string; removed: boolean }
  /**
   * The shared copy is the image (its sha256 and size match) but this Grove does not take it:
   * not a PNG, JPEG, GIF or WebP by its bytes, or over its size limit (a Grove that accepts
   * more attached it). Left on the shared store; nothing was kept here.
   */
  | { kind: 'not-accepted'; message: string }
  | { kind: 'store-failed'; message: string };

export interface BlobFetcher {
  fetch(sha256: string): Promise<BlobFetch>;
}

export interface BlobFetcherDeps {
  config: () => SyncConfig | null;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  timeoutMs: number;
  blobs: Pick<BlobStore, 'put' | 'remove'>;
  /** Whether an attachment not redacted names the image (read again once its bytes are here). */
  named: (sha256: string) => boolean;
  logger: Logger;
}

class FetchTimeout extends Error {}
class MissingChunk extends Error {}

/** An image missing from the shared store is asked for at most once in this long by one host (a page asking again and again moves the counter once). */
const ASK_AGAIN_MS = 30_000;
/**
 * How long a damaged copy this host removed is still told as damaged: the page asks again
 * right after its image failed (to say why), and "not on the shared store" alone would hide
 * what happened.
 */
const REMOVED_TOLD_MS = 5 * 60_000;

export function createBlobFetcher(deps: BlobFetcherDeps): BlobFetcher {
  const inFlight = new Map<string, Promise<BlobFetch>>();
  const askedAt = new Map<string, number>();
  const removed = new Map<string, { at: number; told: BlobFetch }>();
  const asks: Asks = {
    recently(sha256) {
      const now = Date.now();
      for (const [sha, at] of askedAt) if (now - at >= ASK_AGAIN_MS) askedAt.delete(sha);
      return askedAt.has(sha256);
    },
    asked: (sha256) => void askedAt.set(sha256, Date.now()),
  };
  const told = (sha256: string, fetched: BlobFetch): BlobFetch => {
    const now = Date.now();
    for (const [sha, r] of removed) if (now - r.at >= REMOVED_TOLD_MS) removed.delete(sha);
    if (fetched.kind === 'corrupt' && fetched.removed) removed.set(sha256, { at: now, told: fetched });
    else if (fetched.kind === 'not-uploaded') return removed.get(sha256)?.told ?? fetched;
    else removed.delete(sha256);
    return fetched;
  };
  return {
    fetch(sha256) {
      let fetching = inFlight.get(sha256);
      if (!fetching) {
        fetching = fetchBlob(deps, sha256, asks)
          .then((fetched) => told(sha256, fetched))
          .finally(() => inFlight.delete(sha256));
        inFlight.set(sha256, fetching);
      }
      return fetching;
    },
  };
}

/** Which images this host asked the others for lately (recorded once the ask went through). */
interface Asks {
  recently(sha256: string): boolean;
  asked(sha256: string): void;
}

async function fetchBlob(deps: BlobFetcherDeps, sha256: string, asks: Asks): Promise<BlobFetch> {
  const config = deps.config();
  if (!config) return { kind: 'sync-off' };
  const source = readSyncPassword(deps.env, deps.dataDir);
  if (source.kind !== 'found') return { kind: 'unreachable', message: source.message };
  deps.logger.addSecret(source.password);
  let conn: Connection | null = null;
  // Each step has the step timeout, and the whole fetch a budget too (three steps, and a second
  // per MiB once the size is known): a request, or a dispatch placing images in its lane, never
  // waits on a crawling link for chunks × timeout.
  let budgetEnds = Date.now() + 3 * deps.timeoutMs;
  const step: Step = async (work) => {
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(1, Math.min(deps.timeoutMs, budgetEnds - Date.now()));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FetchTimeout(left < deps.timeoutMs ? 'it did not send the image in time' : `it did not answer within ${Math.round(deps.timeoutMs / 1000)} s`)),
        left,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (e) {
      work.catch(() => undefined);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };
  let readError: unknown = null;
  try {
    const connecting = createConnection(sharedConnectionOptions(config, source.password, deps.timeoutMs));
    connecting.then((c) => void c.on('error', () => undefined), () => undefined);
    conn = await step(connecting).catch((e: unknown) => {
      // A connection that completes after its timeout is closed, not left open.
      connecting.then((late) => late.destroy(), () => undefined);
      throw e;
    });
    // Its repairs take row locks too: the same idle limit and quoting as the round's session.
    await step(prepareSharedSession(conn, deps.timeoutMs));
    // A store a newer Grove migrated is not read (or repaired) by this one: its rows may mean more.
    const version = await step(sharedSchemaVersion(conn));
    if (version > SHARED_SCHEMA_VERSION) return { kind: 'store-too-new', message: newerSchema(version) };
    const row = await readRow(conn, sha256, step);
    const shared = conn;
    // Asking and removing are a courtesy to the next request: one that fails leaves the answer as it was.
    const ask = async (): Promise<boolean> => {
      if (asks.recently(sha256)) return true;
      try {
        await step(askForImages(shared));
        asks.asked(sha256);
        return true;
      } catch (e) {
        deps.logger.warn('cannot ask the other hosts for an image', { sha256, error: describe(e) });
        return false;
      }
    };
    const removeDamaged = async (message: string): Promise<BlobFetch> => {
      try {
        // False: the copy read is no longer there as it was (uploaded again, or deleted), which is as good.
        const removed = await step(removeDamagedCopy(shared, sha256, { chunks: row!.chunks, chunkSize: row!.chunk_size }));
        asks.asked(sha256);
        deps.logger.warn(removed ? 'a damaged image was removed from the shared store and asked for again' : 'a damaged image had already left the shared store; asked for again', { sha256, damage: message });
        return { kind: 'corrupt', message, removed: true };
      } catch (e) {
        deps.logger.warn('cannot remove a damaged image from the shared store', { sha256, error: describe(e) });
        return { kind: 'corrupt', message, removed: false };
      }
    };
    if (!row || row.complete !== 1) {
      // Lost too: another host may have the same image attached.
      const asked = await ask();
      return row?.lost === 1 ? { kind: 'lost' } : { kind: 'not-uploaded', asked };
    }
    const size = Number(row.size);
    // Awaited here, not returned as a promise: the connection closes once this try is left.
    if (!(size > 0)) return await removeDamaged(`the shared store says it has ${size} bytes`);
    if (size > MAX_ATTACHMENT_BYTES) return { kind: 'not-accepted', message: `it is ${formatBytes(size)}, over this Grove's limit of ${formatBytes(MAX_ATTACHMENT_BYTES)}` };
    budgetEnds += Math.ceil(size / (1024 * 1024)) * 1000;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        for (let n = 0; n < row!.chunks; n++) {
          const [rows] = await step(shared.query('SELECT data FROM blob_chunks WHERE sha256 = ? AND n = ?', [sha256, n]));
          const data = (rows as { data: Buffer }[])[0]?.data;
          if (!data) throw new MissingChunk(`its chunk ${n + 1} of ${row!.chunks} is missing`);
          yield data;
        }
      } catch (e) {
        readError = e;
        throw e;
      }
    }
    const put = await deps.blobs.put(chunks(), size, { sha256, size });
    if (put.ok) {
      // A redaction while the bytes came (here, or pulled) removed what was here then: nothing.
      if (!deps.named(sha256)) {
        deps.blobs.remove(sha256);
        return { kind: 'redacted' };
      }
      deps.logger.info('blob fetched from the shared store', { sha256, size, chunks: row.chunks });
      return { kind: 'fetched' };
    }
    const refused = refusedCopy(put.error, size, readError);
    return refused.kind === 'damaged' ? await removeDamaged(refused.message) : refused;
  } catch (e) {
    // A shared store no Grove with blobs has migrated yet has no such table: nothing was uploaded.
    if (codeOf(e) === 'ER_NO_SUCH_TABLE') return { kind: 'not-uploaded', asked: false };
    // mysql2's own connect timeout and ours read the same to a person.
    if (['ETIMEDOUT', 'PROTOCOL_SEQUENCE_TIMEOUT'].includes(codeOf(e))) return { kind: 'unreachable', message: `it did not answer within ${Math.round(deps.timeoutMs / 1000)} s` };
    return { kind: 'unreachable', message: describe(e) };
  } finally {
    conn?.destroy();
  }
}

/**
 * Why the blob store did not keep the fetched bytes: `damaged` (they are not the image they
 * are stored as, before anything is done about it), or what to answer as it is. The store
 * checks the hash and size before the type, so a refused type is the image, whole.
 */
function refusedCopy(error: PutError, size: number, readError: unknown): { kind: 'damaged'; message: string } | Exclude<BlobFetch, { kind: 'corrupt' }> {
  switch (error.kind) {
    case 'mismatch':
      return { kind: 'damaged', message: `its bytes hash to ${error.sha256} (${error.size} bytes), not to the sha256 it is stored under (${size} bytes)` };
    case 'too_large':
      return { kind: 'damaged', message: `it holds more than the ${size} bytes it says it has` };
    case 'empty':
      return { kind: 'damaged', message: 'it holds no bytes' };
    case 'type_refused':
      return { kind: 'not-accepted', message: 'its bytes are not a PNG, JPEG, GIF or WebP image' };
    case 'store_failed':
      return { kind: 'store-failed', message: error.message };
    case 'read_failed':
      if (readError instanceof MissingChunk) return { kind: 'damaged', message: readError.message };
      return { kind: 'unreachable', message: describe(readError ?? error.message) };
  }
}

function codeOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message || codeOf(e) || 'no answer';
}
