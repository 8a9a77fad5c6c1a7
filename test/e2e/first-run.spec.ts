import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { commitIn } from '../fixtures/lane-repo';
import { api, startHostProcess, stopAllHosts, type HostProcess, loginUrl } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The first run in a real Chromium against a real host with no repositories: the page is
 * "Add a repository" and nothing else; the path field completes directories (never files)
 * from the host; a wrong path is explained once; the new repository's Trust step follows.
 */
let host: HostProcess;
const SHOTS = join(new URL('../..', import.meta.url).pathname, '.test-reports', 'screenshots');

test.beforeEach(async () => {
  host = await startHostProcess();
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** Sites/ with flower (a checkout with one command to trust), flowchart (a plain folder) and a file named like them. */
function sites(): { root: string; flower: string } {
  const root = join(realpathSync(makeTempDir()), 'Sites');
  const flower = makeRepo(join(root, 'flower'));
  commitIn(flower, 'grove.yaml', 'merge:\n  gate: npm test\n', 'gate');
  mkdirSync(join(root, 'flowchart'));
  writeFileSync(join(root, 'flow-notes.txt'), 'a file whose name matches');
  return { root, flower };
}

async function openFresh(page: Page): Promise<void> {
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('first-run')).toBeVisible();
}

/** The page's <html>, typed without the DOM library (these tests compile for Node). */
type PageGlobals = { document: { documentElement: { setAttribute(name: string, value: string): void; scrollWidth: number } } };

async function repos(): Promise<{ name: string; trusted: boolean }[]> {
  const r = await api(host, 'repos.list');
  return (r.body.result as { repos: { name: string; trusted: boolean }[] }).repos;
}

test('with no repository, "Add a repository" is the whole page', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openFresh(page);
  const screen = page.getByTestId('first-run');
  await expect(screen.getByRole('heading', { level: 1 })).toHaveText('Add a repository');
  await expect(screen).toContainText('What is MAIN?');
  await expect(screen).toContainText('grove repo add PATH');
  // Below the top bar, the whole rest of the page.
  const box = (await screen.boundingBox())!;
  const bar = (await page.getByTestId('topbar').boundingBox())!;
  expect(box).toEqual({ x: 0, y: bar.height, width: 1440, height: 900 - bar.height });
  // Nothing else of the cockpit, and no native picker in a browser.
  await expect(page.getByTestId('rail')).toHaveCount(0);
  await expect(page.getByTestId('repos')).toHaveCount(0);
  await expect(page.getByTestId('choose-folder')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'MAIN checkout path' })).toBeFocused();
});

test('completes directories only, chosen with the keyboard; adds; explains a wrong path once; trusts', async ({ page }) => {
  const { root, flower } = sites();
  await page.emulateMedia({ colorScheme: 'dark' });
  await openFresh(page);
  const field = page.getByRole('combobox', { name: 'MAIN checkout path' });
  const options = page.getByRole('listbox', { name: 'Matching directories' }).getByRole('option');

  // A wrong path: the host's reason, once, next to the field.
  await field.fill(join(root, 'nowhere'));
  await page.getByRole('button', { name: 'Add repository' }).click();
  await expect(page.getByTestId('repo-add-error')).toContainText(`${join(root, 'nowhere')} does not exist`);
  await expect(page.getByText('does not exist')).toHaveCount(1);

  // Typing a partial path lists the matching directories, not the file named like them.
  await field.fill('');
  await field.pressSequentially(join(root, 'flo'));
  await expect(page.getByTestId('repo-add-error')).toHaveCount(0);
  await expect(options).toHaveText(['flowchart/', 'flower/ git checkout']);
  await expect(page.getByText('flow-notes')).toHaveCount(0);
  await expect(field).toHaveAttribute('aria-expanded', 'true');

  // Escape closes the list; an arrow opens it again.
  await field.press('Escape');
  await expect(options).toHaveCount(0);
  await expect(field).toHaveAttribute('aria-expanded', 'false');
  await field.press('ArrowDown');
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await field.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(field).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
  await page.screenshot({ path: join(SHOTS, 'first-run-completion-1440-dark.png') });
  await field.press('Enter');
  await expect(field).toHaveValue(flower + '/');
  expect(await repos()).toEqual([]);

  // Enter with nothing highlighted adds the path.
  await field.press('Enter');
  const step = page.getByTestId('trust-step');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Added flower');
  await expect(step).toContainText('Trust flower?');
  await expect(step.getByTestId('trust-command')).toHaveText(['merge.gate run in MAIN after a mergenpm test']);
  expect(await repos()).toEqual([expect.objectContaining({ name: 'flower', trusted: false })]);
  await page.screenshot({ path: join(SHOTS, 'first-run-trust-1440-dark.png') });

  await step.getByRole('button', { name: 'Trust these commands' }).click();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  await expect(page.getByTestId('rail-repo')).toHaveText(/flower/);
  expect(await repos()).toEqual([expect.objectContaining({ name: 'flower', trusted: true })]);
});

test('Tab completes the highlighted (or first) directory and its children are offered next', async ({ page }) => {
  const { root } = sites();
  mkdirSync(join(root, 'flowchart', 'src'));
  await openFresh(page);
  const field = page.getByRole('combobox', { name: 'MAIN checkout path' });
  await field.pressSequentially(join(root, 'flowc'));
  await expect(page.getByRole('option')).toHaveText(['flowchart/']);
  await field.press('Tab');
  await expect(field).toHaveValue(join(root, 'flowchart') + '/');
  await expect(field).toBeFocused();
  await expect(page.getByRole('option')).toHaveText(['src/']);
  // A path that already names the one directory offered shows no list over the buttons.
  await field.fill(join(root, 'flowchart', 'src'));
  await expect(page.getByTestId('path-hint')).toBeVisible();
  await page.waitForTimeout(500);
  await expect(page.getByRole('option')).toHaveCount(0);
  await expect(field).toHaveAttribute('aria-expanded', 'false');
});

test('"Not now" leaves the repository untrusted and opens the cockpit', async ({ page }) => {
  const { flower } = sites();
  await openFresh(page);
  await page.getByRole('combobox', { name: 'MAIN checkout path' }).fill(flower);
  await page.getByRole('button', { name: 'Add repository' }).click();
  await page.getByTestId('trust-skip').click();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  await expect(page.getByTestId('rail-main')).toContainText('flower');
  await expect(page.getByTestId('rail-main')).toContainText('untrusted');
  expect(await repos()).toEqual([expect.objectContaining({ name: 'flower', trusted: false })]);
  // A reload does not bring the first run back: there is a repository now.
  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await expect(page.getByTestId('first-run')).toHaveCount(0);
});

for (const width of [1440, 390]) {
  for (const theme of ['dark', 'light'] as const) {
    test(`at ${width} px, ${theme}: the first run fits, and axe finds nothing serious`, async ({ page }) => {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await openFresh(page);
      // As the settings' choice does: data-theme on <html> overrides the OS.
      await page.evaluate((t) => (globalThis as unknown as PageGlobals).document.documentElement.setAttribute('data-theme', t), theme);
      // Nothing wider than the page (no sideways scrolling at 390 px).
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(SHOTS, `first-run-${width}-${theme}.png`), fullPage: true });
      const axe = await new AxeBuilder({ page }).include('[data-testid="first-run"]').analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    });
  }
}

test('in the app\'s window, "Choose folder…" adds the folder the system\'s picker answers; a cancelled picker adds nothing', async ({ page }) => {
  const { flower } = sites();
  // The preload's bridge as the app's window has it, with the picker answering what the test says.
  await page.addInitScript((picked) => {
    const answers: (string | null)[] = [null, picked];
    (globalThis as unknown as { grove: object }).grove = {
      connectionInfo: async () => ({ hostUrl: '', appVersion: '0.0.0' }),
      pathForFile: () => '',
      onNavigate: () => () => undefined,
      openExternal: async () => ({ opened: false, reason: 'test' }),
      reportVisibleWorkspace: () => undefined,
      pickDirectory: async () => answers.shift() ?? null,
    };
  }, flower);
  await page.setViewportSize({ width: 390, height: 844 });
  await openFresh(page);
  const choose = page.getByRole('button', { name: 'Choose folder…' });
  await page.screenshot({ path: join(SHOTS, 'first-run-app-390.png') });
  await choose.click();
  await expect(page.getByRole('combobox', { name: 'MAIN checkout path' })).toHaveValue('');
  expect(await repos()).toEqual([]);
  await choose.click();
  await expect(page.getByTestId('trust-step')).toContainText('Trust flower?');
  expect(await repos()).toEqual([expect.objectContaining({ name: 'flower', trusted: false })]);
});
