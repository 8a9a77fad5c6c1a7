import type { ITheme } from '@xterm/xterm';

/**
 * The terminal's colours from the page's theme (tokens.css: --terminal-bg, --terminal-fg,
 * --accent for the cursor, --bg-selected for the selection), so a light cockpit has a light
 * terminal. xterm paints its own canvas, so it is told, and told again when the theme changes.
 */
export function terminalTheme(root: HTMLElement): ITheme {
  const css = getComputedStyle(root);
  const v = (name: string): string | undefined => css.getPropertyValue(name).trim() || undefined;
  return { background: v('--terminal-bg'), foreground: v('--terminal-fg'), cursor: v('--accent'), cursorAccent: v('--terminal-bg'), selectionBackground: v('--bg-selected') };
}

/** Calls `onChange` whenever <html>'s data-theme changes; returns the way to stop. */
export function onThemeChange(root: HTMLElement, onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
