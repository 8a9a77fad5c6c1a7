/**
 * Which links may leave Grove for the user's browser: web pages only. A terminal prints
 * whatever a program wants, so a link in it is untrusted text; `file:`, `javascript:`,
 * custom schemes (which would launch other applications) and anything that does not parse
 * stay where they are. Used by the Electron shell (before `shell.openExternal`) and by the
 * page itself in a plain browser, so both decide alike.
 */
export type ExternalUrlDecision = { open: true; url: string } | { open: false; reason: string };

export function decideExternalUrl(url: unknown): ExternalUrlDecision {
  if (typeof url !== 'string') return { open: false, reason: 'not a URL' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { open: false, reason: `${JSON.stringify(url.slice(0, 200))} is not a URL` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { open: false, reason: `only http and https links open in the browser, not ${parsed.protocol}` };
  }
  return { open: true, url: parsed.href };
}
