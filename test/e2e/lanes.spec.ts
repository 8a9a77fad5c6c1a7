import { expect, test } from '@playwright/test';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
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
