/**
 * The operator's theme: follow the OS (the default), or always dark / light. The choice is
 * kept in the browser's storage; what applies is set as `data-theme` on <html>, which
 * tokens.css reads. Following the OS means asking its preference now and again whenever it
 * changes (a laptop switching to dark at sunset).
 */
export type ThemePreference = 'system' | 'dark' | 'light';
export type Theme = 'dark' | 'light';

const KEY = 'grove.theme';

export function readTheme(storage: { getItem(key: string): string | null } | null): ThemePreference {
  try {
    const v = storage?.getItem(KEY);
    return v === 'dark' || v === 'light' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The theme a preference means, given whether the OS prefers light. */
export function resolveTheme(pref: ThemePreference, osPrefersLight: boolean): Theme {
  return pref === 'system' ? (osPrefersLight ? 'light' : 'dark') : pref;
}

const LIGHT_QUERY = '(prefers-color-scheme: light)';
/** The part of a MediaQueryList used here (this module is also compiled for the Node tests). */
interface OsQuery {
  matches: boolean;
  addEventListener(type: 'change', listener: (e: { matches: boolean }) => void): void;
  removeEventListener(type: 'change', listener: (e: { matches: boolean }) => void): void;
}
let stopFollowing: (() => void) | null = null;

/** Applies and remembers `pref`; with 'system', keeps following the OS until another choice. */
export function applyTheme(pref: ThemePreference, root: { dataset: Record<string, string | undefined> }, storage: { setItem(key: string, value: string): void } | null): void {
  stopFollowing?.();
  stopFollowing = null;
  const os = (globalThis as unknown as { matchMedia(query: string): OsQuery }).matchMedia(LIGHT_QUERY);
  root.dataset.theme = resolveTheme(pref, os.matches);
  if (pref === 'system') {
    const follow = (e: { matches: boolean }): void => void (root.dataset.theme = resolveTheme('system', e.matches));
    os.addEventListener('change', follow);
    stopFollowing = () => os.removeEventListener('change', follow);
  }
  try {
    storage?.setItem(KEY, pref);
  } catch {
    /* refused: applies for this session */
  }
}
