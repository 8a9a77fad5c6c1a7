import { decideExternalUrl, type ExternalUrlDecision } from '../shared/external-url';
import { Paths } from '../shared/paths';

/**
 * The window's security decisions, kept free of Electron so they are tested under Node.
 * The window shows only pages served by the Grove host; it never navigates elsewhere and
 * never opens new windows. Links to the web open in the user's browser, and only http(s).
 */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

export function isSameOrigin(url: string, hostUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(hostUrl).origin;
  } catch {
    return false;
  }
}

export type NavigationDecision = 'allow' | 'deny';

/** In-window navigation: only within the host's own pages (a reload, the /auth hand-off). */
export function decideNavigation(url: string, hostUrl: string): NavigationDecision {
  return isSameOrigin(url, hostUrl) ? 'allow' : 'deny';
}

/**
 * The host's login pages (`/auth`): the hand-off that a login URL shows for a moment before
 * the UI, or the page saying how to log in once the session ended. The UI is not there yet,
 * or no longer: a route is sent once the window is past it, and Open logs in afresh.
 */
export function isLoginPage(url: string, hostUrl: string): boolean {
  return isSameOrigin(url, hostUrl) && new URL(url).pathname === Paths.auth;
}

/** window.open and target=_blank: never a new Electron window; web links go to the browser. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: decideExternalUrl(url).open };
}

/** The page asked the shell to open a link (a terminal's web link): http(s) only, to the browser. */
export function decideExternalOpen(url: unknown): ExternalUrlDecision {
  return decideExternalUrl(url);
}

/**
 * Nothing is granted to the page: camera, geolocation and the rest are refused, and so are
 * Web Notifications, because the shell shows the host's notifications natively and the
 * operator would otherwise get each one twice.
 */
export function decidePermission(permission: string): boolean {
  void permission;
  return false;
}
