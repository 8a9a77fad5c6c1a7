import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { stringify } from 'yaml';
import { git, makeRepo } from '../fixtures/git-repo';
import { api } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { commitIn } from '../fixtures/lane-repo';
import { breakMain } from '../fixtures/probed-repo';
import { flowerForEachTest } from './health-fixture';
import { expectAccessible } from './axe';
import { openCockpit, openHealthView, openMainView, shoot } from './main-view-page';

/**
 * The MAIN view and the Health view on a real host and repository whose artisan probe fails
 * while BROKEN is in MAIN: broken, with the probe's output shown once and the incident; the
 * fix, and the incident reads recovered, nothing red; a commit made in MAIN accepted as it
 * is; the alerts acknowledged, and still acknowledged after a reload.
 */
const flower = flowerForEachTest();

test('MAIN broken: the failing output once and the incident; fixed: recovered, not red', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, flower.host);
  const view = await openMainView(page, flower.repoId);
  await expect(view.getByTestId('main-health')).toHaveText('healthy');
  const probe = view.locator('[data-testid=probe][data-probe=artisan]');
  await expect(probe.getByTestId('probe-state')).toHaveText('passing');
  await expect(view.getByTestId('main-trust')).toHaveText('commands trusted');

  await flower.mergeLane('design', breakMain);
  await expect(view.getByTestId('main-health')).toHaveText('broken');
  await expect(probe.getByTestId('probe-state')).toHaveText('failing');
  const open = view.locator('[data-testid=incident][data-state=open]');
  await expect(open).toContainText('artisan failed');
  await expect(open.getByTestId('incident-commits')).toContainText('lane design (design)');
  // One failure, one box: the incident shows the output, the probe's row keeps it folded.
  await expect(view.locator('pre', { hasText: 'Cannot redeclare dispatch()' })).toHaveCount(1);
  await expect(open.getByTestId('incident-probe')).toContainText('Cannot redeclare dispatch()');
  await expect(probe.getByRole('button', { name: 'Output' })).toHaveAttribute('aria-expanded', 'false');
  await shoot(page, 'main-view-broken');
  await expectAccessible(page, 'MAIN view, broken');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'main-view-broken');
  await page.setViewportSize({ width: 1440, height: 900 });

  await flower.mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect(view.getByTestId('main-health')).toHaveText('healthy');
  const closed = view.locator('[data-testid=incident][data-state=closed]');
  await expect(closed).toContainText('recovered');
  await expect(closed.getByTestId('incident-summary')).toContainText('artisan failed for');
  // Nothing in the view is red once MAIN recovered: red means broken now.
  await expect(view.locator('.tone-bad, .tone-broken, .is-open')).toHaveCount(0);
  await expect(view.locator('pre', { hasText: 'Cannot redeclare dispatch()' })).toHaveCount(0);
  await closed.getByRole('button', { name: /recovered/ }).click();
  await expect(closed.getByTestId('incident-recovery')).toContainText('merge of lane fix');
  await shoot(page, 'main-view-recovered');
  await expect(view.getByTestId('merge-row')).toHaveCount(2);
  await expect(view.getByTestId('merge-row').first()).toContainText('merged');
});

test('a route to an incident opens MAIN there, scrolled to and highlighted', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, flower.host);
  breakMain(flower.main);
  const health = await openHealthView(page);
  const row = health.locator('[data-testid=health-incident][data-state=open]');
  await expect(row).toContainText('flower');
  await expect(row).toContainText('artisan failed');
  const incidentId = await row.getAttribute('data-incident-id');
  await expect(health.locator(`[data-testid=health-repo][data-repo-id="${flower.repoId}"]`).getByTestId('main-health')).toHaveText('broken');

  await row.getByRole('link', { name: 'artisan failed' }).click();
  await expect(page).toHaveURL(new RegExp(`#/repo/${flower.repoId}/incident/${incidentId}$`));
  const card = page.locator(`[data-testid=main-view] [data-testid=incident][data-incident-id="${incidentId}"]`);
  await expect(card).toHaveAttribute('data-focused', 'true');
  await expect(card).toBeInViewport();
});

test('a commit made in MAIN: listed, accepted as it is; the alerts acknowledged stay so after a reload', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, flower.host);
  let view = await openMainView(page, flower.repoId);
  await expect(view.getByTestId('main-health')).toHaveText('healthy');

  commitIn(flower.main, 'notes.txt', 'typed in MAIN\n', 'a commit made in MAIN');
  const unexpected = view.getByTestId('main-unexpected');
  await expect(unexpected).toContainText('1 commit did not come through Grove');
  await expect(unexpected).toContainText('a commit made in MAIN');
  await view.getByRole('button', { name: 'Accept MAIN as it is' }).click();
  await expect(unexpected).toHaveCount(0);
  await expect(view.getByTestId('main-state')).toContainText('only Grove merges');

  // The guard: on, and the host keeps it (read back after a reload).
  // Checked once the host installed it (the box follows MAIN's state, not the click).
  const guard = view.getByRole('checkbox', { name: /Pre-commit guard/ });
  await guard.click();
  await expect(guard).toBeChecked();
  await expect(view.getByTestId('main-state')).toContainText('on: commits made in MAIN are refused');

  const health = await openHealthView(page);
  const alerts = health.getByTestId('alert');
  const outside = alerts.filter({ hasText: 'a commit made in MAIN' });
  await expect(outside).toHaveAttribute('data-acknowledged', 'false');
  await outside.getByRole('button', { name: /^Acknowledge/ }).click();
  await expect(outside).toHaveAttribute('data-acknowledged', 'true');
  await expect(outside).toContainText('acknowledged');
  await expect(outside.getByRole('button')).toHaveCount(0);

  // Another alert, raised now: waiting until "Acknowledge all".
  breakMain(flower.main);
  await expect(alerts.filter({ hasText: 'MAIN' }).and(page.locator('[data-acknowledged=false]')).first()).toBeVisible();
  await expect(health.locator('[data-testid=health-incident][data-state=open]')).toHaveCount(1);
  await expect(health.getByTestId('health-summary')).toContainText('MAIN broken in 1 repository');
  await shoot(page, 'health-view');
  await expectAccessible(page, 'Health view');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'health-view');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.reload();
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  const again = page.getByTestId('health-view');
  await expect(again.getByTestId('alert').filter({ hasText: 'a commit made in MAIN' })).toHaveAttribute('data-acknowledged', 'true');
  await again.getByTestId('alerts-acknowledge-all').click();
  await expect(again.locator('[data-testid=alert][data-acknowledged=false]')).toHaveCount(0);
  await expect(again.getByTestId('alerts-acknowledge-all')).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await expect(page.getByTestId('health-view').getByTestId('alert').first()).toBeVisible();
  await expect(page.locator('[data-testid=alert][data-acknowledged=false]')).toHaveCount(0);
  view = await openMainView(page, flower.repoId);
  await expect(view.getByRole('checkbox', { name: /Pre-commit guard/ })).toBeChecked();
});

test('an untrusted repository: its MAIN says so and offers the Trust step; trusted, its probes run', async ({ page }) => {
  const garden = makeRepo(join(realpathSync(makeTempDir()), 'garden'));
  commitIn(garden, 'grove.yaml', stringify({ health: { debounceMs: 200, probes: [{ name: 'lint', command: 'echo lint ok' }] } }), 'probes');
  const added = await api(flower.host, 'repos.add', { path: garden });
  const gardenId = (added.body.result as { repo: { id: string } }).repo.id;

  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, flower.host);
  const view = await openMainView(page, gardenId);
  await expect(view.getByTestId('main-health')).toHaveText('untrusted');
  // Said once: the badge says untrusted, no second "not trusted" beside it.
  await expect(view.getByTestId('main-trust')).toHaveCount(0);
  await expect(view.getByTestId('main-probes')).toContainText('None run until the commands are trusted');
  const step = view.getByTestId('trust-step');
  await expect(step.getByTestId('trust-command')).toContainText('echo lint ok');
  await shoot(page, 'main-view-untrusted');

  await step.getByRole('button', { name: 'Trust these commands' }).click();
  await expect(step).toHaveCount(0);
  await expect(view.getByTestId('main-trust')).toHaveText('commands trusted');
  await expect(view.getByTestId('main-health')).toHaveText('healthy');
  await expect(view.locator('[data-testid=probe][data-probe=lint]')).toHaveAttribute('data-state', 'passing');
});
