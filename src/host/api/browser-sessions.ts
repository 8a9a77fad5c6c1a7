import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';

/**
 * How a browser gets in without ever holding the API token. The CLI (with the token) asks
 * for a login code: single use, short-lived, so it is harmless in a browser's command line
 * or history. The browser trades it at /auth for a session secret in an HttpOnly cookie;
 * the host keeps only the secret's digest, in SQLite, so a tab survives a host restart.
 */
export const LOGIN_CODE_TTL_MS = 10 * 60 * 1000;

export interface BrowserSessions {
  issueLoginCode(now?: number): { code: string; expiresAt: string };
  /** Trades a valid, unused code for a new session secret; null if the code is no good. */
  redeem(code: string, now?: number): string | null;
  /** Opens a session directly (for /auth?token=, where the token itself was shown). */
  open(): string;
  isValid(secret: string): boolean;
  revokeAll(): void;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

export function createBrowserSessions(db: Db): BrowserSessions {
  const codes = new Map<string, number>(); // digest → expiry
  const insert = db.prepare('INSERT INTO browser_sessions (digest, created_at) VALUES (?, ?)');
  const find = db.prepare('SELECT 1 FROM browser_sessions WHERE digest = ?');
  const clear = db.prepare('DELETE FROM browser_sessions');
  const open = (): string => {
    const secret = randomBytes(32).toString('base64url');
    insert.run(digest(secret), new Date().toISOString());
    return secret;
  };
  return {
    issueLoginCode(now = Date.now()) {
      for (const [d, exp] of codes) if (exp <= now) codes.delete(d);
      const code = randomBytes(24).toString('base64url');
      codes.set(digest(code), now + LOGIN_CODE_TTL_MS);
      return { code, expiresAt: new Date(now + LOGIN_CODE_TTL_MS).toISOString() };
    },
    redeem(code, now = Date.now()) {
      const d = digest(code);
      const exp = codes.get(d);
      if (exp === undefined) return null;
      codes.delete(d); // single use, valid or not
      return exp > now ? open() : null;
    },
    open,
    isValid: (secret) => find.get(digest(secret)) !== undefined,
    revokeAll: () => void clear.run(),
  };
}

/** One cookie name per port: two hosts on one machine never log each other's tabs out. */
export function sessionCookieName(port: number): string {
  return `grove_session_${port}`;
}
