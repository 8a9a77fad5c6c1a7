/**
 * How a browser page proves its session to the API (src/host/api/browser-sessions.ts). The
 * page key is kept in the page's local storage, which belongs to the page's origin, port
 * included; the cookie, which every loopback port is sent, opens only the page's files.
 * early-socket.js, a plain script, repeats these names.
 */
export const SessionKey = {
  /** Where the page keeps its key (local storage). */
  storageItem: 'grove.sessionKey',
  /** The request header that carries it (the page's fetches). */
  header: 'x-grove-session',
  /** The socket's subprotocol, which the host picks. */
  protocol: 'grove',
  /** The key rides to the socket as a second subprotocol offered: `grove-key.<key>`. */
  protocolKeyPrefix: 'grove-key.',
} as const;

/** The subprotocols a page offers for its socket: the host picks `grove` and reads the key from the other. */
export function sessionKeyProtocols(key: string): string[] {
  return [SessionKey.protocol, `${SessionKey.protocolKeyPrefix}${key}`];
}
