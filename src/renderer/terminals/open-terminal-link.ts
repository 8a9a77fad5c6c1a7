import { decideExternalUrl } from '../../shared/external-url';
import type { GroveShellBridge } from '../../shared/shell-bridge';

/**
 * Where a web link clicked in a terminal goes. In the app, the window may not open windows
 * (xterm's default handler calls `window.open()` and is refused), so the shell opens it in
 * the user's browser. In a plain browser, a new tab with no opener: the linked page gets
 * no handle on Grove's. Either way only http and https links leave.
 */
export interface LinkOpeners {
  bridge: Pick<GroveShellBridge, 'openExternal'> | undefined;
  openWindow: (url: string, target: string, features: string) => unknown;
}

export function openTerminalLink(uri: string, openers: LinkOpeners): void {
  const decision = decideExternalUrl(uri);
  if (!decision.open) return;
  if (openers.bridge) void openers.bridge.openExternal(decision.url);
  else openers.openWindow(decision.url, '_blank', 'noopener,noreferrer');
}
