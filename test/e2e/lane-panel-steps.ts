import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The steps the lane e2e stories share, as an operator takes them in the cockpit: open the
 * app, create a lane from the rail's "+ Lane", and open a lane's panel on the right.
 */
export async function openCockpit(page: Page, host: { url: string; token: string }): Promise<void> {
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await expect(page.getByTestId('rail')).toBeVisible();
}

/** "+ Lane" under the repository, the dialog filled in; resolves once the host answered and the dialog closed. */
export async function createLane(page: Page, repoName: string, name: string, o: { ephemeral?: boolean } = {}): Promise<void> {
  const dialog = await startCreatingLane(page, repoName, name, o);
  await expect(dialog).toHaveCount(0, { timeout: 30_000 });
}

/** The same, without waiting for the answer: returns the open dialog. */
export async function startCreatingLane(page: Page, repoName: string, name: string, o: { ephemeral?: boolean } = {}): Promise<Locator> {
  await page.getByRole('button', { name: `New lane in ${repoName}` }).click();
  const dialog = page.getByRole('dialog', { name: `New lane in ${repoName}` });
  await dialog.getByLabel('Lane name').fill(name);
  if (o.ephemeral) await dialog.getByRole('checkbox', { name: /Ephemeral/ }).check();
  await dialog.getByRole('button', { name: 'Create lane' }).click();
  return dialog;
}

/** Selects the lane in the rail and makes sure the right panel shows it. */
export async function openLanePanel(page: Page, lanePath: string, laneName: string): Promise<Locator> {
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  const panel = page.getByTestId('right-panel');
  const toggle = page.getByRole('button', { name: 'Lane panel' });
  if ((await toggle.count()) > 0 && (await toggle.first().getAttribute('aria-pressed')) !== 'true') await toggle.first().click();
  const lanePanel = panel.getByRole('region', { name: `Lane ${laneName}`, exact: true });
  await expect(lanePanel).toBeVisible();
  return lanePanel;
}
