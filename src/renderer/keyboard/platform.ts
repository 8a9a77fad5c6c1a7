/** The keyboard conventions in force: macOS (Cmd for app commands) or the rest (Ctrl+Shift / Ctrl+Alt). */
export type KeyboardPlatform = 'mac' | 'other';

export function currentKeyboardPlatform(nav: { platform?: string; userAgent?: string } | undefined = (globalThis as { navigator?: { platform?: string; userAgent?: string } }).navigator): KeyboardPlatform {
  const text = `${nav?.platform ?? ''} ${nav?.userAgent ?? ''}`;
  return /Mac|iPhone|iPad/.test(text) ? 'mac' : 'other';
}
