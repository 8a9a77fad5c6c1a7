import { expect, test, type Locator, type Page } from '@playwright/test';
import { hostForEachTest } from './host-per-test';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Lane } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, loginUrl } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { shoot } from './screenshots';

/**
 * A file path printed by an agent, Ctrl+clicked in its terminal: a file the lane changed
 * opens its diff in the lane panel, even when the path is wrapped over two rows; an
 * unchanged file gets a notice by the terminal; a path that is not in the lane says so and
 * stops being a link.
 */
const host = hostForEachTest();

/** Long enough to wrap in any terminal the cockpit lays out (the widest is under 200 columns). */
const CHANGED = `src/${'components-for-the-flower-shop/'.repeat(5)}edited-widget.tsx`;
const KEPT = 'src/kept.ts';
const MISSING = 'src/missing.ts';

/** A repository whose lane has an uncommitted edit, and an agent there that printed what a compiler would. */
async function laneWithPrinter(): Promise<Lane> {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  for (const file of [CHANGED, KEPT]) {
    mkdirSync(dirname(join(main, file)), { recursive: true });
    writeFileSync(join(main, file), 'export const version = 1;\n');
  }
  git(main, 'add', '.');
  git(main, 'commit', '-q', '-m', 'sources');
  const repoId = await addTrustedRepo(host, main);
  const created = await api(host, 'lanes.create', { repoId, name: 'links' });
  expect(created.body.ok, JSON.stringify(created.body)).toBe(true);
  const lane = (created.body.result as { lane: Lane }).lane;
  writeFileSync(join(lane.path, CHANGED), 'export const version = 2;\n');
  const script = [`printf 'error TS2322 in %s:1:14 type mismatch\\n' '${CHANGED}'`, `echo 'checked ${KEPT}:1 and ${MISSING}:3, all fine.'`, 'exec sleep 600'].join('; ');
  const r = await api(host, 'agents.start', { lanePath: lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', script], name: 'tsc' });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return lane;
}

/** The rows xterm drew (the DOM renderer: WebGL is off in these tests). */
const rowWith = (terminal: Locator, text: string): Locator => terminal.locator('.xterm-rows > div').filter({ hasText: text }).first();

/** As a person does: point at the text until xterm shows it is a link, then Ctrl+click. */
async function ctrlClick(page: Page, terminal: Locator, at: { x: number; y: number }): Promise<void> {
  await expect(async () => {
    await page.mouse.move(at.x + 1, at.y);
    await page.mouse.move(at.x, at.y);
    await expect(terminal.locator('.xterm-cursor-pointer')).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await page.keyboard.down('Control');
  await page.mouse.click(at.x, at.y);
  await page.keyboard.up('Control');
}

/** The few DOM types the page-side helper needs (the test project has no DOM lib). */
type Rect = { x: number; y: number; width: number; height: number };
type TextNode = { textContent: string | null };
type DomRow = {
  textContent: string | null;
  ownerDocument: {
    createTreeWalker(root: unknown, show: number): { nextNode(): TextNode | null };
    createRange(): { setStart(n: TextNode, o: number): void; setEnd(n: TextNode, o: number): void; getBoundingClientRect(): Rect };
  };
};

/** The middle of the character `offset` characters into `text`, where xterm drew it. */
async function pointAt(terminal: Locator, text: string, offset: number): Promise<{ x: number; y: number }> {
  return rowWith(terminal, text).evaluate(
    (element, { text, offset }) => {
      const row = element as unknown as DomRow;
      let at = row.textContent!.indexOf(text) + offset;
      const walker = row.ownerDocument.createTreeWalker(row, 4 /* text nodes */);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent!.length;
        if (at < length) {
          const range = row.ownerDocument.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
        at -= length;
      }
      throw new Error(`${text} is not drawn in this row`);
    },
    { text, offset },
  );
}

test('a changed file\'s path wrapped over two rows opens its diff in the lane panel; an unchanged one gets a notice', async ({ page }) => {
  // The app's preload, as the page sees it: "Open" goes to the shell, which is recorded here.
  await page.addInitScript(() => {
    const opened: string[][] = [];
    Object.assign(globalThis, {
      openedPaths: opened,
      grove: {
        connectionInfo: () => Promise.resolve({ hostUrl: (globalThis as unknown as { location: { origin: string } }).location.origin, appVersion: 'test' }),
        pathForFile: () => '',
        onNavigate: () => () => undefined,
        openExternal: () => Promise.resolve({ opened: false, reason: 'not in this test' }),
        reportVisibleWorkspace: () => undefined,
        openPath: (lane: string, rel: string) => (opened.push(['open', lane, rel]), Promise.resolve({ opened: true, reason: null })),
        revealPath: (lane: string, rel: string) => (opened.push(['reveal', lane, rel]), Promise.resolve({ opened: true, reason: null })),
      },
    });
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  const lane = await laneWithPrinter();
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lane.path}"]`).click();
  const terminal = page.getByTestId('terminal-tsc');
  await expect(terminal).toContainText('all fine.');

  // The panel starts closed: the click opens it.
  const toggle = page.getByRole('button', { name: 'Lane panel' });
  if ((await toggle.getAttribute('aria-pressed')) === 'true') await toggle.click();
  await expect(page.getByTestId('right-panel')).toHaveCount(0);

  // The path starts on the first row and ends on the next: click its second half.
  await expect(rowWith(terminal, 'error TS2322 in src/')).toBeVisible();
  await expect(rowWith(terminal, 'edited-widget.tsx:1:14')).toBeVisible();
  expect(await rowWith(terminal, 'error TS2322 in src/').textContent()).not.toContain('edited-widget.tsx');
  await ctrlClick(page, terminal, await pointAt(terminal, 'edited-widget.tsx', 3));

  const panel = page.getByTestId('right-panel');
  const patch = panel.getByRole('region', { name: `Patch of ${CHANGED}` });
  await expect(patch).toHaveAttribute('data-focused', 'true');
  await expect(patch).toBeInViewport();
  await expect(patch).toContainText('export const version = 2;');
  await shoot(page, 'file-link-diff');

  // An unchanged file: named by the terminal, with Copy path and (in the app) Open.
  await ctrlClick(page, terminal, await pointAt(terminal, KEPT, 2));
  const notice = page.getByTestId('file-link-notice');
  await expect(notice).toHaveText(/src\/kept\.ts — not changed in this lane/);
  await expect(notice.getByRole('button', { name: 'Copy path' })).toBeVisible();
  await shoot(page, 'file-link-notice');
  await expectAccessible(page, 'file link notice');
  await notice.getByRole('button', { name: 'Open' }).click();
  await notice.getByRole('button', { name: 'Show in folder' }).click();
  expect(await page.evaluate(() => (globalThis as unknown as { openedPaths: string[][] }).openedPaths)).toEqual([
    ['open', lane.path, KEPT],
    ['reveal', lane.path, KEPT],
  ]);

  // A file that is not there: said once, then it is no link any more.
  const missingAt = await pointAt(terminal, MISSING, 2);
  await ctrlClick(page, terminal, missingAt);
  await expect(notice).toHaveText(/src\/missing\.ts — no such file in this lane/);
  await expect(notice.getByRole('button', { name: 'Open' })).toHaveCount(0);
  const elsewhere = await pointAt(terminal, 'error TS2322', 0);
  const pointerOver = async (at: { x: number; y: number }): Promise<number> => {
    await page.mouse.move(elsewhere.x, elsewhere.y); // another line: xterm keeps a line's links while the pointer stays on it
    await page.mouse.move(at.x, at.y);
    await page.waitForTimeout(500); // time for xterm to ask for links under the pointer
    return terminal.locator('.xterm-cursor-pointer').count();
  };
  expect(await pointerOver(await pointAt(terminal, KEPT, 2))).toBe(1); // the same way, the file still there is a link
  expect(await pointerOver(missingAt)).toBe(0);
  await notice.getByRole('button', { name: 'Close' }).click();
  await expect(notice).toHaveCount(0);
});

test('on a phone, the changed file\'s diff opens in the lane sheet; a plain click opens nothing', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const lane = await laneWithPrinter();
  await page.goto(await loginUrl(host));
  await page.getByRole('button', { name: 'Open the rail' }).click();
  await page.locator(`[data-testid="rail-lane"][data-path="${lane.path}"]`).click();
  const terminal = page.getByTestId('terminal-tsc');
  await expect(terminal).toContainText('all fine.');
  // 'edited-widget', not the whole name: at this width the row may end before '.tsx'.
  const at = await pointAt(terminal, 'edited-widget', 3);
  await page.mouse.click(at.x, at.y);
  await page.waitForTimeout(300);
  await expect(page.getByRole('dialog', { name: 'Lane links' })).toHaveCount(0);
  await ctrlClick(page, terminal, at);
  const sheet = page.getByRole('dialog', { name: 'Lane links' });
  const patch = sheet.getByRole('region', { name: `Patch of ${CHANGED}` });
  await expect(patch).toHaveAttribute('data-focused', 'true');
  await expect(patch).toBeInViewport();
  await shoot(page, 'file-link-diff');

  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
  await ctrlClick(page, terminal, await pointAt(terminal, KEPT, 2));
  await expect(page.getByTestId('file-link-notice')).toHaveText(/src\/kept\.ts — not changed in this lane/);
  await shoot(page, 'file-link-notice');
});
