import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/**
 * Serves the built renderer (out/renderer) for headless mode and for the Electron window,
 * which loads the same pages from the host. Paths are resolved inside the root only; any
 * unknown path without an extension falls back to index.html (client-side routes).
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Vite names every built script and stylesheet after its content (`assets/NAME-HASH.js`):
 * such a file never changes under its name, so the browser may keep it instead of fetching
 * it on every load (and a browser with a code cache may keep its compiled code too).
 * Everything else (the page, the API) stays uncached: a new build must reach the next load.
 */
const CONTENT_HASHED = /^assets\/[^/]+-[A-Za-z0-9_-]{8}\.(js|css)$/;

/** A page's inline scripts, as the build writes them: a bare `<script>` with the code in it. */
const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

/**
 * The CSP source of each inline script in `html` ('sha256-…' of its exact text): the page's
 * policy allows those scripts and no other, so one the build wrote in runs, and one injected
 * into the page does not.
 */
export function inlineScriptSources(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
}

export type StaticFile = { body: Buffer; type: string; isHtml: boolean; isContentHashed: boolean } | null;

export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const candidate = join(root, rel);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  const ext = extname(candidate);
  const file = ext === '' ? join(root, 'index.html') : candidate;
  try {
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    return { body, type, isHtml: extname(file) === '.html', isContentHashed: file === candidate && CONTENT_HASHED.test(rel.split(sep).join('/')) };
  } catch {
    return null;
  }
}

/**
 * The UI's Content-Security-Policy: only the host's own scripts (its files, and the page's
 * inline scripts named by `inlineScripts`, from inlineScriptSources), styles and sockets.
 */
export function contentSecurityPolicy(hostHeader: string, inlineScripts: readonly string[] = []): string {
  return [
    "default-src 'none'",
    ['script-src', "'self'", ...inlineScripts].join(' '),
    // xterm.js's DOM renderer writes its own <style> element; scripts stay strictly 'self'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://${hostHeader}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
