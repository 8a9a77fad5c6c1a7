import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { git } from '../fixtures/git-repo';
import { breakMain } from '../fixtures/probed-repo';
import { flowerForEachTest } from './health-fixture';
import { openCockpit, openMainView } from './main-view-page';

/**
 * MAIN's health in the real UI's MAIN view: healthy while its probe passes, broken with the
 * probe's output right after a merge breaks it (its gate is `true`, so the merge lands and
 * only the probe can notice), healthy again once fixed.
 */
const flower = flowerForEachTest();
const { mergeLane } = flower;

test('MAIN turns broken with the failing probe after a bad merge, and healthy after the fix', async ({ page }) => {
  await openCockpit(page, flower.host);
  const view = await openMainView(page, flower.repoId);
  await expect(view.getByTestId('main-health')).toHaveText('healthy');

  await mergeLane('design', breakMain);
  await expect(view.getByTestId('main-health')).toHaveText('broken');
  await expect(view.locator('[data-testid=incident][data-state=open]').getByTestId('incident-probe')).toContainText('Cannot redeclare dispatch()');
  await expect(view.locator('[data-testid=probe][data-probe=artisan]')).toHaveAttribute('data-state', 'failing');

  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect(view.getByTestId('main-health')).toHaveText('healthy');
  await expect(view.locator('[data-testid=probe][data-probe=artisan]')).toHaveAttribute('data-state', 'passing');
  await expect(view.locator('[data-testid=incident][data-state=open]')).toHaveCount(0);
});

test('an edit typed into MAIN: the open incident lists the edited file with its counts and diff', async ({ page }) => {
  await openCockpit(page, flower.host);
  const view = await openMainView(page, flower.repoId);
  await expect(view.getByTestId('main-health')).toHaveText('healthy');

  breakMain(flower.main);
  await expect(view.getByTestId('main-health')).toHaveText('broken');
  await expect(view.getByTestId('main-dirty')).toContainText('Uncommitted edits in MAIN: BROKEN');
  const open = view.locator('[data-testid=incident][data-state=open]');
  await expect(open.getByTestId('incident-edit')).toHaveText(['BROKEN +1 -0 (new)']);
  await expect(open.getByTestId('incident-edits')).toContainText('+public function dispatch() {}');
});

test('an invalid grove.yaml: the badge says config invalid and lists each problem once, on its own line', async ({ page }) => {
  await openCockpit(page, flower.host);
  const view = await openMainView(page, flower.repoId);
  await expect(view.getByTestId('main-health')).toHaveText('healthy');

  const main = flower.main;
  writeFileSync(join(main, 'grove.yaml'), 'health:\n  probes:\n    - name: artisan\n      comand: php artisan about\n  debounce: 5\n');
  await expect(view.getByTestId('main-health')).toHaveText('config invalid');
  await expect(view.getByTestId('config-problems')).toHaveCount(1);
  const problems = view.getByTestId('config-problem');
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toContainText(`${main}/grove.yaml:`);
  await expect(view.getByTestId('config-problems')).toContainText('debounce');
});
