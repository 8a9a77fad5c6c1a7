import { expect, test } from '@playwright/test';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { commitIn } from '../fixtures/lane-repo';
import { addTrustedRepo, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

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
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await page.getByLabel('New lane in flower').fill('design');
  await page.getByRole('button', { name: 'Create lane' }).click();
  await expect(page.getByTestId('lane-row')).toContainText('design');
  expect(existsSync(`${main}-design`)).toBe(true);

  writeFileSync(join(`${main}-design`, 'tokens.css'), ':root { --bloom: #c8a; }\n');
  await page.getByRole('button', { name: 'Remove lane design' }).click();
  await expect(page.getByTestId('lane-refused')).toContainText('tokens.css');
  expect(existsSync(`${main}-design`)).toBe(true);

  await page.getByRole('button', { name: 'Archive everything, then remove' }).click();
  await expect(page.getByTestId('lane-row')).toHaveCount(0);
  expect(existsSync(`${main}-design`)).toBe(false);
  const archives = git(main, 'for-each-ref', '--format=%(refname)', 'refs/grove/archive/design/');
  expect(git(main, 'show', `${archives.split('\n')[0]}:tokens.css`)).toContain('--bloom');
});

test('a bad lane name is explained', async ({ page }) => {
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await page.getByLabel('New lane in flower').fill('../escape');
  await page.getByRole('button', { name: 'Create lane' }).click();
  await expect(page.getByTestId('lane-error')).toContainText('not allowed');
});

test('an open diff shows a commit made in the lane outside Grove, without a reload', async ({ page }) => {
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await page.getByLabel('New lane in flower').fill('design');
  await page.getByRole('button', { name: 'Create lane' }).click();
  const lane = page.getByRole('listitem', { name: 'Lane design' });
  await expect(lane).toBeVisible();
  const path = `${main}-design`;
  commitIn(path, 'petals.css', '.petal { color: pink; }\n', 'Pink petals');
  await lane.getByRole('button', { name: 'Diff' }).click();
  const diff = lane.getByTestId('lane-diff');
  await expect(diff.getByTestId('diff-summary')).toContainText('1 commit ahead of main, 0 behind');
  await expect(diff.getByTestId('diff-files')).toContainText('petals.css');

  // As an agent (or the operator) would in the lane's terminal: a second commit.
  commitIn(path, 'stem.css', '.stem { color: green; }\n', 'Green stems');
  await expect(diff.getByTestId('diff-summary')).toContainText('2 commits ahead of main, 0 behind');
  await expect(diff.getByTestId('diff-files')).toContainText('stem.css');
  await expect(diff.getByRole('list', { name: 'Commits ahead of MAIN' })).toContainText('Green stems');
  await expect(diff.getByTestId('patch-unified')).toContainText('.stem { color: green; }');
  await page.screenshot({ path: test.info().outputPath('diff-after-outside-commit.png'), fullPage: true });
});
