import { TerminalConstants } from './terminal-constants';

/**
 * Gathers a PTY's output for a few milliseconds (or up to a size cap) and hands it on as
 * one chunk: under a flood this turns thousands of tiny reads into a few large frames.
 * Output that follows a quiet spell (a keystroke's echo, a prompt) goes out at once, so
 * batching costs interactive use no latency; only a stream keeps being batched.
 */
export class OutputBatcher {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly flushTo: (chunk: Buffer) => void,
    private readonly batchMs: number = TerminalConstants.batchMs,
    private readonly maxBytes: number = TerminalConstants.batchMaxBytes,
  ) {}

  push(data: Buffer): void {
    this.chunks.push(data);
    this.bytes += data.length;
    if (this.bytes >= this.maxBytes) return this.flush();
    if (this.timer) return;
    if (performance.now() - this.lastFlushAt >= this.batchMs) return this.flush();
    this.timer = setTimeout(() => this.flush(), this.batchMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.bytes === 0) return;
    const chunk = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    this.lastFlushAt = performance.now();
    this.flushTo(chunk);
  }
}
