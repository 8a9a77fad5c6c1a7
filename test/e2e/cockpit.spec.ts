import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, repoRoot, stopAllHosts } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, startHostWithProbedRepo, type ProbedHost } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { rmSync } from 'node:fs';

/**
 * The cockpit as an operator meets it: the rail of repositories and lanes, a lane's agents
 * in tabs with their terminals filling the centre, splits, the lane panel, MAIN's state in
 * the rail and the top bar. Screenshots of each main screen go to .test-reports/screenshots.
 */
const SHOTS = join(repoRoot, '.test-reports', 'screenshots');
let flower: ProbedHost;
/** The page's globals a test reaches into (the tests compile without the DOM's types). */
type Page_ = { document: { documentElement: { setAttribute(n: string, v: string): void; removeAttribute(n: string): void } } };

test.beforeEach(async () => {
  flower = await startHostWithProbedRepo({
    merge: { gate: 'true' },
    health: { debounceMs: 200, probes: [{ name: 'artisan', command: ARTISAN_COMMAND, failureThreshold: 1 }] },
  });
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['dark', 'light'] as const) {
    await page.evaluate((t) => void (globalThis as unknown as Page_).document.documentElement.setAttribute('data-theme', t), theme);
    await page.screenshot({ path: join(SHOTS, `${name}-${page.viewportSize()!.width}-${theme}.png`) });
  }
  await page.evaluate(() => (globalThis as unknown as Page_).document.documentElement.removeAttribute('data-theme'));
}

async function createLane(name: string): Promise<string> {
  const r = await api(flower.host, 'lanes.create', { repoId: flower.repoId, name });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.result as { lane: { path: string } }).lane.path;
}

test('a lane in the rail, agents as tabs, a shell echoing, two agents side by side', async ({ page }) => {
  const lanePath = await createLane('design');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  const railLane = page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`);
  await expect(railLane).toContainText('design');
  await railLane.click();
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-path', lanePath);

  // + Shell launches in this lane (no path typed) and its tab comes to the front.
  await page.getByTestId('launch-shell').click();
  const first = page.getByTestId('agent-tab').first();
  await expect(first).toHaveAttribute('data-state', 'active');
  const firstName = (await first.getAttribute('data-agent'))!;
  const terminal = page.getByTestId(`terminal-${firstName}`);
  await terminal.click();
  await page.keyboard.type('echo "sum=$((40+2))"');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('sum=42');

  // A second shell: the new tab is in front; only its terminal is mounted.
  await page.getByTestId('launch-shell').click();
  await expect(page.getByTestId('agent-tab')).toHaveCount(2);
  const second = page.getByTestId('agent-tab').nth(1);
  await expect(second).toHaveAttribute('data-state', 'active');
  const secondName = (await second.getAttribute('data-agent'))!;
  await expect(page.getByTestId(`terminal-${secondName}`)).toBeVisible();
  await expect(page.getByTestId(`terminal-${firstName}`)).toHaveCount(0);

  // Side by side: both terminals on screen at once, and both keep working.
  await page.getByRole('button', { name: 'Split side by side' }).click();
  await expect(page.getByTestId(`terminal-${firstName}`)).toBeVisible();
  await expect(page.getByTestId(`terminal-${secondName}`)).toBeVisible();
  await expect(page.getByTestId(`terminal-${firstName}`)).toContainText('sum=42');
  await page.getByTestId(`terminal-${secondName}`).click();
  await page.keyboard.type('echo "other=$((6*7))"');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`terminal-${secondName}`)).toContainText('other=42');
  await shoot(page, 'cockpit-lane');
  await expectAccessible(page, 'a lane with two agents split');

  // The layout survives a reload: the same lane, tab and split.
  await page.reload();
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-path', lanePath);
  await expect(page.getByTestId('agent-tab').nth(1)).toHaveAttribute('data-state', 'active');
  await expect(page.getByTestId(`terminal-${firstName}`)).toContainText('sum=42');
  await expect(page.getByRole('button', { name: 'Split side by side' })).toHaveAttribute('aria-pressed', 'true');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('button', { name: 'Open the rail' })).toBeVisible();
  await shoot(page, 'cockpit-lane');
  await page.getByRole('button', { name: 'Open the rail' }).click();
  await expect(page.getByRole('dialog').getByTestId('rail')).toBeVisible();
  await shoot(page, 'cockpit-drawer');
});

test('MAIN broken shows in the rail and the top bar, and recovery clears both', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  const railMain = page.locator(`[data-testid="rail-repo"][data-repo-id="${flower.repoId}"] [data-testid="rail-main"]`);
  await expect(railMain.locator('[data-health]')).toHaveAttribute('data-health', 'healthy');
  await expect(page.getByTestId('global-status')).toHaveAttribute('data-health', 'healthy');
  breakMain(flower.main);
  await expect(railMain.locator('[data-health]')).toHaveAttribute('data-health', 'broken');
  await expect(page.getByTestId('global-status')).toHaveAttribute('data-health', 'broken');
  await expect(page.getByTestId('global-status')).toContainText('broken');
  await railMain.click();
  await shoot(page, 'cockpit-main-broken');
  await expectAccessible(page, 'MAIN broken');
  rmSync(join(flower.main, 'BROKEN'));
  await expect(page.getByTestId('global-status')).toHaveAttribute('data-health', 'healthy');
  await expect(railMain.locator('[data-health]')).toHaveAttribute('data-health', 'healthy');
});
