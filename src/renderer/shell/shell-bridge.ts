import type { GroveShellBridge } from '../../shared/shell-bridge';

/**
 * The Electron preload's bridge when the UI runs in the app; undefined in a plain browser.
 * Everything the UI does works without it; the bridge only adds native touches.
 */
export function shellBridge(): GroveShellBridge | undefined {
  return (globalThis as { grove?: GroveShellBridge }).grove;
}
