import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../fixtures/git-repo';
import { breakMain } from '../fixtures/probed-repo';
import { flowerForEachTest } from './health-fixture';

/**
 * MAIN breaking, as the operator in a browser hears and sees it: a Web Notification (the
 * browser's permission granted), the tab's red badge, the incident with the lane that broke
 * it and the uptime bar's red cell; then the fix: "works again", green, the incident closed.
 * The page records what it shows by wrapping window.Notification, still constructing the
 * real one.
 */
const flower = flowerForEachTest();
const { mergeLane } = flower;

/** What the page's init script keeps of each notification it constructs. */
type Recorder = { __shown: { title: string; body: string; notification: { onclick: ((e: unknown) => void) | null } }[] };
type NotificationClass = new (title: string, options?: { body?: string }) => object;

const shownNotifications = (page: Page): Promise<{ title: string; body: string }[]> =>
  page.evaluate(() => (globalThis as unknown as Recorder).__shown.map(({ title, body }) => ({ title, body })));

async function openRecordingPage(context: BrowserContext): Promise<Page> {
  await context.grantPermissions(['notifications'], { origin: flower.host.url });
  await context.addInitScript(() => {
    const g = globalThis as unknown as Recorder & { Notification: NotificationClass };
    const Real = g.Notification;
    const shown: Recorder['__shown'] = [];
    class Recording extends Real {
      constructor(title: string, options?: { body?: string }) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '', notification: this as unknown as Recorder['__shown'][number]['notification'] });
      }
    }
    g.__shown = shown;
    g.Notification = Recording;
  });
  const page = await context.newPage();
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  return page;
}

test('a bad merge: a notification, a red badge, the incident with its lane; the fix: recovered and green', async ({ context }) => {
  const page = await openRecordingPage(context);
  const favicon = page.locator('link#favicon');
  await expect(page.getByTestId('main-health')).toHaveText('healthy');
  await expect(favicon).toHaveAttribute('data-state', 'healthy');
  await expect(page).toHaveTitle('Grove');
  await expect(page.getByTestId('notify-prompt')).toHaveCount(0); // permission already granted: nothing to ask

  await mergeLane('design', breakMain);
  await expect.poll(() => shownNotifications(page)).toEqual([expect.objectContaining({ title: expect.stringMatching(/MAIN of flower is broken/) })]);
  await expect(favicon).toHaveAttribute('data-state', 'broken');
  await expect(page).toHaveTitle('● MAIN broken — Grove');
  const open = page.locator('[data-testid=incident][data-state=open]');
  await expect(open).toContainText('artisan failed');
  await expect(open.getByTestId('incident-probe')).toContainText('Cannot redeclare dispatch()');
  await expect(open.getByTestId('incident-commits')).toContainText('lane design (design)');
  await expect(page.getByTestId('uptime-bar').locator('[data-state=broken]').first()).toBeVisible();
  await expect(page.getByTestId('notification').first()).toHaveAttribute('data-kind', 'main.broken');

  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect.poll(() => shownNotifications(page).then((n) => n.map((x) => x.title))).toEqual([
    expect.stringMatching(/MAIN of flower is broken/),
    expect.stringMatching(/MAIN of flower works again/),
  ]);
  await expect(favicon).toHaveAttribute('data-state', 'healthy');
  await expect(page).toHaveTitle('Grove');
  await expect(open).toHaveCount(0);
  const closed = page.locator('[data-testid=incident][data-state=closed]');
  await expect(closed).toHaveCount(1);
  await expect(closed.getByTestId('incident-summary')).toContainText('artisan failed for');
  // The bar keeps the outage: its cell stays red after the recovery.
  await expect(page.getByTestId('uptime-bar').locator('[data-state=broken]').first()).toBeVisible();

  // Clicking the "broken" notification leads to its incident: opened and highlighted.
  await page.evaluate(() => (globalThis as unknown as Recorder).__shown[0]!.notification.onclick?.({}));
  await expect(page).toHaveURL(new RegExp(`#/repo/${flower.repoId}/incident/`));
  await expect(closed).toHaveAttribute('data-focused', 'true');
  await expect(closed.getByTestId('incident-recovery')).toBeVisible();
});

test('a reloaded page does not notify again of what happened before it; it notifies of what happens next', async ({ context }) => {
  const page = await openRecordingPage(context);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');
  await mergeLane('design', breakMain);
  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect.poll(() => shownNotifications(page).then((n) => n.length)).toBe(2);

  await page.reload();
  await expect(page.locator('[data-testid=incident][data-state=closed]')).toHaveCount(1);
  await mergeLane('again', (dir) => writeFileSync(join(dir, 'BROKEN'), 'again\n'));
  // Only the new break: the replayed history before it was listed, not shown.
  await expect.poll(() => shownNotifications(page).then((n) => n.map((x) => x.title))).toEqual([expect.stringMatching(/MAIN of flower is broken/)]);
  await expect(page.getByTestId('notification')).toHaveCount(3);
});

test('a route in the URL leads to the repository, and a notification is a link to its place', async ({ context }) => {
  const page = await openRecordingPage(context);
  await page.goto(`${flower.host.url}/#/repo/${flower.repoId}`);
  await expect(page.getByRole('region', { name: 'Lanes of flower' })).toHaveAttribute('data-focused', 'true');
  await mergeLane('design', (dir) => writeFileSync(join(dir, 'BROKEN'), 'x\n'));
  const row = page.getByTestId('notification').first();
  await expect(row).toHaveAttribute('data-kind', 'main.broken');
  await row.getByRole('link').click();
  await expect(page.locator('[data-testid=incident][data-state=open]')).toHaveAttribute('data-focused', 'true');
  await expect(page.getByRole('region', { name: 'Lanes of flower' })).not.toHaveAttribute('data-focused', 'true');
});

test('pausing makes notifications quiet: listed and marked, not shown; resuming brings them back', async ({ context }) => {
  const page = await openRecordingPage(context);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');
  await page.getByRole('button', { name: 'Pause until resumed' }).click();
  await expect(page.getByTestId('notifications-paused')).toHaveText('Paused until resumed');
  await mergeLane('design', (dir) => writeFileSync(join(dir, 'BROKEN'), 'x\n'));
  const row = page.getByTestId('notification').first();
  await expect(row).toHaveAttribute('data-quiet', 'paused');
  await expect(row).toContainText('quiet: paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause 1 h' })).toBeVisible();
  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  // The quiet "broken" never popped up; the "works again" after resuming did.
  await expect.poll(() => shownNotifications(page).then((n) => n.map((x) => x.title))).toEqual([expect.stringMatching(/MAIN of flower works again/)]);
});

test('the browser is asked for permission only from a visible prompt, with its reason; "Not now" is remembered', async ({ page }) => {
  await page.goto(`${flower.host.url}/auth?token=${flower.host.token}`);
  const prompt = page.getByTestId('notify-prompt');
  await expect(prompt).toContainText('notify you when MAIN breaks');
  expect(await page.evaluate(() => (globalThis as unknown as { Notification: { permission: string } }).Notification.permission)).toBe('default');
  await prompt.getByRole('button', { name: 'Not now' }).click();
  await expect(prompt).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('notifications')).toBeVisible();
  await expect(prompt).toHaveCount(0);
});
