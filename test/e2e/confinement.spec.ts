import { expect, test, type Page } from '@playwright/test';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentInfo } from '../../src/shared/agents';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess, loginUrl } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { canConfine, sayConfinementSkipped } from '../fixtures/can-confine';
import { expectAccessible } from './axe';
import { shoot } from './screenshots';

/**
 * Confined lanes as the operator sees them: the launch dialog's "Confine to the lane" and the
 * line saying what the launch will do, then each agent's tab and pane saying how it runs. A
 * real host on this machine (bubblewrap installed), a real repository and lane, real Chromium.
 */
let host: HostProcess;
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** A trusted repository with the lane `design`, opened in the cockpit at `width`. */
async function openLane(page: Page, width: number): Promise<string> {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  const repoId = await addTrustedRepo(host, main);
  const r = await api(host, 'lanes.create', { repoId, name: 'design' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const lane = (r.body.result as { lane: { path: string } }).lane.path;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lane}"]`).click();
  await expect(page.getByTestId('lanes-empty')).toBeVisible();
  // The cockpit keeps one tree at every width: the lane stays in front on a phone.
  if (width !== 1440) await page.setViewportSize({ width, height: 844 });
  return lane;
}

/** Opens the launch dialog for a shell named by its program, `/bin/sh`. */
async function openDialog(page: Page): Promise<void> {
  await page.getByTestId('launch-custom').click();
  await page.getByRole('combobox', { name: /Preset/ }).selectOption('shell');
  await page.getByRole('textbox', { name: /^Command/ }).fill('/bin/sh');
}

async function agentsByName(): Promise<Record<string, AgentInfo>> {
  const r = await api(host, 'agents.list');
  return Object.fromEntries((r.body.result as { agents: AgentInfo[] }).agents.map((a) => [a.name, a]));
}

sayConfinementSkipped('test/e2e/confinement.spec.ts');

for (const width of [1440, 390]) {
  test(`at ${width}px: a confined launch by default, an unconfined one when the box is unticked, each marked on its tab and pane`, async ({ page }) => {
    test.skip(!canConfine, 'agents cannot be confined on this machine (bubblewrap missing or refused)');
    host = await startHostProcess();
    await openLane(page, width);

    await openDialog(page);
    const confine = page.getByRole('checkbox', { name: 'Confine to the lane' });
    const line = page.getByTestId('launch-confinement');
    await expect(confine).toBeChecked();
    await expect(confine).toBeEnabled();
    await expect(line).toContainText('Runs confined with bubblewrap (network open)');
    await expect(line).toContainText('MAIN is read-only');
    await expectAccessible(page, 'launch dialog');
    await shoot(page, 'confine-launch-dialog');
    await page.getByRole('button', { name: 'Launch' }).click();
    const tab = page.locator('[data-testid="agent-tab"][data-agent="shell-1"]');
    await expect(tab).toBeVisible();
    await expect(page.getByTestId('terminal-shell-1')).toBeVisible();
    const pane = page.locator('[data-testid="agent-pane"][data-agent="shell-1"]');
    // Confined: a quiet lock on the pane (named for screen readers), nothing on the tab.
    await expect(pane.getByTestId('confined-mark')).toHaveAttribute('title', 'Confined to the lane by bubblewrap');
    await expect(tab.getByTestId('unconfined-mark')).toHaveCount(0);
    await expect(pane.getByTestId('unconfined-mark')).toHaveCount(0);
    expect((await agentsByName())['shell-1']).toMatchObject({ unconfined: false, confinement: { confined: true, mechanism: 'bwrap' } });

    await openDialog(page);
    await confine.uncheck();
    await expect(line).toContainText('Runs unconfined, as you ask: it can write anywhere you can, MAIN included.');
    await shoot(page, 'confine-launch-dialog-unticked');
    await page.getByRole('button', { name: 'Launch' }).click();
    const freeTab = page.locator('[data-testid="agent-tab"][data-agent="shell-2"]');
    await expect(freeTab).toHaveAttribute('data-state', 'active');
    const freePane = page.locator('[data-testid="agent-pane"][data-agent="shell-2"]');
    await expect(freeTab.getByTestId('unconfined-mark')).toHaveAttribute('title', 'Unconfined: asked for at launch');
    await expect(freeTab).toHaveAccessibleName(/Unconfined: asked for at launch/);
    await expect(freePane.getByTestId('unconfined-mark')).toBeVisible();
    await expect(freePane.getByTestId('unconfined-mark')).toContainText('unconfined');
    // The confined one's tab stays quiet beside it; the lane in the rail says one runs unconfined.
    await expect(tab.getByTestId('unconfined-mark')).toHaveCount(0);
    expect((await agentsByName())['shell-2']).toMatchObject({ unconfined: true, confinement: { confined: false, reason: 'asked for at launch' } });
    await expectAccessible(page, 'workspace with an unconfined agent');
    await shoot(page, 'confine-workspace');
    if (width < 600) {
      await page.getByRole('button', { name: 'Open the rail' }).click();
      await expect(page.getByRole('dialog').getByTestId('rail-unconfined')).toBeVisible();
      await shoot(page, 'confine-rail');
    } else await expect(page.getByTestId('rail-unconfined')).toBeVisible();
    await expect(page.locator(`[data-testid="rail-lane"]`).filter({ has: page.getByTestId('rail-unconfined') })).toHaveAccessibleName(/1 unconfined/);
  });
}

test('a host that cannot confine says why in the dialog, the box is moot, and the agent carries the reason', async ({ page }) => {
  host = await startHostProcess({ env: { GROVE_BWRAP: '/no/such/bwrap' } });
  await openLane(page, 1440);
  await openDialog(page);
  const confine = page.getByRole('checkbox', { name: 'Confine to the lane' });
  const line = page.getByTestId('launch-confinement');
  await expect(line).toContainText('Runs unconfined: bubblewrap (/no/such/bwrap) is not installed');
  await expect(confine).toBeDisabled();
  await expect(confine).not.toBeChecked();
  await expectAccessible(page, 'launch dialog, host cannot confine');
  await shoot(page, 'confine-launch-dialog-unavailable');
  await page.getByRole('button', { name: 'Launch' }).click();
  const tab = page.locator('[data-testid="agent-tab"][data-agent="shell-1"]');
  await expect(tab.getByTestId('unconfined-mark')).toHaveAttribute('title', /^Unconfined: bubblewrap \(\/no\/such\/bwrap\) is not installed/);
  await expect(page.locator('[data-testid="agent-pane"][data-agent="shell-1"]').getByTestId('unconfined-mark')).toBeVisible();
  // Not asked for: the host simply could not.
  expect((await agentsByName())['shell-1']).toMatchObject({ unconfined: false, confinement: { confined: false } });
});
