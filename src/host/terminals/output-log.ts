import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One agent's output as a byte log addressed by offset: byte N of everything the agent ever
 * printed is at offset N, across host restarts. A client that saw bytes up to N asks for
 * "since N" and gets exactly what follows; the offset is the sequence number.
 *
 * Disk: segment files `<base offset>.log` in the agent's directory. A new segment starts
 * when the current one reaches half the cap; the oldest are deleted while the rest still
 * hold the cap, so at most cap + half a cap sits on disk. Memory: a tail of the latest
 * bytes, so re-attaching a live terminal rarely touches the disk.
 */
export interface LogRead {
  /** Offset of the first byte of `data`; later than the asked offset if those bytes were dropped. */
  from: number;
  data: Buffer;
  /** Bytes between the asked offset and `from` are gone (older than the cap). */
  gap: boolean;
}

interface Segment {
  base: number;
  size: number;
}

/** The two calls whose short counts matter (a full disk, a truncated file); tests stand in for them. */
export interface LogFileIo {
  writeSync(fd: number, data: Uint8Array): number;
  readSync(fd: number, into: Uint8Array, offset: number, length: number, position: number): number;
}

const NODE_IO: LogFileIo = {
  writeSync: (fd, data) => writeSync(fd, data),
  readSync: (fd, into, offset, length, position) => readSync(fd, into, offset, length, position),
};

export class OutputLog {
  private readonly segments: Segment[] = [];
  private fd: number | null = null;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private totalEnd = 0;

  private constructor(
    private readonly dir: string,
    private readonly capBytes: number,
    private readonly memoryTailBytes: number,
    private readonly io: LogFileIo,
  ) {}

  /** Opens (or creates) the log in `dir`, continuing the offsets of what is already there. */
  static open(dir: string, capBytes: number, memoryTailBytes: number, io: LogFileIo = NODE_IO): OutputLog {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const log = new OutputLog(dir, capBytes, memoryTailBytes, io);
    const bases = readdirSync(dir)
      .map((f) => /^(\d+)\.log$/.exec(f)?.[1])
      .filter((b): b is string => b !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const base of bases) {
      const fd = openSync(log.file(base), 'r');
      const size = fstatSync(fd).size;
      closeSync(fd);
      // An empty segment (a crash between creating and writing it) holds nothing; the next
      // segment would reuse its name.
      if (size === 0) unlinkSync(log.file(base));
      else log.segments.push({ base, size });
    }
    const last = log.segments.at(-1);
    log.totalEnd = last ? last.base + last.size : 0;
    return log;
  }

  /** Offset just past the last byte. */
  get end(): number {
    return this.totalEnd;
  }

  /** Oldest offset still retained. */
  get start(): number {
    return this.segments[0]?.base ?? this.totalEnd;
  }

  /**
   * Appends a chunk; returns the offset of its first byte. Throws if the chunk could not be
   * written whole (the disk is full, the directory is gone): then nothing of it was taken
   * (a partial write is cut off again), so the caller holds it and retries the whole chunk.
   */
  append(chunk: Buffer): number {
    const at = this.totalEnd;
    if (chunk.length === 0) return at;
    let seg = this.segments.at(-1);
    if (!seg || this.fd === null || seg.size >= this.capBytes / 2) {
      seg = this.startSegment();
    }
    const fd = this.fd!;
    let written = 0;
    try {
      // writeSync may write less than asked (a full disk takes what fits, then ENOSPC).
      while (written < chunk.length) {
        const n = this.io.writeSync(fd, chunk.subarray(written));
        if (n <= 0) throw new Error(`wrote ${written} of ${chunk.length} bytes to ${this.file(seg.base)} (no space left?)`);
        written += n;
      }
    } catch (e) {
      // Offsets are positions in the segment files: bytes on disk past `seg.size` would shift
      // every later byte (and a restart would count them), so the partial chunk is cut off.
      if (written > 0) this.cutBackTo(fd, seg.size);
      throw e;
    }
    seg.size += chunk.length;
    this.totalEnd += chunk.length;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - this.tail[0]!.length >= this.memoryTailBytes) this.tailBytes -= this.tail.shift()!.length;
    return at;
  }

  /** Up to `max` bytes from `since` (clamped to what is retained). */
  read(since: number, max = Number.MAX_SAFE_INTEGER): LogRead {
    const gap = since < this.start;
    let from = Math.min(Math.max(since, this.start), this.totalEnd);
    let data = this.readRange(from, Math.min(this.totalEnd, from + max));
    if (gap) {
      // Never hand a client half a UTF-8 character at the start of what is left.
      let skip = 0;
      while (skip < 3 && skip < data.length && (data[skip]! & 0xc0) === 0x80) skip++;
      data = data.subarray(skip);
      from += skip;
    }
    return { from, data, gap };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private readRange(from: number, to: number): Buffer {
    if (to <= from) return Buffer.alloc(0);
    const tailStart = this.totalEnd - this.tailBytes;
    if (from >= tailStart) {
      // Only the chunks that overlap, found from the newest end: every client reads the
      // latest bytes from here on every batch of a flood.
      const parts: Buffer[] = [];
      let at = this.totalEnd;
      for (let i = this.tail.length - 1; i >= 0 && at > from; i--) {
        const chunk = this.tail[i]!;
        const chunkStart = at - chunk.length;
        if (chunkStart < to) parts.push(chunk.subarray(Math.max(0, from - chunkStart), Math.min(chunk.length, to - chunkStart)));
        at = chunkStart;
      }
      parts.reverse();
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    }
    const out = Buffer.alloc(to - from);
    let written = 0;
    for (const seg of this.segments) {
      const segEnd = seg.base + seg.size;
      if (segEnd <= from || seg.base >= to) continue;
      const start = Math.max(from, seg.base);
      const stop = Math.min(to, segEnd);
      const fd = openSync(this.file(seg.base), 'r');
      let got = 0;
      try {
        while (got < stop - start) {
          const n = this.io.readSync(fd, out, written + got, stop - start - got, start - seg.base + got);
          if (n <= 0) break;
          got += n;
        }
      } finally {
        closeSync(fd);
      }
      written += got;
      // A segment shorter on disk than recorded (cut or damaged outside the host): hand out
      // what is there up to the hole, never zero-filled bytes in its place.
      if (got < stop - start) break;
    }
    return out.subarray(0, written);
  }

  private cutBackTo(fd: number, size: number): void {
    try {
      ftruncateSync(fd, size);
    } catch {
      // Cannot cut it: write no more to this file (reads stop at its recorded size); the next
      // append starts a new segment.
      this.fd = null;
      closeSync(fd);
    }
  }

  private startSegment(): Segment {
    // Forget the fd as it is closed: if the open below fails, a retry must not close the same
    // number again (by then another part of the host may own it).
    const previous = this.fd;
    this.fd = null;
    if (previous !== null) closeSync(previous);
    // The directory may have been removed under the host: a retry recreates it.
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const last = this.segments.at(-1);
    // A segment nothing was written to yet (its first write failed) is reopened, not listed twice.
    if (last && last.size === 0) {
      this.fd = openSync(this.file(last.base), 'a', 0o600);
      return last;
    }
    const seg = { base: this.totalEnd, size: 0 };
    this.fd = openSync(this.file(seg.base), 'a', 0o600);
    this.segments.push(seg);
    // Drop the oldest segments while the newer ones alone still hold the cap.
    while (this.segments.length > 1 && this.totalEnd - this.segments[1]!.base >= this.capBytes) {
      const old = this.segments.shift()!;
      try {
        unlinkSync(this.file(old.base));
      } catch {
        /* already gone */
      }
    }
    return seg;
  }

  private file(base: number): string {
    return join(this.dir, `${String(base).padStart(16, '0')}.log`);
  }
}
