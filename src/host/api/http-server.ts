import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiError, httpStatusOf, type ApiError } from '../../shared/errors';
import { IDENTITY_NONCE, identityProof } from '../../host-client/host-identity';
import { SessionKey } from '../../shared/session-key';
import { CloseCode, MAX_BODY_BYTES, Paths } from '../../shared/wire';
import type { EventLog } from '../events/event-log';
import type { Logger } from '../logger';
import { headerSessionKey, pageHandshake, presentedToken, readCookies, sessionCookie, tokensMatch } from './auth';
import { SESSION_SWEEP_MS, sessionCookieName, type BrowserSessions } from './browser-sessions';
import { SECURITY_HEADERS, sendError, sendJson } from './http-replies';
import { dispatch, type Handlers, type Principal, type WsPeer } from './dispatch';
import { sendLoginHandOff, sendUnauthorizedPage } from './login-pages';
import { checkHostHeader, checkOrigin, type ExposurePolicy } from './request-guard';
import { contentSecurityPolicy, inlineScriptSources, readStaticFile } from './static-files';
import { isServedPeer, peerUser, type PeerUser } from './peer-user';
import { runWsSession } from './ws-sessions';

/**
 * The host's one listener: HTTP API, WebSocket, the token hand-off and the UI's files.
 * Every request passes the same gate in the same order: Host, then Origin, then token.
 */
export interface ApiServerDeps {
  token: string;
  sessions: BrowserSessions;
  /** Agents' own tokens: an agent's token identifies it (and is allowed little). */
  agentOf(token: string): string | null;
  handlers: Handlers;
  events: EventLog;
  logger: Logger;
  hostVersion: string;
  /** A client's terminal acknowledged output (flow control); see ws-sessions.ts. */
  onAck(peer: WsPeer, agentId: string, offset: number): void;
  /** Built renderer; null when the host runs without a UI (the API still works). */
  rendererDir: string | null;
  allowedHosts: readonly string[];
  /** Attachments' bytes at Paths.blobs (src/host/briefs/blob-http.ts); behind the same gate and tokens as the API. */
  blobs?: (req: IncomingMessage, res: ServerResponse, principal: Principal) => Promise<void>;
  /** The MCP server at Paths.mcp (src/host/mcp/mcp-route.ts); behind the same gate, bearer tokens only. */
  mcp?: (req: IncomingMessage, res: ServerResponse, principal: Principal) => Promise<void>;
}

export interface ApiServer {
  server: Server;
  /** Set once the port is known (the gate needs it to check Host and Origin). */
  setPort(port: number): void;
  /** Closes the sockets whose browser session ended (revoked, or idle; every SESSION_SWEEP_MS on its own): they log in again. */
  endEndedSessions(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<{ ok: true; text: string } | { ok: false; error: ApiError }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve({ ok: false, error: apiError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`) });
        // Stop reading; the answer is sent and the connection closed after it.
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, error: apiError('malformed_json', 'The request body could not be read.') });
    });
  });
}

const unauthorized = (): ApiError =>
  apiError('unauthorized', 'Missing or wrong token. Send "Authorization: Bearer <token>"; the token is in the data dir\'s "token" file.');

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const policy: ExposurePolicy = { port: 0, allowedHosts: deps.allowedHosts };
  // A page's socket offers `grove` and `grove-key.<key>`: the host picks `grove`, so the key
  // is never echoed back. Clients with a bearer token offer none.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, handleProtocols: (offered) => (offered.has(SessionKey.protocol) ? SessionKey.protocol : false) });

  const gate = (req: IncomingMessage): ApiError | null =>
    checkHostHeader(req.headers.host, policy) ?? checkOrigin(req.headers.origin, policy);

  /**
   * Who a connection comes from (peer-user.ts), looked up once per connection, when it first
   * presents what a browser holds: a login code, a page key or a cookie, which can reach
   * another user (a code on a command line, a key or cookie sent to a program that took the
   * port while the host was down). A bearer token lives in a 0600 file or an agent's own
   * environment, which no other user reads, and its clients (the CLI, agents, MCP) do not pay
   * for the lookup: a read of the kernel's table walks all its connections (peer-user.ts).
   */
  const peers = new WeakMap<Socket, Promise<PeerUser>>();
  const ownUid = process.getuid?.();
  const peerOf = (socket: Socket): Promise<PeerUser> => {
    let peer = peers.get(socket);
    if (!peer) peers.set(socket, (peer = peerUser(socket)));
    return peer;
  };
  /**
   * Whether the request carries a good bearer token (the operator's or an agent's): only then is
   * the lookup skipped. Any other header, a made-up token included, is looked up like a browser.
   */
  const holdsToken = (req: IncomingMessage): boolean => {
    const presented = presentedToken(req);
    return presented !== undefined && bearerPrincipal(presented) !== null;
  };
  /** Refused before anything else: another user's program, whatever it presents. */
  const foreignUser = async (socket: Socket): Promise<ApiError | null> => {
    const peer = await peerOf(socket);
    if (isServedPeer(peer, ownUid)) return null;
    const from = peer.kind === 'user' ? `uid ${peer.uid}` : 'a user the kernel does not name';
    deps.logger.warn('connection from another user refused', { from, port: socket.remotePort ?? null });
    return apiError(
      'forbidden_user',
      peer.kind === 'user'
        ? `This Grove host serves only its own user's programs (uid ${ownUid}), and this connection comes from uid ${peer.uid}. Run grove as the user who started the host.`
        : "This Grove host serves only its own user's programs, and the kernel's socket table does not say whose this connection is.",
    );
  };

  /** The operator's token or an agent's own; null for none or a wrong one. */
  const bearerPrincipal = (presented: string): Principal | null => {
    if (tokensMatch(deps.token, presented)) return { kind: 'operator' };
    const agentId = deps.agentOf(presented);
    return agentId ? { kind: 'agent', agentId } : null;
  };

  /**
   * A browser's session (browser-sessions.ts). Its page key opens the API and the socket; its
   * cookie, which a server on any other loopback port is sent too, opens only the page's files
   * and GET /blobs (what any agent reads with its own token).
   */
  const isLiveKey = (key: string | undefined): key is string => key !== undefined && deps.sessions.keyValid(key, policy.port);
  /** Any of the request's session cookies is a live session (a planted one must not lock the real one out). */
  /** The request's session cookie for this port, if it names a live session (which it renews). */
  const validCookie = (req: IncomingMessage): string | undefined => readCookies(req.headers.cookie, sessionCookieName(policy.port)).find((c) => deps.sessions.cookieValid(c));

  /** Who calls the API: a bearer token's holder, or a page by its key. Never a cookie. */
  const authenticate = (req: IncomingMessage): Principal | null => {
    const presented = presentedToken(req);
    if (presented !== undefined) return bearerPrincipal(presented);
    return isLiveKey(headerSessionKey(req)) ? { kind: 'operator' } : null;
  };
  const server = createServer((req, res) => {
    void handleRequest(req, res).catch((e: unknown) => {
      deps.logger.error('request failed', { error: e instanceof Error ? e.stack : String(e) });
      if (!res.headersSent) sendError(res, apiError('internal', 'The host failed; see its log.'));
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const foreign = holdsToken(req) ? null : await foreignUser(req.socket);
    if (foreign) return sendError(res, foreign);
    const refused = gate(req);
    if (refused) return sendError(res, refused);
    const url = new URL(req.url ?? '/', 'http://host.invalid');

    if (url.pathname === Paths.identity) {
      // No token asked: this is how a client learns, before it sends one, that the token's
      // holder listens here (src/host-client/host-identity.ts).
      const nonce = url.searchParams.get('nonce') ?? '';
      if (!IDENTITY_NONCE.test(nonce)) {
        return sendError(res, apiError('invalid_request', `GET ${Paths.identity}?nonce=N takes a fresh random nonce of 32 to 128 lowercase hex digits.`));
      }
      return sendJson(res, 200, { ok: true, result: { proof: identityProof(deps.token, policy.port, nonce) } });
    }

    if (url.pathname === Paths.auth) {
      // Trade a login code (single use, short-lived) for a session, and move the browser to a
      // clean URL. Never the token itself: a URL lands in the browser's history, and the token,
      // which also opens the API and MCP, must not outlive the moment it was typed.
      const code = url.searchParams.get('code');
      const secrets = code ? deps.sessions.redeem(code, policy.port) : null;
      if (!secrets) return sendUnauthorizedPage(res);
      return sendLoginHandOff(res, sessionCookie(sessionCookieName(policy.port), secrets.cookie), secrets.key);
    }

    if (deps.mcp && url.pathname === Paths.mcp) {
      // A bearer token only: the browser's session cookie never reaches MCP, so no page
      // (even one that slipped past the Origin check) can call tools as the operator.
      const presented = presentedToken(req);
      const caller = presented === undefined ? null : bearerPrincipal(presented);
      if (!caller) {
        return sendError(res, apiError('unauthorized', 'Missing or wrong token. MCP clients send "Authorization: Bearer <token>": an agent Grove started has its own in $GROVE_AGENT_TOKEN (docs/mcp.md).'));
      }
      return deps.mcp(req, res, caller);
    }

    const principal = authenticate(req);
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (deps.blobs && (url.pathname === Paths.blobs || url.pathname.startsWith(`${Paths.blobs}/`))) {
      // An <img> sends the cookie and no header: reading is open to it, uploading is not.
      if (principal) return deps.blobs(req, res, principal);
      if (isRead && validCookie(req) !== undefined) return deps.blobs(req, res, { kind: 'operator' });
      return sendError(res, unauthorized());
    }
    if (url.pathname.startsWith(Paths.api)) {
      if (!principal) return sendError(res, unauthorized());
      if (req.method !== 'POST') {
        return sendError(res, apiError('method_not_allowed', 'API methods are called with POST and a JSON body.'));
      }
      const body = await readBody(req);
      if (!body.ok) return sendError(res, body.error);
      let params: unknown;
      try {
        params = body.text.trim() === '' ? undefined : JSON.parse(body.text);
      } catch {
        return sendError(res, apiError('malformed_json', 'The request body is not valid JSON.'));
      }
      const method = url.pathname.slice(Paths.api.length);
      const answer = await dispatch(deps.handlers, method, params, { principal, ws: null }, deps.logger);
      return sendJson(res, answer.ok ? 200 : httpStatusOf(answer.error.code), answer);
    }

    if (!isRead) {
      return sendError(res, apiError('method_not_allowed', `${req.method} is not served here.`));
    }
    const cookie = validCookie(req);
    if (principal?.kind !== 'operator' && cookie === undefined) return sendUnauthorizedPage(res);
    const file = deps.rendererDir ? await readStaticFile(deps.rendererDir, url.pathname) : null;
    if (!file) return sendError(res, apiError('not_found', `Nothing is served at ${url.pathname}.`));
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': file.type };
    // The page, loaded: its cookie lasts as long as the session, renewed by this use, does.
    if (file.isHtml && cookie !== undefined) headers['set-cookie'] = sessionCookie(sessionCookieName(policy.port), cookie);
    // Kept by this browser only (they are served to a logged-in browser), never revalidated.
    if (file.isContentHashed) headers['cache-control'] = 'private, max-age=31536000, immutable';
    if (file.isHtml) headers['content-security-policy'] = contentSecurityPolicy(req.headers.host ?? '', inlineScriptSources(file.body.toString('utf8')));
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops the socket's error listener once a request becomes an upgrade: without
    // this, a client that resets the connection would crash the host.
    socket.on('error', () => socket.destroy());
    void (holdsToken(req) ? Promise.resolve(null) : foreignUser(req.socket))
      .then((foreign) => {
        if (foreign) return refuseUpgrade(socket, foreign);
        handleUpgrade(req, socket, head);
      })
      .catch((e: unknown) => {
        deps.logger.error('upgrade failed', { error: e instanceof Error ? e.stack : String(e) });
        socket.destroy();
      });
  });

  function refuseUpgrade(socket: Duplex, error: ApiError): void {
    const status = httpStatusOf(error.code);
    const body = JSON.stringify({ ok: false, error });
    socket.end(
      `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (error: ApiError): void => refuseUpgrade(socket, error);
    const refused = gate(req);
    if (refused) return refuse(refused);
    if (new URL(req.url ?? '/', 'http://host.invalid').pathname !== Paths.ws) {
      return refuse(apiError('not_found', `WebSockets are served at ${Paths.ws}.`));
    }
    // A page's socket is a session's, by the key it offers; any other needs the operator's token.
    const page = pageHandshake(req);
    const session = page && isLiveKey(page.key) ? page.key : null;
    if (page && !session) {
      // A page whose key is missing or no longer a session: told so on an open socket, which
      // its script can read (a refused handshake looks like a host that is down), and sent to
      // log in again. Nothing else is said on it.
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.sessionEnded, 'no browser session: log in again (grove open)'));
      return;
    }
    const bearer = presentedToken(req);
    const caller = page || bearer === undefined ? null : bearerPrincipal(bearer);
    if (!page && caller?.kind === 'agent') {
      // A good token, not one for this: said so, or the agent would take its token for revoked.
      return refuse(apiError('forbidden', `An agent's token does not open ${Paths.ws} (the operator's stream): agents call the /api methods open to them, or /mcp.`));
    }
    if (!page && caller?.kind !== 'operator') return refuse(apiError('unauthorized', 'Missing or wrong token.'));
    // A browser's socket lives as long as its session: each request checks it again (which
    // also renews it), and a revocation closes the socket at once (endEndedSessions).
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (session) {
        sessionSockets.set(ws, session);
        ws.once('close', () => sessionSockets.delete(ws));
      }
      runWsSession(ws, {
        handlers: deps.handlers,
        events: deps.events,
        logger: deps.logger,
        hostVersion: deps.hostVersion,
        onAck: deps.onAck,
        stillAuthorized: session ? () => deps.sessions.keyValid(session, policy.port) : () => true,
      });
    });
  }

  /** Browsers' sockets and the page key each was opened with. */
  const sessionSockets = new Map<WebSocket, string>();
  const endEndedSessions = (): void => {
    // Looked at, not used: a socket that only listens does not keep its session alive.
    for (const [ws, key] of sessionSockets) if (!deps.sessions.keyLive(key, policy.port)) ws.close(CloseCode.sessionEnded, 'the browser session ended: log in again (grove open)');
  };
  // A session ends by idling without a word to its sockets: they are looked at now and then.
  const sweep = setInterval(endEndedSessions, SESSION_SWEEP_MS);
  sweep.unref();

  return {
    server,
    setPort: (port) => void (policy.port = port),
    endEndedSessions,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        for (const client of wss.clients) client.close(1001, 'host shutting down');
        // A client that never answers the close must not hold the shutdown for ws's 30 s.
        const force = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 1000);
        wss.close();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
