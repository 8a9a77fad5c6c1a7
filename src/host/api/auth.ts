import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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
  return `${name}=${encodeURIComponent(secret)}; HttpOnly; SameSite=Strict; Path=/`;
}
