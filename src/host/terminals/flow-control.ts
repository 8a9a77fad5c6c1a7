import { TerminalConstants } from './terminal-constants';

/**
 * Watermark flow control for one agent and the clients attached to it. Each client's
 * backlog is what it was sent minus what it acknowledged (its terminal parsed it). The PTY
 * is paused while any client's backlog is above the high watermark and resumed once every
 * backlog is below the low one; a client that holds the agent paused too long is reported
 * as stalled so the caller can detach it (it re-attaches with `since` and loses nothing).
 * Pure bookkeeping: the caller pauses and resumes the PTY.
 */
export interface Watermarks {
  high: number;
  low: number;
  stalledMs: number;
}

export const DEFAULT_WATERMARKS: Watermarks = {
  high: TerminalConstants.highWatermarkBytes,
  low: TerminalConstants.lowWatermarkBytes,
  stalledMs: TerminalConstants.stalledClientMs,
};

export type FlowAction = 'pause' | 'resume' | null;

export class FlowControl<ClientId> {
  private readonly sent = new Map<ClientId, number>();
  private readonly acked = new Map<ClientId, number>();
  private paused = false;
  private pausedAt = 0;

  constructor(private readonly marks: Watermarks = DEFAULT_WATERMARKS) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** A client attached, having been sent everything before `offset`… */
  attach(client: ClientId, offset: number): void {
    this.sent.set(client, offset);
    this.acked.set(client, offset);
  }

  detach(client: ClientId): FlowAction {
    this.sent.delete(client);
    this.acked.delete(client);
    return this.evaluate(0);
  }

  /** Output up to `endOffset` was sent to the client. */
  sentTo(client: ClientId, endOffset: number, now: number): FlowAction {
    if (!this.sent.has(client)) return null;
    this.sent.set(client, endOffset);
    return this.evaluate(now);
  }

  /** The client's terminal has parsed everything before `offset`. */
  ack(client: ClientId, offset: number, now: number): FlowAction {
    const sent = this.sent.get(client);
    if (sent === undefined) return null;
    // Acks never go backwards, nor beyond what was sent.
    this.acked.set(client, Math.min(sent, Math.max(this.acked.get(client) ?? 0, offset)));
    return this.evaluate(now);
  }

  backlog(client: ClientId): number {
    return (this.sent.get(client) ?? 0) - (this.acked.get(client) ?? 0);
  }

  /** Clients that have kept the agent paused longer than allowed. */
  stalled(now: number): ClientId[] {
    if (!this.paused || now - this.pausedAt < this.marks.stalledMs) return [];
    return [...this.sent.keys()].filter((c) => this.backlog(c) > this.marks.low);
  }

  private evaluate(now: number): FlowAction {
    let worst = 0;
    for (const c of this.sent.keys()) worst = Math.max(worst, this.backlog(c));
    if (!this.paused && worst > this.marks.high) {
      this.paused = true;
      this.pausedAt = now;
      return 'pause';
    }
    if (this.paused && worst < this.marks.low) {
      this.paused = false;
      return 'resume';
    }
    return null;
  }
}
