import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SessionKey } from '../../shared/session-key';
import { SECURITY_HEADERS } from './http-replies';

/**
 * The two pages a browser sees on its way in: the one that says how to log in, and the
 * hand-off after a login code was taken (browser-sessions.ts).
 */

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Grove</title>
<body style="font-family:system-ui;margin:3rem;max-width:40rem">
<h1>Grove needs its token</h1>
<p>Open Grove with <code>grove open</code>, or with the link that <code>grove host</code> prints;
such a link works once and lets this browser in for good.</p></body>`;

/** The plain page a browser without a session gets: static, scriptless, never framed. */
export function sendUnauthorizedPage(res: ServerResponse): void {
  res.writeHead(401, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" });
  res.end(UNAUTHORIZED_PAGE);
}

/**
 * The answer to a login code that was good: the session's cookie in a header, and its page
 * key written by a script into this origin's local storage, then on to the cockpit. The key
 * is never in a URL (no history, no referrer) and never in a cookie (which other loopback
 * ports are sent). The page is not kept (no-store) and runs only its own script (by hash).
 * A route in the login URL's fragment (`/auth?code=…#/brief/3`, as the app's window opens
 * one) is carried on: the cockpit starts there.
 */
export function sendLoginHandOff(res: ServerResponse, setCookie: string, key: string): void {
  const refused = 'This browser would not let Grove keep its login: it refuses this site local storage. Allow it for this address, then open Grove again with grove open.';
  // JSON.stringify quotes the values; the key is base64url and the sentence is ours, so no
  // "</script>" can appear in them.
  const script = `try{localStorage.setItem(${JSON.stringify(SessionKey.storageItem)},${JSON.stringify(key)});location.replace("/"+location.hash)}catch(e){document.body.textContent=${JSON.stringify(refused)}}`;
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const page = `<!doctype html><meta charset="utf-8"><title>Grove</title><body style="font-family:system-ui;margin:3rem;max-width:40rem"><noscript>Grove's page needs JavaScript.</noscript><script>${script}</script></body>`;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'set-cookie': setCookie,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; frame-ancestors 'none'`,
  });
  res.end(page);
}
