import { expect, test } from '@playwright/test';
import { git } from '../fixtures/git-repo';
import { stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { breakMain, mergeLaneWith } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';
import { startHostWithFlower } from './health-fixture';

/**
 * MAIN's health in the real UI: green while its probe passes, red with the probe's output
 * right after a merge breaks it (no gate here, so the merge lands), green again once fixed.
 */
let host: HostProcess;
let repoId: string;

test.beforeEach(async () => {
  ({ host, repoId } = await startHostWithFlower());
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const mergeLane = (name: string, change: (dir: string) => void): Promise<void> => mergeLaneWith(host, repoId, name, change);

test('MAIN turns red with the failing probe after a bad merge, and green after the fix', async ({ page }) => {
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');

  await mergeLane('design', breakMain);
  await expect(page.getByTestId('main-health')).toHaveText('broken');
  await expect(page.getByTestId('main-broken')).toContainText('Cannot redeclare dispatch()');

  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect(page.getByTestId('main-health')).toHaveText('healthy');
  await expect(page.getByTestId('main-broken')).toHaveCount(0);
});
