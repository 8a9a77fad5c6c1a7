import type { ApiError } from '../errors';
import type { EventEnvelope } from '../events';
import { type MethodName, type ParamsOf, type ResultOf } from '../methods';
import { PROTOCOL_VERSION } from '../protocol-version';
import type { Result } from '../result';
import { err, ok } from '../result';
import type { ClientFrame, HostFrame, JumpFrame } from '../wire';
import { CloseCode } from '../close-codes';
import { backoffDelay, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff';

/**
 * A client of the host's WebSocket: typed calls, the event stream with "since N" resume,
 * and automatic reconnect. Runtime-neutral: the caller supplies the socket (the browser's
 * WebSocket, or `ws` in Node with an Authorization header), so the renderer, the CLI and
 * the tests share one implementation of the protocol.
 */
// Method-style (bivariant) handler types, so both the DOM's WebSocket and `ws` fit.
type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason?: string }> | null;
  onerror: Handler<unknown> | null;
  /**
   * A socket opened before the connection took it over (the page's early socket) delivers
   * what it heard meanwhile when this is called, once the connection's handlers are on.
   */
  deliverBacklog?(): void;
}

export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open'; hostVersion: string; protocolVersion: number }
  | { kind: 'waiting'; attempt: number; retryInMs: number; reason: string }
  | { kind: 'incompatible'; hostProtocolVersion: number }
  | { kind: 'stopped' };

/** Errors a call can end with on the client side, besides the host's own. */
export type CallError = ApiError | { code: 'disconnected'; message: string };

export interface HostConnectionOptions {
  connect: () => SocketLike;
  /**
   * Reads one frame the host sent (already JSON-parsed), or null to drop it. A Node client
   * validates with the wire's schemas (parse-host-frame.ts); the page, served by the host it
   * talks to, checks the frame's shape only (src/renderer/connection/frame-shape.ts), so it
   * loads no validator before its first paint.
   */
  parseFrame: (raw: unknown) => HostFrame | null;
  /**
   * Resume the event stream after this seq (0: from the first event; a `gap` if pruned), or
   * `'latest'`: follow from the host's latest event when first connected (a client that loads
   * the current state through methods needs no history). A reconnect always resumes after
   * the last event delivered.
   */
  since?: number | 'latest';
  /**
   * With `since: 'latest'`: on a reconnect too, follow from the host's latest event instead
   * of resuming after the last one delivered. For a client that loads the whole state again
   * on every connect (the UI): replaying what it missed would lay old events over newer answers.
   */
  latestOnReconnect?: boolean;
  /** Subscribe to events at all (a one-shot CLI call does not need them). */
  subscribe?: boolean;
  backoff?: BackoffPolicy;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** A call not answered within this is failed as `disconnected` (default 30 s). */
  callTimeoutMs?: number;
  /** A socket that has not said hello within this is dropped and retried (default 5 s). */
  helloTimeoutMs?: number;
  /** Binary frames (terminal output), passed through undecoded. */
  onBinary?: (data: unknown) => void;
  /**
   * The browser session the socket was opened with ended (revoked, or idle too long): the
   * connection stops rather than retry with a session that no longer opens anything.
   */
  onSessionEnded?: () => void;
}

type Pending = { resolve: (r: Result<unknown, CallError>) => void; timer: unknown };

export class HostConnection {
  private socket: SocketLike | null = null;
  private state: ConnectionState = { kind: 'connecting', attempt: 1 };
  private attempt = 0;
  private lastSeq: number;
  /** False until the stream's starting point is known ('latest' learns it from the hello). */
  private hasPosition: boolean;
  /** A `subscribe` was sent to fill a hole in the stream; its replay has not ended yet. */
  private isResyncing = false;
  private nextId = 1;
  private retryTimer: unknown = null;
  private helloTimer: unknown = null;
  private readonly pending = new Map<number, Pending>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly eventListeners = new Set<(e: EventEnvelope) => void>();
  private readonly gapListeners = new Set<() => void>();
  private readonly liveListeners = new Set<() => void>();
  private readonly detachListeners = new Set<(agentId: string, reason: string) => void>();
  private readonly jumpListeners = new Set<(jump: JumpFrame) => void>();
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: HostConnectionOptions) {
    this.lastSeq = typeof options.since === 'number' ? options.since : 0;
    this.hasPosition = options.since !== 'latest';
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer =
      options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** The seq of the last event delivered; what a reconnect resumes after. */
  get lastEventSeq(): number {
    return this.lastSeq;
  }

  start(): void {
    if (this.socket || this.state.kind === 'stopped') return;
    this.open();
  }

  stop(): void {
    this.setState({ kind: 'stopped' });
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket(1000, 'client stopped');
    this.failPending('the client was stopped');
  }

  /** Sends a frame outside the request/response pattern (e.g. a flow-control ack). */
  sendFrame(frame: ClientFrame): boolean {
    if (!this.socket || this.state.kind !== 'open') return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onEvent(listener: (e: EventEnvelope) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called when events were pruned before the client saw them: refetch full state. */
  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  /**
   * Called when the subscription's replay is complete: events delivered before this (since
   * the connection opened) are history the client missed, events after it are happening now.
   * A client that alerts the operator (a notification) alerts only for the live ones.
   */
  onLive(listener: () => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  /**
   * `timeoutMs` overrides `callTimeoutMs` for this call: lane operations (a setup, a merge
   * and its gate) answer only when they are done, which can be many minutes.
   */
  call<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    options: { timeoutMs?: number } = {},
  ): Promise<Result<ResultOf<M>, CallError>> {
    const socket = this.socket;
    if (!socket || this.state.kind !== 'open') {
      return Promise.resolve(
        err({ code: 'disconnected', message: 'Not sent: the Grove host is not connected (reconnecting); try again once it is.' }),
      );
    }
    const id = this.nextId++;
    const frame: ClientFrame = { kind: 'request', id, method, params };
    return new Promise((resolve) => {
      const timer = this.setTimer(() => {
        if (!this.pending.delete(id)) return;
        resolve(err({ code: 'disconnected', message: `${method} was not answered in time.` }));
      }, options.timeoutMs ?? this.options.callTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve: resolve as Pending['resolve'], timer });
      socket.send(JSON.stringify(frame));
    });
  }

  private open(): void {
    this.attempt += 1;
    this.setState({ kind: 'connecting', attempt: this.attempt });
    let socket: SocketLike;
    try {
      socket = this.options.connect();
    } catch (e) {
      this.scheduleRetry(e instanceof Error ? e.message : String(e));
      return;
    }
    this.socket = socket;
    if (this.options.since === 'latest' && this.options.latestOnReconnect) this.hasPosition = false;
    // Cleared on hello and when the socket goes: a pending timer would keep a finished
    // CLI process alive for its whole length.
    const helloTimer = this.setTimer(() => {
      this.helloTimer = null;
      if (this.socket === socket && this.state.kind === 'connecting') {
        this.dropSocket(4000, 'no hello');
        this.scheduleRetry('the host did not greet in time');
      }
    }, this.options.helloTimeoutMs ?? 5000);
    this.helloTimer = helloTimer;
    // Every handler checks it still belongs to the current socket: a closing socket may
    // still deliver frames, and they must not revive a stopped or replaced connection.
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      if (typeof ev.data === 'string') this.handleFrame(ev.data);
      else this.options.onBinary?.(ev.data);
    };
    socket.onerror = () => {
      /* onclose follows and decides */
    };
    socket.onclose = (ev) => {
      if (this.helloTimer === helloTimer) this.clearHelloTimer();
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending('the connection to the host closed');
      if (this.state.kind === 'stopped' || this.state.kind === 'incompatible') return;
      if (ev.code === CloseCode.sessionEnded) {
        this.setState({ kind: 'stopped' });
        this.options.onSessionEnded?.();
        return;
      }
      this.scheduleRetry(`closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`);
    };
    socket.deliverBacklog?.();
  }

  private clearHelloTimer(): void {
    if (this.helloTimer !== null) this.clearTimer(this.helloTimer);
    this.helloTimer = null;
  }

  private dropSocket(code: number, reason: string): void {
    this.clearHelloTimer();
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    try {
      socket.close(code, reason);
    } catch {
      /* already closed */
    }
  }

  private scheduleRetry(reason: string): void {
    const retryInMs = backoffDelay(this.options.backoff ?? RECONNECT_BACKOFF, this.attempt);
    this.setState({ kind: 'waiting', attempt: this.attempt, retryInMs, reason });
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null;
      if (this.state.kind === 'waiting') this.open();
    }, retryInMs);
  }

  private handleFrame(data: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const f = this.options.parseFrame(parsed);
    if (!f) return;
    switch (f.kind) {
      case 'hello':
        this.clearHelloTimer();
        if (f.protocolVersion !== PROTOCOL_VERSION) {
          this.setState({ kind: 'incompatible', hostProtocolVersion: f.protocolVersion });
          this.dropSocket(1000, 'incompatible protocol');
          return;
        }
        this.attempt = 0;
        // Known before anyone hears "open": a listener may read lastEventSeq.
        this.isResyncing = false;
        if (!this.hasPosition) {
          this.hasPosition = true;
          this.lastSeq = f.latestSeq;
        }
        this.setState({
          kind: 'open',
          hostVersion: f.hostVersion,
          protocolVersion: f.protocolVersion,
        });
        if (this.options.subscribe !== false) this.subscribeAfterLast();
        return;
      case 'response': {
        if (typeof f.id !== 'number') return;
        const p = this.pending.get(f.id);
        if (!p) return;
        this.pending.delete(f.id);
        this.clearTimer(p.timer);
        p.resolve(f.ok ? ok(f.result) : err(f.error ?? { code: 'internal', message: '?' }));
        return;
      }
      case 'event':
        // Seqs are consecutive. A duplicate is dropped; a hole (an event overtook another, or
        // one was lost) is never skipped over: the client asks again after what it holds.
        if (f.envelope.seq <= this.lastSeq) return;
        if (f.envelope.seq !== this.lastSeq + 1) {
          if (!this.isResyncing) {
            this.isResyncing = true;
            this.subscribeAfterLast();
          }
          return;
        }
        this.lastSeq = f.envelope.seq;
        for (const l of this.eventListeners) l(f.envelope);
        return;
      case 'gap':
        this.isResyncing = false;
        this.lastSeq = f.latestSeq;
        for (const l of this.gapListeners) l();
        return;
      case 'live':
        this.isResyncing = false;
        for (const l of this.liveListeners) l();
        return;
      case 'detached':
        for (const l of this.detachListeners) l(f.agentId, f.reason);
        return;
      case 'jump':
        for (const l of this.jumpListeners) l(f);
        return;
    }
  }

  /** (Re)starts the host's event stream after the last event delivered. */
  private subscribeAfterLast(): void {
    const sub: ClientFrame = { kind: 'subscribe', since: this.lastSeq };
    this.socket?.send(JSON.stringify(sub));
  }

  /** The host stopped streaming an agent's output to us; re-attach with `since`. */
  onDetached(listener: (agentId: string, reason: string) => void): () => void {
    this.detachListeners.add(listener);
    return () => this.detachListeners.delete(listener);
  }

  /** An agent's output stream skips ahead (catch-up): reset the terminal; output goes on at `toOffset`. */
  onJump(listener: (jump: JumpFrame) => void): () => void {
    this.jumpListeners.add(listener);
    return () => this.jumpListeners.delete(listener);
  }

  private failPending(message: string): void {
    for (const p of this.pending.values()) {
      this.clearTimer(p.timer);
      p.resolve(err({ code: 'disconnected', message }));
    }
    this.pending.clear();
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }
}
