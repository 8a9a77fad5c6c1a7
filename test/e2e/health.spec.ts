import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

test('an edit typed into MAIN: the open incident lists the edited file with its counts and diff', async ({ page }) => {
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');

  breakMain(flower.main);
  await expect(page.getByTestId('main-health')).toHaveText('broken');
  const open = page.locator('[data-testid=incident][data-state=open]');
  await expect(open.getByTestId('incident-edit')).toHaveText(['BROKEN +1 -0 (new)']);
  await expect(open.getByTestId('incident-edits')).toContainText('+public function dispatch() {}');
});

test('an invalid grove.yaml: the badge says config invalid and lists each problem on its own line', async ({ page }) => {
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');

  const main = flower.main;
  writeFileSync(join(main, 'grove.yaml'), 'health:\n  probes:\n    - name: artisan\n      comand: php artisan about\n  debounce: 5\n');
  await expect(page.getByTestId('main-health')).toHaveText('config invalid');
  const problems = page.getByTestId('config-problem');
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toContainText(`${main}/grove.yaml:`);
  await expect(page.getByTestId('config-problems')).toContainText('debounce');
});
