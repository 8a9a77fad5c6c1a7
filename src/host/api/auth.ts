import { SESSION_IDLE_MS } from './browser-sessions';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SessionKey } from '../../shared/session-key';

/**
 * Token checks. Comparison is constant-time over fixed-length digests, so neither the
 * token's content nor its length leaks through timing.
 */
export function tokensMatch(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token a request carries (`Authorization: Bearer …`: CLI, shell, agents). */
export function presentedToken(req: IncomingMessage): string | undefined {
  // The scheme's name is case-insensitive (RFC 9110 §11.1): `bearer …` is the same token.
  const bearer = /^bearer[ \t]+(.+)$/i.exec(req.headers.authorization ?? '');
  return bearer ? bearer[1]!.trim() : undefined;
}

/** The page key an HTTP request carries (browser-sessions.ts), in the `x-grove-session` header. */
export function headerSessionKey(req: IncomingMessage): string | undefined {
  const header = req.headers[SessionKey.header];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/**
 * A page's socket handshake: it offers the subprotocol `grove`, and its page key beside it as
 * `grove-key.<key>` (a browser's socket can carry no header). Null for any other handshake;
 * the key is undefined when the page offered none.
 */
export function pageHandshake(req: IncomingMessage): { key: string | undefined } | null {
  const header = req.headers['sec-websocket-protocol'];
  const offered = header ? header.split(',').map((p) => p.trim()) : [];
  if (!offered.includes(SessionKey.protocol)) return null;
  const key = offered.find((p) => p.startsWith(SessionKey.protocolKeyPrefix))?.slice(SessionKey.protocolKeyPrefix.length);
  return { key: key === '' ? undefined : key };
}

/**
 * Every value the header holds for cookie `name`. A page on another localhost port can plant
 * one of the same name with a longer Path, which the browser sends first: each is tried, so
 * a planted one cannot lock the real session out.
 */
export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    // A cookie planted by another page on localhost may be anything; never let it throw.
    try {
      values.push(decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      /* skipped: not a value this host ever set */
    }
  }
  return values;
}

export function sessionCookie(name: string, secret: string): string {
  // HttpOnly: page scripts never see it. SameSite=Strict: no cross-site request carries it.
  // Other ports of the same host name are the same site, though, and are sent it: so it
  // opens only the page's files and the blobs (browser-sessions.ts). Max-Age: kept as long as
  // the session may idle, past the browser quitting (without it, a browser that does not
  // restore its session drops it, and the page no longer loads); sent again with each page.
  return `${name}=${encodeURIComponent(secret)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(SESSION_IDLE_MS / 1000)}`;
}
