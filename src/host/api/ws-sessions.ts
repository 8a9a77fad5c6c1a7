import type { WebSocket } from 'ws';
import { apiError } from '../../shared/errors';
import { PROTOCOL_VERSION } from '../../shared/protocol-version';
import { ClientFrame, CloseCode, type HostFrame } from '../../shared/wire';
import type { EventLog } from '../events/event-log';
import type { Logger } from '../logger';
import { describeIssues, dispatch, type Handlers, type WsPeer } from './dispatch';
import { startEventStream, type EventStream } from './event-stream';

/**
 * One WebSocket client: requests answered through the same dispatcher as HTTP, and the
 * event stream. A subscription replays everything after the client's `since` in bounded
 * pages and then goes live (see event-stream.ts), so nothing is missed or sent twice.
 */
/** A client this far behind is cut off; it reconnects with `since` and loses nothing. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface WsSessionDeps {
  handlers: Handlers;
  events: EventLog;
  logger: Logger;
  hostVersion: string;
  onAck(peer: WsPeer, agentId: string, offset: number): void;
  /** Whether the credential the socket was opened with still holds; checked on every request and subscription. */
  stillAuthorized(): boolean;
}

let nextPeerId = 1;

export function runWsSession(ws: WebSocket, deps: WsSessionDeps): void {
  let stream: EventStream | null = null;
  const closeHandlers: (() => void)[] = [];
  const peer: WsPeer = {
    id: nextPeerId++,
    sendBinary: (data) => {
      if (ws.readyState !== ws.OPEN) return;
      // Same cap as for JSON frames: a client that stopped reading is cut off, not buffered for.
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(CloseCode.policyViolation, 'client too slow; reconnect with since');
        return;
      }
      ws.send(data, { binary: true });
    },
    sendDetached: (agentId, reason) => send({ kind: 'detached', agentId, reason }),
    sendJump: (agentId, jump) => send({ kind: 'jump', agentId, ...jump }),
    onClose: (fn) => void closeHandlers.push(fn),
    state: new Map(),
  };

  /** `written` is called once the socket took the frame, or at once if it was not sent. */
  const send = (frame: HostFrame, written?: () => void): void => {
    if (ws.readyState !== ws.OPEN) return written?.();
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(CloseCode.policyViolation, 'client too slow; reconnect with since');
      return written?.();
    }
    ws.send(JSON.stringify(frame), written && (() => written()));
  };

  const reject = (id: string | number | null, error: ReturnType<typeof apiError>): void => {
    send({ kind: 'response', id, ok: false, error });
  };

  send({
    kind: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    hostVersion: deps.hostVersion,
    latestSeq: deps.events.latestSeq(),
  });

  ws.on('message', (data, isBinary) => {
    if (isBinary) return reject(null, apiError('malformed_json', 'Frames must be JSON text.'));
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return reject(null, apiError('malformed_json', 'The frame is not valid JSON.'));
    }
    const frame = ClientFrame.safeParse(raw);
    if (!frame.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      return reject(
        typeof id === 'string' || typeof id === 'number' ? id : null,
        apiError('invalid_request', `Bad frame: ${describeIssues(frame.error.issues).replaceAll('params', 'frame')}`),
      );
    }
    const f = frame.data;
    if (f.kind === 'ack') {
      deps.onAck(peer, f.agentId, f.offset);
      return;
    }
    if (!deps.stillAuthorized()) {
      stream?.stop();
      ws.close(CloseCode.sessionEnded, 'the browser session ended: log in again (grove open)');
      return;
    }
    if (f.kind === 'subscribe') {
      stream?.stop();
      stream = startEventStream(
        deps.events,
        f.since,
        { send, bufferedAmount: () => ws.bufferedAmount, isOpen: () => ws.readyState === ws.OPEN },
        deps.logger,
      );
      return;
    }
    void dispatch(deps.handlers, f.method, f.params, { principal: { kind: 'operator' }, ws: peer }, deps.logger).then((body) =>
      send(body.ok ? { kind: 'response', id: f.id, ok: true, result: body.result } : { kind: 'response', id: f.id, ok: false, error: body.error }),
    );
  });

  ws.on('close', () => {
    stream?.stop();
    for (const fn of closeHandlers) fn();
  });
  ws.on('error', (e) => deps.logger.warn('websocket error', { error: e.message }));
}
