import { Paths } from '../../shared/paths';

/**
 * What a brief's markdown may point at. Specs and trace entries are written by agents and
 * pasted from anywhere, so the page treats them as hostile: links only to the web (http,
 * https), mail, and Grove's own routes (`#/…`); images only from Grove's blob store
 * (`/blobs/<sha256>`, served with a sandboxing CSP). Anything else is dropped: a link keeps
 * its text, an image shows its alt text. Raw HTML never renders (safe-markdown.tsx).
 */

const WEB_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const BLOB_SRC = new RegExp(`^${Paths.blobs}/[0-9a-f]{64}$`);

/** The href to render, or null to show the link's text alone. */
export function safeHref(url: string): string | null {
  const u = url.trim();
  if (/^#\/[^\s]*$/.test(u)) return u;
  let parsed: URL;
  try {
    // No base: a relative URL (`/x`, `x`) is refused, not resolved against the host.
    parsed = new URL(u);
  } catch {
    return null;
  }
  return WEB_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
}

/** The image source to render, or null to drop the image (its alt text is shown instead). */
export function safeImageSrc(url: string): string | null {
  const u = url.trim();
  return BLOB_SRC.test(u) ? u : null;
}
