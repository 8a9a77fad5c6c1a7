import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, type AttachmentType } from '../../shared/briefs';
import { err, ok, type Result } from '../../shared/result';
import type { Db } from '../db/database';
import { backgroundWriter, DiskError } from './background-writer';

/**
 * Attachments' bytes, content-addressed: `blobs/ab/abcdef…` named by their sha256. A blob is
 * written to a temp file while it is hashed (the writes on the thread pool: background-writer.ts),
 * fsynced, then renamed into place (and the directory fsynced), so a blob either is whole under
 * its name or is not there; only then may a row name it. Its type is sniffed from its bytes
 * (file-type), never its name: only PNG, JPEG, GIF and WebP are kept. An upload is refused as
 * soon as its first SNIFF_BYTES are in, without reading (or writing) the rest of a large file
 * that was never an image; a copy fetched as a known blob, only once its hash and size matched
 * (so a refused type is that blob, whole). The `blobs` table records
 * each whole file with its sniffed type; temp files and blobs no attachment names are swept at
 * start.
 */
export type PutError =
  | { kind: 'too_large'; limit: number }
  | { kind: 'type_refused'; detected: string | null }
  | { kind: 'empty' }
  | { kind: 'read_failed'; message: string }
  /** The disk refused (full, read-only, an I/O error): the host's trouble, not the upload's. */
  | { kind: 'store_failed'; message: string }
  /** The bytes are not the blob they were fetched as (a copy from the shared store): nothing kept. */
  | { kind: 'mismatch'; sha256: string; size: number };

const onDisk = <T>(what: string, op: () => T): T => {
  try {
    return op();
  } catch (e) {
    throw new DiskError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
};

export interface StoredBlob {
  sha256: string;
  type: AttachmentType;
  size: number;
  /** False when an identical blob was already stored (deduplicated). */
  created: boolean;
}

export interface BlobStore {
  /** With `expected`, bytes that do not hash to it (or are not its size) are refused before they take any name. */
  put(body: AsyncIterable<Uint8Array>, limit?: number, expected?: { sha256: string; size: number }): Promise<Result<StoredBlob, PutError>>;
  describe(sha256: string): { type: AttachmentType; size: number } | null;
  path(sha256: string): string;
  remove(sha256: string): void;
  /** Removes temp files and every blob not in `keep`; returns the sha256s of the blobs that went. */
  sweep(keep: ReadonlySet<string>): string[];
}

const SNIFF_BYTES = 4100;
const SHA = /^[0-9a-f]{64}$/;

/** The type by a file's first bytes, or why it is refused. */
async function sniffHead(head: readonly Buffer[]): Promise<Result<AttachmentType, PutError>> {
  const found = await sniffImage(Buffer.concat(head).subarray(0, SNIFF_BYTES));
  return 'refused' in found ? err({ kind: 'type_refused', detected: found.refused }) : ok(found.type);
}

export async function sniffImage(head: Uint8Array): Promise<{ type: AttachmentType } | { refused: string | null }> {
  const detected = await fileTypeFromBuffer(head);
  // An animated PNG is a PNG (browsers show it as one); file-type names it apart.
  const mime = detected?.mime === 'image/apng' ? 'image/png' : (detected?.mime ?? null);
  return mime && (ATTACHMENT_TYPES as readonly string[]).includes(mime) ? { type: mime as AttachmentType } : { refused: mime };
}

export function createBlobStore(db: Db, dir: string, now: () => Date = () => new Date()): BlobStore {
  const tmpDir = join(dir, 'tmp');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const pathOf = (sha: string) => join(dir, sha.slice(0, 2), sha);
  const record = db.prepare('INSERT OR IGNORE INTO blobs (sha256, type, size, stored_at) VALUES (?, ?, ?, ?)');
  const select = db.prepare('SELECT type, size FROM blobs WHERE sha256 = ?');
  const forget = db.prepare('DELETE FROM blobs WHERE sha256 = ?');

  return {
    async put(body, limit = MAX_ATTACHMENT_BYTES, expected) {
      const tmp = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
      let fd: number;
      try {
        fd = openSync(tmp, 'wx', 0o600);
      } catch (e) {
        // Too many files open, the disk full, the directory gone: said as the store's failure.
        return err({ kind: 'store_failed', message: `cannot create the upload's temporary file: ${e instanceof Error ? e.message : String(e)}` });
      }
      const hash = createHash('sha256');
      let size = 0;
      const head: Buffer[] = [];
      let headSize = 0;
      /** Known once the first SNIFF_BYTES are in (all of them, for a smaller file). */
      let type: AttachmentType | undefined;
      let failure: PutError | null = null;
      const writer = backgroundWriter(fd);
      // Closed once: a second close could close another file that got the same descriptor meanwhile.
      let isOpen = true;
      const closeFd = () => {
        if (!isOpen) return;
        isOpen = false;
        closeSync(fd);
      };
      try {
        for await (const chunk of body) {
          size += chunk.length;
          if (size > limit) {
            failure = { kind: 'too_large', limit };
            break;
          }
          hash.update(chunk);
          if (headSize < SNIFF_BYTES) {
            head.push(Buffer.from(chunk));
            headSize += chunk.length;
            // A copy fetched as a known blob is hashed whole first: a head that is not an
            // image may be a damaged copy of one, which blob-sync.ts replaces.
            if (headSize >= SNIFF_BYTES && !expected) {
              const found = await sniffHead(head);
              if (found.ok) type = found.value;
              else {
                failure = found.error;
                break;
              }
            }
          }
          await writer.write(chunk);
        }
        await writer.finished();
        if (!failure && size === 0) failure = { kind: 'empty' };
        const digest = failure ? '' : hash.digest('hex');
        if (!failure && expected && (digest !== expected.sha256 || size !== expected.size)) failure = { kind: 'mismatch', sha256: digest, size };
        if (!failure && type === undefined) {
          const found = await sniffHead(head);
          if (found.ok) type = found.value;
          else failure = found.error;
        }
        if (!failure && type !== undefined) {
          onDisk('cannot flush the upload to disk', () => {
            fsyncSync(fd);
            closeFd();
          });
          const sha256 = digest;
          const final = pathOf(sha256);
          let created = true;
          try {
            statSync(final);
            created = false;
            rmSync(tmp, { force: true });
          } catch {
            onDisk('cannot move the upload into the blob store', () => {
              mkdirSync(join(dir, sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
              renameSync(tmp, final);
            });
            fsyncDir(join(dir, sha256.slice(0, 2)));
          }
          // From the rename to here nothing awaits: no other upload can find the file in between.
          onDisk('cannot record the upload in the store', () => {
            try {
              record.run(sha256, type, size, now().toISOString());
            } catch (e) {
              if (created) rmSync(final, { force: true });
              throw e;
            }
          });
          return ok({ sha256, type, size, created });
        }
      } catch (e) {
        await writer.finished().catch(() => undefined);
        failure = e instanceof DiskError ? { kind: 'store_failed', message: e.message } : { kind: 'read_failed', message: e instanceof Error ? e.message : String(e) };
      }
      try {
        closeFd();
      } catch {
        // Nothing more to do with it: the temp file goes next.
      }
      rmSync(tmp, { force: true });
      return err(failure ?? { kind: 'read_failed', message: 'unknown' });
    },
    describe(sha) {
      const row = select.get(sha) as { type: AttachmentType; size: number } | undefined;
      return row ?? null;
    },
    path: pathOf,
    remove(sha) {
      if (!SHA.test(sha)) return;
      forget.run(sha);
      rmSync(pathOf(sha), { force: true });
    },
    sweep(keep) {
      rmSync(tmpDir, { recursive: true, force: true });
      mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
      const removed: string[] = [];
      const rows = db.prepare('SELECT sha256 FROM blobs').all() as { sha256: string }[];
      db.transaction(() => {
        for (const { sha256 } of rows) if (!keep.has(sha256)) forget.run(sha256);
      })();
      for (const sub of safeList(dir)) {
        if (!/^[0-9a-f]{2}$/.test(sub)) continue;
        for (const name of safeList(join(dir, sub))) {
          if (SHA.test(name) && keep.has(name)) continue;
          rmSync(join(dir, sub, name), { force: true });
          if (SHA.test(name)) removed.push(name);
        }
      }
      return removed;
    },
  };
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

function fsyncDir(d: string): void {
  try {
    const fd = openSync(d, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  }
}
