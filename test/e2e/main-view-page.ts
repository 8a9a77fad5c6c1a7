import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/host-process';

/**
 * The MAIN and Health views as an operator reaches them in the cockpit: signed in, then a
 * repository's MAIN chosen in the rail, or Health. Screenshots go to .test-reports/screenshots.
 */
export async function openCockpit(page: Page, host: { url: string; token: string }): Promise<void> {
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
}

/** Chooses `repoId`'s MAIN in the rail; resolves with the MAIN view. */
export async function openMainView(page: Page, repoId: string): Promise<Locator> {
  await page.locator(`[data-testid="rail-repo"][data-repo-id="${repoId}"] [data-testid="rail-main"]`).click();
  const view = page.locator(`[data-testid="main-view"][data-repo-id="${repoId}"]`);
  await expect(view).toBeVisible();
  return view;
}

export async function openHealthView(page: Page): Promise<Locator> {
  await page.getByTestId('rail-health').click();
  const view = page.getByTestId('health-view');
  await expect(view).toBeVisible();
  return view;
}

const SHOTS = join(repoRoot, '.test-reports', 'screenshots');

/** The page in dark and light, at its current width; the theme is left to the OS after. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['dark', 'light'] as const) {
    await page.locator('html').evaluate((html, t) => html.setAttribute('data-theme', t), theme);
    await page.screenshot({ path: join(SHOTS, `${name}-${page.viewportSize()!.width}-${theme}.png`), fullPage: true });
  }
  await page.locator('html').evaluate((html) => html.removeAttribute('data-theme'));
}
