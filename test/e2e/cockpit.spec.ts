import { expect, test } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { api, stopAllHosts, loginUrl } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, startHostWithProbedRepo, type ProbedHost } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { shoot } from './screenshots';
import { escapeFrom } from './escape-steps';

/**
 * The cockpit as an operator meets it: the rail of repositories and lanes, a lane's agents
 * in tabs with their terminals filling the centre, splits, the lane panel, MAIN's state in
 * the rail and the top bar. Screenshots of each main screen go to .test-reports/screenshots.
 */
let flower: ProbedHost;

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

async function createLane(name: string): Promise<string> {
  const r = await api(flower.host, 'lanes.create', { repoId: flower.repoId, name });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.result as { lane: { path: string } }).lane.path;
}

test('a lane in the rail, agents as tabs, a shell echoing, two agents side by side', async ({ page }) => {
  const lanePath = await createLane('design');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(flower.host));
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

  // The palette from a focused terminal: jump to another lane by typing its name.
  const other = await createLane('copy');
  await expect(page.locator(`[data-testid="rail-lane"][data-path="${other}"]`)).toBeVisible();
  await page.getByTestId(`terminal-${firstName}`).click();
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: /command palette/i });
  await expect(palette).toBeVisible();
  await page.keyboard.type('lane copy');
  await shoot(page, 'cockpit-palette');
  await expectAccessible(page, 'the command palette');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-path', other);
  await expect(palette).toHaveCount(0);
  // And back with the lane's number key (the rail's order: design is 1).
  await page.keyboard.press('Control+Shift+1');
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-path', lanePath);
  // Find in the terminal in front, from the palette.
  await page.keyboard.press('Control+Shift+P');
  await page.keyboard.type('find in');
  await page.keyboard.press('Enter');
  const find = page.getByRole('textbox', { name: `Find in ${secondName}'s output` });
  await expect(find).toBeFocused();
  await find.press('Escape');

  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('rail')).toBeVisible();
  await shoot(page, 'cockpit-lane');
  // Crossing the phone breakpoint keeps the centre as it is: the same terminal element, not
  // a new one attaching and replaying its scrollback (nor a half-written spec dropped).
  await page.getByTestId(`terminal-${secondName}`).evaluate((el) => (el as unknown as { setAttribute(name: string, value: string): void }).setAttribute('data-probe', 'kept'));
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('button', { name: 'Open the rail' })).toBeVisible();
  await expect(page.getByTestId(`terminal-${secondName}`)).toHaveAttribute('data-probe', 'kept');
  await shoot(page, 'cockpit-lane');
  await page.getByRole('button', { name: 'Open the rail' }).click();
  await expect(page.getByRole('dialog').getByTestId('rail')).toBeVisible();
  await shoot(page, 'cockpit-drawer');
});

test('the rail and the lane panel resize by dragging and by keys, keep their widths across a reload, and give way to the centre in a small window', async ({ page }) => {
  const lanePath = await createLane('widths');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(flower.host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  await expect(page.getByTestId('right-panel')).toBeVisible();
  const railColumn = page.locator('#rail-column');
  const panelColumn = page.locator('#panel-column');
  const width = async (l: typeof railColumn): Promise<number> => Math.round((await l.boundingBox())!.width);
  const railHandle = page.getByRole('separator', { name: 'Resize the rail' });
  const panelHandle = page.getByRole('separator', { name: 'Resize the lane panel' });
  expect(await width(railColumn)).toBe(260);
  expect(await width(panelColumn)).toBe(380);

  // Dragged 100 px right in small moves, the rail follows the pointer and keeps the width let go at.
  const box = (await railHandle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 200);
  await page.mouse.down();
  for (let dx = 10; dx <= 100; dx += 10) await page.mouse.move(box.x + box.width / 2 + dx, box.y + 200);
  await expect(railHandle).toHaveAttribute('data-dragging', 'true');
  expect(await width(railColumn)).toBe(360);
  await page.mouse.up();
  await expect(railHandle).not.toHaveAttribute('data-dragging');
  await expect(railHandle).toHaveAttribute('aria-valuenow', '360');
  expect(await width(railColumn)).toBe(360);

  // From the keyboard: the arrows move the handle the way they point (Left widens the panel), Shift further.
  await panelHandle.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(panelHandle).toHaveAttribute('aria-valuenow', '412');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(panelHandle).toHaveAttribute('aria-valuenow', '348');
  expect(await width(panelColumn)).toBe(348);
  await page.keyboard.press('Home');
  await expect(panelHandle).toHaveAttribute('aria-valuenow', '280');
  await page.keyboard.press('End');
  await expect(panelHandle).toHaveAttribute('aria-valuenow', '720');
  await shoot(page, 'cockpit-widths');

  // Both widths are the layout's: a reload brings them back.
  await page.reload();
  await expect(page.getByTestId('right-panel')).toBeVisible();
  expect(await width(railColumn)).toBe(360);
  expect(await width(panelColumn)).toBe(720);

  // A window too small for all three: the side columns give way, the centre keeps 320 px.
  await page.setViewportSize({ width: 1000, height: 800 });
  await expect.poll(async () => width(page.locator('.centre-column'))).toBeGreaterThanOrEqual(320);
  expect(await width(railColumn)).toBeGreaterThanOrEqual(180);
  expect(await width(panelColumn)).toBeGreaterThanOrEqual(280);
  expect(await width(railColumn) + await width(panelColumn) + await width(page.locator('.centre-column'))).toBeLessThanOrEqual(1000);

  // A double click gives the rail its initial width back.
  await page.setViewportSize({ width: 1440, height: 900 });
  await railHandle.dblclick();
  await expect(railHandle).toHaveAttribute('aria-valuenow', '260');
  expect(await width(railColumn)).toBe(260);
});

test('MAIN broken shows in the rail and the top bar, and recovery clears both', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(flower.host));
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
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'cockpit-main-broken');
  await page.setViewportSize({ width: 1440, height: 900 });
  rmSync(join(flower.main, 'BROKEN'));
  await expect(page.getByTestId('global-status')).toHaveAttribute('data-health', 'healthy');
  await expect(railMain.locator('[data-health]')).toHaveAttribute('data-health', 'healthy');
});

test('Briefs, Settings and the shortcut list: reachable, labelled, and readable in both themes', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(flower.host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await page.getByTestId('rail-briefs').click();
  await expect(page.getByTestId('brief-list-empty')).toContainText('A brief is what an agent is asked to do');
  await expectAccessible(page, 'Briefs');
  await page.getByTestId('rail-settings').click();
  await expect(page.getByTestId('settings-view')).toBeVisible();
  await shoot(page, 'cockpit-settings');
  await expectAccessible(page, 'Settings');
  // The theme chosen in Settings is the one the page has after a reload.
  await page.getByRole('radio', { name: 'Light' }).check();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.keyboard.press('Control+Shift+?');
  await expect(page.getByRole('dialog', { name: /shortcuts/i })).toBeVisible();
  await expectAccessible(page, 'the shortcut list');
  await page.setViewportSize({ width: 390, height: 844 });
  await escapeFrom(page, page.getByRole('dialog', { name: /shortcuts/i }));
  await expect(page.getByRole('dialog', { name: /shortcuts/i })).toHaveCount(0);
  await shoot(page, 'cockpit-settings');
});

test('a view whose code fails to load (the host restarting) is retried; one that never loads says so, and the rest keeps working', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(flower.host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  // The first request for the Settings view's code is cut, as a host killed mid-load does.
  let cut = 0;
  // A retry asks for the same file with a query of its own (the browser remembers the failure of the plain URL).
  await page.route(/\/assets\/settings-view-[^/?]*\.js(\?.*)?$/, (route) => (cut++ === 0 ? route.abort('connectionreset') : route.continue()));
  await page.getByTestId('rail-settings').click();
  await expect(page.getByTestId('settings-view')).toBeVisible({ timeout: 15_000 });
  expect(cut).toBeGreaterThanOrEqual(2);
  // The Briefs view's code never arrives: it says so in its place; the rail and top bar still work.
  await page.route(/\/assets\/briefs-view-[^/?]*\.js(\?.*)?$/, (route) => route.abort('connectionrefused'));
  await page.getByTestId('rail-briefs').click();
  await expect(page.getByTestId('load-failed')).toContainText('could not be loaded', { timeout: 30_000 });
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await page.getByTestId('rail-main').first().click();
  await expect(page.getByTestId('main-view')).toBeVisible();
});
