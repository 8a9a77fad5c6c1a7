import { expect, type Locator, type Page } from '@playwright/test';
import { shoot as shootPage } from './screenshots';
import { loginUrl } from '../fixtures/host-process';

/**
 * The MAIN and Health views as an operator reaches them in the cockpit: signed in, then a
 * repository's MAIN chosen in the rail, or Health. Screenshots go to .test-reports/screenshots.
 */
export async function openCockpit(page: Page, host: { url: string; token: string }): Promise<void> {
  await page.goto(await loginUrl(host));
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

/** The page in dark and light, whole, at its current width. */
export const shoot = (page: Page, name: string): Promise<void> => shootPage(page, name, { fullPage: true });
