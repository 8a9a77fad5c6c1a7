import { TerminalConstants } from './terminal-constants';

/**
 * Flow control for one agent and the clients attached to it: the agent never waits for a
 * client. The PTY is drained at full speed into the agent's byte log; each client is sent
 * from the log, by offset, as far as its credit goes (what it was sent minus what it
 * acknowledged as parsed stays under `windowBytes`), so the host holds no bytes per client
 * beyond that window, however slow the client.
 *
 * A client that falls further behind the log's end than it could parse in a frame budget
 * (`jumpBytes` past what it acknowledged) and said it may jump is sent nothing more until
 * it has acknowledged what it holds, and is then told to jump: it resets
 * its terminal and is sent from a restart point near the end (restart-point.ts). A client
 * that may not jump (a pipe that wants every byte) only jumps when the bytes it needs next
 * have left the log (older than its cap): it then goes on from the oldest byte retained.
 *
 * A client may attach with a replay it is owed whole (a pane opened on an agent gets the
 * output the log keeps, as it did before jumping existed): it does not jump for being behind
 * until it has acknowledged that replay; only output that arrived meanwhile can make it jump.
 * A jump before anything was sent is reason `attach`: the client did not fall behind, the
 * retained output was more than it is replayed.
 *
 * Pure bookkeeping: the caller reads the log and sends.
 */
export interface FlowLimits {
  windowBytes: number;
  jumpBytes: number;
  /** Largest frame sent at once. */
  frameBytes: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  windowBytes: TerminalConstants.clientWindowBytes,
  jumpBytes: TerminalConstants.jumpBehindBytes,
  frameBytes: TerminalConstants.frameBytes,
};

/**
 * `ahead`: the client holds output past the log's end, bytes the log no longer has (it was
 * cut back: a machine that crashed before they reached the disk, segments restored from a
 * backup). New output will reuse those offsets, and the client would take it for bytes it
 * already has; so it resets and goes on from a restart point near the end.
 */
export type JumpReason = 'behind' | 'gone' | 'attach' | 'ahead';

/** What to do for a client now. */
export type FlowStep =
  /** Send the log's bytes [from, to). */
  | { kind: 'send'; from: number; to: number }
  /**
   * Jump: `behind` (too far behind the end to parse it in time) or `gone` (its next bytes
   * left the log), to a restart point near the `end` or to the `oldest` byte retained (a
   * client that may not jump); `ahead` (it holds bytes the log lost) to a restart point near
   * the `end`, or for a client that may not jump to the log's end exactly (`logEnd`: a pipe
   * goes on with the next byte the agent prints, having missed none the log has). The caller
   * finds the point, tells the client, calls `jumped`.
   */
  | { kind: 'jump'; reason: JumpReason; from: number; to: 'end' | 'oldest' | 'logEnd' }
  /** Up to date, or out of credit until it acknowledges more. */
  | { kind: 'wait' };

interface ClientState {
  sent: number;
  acked: number;
  canJump: boolean;
  /** It attached fresh (no offset of its own) and nothing was sent yet: a jump now is one at attach. */
  atFreshAttach: boolean;
  /** It is owed a replay up to here: no jump for being behind before it acknowledged it. */
  replayTo: number;
}

export class FlowControl<ClientId> {
  private readonly clients = new Map<ClientId, ClientState>();

  constructor(private readonly limits: FlowLimits = DEFAULT_FLOW_LIMITS) {}

  /**
   * A client attached; its stream starts at `offset` (before the log's start: bytes it asked
   * for are gone, and it is told so with a `gone` jump; past the log's end: it holds bytes the
   * log lost, and is told so with an `ahead` jump). A `fresh` attach (the client had no
   * offset of its own: it starts at the oldest byte kept) is replayed up to `fresh.replayTo`
   * without a jump for being behind.
   */
  attach(client: ClientId, offset: number, canJump: boolean, fresh?: { replayTo: number }): void {
    this.clients.set(client, { sent: offset, acked: offset, canJump, atFreshAttach: fresh !== undefined, replayTo: fresh?.replayTo ?? offset });
  }

  detach(client: ClientId): void {
    this.clients.delete(client);
  }

  has(client: ClientId): boolean {
    return this.clients.has(client);
  }

  /** The client's terminal has parsed everything before `offset`. */
  ack(client: ClientId, offset: number): void {
    const c = this.clients.get(client);
    // Acks never go backwards, nor beyond what was sent (an ack from before a jump is stale).
    if (c) c.acked = Math.min(c.sent, Math.max(c.acked, offset));
  }

  /** What the client should get next, given the log's retained range [start, end). */
  next(client: ClientId, log: { start: number; end: number }): FlowStep {
    const c = this.clients.get(client);
    if (!c) return { kind: 'wait' };
    // It has acknowledged all it holds (it was sent nothing), whether it may jump or not.
    if (c.sent > log.end) return { kind: 'jump', reason: 'ahead', from: c.sent, to: c.canJump ? 'end' : 'logEnd' };
    const gone = c.sent < log.start;
    const behind = c.canJump && c.acked >= c.replayTo && log.end - c.acked > this.limits.jumpBytes;
    if (gone || behind) {
      // Jump once it has parsed what it holds (it must, either way): sending more is wasted,
      // and a jump gives fresh credit, which a client that stopped acknowledging never earns.
      if (c.acked !== c.sent) return { kind: 'wait' };
      const reason: JumpReason = gone ? 'gone' : c.atFreshAttach ? 'attach' : 'behind';
      return { kind: 'jump', reason, from: c.sent, to: c.canJump ? 'end' : 'oldest' };
    }
    const credit = c.acked + this.limits.windowBytes - c.sent;
    if (c.sent >= log.end || credit <= 0) return { kind: 'wait' };
    return { kind: 'send', from: c.sent, to: Math.min(log.end, c.sent + credit, c.sent + this.limits.frameBytes) };
  }

  /** Bytes before `to` were sent to the client. */
  sentTo(client: ClientId, to: number): void {
    const c = this.clients.get(client);
    if (!c) return;
    c.sent = Math.max(c.sent, to);
    c.atFreshAttach = false;
  }

  /** The client jumped: its stream goes on at `to`, and nothing before it is owed or acknowledged. */
  jumped(client: ClientId, to: number): void {
    const c = this.clients.get(client);
    if (c) {
      c.sent = to;
      c.acked = to;
      c.atFreshAttach = false;
    }
  }

  /** Bytes sent and not yet acknowledged. */
  backlog(client: ClientId): number {
    const c = this.clients.get(client);
    return c ? c.sent - c.acked : 0;
  }
}
