import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/host-process';

/** Where every e2e screenshot goes; the best ones are copied into docs/. */
export const SHOTS = join(repoRoot, '.test-reports', 'screenshots');

type Html = { document: { documentElement: { setAttribute(n: string, v: string): void; removeAttribute(n: string): void } } };

/** Forces a theme (null: the OS's), as the settings' choice does. */
export const setTheme = (page: Page, theme: 'dark' | 'light' | null): Promise<void> =>
  page.evaluate((t) => {
    const html = (globalThis as unknown as Html).document.documentElement;
    if (t) html.setAttribute('data-theme', t);
    else html.removeAttribute('data-theme');
  }, theme);

/** The page in dark and light at its current width, as `<name>-<width>-<theme>.png`; the theme is the OS's after. */
export async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    await page.screenshot({ path: join(SHOTS, `${name}-${page.viewportSize()!.width}-${theme}.png`), fullPage: opts.fullPage ?? false });
  }
  await setTheme(page, null);
}
