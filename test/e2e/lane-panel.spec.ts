import { expect, test, type Page } from '@playwright/test';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, trustRepo, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { commitIn } from '../fixtures/lane-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { createLane, openCockpit, openLanePanel, startCreatingLane } from './lane-panel-steps';

/**
 * The lane's right panel, with a real host and a trusted repository: a lane created from the
 * rail, a commit in it shown under Changes, merged from the panel with its outcome shown once,
 * an ephemeral lane whose merge removes it still reporting, and a removal that confirms first.
 */
let host: HostProcess;
let main: string;
let repoId: string;
test.beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  commitIn(main, 'grove.yaml', `merge:\n  gate: 'echo "MAIN is whole"'\n`, 'Grove recipe');
  repoId = await addTrustedRepo(host, main);
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

/** As the settings' theme choice does: `data-theme` on <html> overrides the OS. */
type Html = { document: { documentElement: { setAttribute(n: string, v: string): void } } };
async function setTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  await page.evaluate((t) => (globalThis as unknown as Html).document.documentElement.setAttribute('data-theme', t), theme);
}

test('a lane made from the rail: its commit under Changes, merged from the panel, removed after a confirmation', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, host);
  await createLane(page, 'flower', 'design');
  const path = `${main}-design`;
  expect(existsSync(path)).toBe(true);
  const panel = await openLanePanel(page, path, 'design');
  await expect(panel.getByTestId('lane-branch')).toHaveText('design');
  await expect(panel.getByTestId('lane-kind')).toHaveText('standing');
  await expect(panel.getByTestId('lane-ports')).toHaveText(/^:\d+–\d+$/);

  // A commit in the lane's terminal, as an agent would make it: Changes follows without a reload.
  commitIn(path, 'petals.css', '.petal { color: pink; }\n', 'Pink petals');
  const changes = panel.getByTestId('lane-changes');
  await expect(changes.getByTestId('diff-summary')).toContainText('1 commit ahead of main, 0 behind');
  await expect(changes.getByTestId('diff-files')).toContainText('petals.css');
  await expect(changes.getByTestId('patch-unified')).toContainText('.petal { color: pink; }');
  const merge = panel.getByTestId('lane-merge');
  await expect(merge).toContainText('1 commit ahead of main, 0 behind.');
  await expect(merge).toContainText(`MAIN's gate runs after the merge`);
  await expect(merge.locator('code')).toContainText('echo "MAIN is whole"');
  await expectAccessible(page, 'lane panel');
  await setTheme(page, 'dark');
  await expectAccessible(page, 'lane panel, dark');
  await shoot(page, 'lane-panel-1440-dark');
  await setTheme(page, 'light');
  await shoot(page, 'lane-panel-1440-light');

  // Merge from the panel: the preflight passes, the merge goes in, its outcome shows once.
  const before = git(main, 'rev-parse', 'HEAD');
  await merge.getByRole('button', { name: 'Merge into MAIN…' }).click();
  const dialog = page.getByTestId('merge-dialog');
  await expect(dialog.getByTestId('merge-check')).toHaveCount(5);
  await dialog.getByRole('button', { name: 'Merge into MAIN' }).click();
  await expect(dialog.getByTestId('merge-result')).toContainText('Merged design into MAIN (fast-forward)');
  await expect(dialog.getByTestId('job-log')).toContainText('MAIN is whole');
  await expect(page.getByTestId('merge-result')).toHaveCount(1);
  await expect(dialog.getByTestId('job-message')).toHaveCount(0);
  await expectAccessible(page, 'merge outcome');
  await setTheme(page, 'dark');
  await shoot(page, 'merge-outcome-1440-dark');
  expect(git(main, 'log', '-1', '--format=%s')).toBe('Pink petals');
  expect(git(main, 'rev-parse', 'HEAD^')).toBe(before);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(changes.getByTestId('diff-summary')).toContainText('0 commits ahead of main, 0 behind');

  // Remove: a confirmation that says what stays; cancelling keeps the lane.
  await panel.getByRole('button', { name: 'Remove lane design' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove lane design?' });
  await expect(confirm).toContainText('The branch design and its commits');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  expect(existsSync(path)).toBe(true);
  await panel.getByRole('button', { name: 'Remove lane design' }).click();
  await page.getByRole('dialog', { name: 'Remove lane design?' }).getByRole('button', { name: 'Remove lane' }).click();
  await expect(page.getByTestId('rail-lane')).toHaveCount(0);
  expect(existsSync(path)).toBe(false);
  expect(git(main, 'branch', '--list', 'design')).toContain('design');
});

test('a lane shown while the host is down reads its changes once the host is back, with no click', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, host);
  await createLane(page, 'flower', 'design');
  await createLane(page, 'flower', 'copy');
  await openLanePanel(page, `${main}-design`, 'design');
  const home = host.home;
  await host.kill9();
  await expect(page.getByTestId('connection-state')).not.toHaveText('Connected');
  // Meanwhile an agent commits in the other lane, and the operator looks at it.
  commitIn(`${main}-copy`, 'petals.css', '.petal { color: pink; }\n', 'Pink petals');
  const panel = await openLanePanel(page, `${main}-copy`, 'copy');
  host = await startHostProcess({ home });
  await expect(page.getByTestId('connection-state')).toHaveText('Connected', { timeout: 15_000 });
  const changes = panel.getByTestId('lane-changes');
  await expect(changes.getByTestId('diff-summary')).toContainText('1 commit ahead of main, 0 behind');
  await expect(changes.getByTestId('diff-files')).toContainText('petals.css');
});

/**
 * grove.yaml's `setup` given these lines (committed, and trusted by the operator before they
 * may run), the cockpit opened at 1440 px, and the lane `seed` being created from the rail.
 */
async function creatingWithSetup(page: Page, setup: string) {
  commitIn(main, 'grove.yaml', `setup:\n  ${setup}\n`, 'Setup recipe');
  await trustRepo(host, repoId);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, host);
  return startCreatingLane(page, 'flower', 'seed');
}

test('the new-lane dialog shows the setup streaming, and the lane is selected once created', async ({ page }) => {
  const dialog = await creatingWithSetup(page, `postCreate:\n    - 'for i in 1 2 3; do echo "installing step $i"; sleep 1.5; done'`);
  await expect(dialog.getByTestId('job-log')).toContainText('installing step 1');
  await expect(dialog.getByRole('button', { name: 'Creating…' })).toBeDisabled();
  await expectAccessible(page, 'new-lane dialog');
  await setTheme(page, 'dark');
  await shoot(page, 'create-lane-dialog-1440-dark');
  await expect(dialog).toHaveCount(0, { timeout: 30_000 });
  const panel = page.getByTestId('right-panel').getByRole('region', { name: 'Lane seed', exact: true });
  await expect(panel.getByTestId('lane-setup')).toHaveText('setup done');
  await panel.getByTestId('lane-setup-log').locator('summary').click();
  await expect(panel.getByTestId('lane-setup-log').getByTestId('job-log')).toContainText('Create lane seed');
});

test('a lane creation hidden before it failed says why above the centre: no lane, so no panel, holds its log', async ({ page }) => {
  const dialog = await creatingWithSetup(page, `preCreate:\n    - 'echo "checking the registry"; sleep 1.5; echo "the registry is down" >&2; exit 3'`);
  await dialog.getByRole('button', { name: 'Hide (the creation goes on)' }).click();
  await expect(dialog).toHaveCount(0);
  const notice = page.getByTestId('cockpit-notice');
  await expect(notice).toContainText('The lane seed of flower was not created: ', { timeout: 15_000 });
  await expect(notice).toContainText('the registry is down');
  expect(existsSync(`${main}-seed`)).toBe(false);
});

test('an ephemeral lane removed by its own merge still shows the merge outcome', async ({ page }) => {
  await openCockpit(page, host);
  await createLane(page, 'flower', 'fix', { ephemeral: true });
  const path = `${main}-fix`;
  const panel = await openLanePanel(page, path, 'fix');
  await expect(panel.getByTestId('lane-kind')).toHaveText('ephemeral');
  commitIn(path, 'stem.css', '.stem { color: green; }\n', 'Green stems');
  await expect(panel.getByTestId('lane-changes').getByTestId('diff-files')).toContainText('stem.css');

  await panel.getByRole('button', { name: 'Merge into MAIN…' }).click();
  const dialog = page.getByTestId('merge-dialog');
  await expect(dialog.getByTestId('merge-check')).toHaveCount(5);
  await dialog.getByRole('button', { name: 'Merge into MAIN' }).click();
  await expect(dialog.getByTestId('merge-result')).toContainText('Merged fix into MAIN');
  await expect(dialog.getByTestId('merge-result')).toContainText('the ephemeral lane and its merged branch were removed');
  await expect(page.getByTestId('rail-lane')).toHaveCount(0);
  // The outcome stayed on screen after its lane left the rail, and only once.
  await expect(page.getByTestId('merge-result')).toHaveCount(1);
  expect(existsSync(path)).toBe(false);
  expect(git(main, 'log', '-1', '--format=%s')).toBe('Green stems');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('merge-dialog')).toHaveCount(0);
});

test('rebase from the panel: the lane catches up with MAIN and the old head is kept', async ({ page }) => {
  await openCockpit(page, host);
  await createLane(page, 'flower', 'catch');
  const path = `${main}-catch`;
  commitIn(path, 'petals.css', '.petal { color: pink; }\n', 'Pink petals');
  const panel = await openLanePanel(page, path, 'catch');
  // MAIN moves on meanwhile (a merge of another lane, here a commit).
  commitIn(main, 'README.md', 'flower\n', 'Readme');
  await panel.getByRole('button', { name: 'Refresh' }).click();
  await expect(panel.getByTestId('lane-merge')).toContainText('1 commit ahead of main, 1 behind.');
  const oldHead = git(path, 'rev-parse', 'HEAD');
  await panel.getByRole('button', { name: 'Rebase onto MAIN' }).click();
  await expect(panel.getByTestId('lane-notice')).toContainText('Rebased onto MAIN: now at');
  await expect(panel.getByTestId('lane-merge')).toContainText('1 commit ahead of main, 0 behind.');
  expect(git(path, 'rev-parse', 'HEAD^')).toBe(git(main, 'rev-parse', 'HEAD'));
  const kept = (await panel.getByTestId('lane-notice').textContent())?.match(/refs\/grove\/recovery\/\S+?(?=\.$)/)?.[0];
  expect(kept && git(main, 'rev-parse', kept)).toBe(oldHead);
});

test('serve from the panel: the served URL shows as a link until serving stops', async ({ page }) => {
  commitIn(main, 'grove.yaml', `serve:\n  command: 'exec sleep 600'\n  url: 'http://127.0.0.1:{{port}}/'\n`, 'Serve recipe');
  await trustRepo(host, repoId);
  await openCockpit(page, host);
  await createLane(page, 'flower', 'site');
  const panel = await openLanePanel(page, `${main}-site`, 'site');
  const ports = (await panel.getByTestId('lane-ports').textContent()) ?? '';
  const port = ports.match(/^:(\d+)/)?.[1];
  await panel.getByRole('button', { name: 'Serve', exact: true }).click();
  await expect(panel.getByTestId('lane-url')).toHaveText(`http://127.0.0.1:${port}/`);
  await expect(panel.getByTestId('lane-url')).toHaveAttribute('href', `http://127.0.0.1:${port}/`);
  await panel.getByRole('button', { name: 'Stop serving' }).click();
  await expect(panel.getByTestId('lane-url')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Serve', exact: true })).toBeEnabled();
});

test('the panel at 390 px is a full-width sheet, dark and light', async ({ page }) => {
  await openCockpit(page, host);
  await createLane(page, 'flower', 'narrow');
  commitIn(`${main}-narrow`, 'leaf.css', '.leaf { color: olive; }\n', 'Olive leaves');
  await page.setViewportSize({ width: 390, height: 844 });
  const panel = await openLanePanel(page, `${main}-narrow`, 'narrow');
  await expect(panel.getByTestId('lane-changes').getByTestId('diff-files')).toContainText('leaf.css');
  const box = await panel.boundingBox();
  expect(box?.width ?? 0).toBeLessThanOrEqual(390);
  // Nothing in the panel is wider than the screen (no sideways scrolling of the sheet).
  const overflow = await panel.evaluate((el) => {
    const box = el as unknown as { scrollWidth: number; clientWidth: number };
    return box.scrollWidth - box.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  await panel.scrollIntoViewIfNeeded();
  await setTheme(page, 'dark');
  await shoot(page, 'lane-panel-390-dark');
  await setTheme(page, 'light');
  await shoot(page, 'lane-panel-390-light');
  // The merge opens over the sheet, and closing it returns to the sheet.
  await panel.getByRole('button', { name: 'Merge into MAIN…' }).click();
  const dialog = page.getByTestId('merge-dialog');
  await expect(dialog.getByTestId('merge-check')).toHaveCount(5);
  await shoot(page, 'merge-preflight-390-light');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(panel).toBeVisible();
});
