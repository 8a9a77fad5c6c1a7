import { shellBridge } from '../shell/shell-bridge';

/**
 * Which workspace (a lane's or MAIN's checkout path) the centre of the screen shows, so a
 * notification about it does not pop up while the operator looks at it (see
 * src/shared/notification-popup.ts). The cockpit calls setVisibleWorkspace when the
 * selected lane changes; in the app, the shell is told too, for its native notifications.
 */
// Undefined until the page first says: its first report always reaches the shell, which
// may still hold what the page showed before a reload.
let visible: string | null | undefined;

export function setVisibleWorkspace(lanePath: string | null): void {
  if (lanePath === visible) return;
  visible = lanePath;
  // A shell older than the page has no such function: checked, not assumed.
  const bridge = shellBridge();
  if (typeof bridge?.reportVisibleWorkspace === 'function') bridge.reportVisibleWorkspace(lanePath);
}

export function getVisibleWorkspace(): string | null {
  return visible ?? null;
}
