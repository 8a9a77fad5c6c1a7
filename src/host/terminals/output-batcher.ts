import { TerminalConstants } from './terminal-constants';

/**
 * Gathers a PTY's output for a few milliseconds (or up to a size cap) and hands it on as
 * one chunk: under a flood this turns thousands of tiny reads into a few large frames,
 * and when output is sparse it adds at most `batchMs` of latency.
 */
export class OutputBatcher {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly flushTo: (chunk: Buffer) => void,
    private readonly batchMs: number = TerminalConstants.batchMs,
    private readonly maxBytes: number = TerminalConstants.batchMaxBytes,
  ) {}

  push(data: Buffer): void {
    this.chunks.push(data);
    this.bytes += data.length;
    if (this.bytes >= this.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.bytes === 0) return;
    const chunk = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    this.flushTo(chunk);
  }
}
