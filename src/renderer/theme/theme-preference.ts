/**
 * The operator's theme: follow the OS (the default), or always dark / light. Kept in the
 * browser's storage and applied as `data-theme` on <html>, which tokens.css reads.
 */
export type ThemePreference = 'system' | 'dark' | 'light';

const KEY = 'grove.theme';

export function readTheme(storage: { getItem(key: string): string | null } | null): ThemePreference {
  try {
    const v = storage?.getItem(KEY);
    return v === 'dark' || v === 'light' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(pref: ThemePreference, root: { dataset: Record<string, string | undefined> }, storage: { setItem(key: string, value: string): void } | null): void {
  if (pref === 'system') delete root.dataset.theme;
  else root.dataset.theme = pref;
  try {
    storage?.setItem(KEY, pref);
  } catch {
    /* refused: applies for this session */
  }
}
