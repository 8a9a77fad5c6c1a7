import { expect, test } from '@playwright/test';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Lane } from '../../src/shared/lanes';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { fillLaneName, openCockpit, openLanePanel } from './lane-panel-steps';
import { shoot } from './screenshots';

/**
 * A lane's own network in the real UI: picked in the create-lane dialog, shown in the lane's
 * panel when it has none, and changed back there. A real host, a real repository, Chromium.
 */
let host: HostProcess;
let main: string;
let repoId: string;
test.beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  repoId = await addTrustedRepo(host, main);
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function laneNamed(name: string): Promise<Lane | undefined> {
  const r = await api(host, 'lanes.list', { repoId });
  return (r.body.result as { lanes: Lane[] }).lanes.find((l) => l.name === name);
}

for (const width of [1440, 390]) {
  test(`at ${width}px: a lane created with no network says so in its panel, and goes back to the repository's`, async ({ page }) => {
    await page.setViewportSize({ width, height: width === 1440 ? 900 : 844 });
    await openCockpit(page, host);
    const opener = page.getByRole('button', { name: 'Open the rail' });
    if (await opener.isVisible()) await opener.click();
    await page.getByTestId('rail').getByRole('button', { name: 'New lane in flower' }).click();
    const dialog = page.getByRole('dialog', { name: 'New lane in flower' });
    await fillLaneName(dialog, 'offline');
    const network = dialog.getByRole('combobox', { name: 'Network' });
    // The repository's default is named with what it means now (grove.yaml says nothing: open).
    await expect(network).toHaveValue('default');
    await expect(network.locator('option[value="default"]')).toHaveText('Repository default (open)');
    await network.selectOption('none');
    await expectAccessible(page, 'create-lane dialog');
    await shoot(page, 'lane-network-create');
    await dialog.getByRole('button', { name: 'Create lane' }).click();
    await expect(dialog).toHaveCount(0, { timeout: 30_000 });
    expect((await laneNamed('offline'))?.network).toBe('none');

    const panel = await openLanePanel(page, `${main}-offline`, 'offline');
    await expect(panel.getByTestId('lane-no-network')).toHaveText('no network');
    const select = panel.getByRole('combobox', { name: 'Network' });
    await expect(select).toHaveValue('none');
    await expect(select).toHaveAccessibleDescription('From each agent’s next start');
    await expectAccessible(page, 'lane panel, no network');
    await shoot(page, 'lane-network-panel');

    await select.selectOption('default');
    await expect(panel.getByTestId('lane-no-network')).toHaveCount(0);
    await expect.poll(async () => (await laneNamed('offline'))?.network).toBeNull();
    await expect(select).toHaveValue('default');
  });
}

test('a lane left at the default is created with the repository\'s network, and can be given loopback, then none, from its panel', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, host);
  await page.getByTestId('rail').getByRole('button', { name: 'New lane in flower' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lane in flower' });
  await fillLaneName(dialog, 'design');
  await dialog.getByRole('button', { name: 'Create lane' }).click();
  await expect(dialog).toHaveCount(0, { timeout: 30_000 });
  expect((await laneNamed('design'))?.network).toBeNull();
  const panel = await openLanePanel(page, `${main}-design`, 'design');
  await expect(panel.getByTestId('lane-no-network')).toHaveCount(0);
  await panel.getByRole('combobox', { name: 'Network' }).selectOption('loopback');
  await expect(panel.getByTestId('lane-loopback-network')).toHaveText('loopback only');
  await expect.poll(async () => (await laneNamed('design'))?.network).toBe('loopback');
  await panel.getByRole('combobox', { name: 'Network' }).selectOption('none');
  await expect(panel.getByTestId('lane-no-network')).toBeVisible();
  await expect(panel.getByTestId('lane-loopback-network')).toHaveCount(0);
  await expect.poll(async () => (await laneNamed('design'))?.network).toBe('none');
});
