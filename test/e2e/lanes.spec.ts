import { expect, test } from '@playwright/test';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { commitIn } from '../fixtures/lane-repo';
import { addTrustedRepo, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { createLane, openCockpit, openLanePanel, startCreatingLane } from './lane-panel-steps';

/** Lanes in the real UI: create one beside MAIN, and a removal that refuses to lose work. */
let host: HostProcess;
let main: string;
test.beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  await addTrustedRepo(host, main);
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

test('create a lane, see removal refused while it holds work, archive and remove it', async ({ page }) => {
  await openCockpit(page, host);
  await createLane(page, 'flower', 'design');
  await expect(page.getByTestId('rail-lane')).toContainText('design');
  expect(existsSync(`${main}-design`)).toBe(true);
  const panel = await openLanePanel(page, `${main}-design`, 'design');

  writeFileSync(join(`${main}-design`, 'tokens.css'), ':root { --bloom: #c8a; }\n');
  await panel.getByRole('button', { name: 'Remove lane design' }).click();
  await page.getByRole('dialog', { name: 'Remove lane design?' }).getByRole('button', { name: 'Remove lane' }).click();
  await expect(panel.getByTestId('lane-refused')).toContainText('tokens.css');
  expect(existsSync(`${main}-design`)).toBe(true);

  await panel.getByRole('button', { name: 'Archive everything, then remove' }).click();
  await expect(page.getByTestId('rail-lane')).toHaveCount(0);
  expect(existsSync(`${main}-design`)).toBe(false);
  const archives = git(main, 'for-each-ref', '--format=%(refname)', 'refs/grove/archive/design/');
  expect(git(main, 'show', `${archives.split('\n')[0]}:tokens.css`)).toContain('--bloom');
});

test('a bad lane name is explained', async ({ page }) => {
  await openCockpit(page, host);
  const dialog = await startCreatingLane(page, 'flower', '../escape');
  await expect(dialog.getByTestId('lane-error')).toContainText('not allowed');
  await expect(page.getByTestId('rail-lane')).toHaveCount(0);
});

test('the panel shows a commit made in the lane outside Grove, without a reload', async ({ page }) => {
  await openCockpit(page, host);
  await createLane(page, 'flower', 'design');
  const path = `${main}-design`;
  const panel = await openLanePanel(page, path, 'design');
  commitIn(path, 'petals.css', '.petal { color: pink; }\n', 'Pink petals');
  const diff = panel.getByTestId('lane-changes').getByTestId('lane-diff');
  await expect(diff.getByTestId('diff-summary')).toContainText('1 commit ahead of main, 0 behind');
  await expect(diff.getByTestId('diff-files')).toContainText('petals.css');

  // As an agent (or the operator) would in the lane's terminal: a second commit.
  commitIn(path, 'stem.css', '.stem { color: green; }\n', 'Green stems');
  await expect(diff.getByTestId('diff-summary')).toContainText('2 commits ahead of main, 0 behind');
  await expect(diff.getByTestId('diff-files')).toContainText('stem.css');
  await expect(diff.getByRole('list', { name: 'Commits ahead of MAIN' })).toContainText('Green stems');
  await expect(diff.getByTestId('patch-unified')).toContainText('.stem { color: green; }');
  await expect(panel.getByTestId('lane-merge')).toContainText('2 commits ahead of main, 0 behind.');
  await page.screenshot({ path: test.info().outputPath('diff-after-outside-commit.png'), fullPage: true });
});

test('a clean lane can be archived from the confirmation: its ignored .env is kept; a refusal an archive cannot answer offers none', async ({ page }) => {
  commitIn(main, '.gitignore', '.env\n', 'Ignore the env file');
  await openCockpit(page, host);
  await createLane(page, 'flower', 'design');
  const path = `${main}-design`;
  writeFileSync(join(path, '.env'), 'TOKEN=made-in-the-lane\n');
  const panel = await openLanePanel(page, path, 'design');
  await panel.getByRole('button', { name: 'Remove lane design' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove lane design?' });
  await expect(confirm).toContainText('Files git ignores (.env, dependencies, build output) are deleted with it');
  await page.screenshot({ path: test.info().outputPath('remove-confirm-1440.png') });
  await confirm.getByRole('button', { name: 'Archive, then remove' }).click();
  await expect(page.getByTestId('rail-lane')).toHaveCount(0);
  expect(existsSync(path)).toBe(false);
  const ref = git(main, 'for-each-ref', '--format=%(refname)', 'refs/grove/archive/design/').split('\n')[0]!;
  const kept = join(host.home, 'archives', ...ref.slice('refs/grove/archive/'.length).split('/'), 'ignored', '.env');
  expect(readFileSync(kept, 'utf8')).toBe('TOKEN=made-in-the-lane\n');

  // A git repository inside a lane: an archive could keep only its commit id, so none is
  // offered. On a phone, where the panel is a sheet.
  await createLane(page, 'flower', 'nest');
  makeRepo(join(`${main}-nest`, 'tool'));
  await page.setViewportSize({ width: 390, height: 844 });
  const nest = await openLanePanel(page, `${main}-nest`, 'nest');
  await nest.getByRole('button', { name: 'Remove lane nest' }).click();
  const confirmNest = page.getByRole('dialog', { name: 'Remove lane nest?' });
  await expect(confirmNest.getByRole('button', { name: 'Archive, then remove' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('remove-confirm-390.png') });
  await confirmNest.getByRole('button', { name: 'Archive, then remove' }).click();
  await expect(nest.getByTestId('lane-action-error')).toContainText('1 git repository nested in it');
  await expect(nest.getByRole('button', { name: 'Archive everything, then remove' })).toHaveCount(0);
  expect(existsSync(`${main}-nest`)).toBe(true);
});
