import { expect, test } from '@playwright/test';
import { git } from '../fixtures/git-repo';
import { breakMain } from '../fixtures/probed-repo';
import { flowerForEachTest } from './health-fixture';

/**
 * MAIN's health in the real UI: green while its probe passes, red with the probe's output
 * right after a merge breaks it (its gate is `true`, so the merge lands and only the probe can notice), green again once fixed.
 */
const flower = flowerForEachTest();
const { mergeLane } = flower;

test('MAIN turns red with the failing probe after a bad merge, and green after the fix', async ({ page }) => {
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');

  await mergeLane('design', breakMain);
  await expect(page.getByTestId('main-health')).toHaveText('broken');
  await expect(page.getByTestId('main-broken')).toContainText('Cannot redeclare dispatch()');

  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect(page.getByTestId('main-health')).toHaveText('healthy');
  await expect(page.getByTestId('main-broken')).toHaveCount(0);
});
