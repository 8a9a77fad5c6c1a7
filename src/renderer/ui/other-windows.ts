/**
 * Follows what other windows of this page save under `key` in localStorage (the browser's
 * `storage` event, fired in every other window of the origin). A settings store that keeps
 * its own copy and writes it whole would otherwise write over another tab's change with
 * its next one. Nothing to follow where there is no window (tests under Node).
 */
export function followOtherWindows(key: string, take: (text: string | null) => void): void {
  const target = globalThis as { addEventListener?: (type: 'storage', listener: (e: { key: string | null; newValue: string | null }) => void) => void };
  target.addEventListener?.('storage', (e) => {
    if (e.key === key) take(e.newValue);
  });
}
