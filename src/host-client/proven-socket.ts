import WebSocket from 'ws';
import type { SocketLike } from '../shared/client/host-connection';
import { proveHost } from './host-identity';

/** The close code a connection hears when the server at the port is not the token's host. */
export const NOT_THE_HOST = 4403;

/**
 * The CLI's WebSocket to the host, opened only after the server at the port proved it holds
 * the token (host-identity.ts). A HostConnection calls this again on every reconnect, and a
 * reconnect is exactly when the port may have changed hands: the host died, and whatever
 * listens there now must not be sent the token. A failed proof closes this socket like a
 * dropped connection, so the connection waits and tries again (a host that comes back
 * proves itself).
 */
export function provenSocket(target: { url: string; token: string }, timeoutMs = 5000): SocketLike {
  let ws: WebSocket | null = null;
  let closed = false;
  const socket: SocketLike = {
    get readyState() {
      return ws ? ws.readyState : closed ? WebSocket.CLOSED : WebSocket.CONNECTING;
    },
    send: (data) => ws?.send(data),
    close: (code, reason) => {
      closed = true;
      ws?.close(code, reason);
    },
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  void proveHost(target.url, target.token, timeoutMs).then((proven) => {
    if (closed) return;
    if (!proven.ok) {
      closed = true;
      socket.onclose?.({ code: NOT_THE_HOST, reason: proven.error.message });
      return;
    }
    const opened = new WebSocket(target.url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${target.token}` } });
    ws = opened;
    opened.onopen = (e) => socket.onopen?.(e);
    opened.onmessage = (e) => socket.onmessage?.(e);
    opened.onerror = (e) => socket.onerror?.(e);
    opened.onclose = (e) => socket.onclose?.(e);
  });
  return socket;
}
