/**
 * What the Electron preload exposes to the renderer as `window.grove`, and the IPC channels
 * behind it. Only what the page cannot get by itself: the shell's identity, the native path
 * of a dropped file, and OS notifications. Everything else goes through the host's API.
 */
export interface GroveShellBridge {
  /** The host this window is attached to, and the app's version. */
  connectionInfo(): Promise<{ hostUrl: string; appVersion: string }>;
  /** The absolute path of a file dropped or pasted onto the page. */
  pathForFile(file: File): string;
  /** Show a native notification; clicking it focuses the window. */
  notify(notification: { title: string; body: string }): Promise<void>;
}

export const ShellChannel = {
  connectionInfo: 'grove:connection-info',
  notify: 'grove:notify',
} as const;
