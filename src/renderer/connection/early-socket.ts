import type { SocketLike } from '../../shared/client/host-connection';

/**
 * The socket early-socket.js (written into the page) opened while the page loaded, with what the host said on
 * it meanwhile (its greeting, by the time the bundle runs). The UI's first connect takes it
 * over instead of opening another, so the cockpit's first render already knows it is
 * connected: about a round trip and a render sooner on the screen.
 */
export interface EarlySocket {
  socket: PageSocket;
  /** Its message and close events, in order. */
  heard: Array<{ type: string }>;
}

const OPEN = 1; // WebSocket.OPEN; CLOSING and CLOSED are above it

/** The page's WebSocket, as far as the hand-over uses it. */
type PageSocket = Omit<SocketLike, 'deliverBacklog'> & { readonly url: string };

/**
 * Takes the early socket once, if it is for `url` and still open or opening; any other is
 * closed (a stale one must not stay open unused). Null: connect afresh.
 */
export function takeEarlySocket(url: string, from: { groveEarlySocket?: EarlySocket }): SocketLike | null {
  const early = from.groveEarlySocket;
  delete from.groveEarlySocket;
  if (!early) return null;
  if (early.socket.url !== url || early.socket.readyState > OPEN) {
    early.socket.close();
    return null;
  }
  return new AdoptedSocket(early);
}

/**
 * The early socket under HostConnection's handlers. What it heard before is delivered, in
 * order, when the connection asks (deliverBacklog, once its handlers are on); what it hears
 * after goes straight through.
 */
class AdoptedSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  private backlog: EarlySocket['heard'] | null;

  constructor(private readonly early: EarlySocket) {
    this.backlog = early.heard;
    const ws = early.socket;
    ws.onopen = (ev) => this.onopen?.(ev);
    ws.onmessage = (ev) => this.onmessage?.(ev);
    ws.onclose = (ev) => this.onclose?.(ev);
    ws.onerror = (ev) => this.onerror?.(ev);
  }

  get readyState(): number {
    return this.early.socket.readyState;
  }

  send(data: string): void {
    this.early.socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.early.socket.close(code, reason);
  }

  deliverBacklog(): void {
    const backlog = this.backlog ?? [];
    this.backlog = null;
    for (const ev of backlog) {
      if (ev.type === 'message') this.onmessage?.(ev as { type: string; data: unknown });
      else if (ev.type === 'close') this.onclose?.(ev as { type: string; code: number; reason?: string });
    }
  }
}

/**
 * Resolves once the early socket has heard from the host (its greeting) or closed, or after
 * `waitMs`, whichever is first; at once when there is no early socket or it heard already.
 * The page's first render waits for it: the greeting is usually on its way by the time the
 * bundle has run, but its event cannot be taken while the bundle runs, and a render made
 * just before it (showing "connecting") is made again a moment later, connected. The
 * page script's handlers keep what is heard meanwhile, as before.
 */
export function earlySocketHeard(from: { groveEarlySocket?: EarlySocket }, waitMs: number): Promise<void> {
  const early = from.groveEarlySocket;
  if (!early || early.heard.length > 0 || early.socket.readyState > OPEN) return Promise.resolve();
  const ws = early.socket;
  return new Promise((resolve) => {
    const { onmessage, onclose } = ws;
    const heardMessage: typeof ws.onmessage = (ev) => {
      onmessage?.(ev);
      done();
    };
    const heardClose: typeof ws.onclose = (ev) => {
      onclose?.(ev);
      done();
    };
    const done = (): void => {
      clearTimeout(timer);
      if (ws.onmessage === heardMessage) ws.onmessage = onmessage;
      if (ws.onclose === heardClose) ws.onclose = onclose;
      resolve();
    };
    ws.onmessage = heardMessage;
    ws.onclose = heardClose;
    const timer = setTimeout(done, waitMs);
  });
}
