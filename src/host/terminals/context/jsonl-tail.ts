import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Follows a JSON-lines file another process appends to (an agent's transcript), handing
 * back only the complete lines written since the last call. It owns the byte offset and
 * the half-written last line; it knows nothing about what the lines mean.
 *
 * Reads are synchronous on purpose: a call reads only what was appended since the last one
 * (a turn's worth, usually a few KiB), and two overlapping calls can then never advance
 * the same offset twice.
 */
export interface TailChunk {
  /** Complete lines, without their newline, in file order. Blank lines are dropped. */
  lines: string[];
  /**
   * True when the file shrank or was replaced since the last call, so reading started
   * again from its first byte and anything derived from earlier lines is stale.
   */
  restarted: boolean;
}

const CHUNK_BYTES = 1 << 20;
/** At most this much is read per call; a larger backlog is read over the next calls. */
const MAX_BYTES_PER_CALL = 8 << 20;
/** A "line" longer than this is not a transcript line: it is dropped, not accumulated. */
const MAX_LINE_CHARS = 4 << 20;

export class JsonlTail {
  private offset = 0;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  /** Identity of the file last read, to notice it being replaced by a new one. */
  private fileId: string | null = null;

  constructor(readonly path: string) {}

  /** New complete lines; a missing or unreadable file yields none (it may appear later). */
  readNew(): TailChunk {
    let fd: number;
    try {
      // Non-blocking and no symlinks: the path may come from an agent, and a FIFO or a
      // link to a device must not be able to stall the host.
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch {
      return { lines: [], restarted: false };
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return { lines: [], restarted: false };
      const id = `${stat.dev}:${stat.ino}`;
      // A smaller file was truncated or rewritten; a different inode was replaced (an
      // atomic rename). Either way our offset means nothing in it any more.
      const restarted = this.fileId !== null && (id !== this.fileId || stat.size < this.offset);
      if (restarted) this.startOver();
      this.fileId = id;
      const lines: string[] = [];
      if (this.offset >= stat.size) return { lines, restarted };
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, stat.size - this.offset));
      const stopAt = Math.min(stat.size, this.offset + MAX_BYTES_PER_CALL);
      while (this.offset < stopAt) {
        const want = Math.min(buffer.length, stopAt - this.offset);
        const got = readSync(fd, buffer, 0, want, this.offset);
        if (got === 0) break;
        this.offset += got;
        this.split(this.decoder.write(buffer.subarray(0, got)), lines);
      }
      return { lines, restarted };
    } catch {
      return { lines: [], restarted: false };
    } finally {
      closeSync(fd);
    }
  }

  private split(text: string, into: string[]): void {
    const parts = (this.partial + text).split('\n');
    // The last part has no newline yet: the writer may be mid-line. Keep it for next time.
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS) this.partial = '';
    for (const part of parts) {
      const line = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (line.trim() !== '') into.push(line);
    }
  }

  private startOver(): void {
    this.offset = 0;
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
  }
}
