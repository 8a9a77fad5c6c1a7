import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';

/**
 * How a browser gets in without ever holding the API token. The CLI (with the token) asks
 * for a login code: single use, short-lived, so it is harmless in a browser's command line
 * or history. The browser trades it at /auth for a session of two secrets; the host keeps
 * only their digests, in SQLite, so a tab survives a host restart.
 *
 * - The cookie (HttpOnly) opens the page's files and the attachments' bytes, which an <img>
 *   fetches with no way to add a header. A browser sends a cookie to every port of the host
 *   name, so a server an agent runs on another loopback port can read it: it must open
 *   nothing an agent could not already read with its own token.
 * - The page key opens the API and the socket. It lives in the page's local storage, which
 *   belongs to the origin (port included): no other port's page or server ever sees it. The
 *   page sends it in a header (`x-grove-session`) or, on the socket, as a subprotocol. It is
 *   good on the port it was given on only: a tab whose host is down keeps offering it to
 *   whatever listens on that port, and a process that took the port meanwhile must not get
 *   in with it where the host listens next.
 *
 * A session ends after SESSION_IDLE_MS without a request: a secret copied off a machine, or
 * left in a browser profile nobody uses, stops working on its own. Use renews it; the time
 * of last use is written at most once per SESSION_TOUCH_MS, not on every request.
 */
export const LOGIN_CODE_TTL_MS = 10 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * 24 * 60 * 60 * 1000;
const SESSION_TOUCH_MS = 60 * 60 * 1000;
/**
 * How often the host closes the sockets of sessions that ended by idling: a socket that only
 * listens sends no request, and so would go on receiving events after its session ended.
 */
export const SESSION_SWEEP_MS = SESSION_TOUCH_MS;

export interface SessionSecrets {
  cookie: string;
  key: string;
}

export interface BrowserSessions {
  issueLoginCode(): { code: string; expiresAt: string };
  /** Trades a valid, unused code for a new session's secrets, for the host on `port`; null if the code is no good. */
  redeem(code: string, port: number): SessionSecrets | null;
  /**
   * True for a session's cookie used within SESSION_IDLE_MS (and renews the session); an idle
   * session is deleted. The cookie opens the page's files and GET /blobs, nothing else.
   */
  cookieValid(cookie: string): boolean;
  /** The same for a session's page key, which opens the API and the socket, on the port it was given on. */
  keyValid(key: string, port: number): boolean;
  /** Whether the key's session is still live, without renewing it: an open socket is not a use (sweepSessionSockets). */
  keyLive(key: string, port: number): boolean;
  revokeAll(): void;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

/** `now` is the clock (ms since epoch); tests pass their own. */
export function createBrowserSessions(db: Db, now: () => number = Date.now): BrowserSessions {
  const codes = new Map<string, number>(); // digest → expiry
  const insert = db.prepare('INSERT INTO browser_sessions (digest, key_digest, port, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)');
  const byCookie = db.prepare('SELECT digest, last_used_at FROM browser_sessions WHERE digest = ?');
  const byKey = db.prepare('SELECT digest, last_used_at FROM browser_sessions WHERE key_digest = ? AND port = ?');
  const touch = db.prepare('UPDATE browser_sessions SET last_used_at = ? WHERE digest = ?');
  const remove = db.prepare('DELETE FROM browser_sessions WHERE digest = ?');
  const removeIdle = db.prepare('DELETE FROM browser_sessions WHERE last_used_at IS NULL OR last_used_at <= ?');
  const clear = db.prepare('DELETE FROM browser_sessions');
  const iso = (ms: number): string => new Date(ms).toISOString();
  const open = (port: number): SessionSecrets => {
    const secrets = { cookie: randomBytes(32).toString('base64url'), key: randomBytes(32).toString('base64url') };
    const at = iso(now());
    // Opening is rare: a good moment to drop the sessions that ran out.
    removeIdle.run(iso(now() - SESSION_IDLE_MS));
    insert.run(digest(secrets.cookie), digest(secrets.key), port, at, at);
    return secrets;
  };
  type Row = { digest: string; last_used_at: string | null } | undefined;
  const isLive = (row: Row, renew = true): boolean => {
    if (!row) return false;
    const t = now();
    const last = row.last_used_at ? Date.parse(row.last_used_at) : Number.NaN;
    if (!(t - last < SESSION_IDLE_MS)) {
      remove.run(row.digest);
      return false;
    }
    if (renew && t - last >= SESSION_TOUCH_MS) touch.run(iso(t), row.digest);
    return true;
  };
  return {
    issueLoginCode() {
      const t = now();
      for (const [d, exp] of codes) if (exp <= t) codes.delete(d);
      const code = randomBytes(24).toString('base64url');
      codes.set(digest(code), t + LOGIN_CODE_TTL_MS);
      return { code, expiresAt: iso(t + LOGIN_CODE_TTL_MS) };
    },
    redeem(code, port) {
      const d = digest(code);
      const exp = codes.get(d);
      if (exp === undefined) return null;
      codes.delete(d); // single use, valid or not
      return exp > now() ? open(port) : null;
    },
    cookieValid: (cookie) => isLive(byCookie.get(digest(cookie)) as Row),
    keyValid: (key, port) => isLive(byKey.get(digest(key), port) as Row),
    keyLive: (key, port) => isLive(byKey.get(digest(key), port) as Row, false),
    // The login codes not used yet too: a leaked login URL must not let a browser back in.
    revokeAll: () => {
      clear.run();
      codes.clear();
    },
  };
}

/** One cookie name per port: two hosts on one machine never log each other's tabs out. */
export function sessionCookieName(port: number): string {
  return `grove_session_${port}`;
}
