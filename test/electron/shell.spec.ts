import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readDiscoveryOf, repoRoot } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The Electron shell, end to end: it starts a detached host, shows the UI in a hardened
 * window, and leaves the host running when it quits. Needs Electron's binary; where it was
 * not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, as on CI here) the test skips and says so.
 */
function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.log('SKIPPED: the Electron shell test needs Electron\'s binary, which is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD). Run `npx electron --version` to check; install without that variable to run it.');
}

test.afterEach(() => removeTempDirs());

test('the shell attaches to a host, shows the UI hardened, and leaves the host running on quit', async () => {
  test.skip(!binary, 'Electron binary not installed');
  const home = makeTempDir('grove-shell-');
  const app = await electron.launch({
    executablePath: binary!,
    args: [repoRoot],
    env: { ...process.env, GROVE_HOME: home, GROVE_NODE: process.execPath },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('connection-state')).toHaveText('Connected', { timeout: 20_000 });
    // No Node in the page: no require, no process, only the bridge's named functions.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    const hostUrl = readDiscoveryOf(home)!.url;
    expect(await window.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href)).toBe(`${hostUrl}/`);
    // Navigation away from the host is refused.
    await window.evaluate(() => ((globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/'));
    await window.waitForTimeout(300);
    expect(window.url()).toBe(`${hostUrl}/`);
    expect(await window.evaluate(() => Object.keys((globalThis as { grove?: object }).grove ?? {}).sort())).toEqual(['connectionInfo', 'onNavigate', 'openExternal', 'openPath', 'pathForFile', 'pickDirectory', 'reportVisibleWorkspace', 'revealPath']);
    // A route the shell sends (a notification or tray click) reaches the page's listener.
    type Page = { grove: { onNavigate(l: (route: string) => void): () => void }; heard?: Promise<string> };
    // Listening before the shell sends: with no listener, the preload sets location.hash instead.
    await window.evaluate(() => {
      const page = globalThis as unknown as Page;
      page.heard = new Promise<string>((resolve) => page.grove.onNavigate(resolve));
    });
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.send('grove:navigate', '#/repo/r1/incident/i1'));
    expect(await window.evaluate(() => (globalThis as unknown as Page).heard)).toBe('#/repo/r1/incident/i1');
    // Module scripts read their code cache back (chromium-switches.ts).
    expect((await app.evaluate(({ app }) => app.commandLine.getSwitchValue('disable-features'))).split(',')).toContain('BackgroundResourceFetch');
    // The shell shows notifications natively; the page may not show its own.
    expect(await window.evaluate(() => (globalThis as unknown as { Notification: { requestPermission(): Promise<string> } }).Notification.requestPermission())).toBe('denied');
  } finally {
    await app.close();
  }
  const disc = readDiscoveryOf(home);
  expect(disc, 'the host outlives the app').not.toBeNull();
  process.kill(disc!.pid, 'SIGTERM');
  expect(existsSync(join(home, 'token'))).toBe(true);
});
