import { fdatasync, writev } from 'node:fs';

/**
 * A file written without the main thread waiting on the disk. Chunks are gathered into runs of
 * WRITE_RUN bytes, and each run goes to libuv's thread pool as one positional `writev`, so while
 * the kernel copies a run into the page cache the main thread reads and hashes the next: done
 * one after the other on the main thread, writing was about a quarter of a 10 MiB upload's
 * time (`npm run bench -- briefs`). Runs, not single chunks: a socket's chunks are 64 KiB, and
 * handing each to the pool cost the main thread more than writing it there.
 *
 * Every EARLY_FLUSH bytes written it also starts an `fdatasync` (one at a time, not awaited),
 * so the disk writes back while the rest still arrives and the final fsync has only the tail
 * left. Linux reports a failed writeback once per file, to the flush that met it, and the final
 * fsync would not: `finished()` throws what any write or flush met.
 *
 * A chunk must not change once given (a socket's or a file stream's chunks never do).
 * `finished()` must be awaited before the descriptor is closed, whatever happened, so no write
 * or flush runs on a closed descriptor, or on another file that got its number meanwhile.
 */
export interface BackgroundWriter {
  /**
   * Queues the chunk. Returns a promise only when more than MAX_PENDING bytes are still being
   * written (a disk slower than the sender), to be awaited before the next; throws at once if
   * an earlier write failed, so the caller stops reading.
   */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** Resolves when every write and flush is done; rejects with the first error any met. */
  finished(): Promise<void>;
}

/** An error from the disk (full, read-only, an I/O error), told apart from one reading the upload. */
export class DiskError extends Error {}

const WRITE_RUN = 1024 * 1024;
const EARLY_FLUSH = 4 * 1024 * 1024;
const MAX_PENDING = 8 * 1024 * 1024;

export function backgroundWriter(fd: number): BackgroundWriter {
  let position = 0;
  let run: Uint8Array[] = [];
  let runBytes = 0;
  let pending = 0;
  let unflushed = 0;
  let flushing = false;
  let failed: Error | null = null;
  /** Called whenever a write or flush ends: each looks again (a held-back `write()`, `finished()`). */
  let waiters: (() => void)[] = [];

  const fail = (what: string, e: Error) => {
    failed ??= new DiskError(`${what}: ${e.message}`);
  };
  const ended = () => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  const flush = () => {
    if (flushing || failed || unflushed < EARLY_FLUSH) return;
    flushing = true;
    unflushed = 0;
    fdatasync(fd, (e) => {
      flushing = false;
      if (e) fail('cannot flush the upload to disk', e);
      ended();
    });
  };
  /**
   * A write may take less than asked and report no error (a disk all but full takes what fits):
   * the rest is written, or the error it then meets is kept. A short file stored under the whole
   * upload's sha256 would be trusted by every later upload of the same image.
   */
  const put = (chunks: Uint8Array[], bytes: number, at: number) => {
    pending += bytes;
    writev(fd, chunks, at, (e, n) => {
      pending -= bytes;
      unflushed += e ? 0 : n;
      if (e) fail('cannot write the upload to disk', e);
      else if (n <= 0) fail('cannot write the upload to disk', new Error(`wrote nothing of ${bytes} bytes (no space left?)`));
      else if (n < bytes) {
        // The rest, unless another write failed meanwhile: the upload is refused anyway.
        if (!failed) put(rest(chunks, n), bytes - n, at + n);
      }
      else flush();
      ended();
    });
  };
  const send = () => {
    if (runBytes === 0 || failed) return;
    put(run, runBytes, position);
    position += runBytes;
    run = [];
    runBytes = 0;
  };
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (done() ? resolve() : waiters.push(check));
      check();
    });

  return {
    write(chunk) {
      if (failed) throw failed;
      run.push(chunk);
      runBytes += chunk.length;
      if (runBytes >= WRITE_RUN) send();
      return pending > MAX_PENDING ? until(() => pending <= MAX_PENDING || failed !== null) : undefined;
    },
    async finished() {
      send();
      await until(() => pending === 0 && !flushing);
      if (failed) throw failed;
    },
  };
}

/** What is left of `chunks` once their first `n` bytes are written. */
function rest(chunks: Uint8Array[], n: number): Uint8Array[] {
  const left: Uint8Array[] = [];
  for (const c of chunks) {
    if (n >= c.length) n -= c.length;
    else {
      left.push(n > 0 ? c.subarray(n) : c);
      n = 0;
    }
  }
  return left;
}
