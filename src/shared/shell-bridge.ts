/**
 * What the Electron preload exposes to the renderer as `window.grove`, and the IPC channels
 * behind it. Only what the page cannot get by itself: the shell's identity, the native path
 * of a dropped file, opening a lane's file (checked again by the shell), a folder the operator picks natively, and where the shell wants the UI to go. Everything else goes through
 * the host's API.
 *
 * The shell shows native notifications itself, from the host's `notification` events
 * (src/main/notifications). So when this bridge exists, the page shows no Web Notifications
 * of its own: the operator would get each one twice.
 */
export interface GroveShellBridge {
  /** The host this window is attached to, and the app's version. */
  connectionInfo(): Promise<{ hostUrl: string; appVersion: string }>;
  /** The absolute path of a file dropped or pasted onto the page. */
  pathForFile(file: File): string;
  /**
   * Called with a route (a URL hash, see ui-route.ts) when the operator clicks a native
   * notification or a repository in the tray menu, while the window is open. Returns the
   * function that stops listening. While nothing listens, the preload sets `location.hash`.
   */
  onNavigate(listener: (route: string) => void): () => void;
  /**
   * Opens a web link (http or https only) in the user's browser: the window itself never
   * opens windows, so `window.open` from the page is refused. Resolves with whether it was
   * opened, and why not.
   */
  openExternal(url: string): Promise<{ opened: boolean; reason: string | null }>;
  /**
   * The system's folder picker, over this window: resolves with the absolute path of the
   * folder chosen, or null when the operator cancelled. Only the path comes back; the page
   * still adds the repository through the host's API.
   */
  pickDirectory(): Promise<string | null>;
  /**
   * Tells the shell which workspace (a lane's or MAIN's checkout path) the window shows, or
   * null for none, so its native notifications skip what the operator is looking at.
   */
  reportVisibleWorkspace(path: string | null): void;
  /**
   * Opens a file of a lane (a path clicked in its terminal) in the system's default
   * application, or shows it in its folder. The shell checks again that the file is inside
   * that lane (the host's lanes.resolvePath and its own real paths) before it does anything.
   */
  openPath(lanePath: string, relative: string): Promise<{ opened: boolean; reason: string | null }>;
  revealPath(lanePath: string, relative: string): Promise<{ opened: boolean; reason: string | null }>;
}

export const ShellChannel = {
  connectionInfo: 'grove:connection-info',
  /** main → renderer: a route to show. */
  navigate: 'grove:navigate',
  /** renderer → main: open a web link in the user's browser. */
  openExternal: 'grove:open-external',
  /** renderer → main: show the native folder picker; answers a path or null. */
  pickDirectory: 'grove:pick-directory',
  /** renderer → main: the workspace the window shows (a path, or null). */
  visibleWorkspace: 'grove:visible-workspace',
  /** renderer → main: open a lane's file in its default application. */
  openPath: 'grove:open-path',
  /** renderer → main: show a lane's file in the system's file manager. */
  revealPath: 'grove:reveal-path',
} as const;
