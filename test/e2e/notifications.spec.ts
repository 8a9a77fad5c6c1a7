import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationSettings } from '../../src/shared/notifications';
import { git } from '../fixtures/git-repo';
import { api, loginUrl } from '../fixtures/host-process';
import { breakMain } from '../fixtures/probed-repo';
import { expectAccessible } from './axe';
import { setTheme, shoot } from './screenshots';
import { flowerForEachTest } from './health-fixture';
import { openPalette, runCommand } from './palette-steps';
import { escapeFrom } from './escape-steps';

/**
 * Notifications as the operator in a browser meets them in the cockpit: MAIN breaking pops
 * a Web Notification only while the operator is not looking at MAIN (the window in the
 * background, or another view on screen); the bell in the top bar counts the unread ones
 * and lists them, a click leads to the place and marks it read; the Notifications view in
 * the rail lists them all, unread or all, with the pause and the escalation's minutes.
 * The page records what it pops by wrapping window.Notification (still constructing the
 * real one), and says whether it is focused through document.hasFocus, which the test sets.
 */
const flower = flowerForEachTest();
const { mergeLane } = flower;

type Recorder = {
  __shown: { title: string; body: string; notification: { onclick: ((e: unknown) => void) | null } }[];
  __focused: boolean;
};
type NotificationClass = new (title: string, options?: { body?: string }) => object;

const popups = (page: Page): Promise<string[]> => page.evaluate(() => (globalThis as unknown as Recorder).__shown.map(({ title }) => title));
const setFocused = (page: Page, focused: boolean): Promise<void> => page.evaluate((f) => void ((globalThis as unknown as Recorder).__focused = f), focused);

async function openCockpit(context: BrowserContext): Promise<Page> {
  await context.grantPermissions(['notifications'], { origin: flower.host.url });
  await context.addInitScript(() => {
    const g = globalThis as unknown as Recorder & { Notification: NotificationClass; Document: { prototype: { hasFocus(): boolean } } };
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
    g.__focused = true;
    g.Document.prototype.hasFocus = () => g.__focused;
  });
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(flower.host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  return page;
}

const bell = (page: Page) => page.getByTestId('topbar').getByTestId('notification-bell');
const settingsOf = async (): Promise<NotificationSettings> =>
  ((await api(flower.host, 'notifications.list', {})).body.result as { settings: NotificationSettings }).settings;

test('MAIN on screen in a focused window: no popup, but the bell counts it; in the background: a popup', async ({ context }) => {
  const page = await openCockpit(context);
  await page.getByTestId('rail-main').first().click();
  await expect(bell(page)).toHaveAccessibleName('Notifications');

  await mergeLane('design', breakMain);
  await expect(bell(page)).toHaveAccessibleName('Notifications, 1 unread');
  await expect(bell(page)).toHaveText('1');
  expect(await popups(page)).toEqual([]);

  // The window in the background, MAIN still on screen: the recovery pops up.
  await setFocused(page, false);
  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect.poll(() => popups(page)).toEqual([expect.stringMatching(/MAIN of flower works again/)]);
  await expect(bell(page)).toHaveAccessibleName('Notifications, 2 unread');

  // From the keys: the palette lists each unread one; Enter goes where it points and marks it read.
  await setFocused(page, true);
  await page.getByTestId('rail-notifications').click();
  await runCommand(page, 'works again');
  await expect(page).toHaveURL(new RegExp(`#/repo/${flower.repoId}`));
  await expect(page.getByTestId('main-view')).toBeVisible();
  await expect(bell(page)).toHaveAccessibleName('Notifications, 1 unread');
});

test('another view on screen: MAIN breaking pops up; the bell lists it, a click leads to it and marks it read', async ({ context }) => {
  const page = await openCockpit(context);
  await page.getByTestId('rail-notifications').click();
  await mergeLane('design', breakMain);
  await expect.poll(() => popups(page)).toEqual([expect.stringMatching(/MAIN of flower is broken/)]);
  await expect(page.locator('link#favicon')).toHaveAttribute('data-state', 'broken');

  await bell(page).click();
  const popover = page.getByTestId('notification-popover');
  const row = popover.getByTestId('notification').first();
  await expect(row).toHaveAttribute('data-kind', 'main.broken');
  await expect(row).toHaveAttribute('data-unread', 'true');
  await expect(popover).toContainText('1 unread');
  await shoot(page, 'notifications-bell');
  await expectAccessible(page, 'the bell, open');
  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`#/repo/${flower.repoId}/incident/`));
  await expect(popover).toHaveCount(0);
  await expect(bell(page)).toHaveAccessibleName('Notifications');
  // Read for every client: the host keeps it.
  await page.reload();
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await bell(page).click();
  await expect(page.getByTestId('notification-popover').getByTestId('notification').first()).toHaveAttribute('data-unread', 'false');
});

test('a reloaded page does not pop up again what happened before it; it pops up what happens next', async ({ context }) => {
  const page = await openCockpit(context);
  await page.getByTestId('rail-notifications').click();
  await mergeLane('design', breakMain);
  // MAIN is seen broken before the fix lands (else the probes may never see it broken).
  await expect.poll(() => popups(page).then((n) => n.length)).toBe(1);
  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect.poll(() => popups(page).then((n) => n.length)).toBe(2);

  await page.reload();
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await page.getByTestId('rail-notifications').click();
  await mergeLane('again', (dir) => writeFileSync(join(dir, 'BROKEN'), 'again\n'));
  await expect.poll(() => popups(page)).toEqual([expect.stringMatching(/MAIN of flower is broken/)]);
  await expect(page.getByTestId('notifications-view').getByTestId('notification')).toHaveCount(3);
});

test('the Notifications view: unread or all, mark all read, pause and resume, the escalation minutes', async ({ context }) => {
  const page = await openCockpit(context);
  await page.getByTestId('rail-notifications').click();
  const view = page.getByTestId('notifications-view');
  const rows = view.getByTestId('notification');
  await view.getByRole('button', { name: 'Pause until resumed' }).click();
  await expect(view.getByTestId('notifications-paused')).toHaveText('Paused until resumed');
  await expect(bell(page)).toHaveAccessibleName('Notifications, paused');
  await mergeLane('design', (dir) => writeFileSync(join(dir, 'BROKEN'), 'x\n'));
  await expect(rows.first()).toHaveAttribute('data-quiet', 'paused');
  await expect(rows.first()).toContainText('quiet: paused');
  await view.getByRole('button', { name: 'Resume' }).click();
  await expect(view.getByRole('button', { name: 'Pause 1 h' })).toBeVisible();
  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  // The quiet "broken" never popped up; the "works again" after resuming did.
  await expect.poll(() => popups(page)).toEqual([expect.stringMatching(/MAIN of flower works again/)]);
  await expect(page.getByTestId('rail-notifications')).toContainText('2');

  // Unread only, then one read from its row: it leaves the unread list.
  await view.getByRole('button', { name: 'Unread (2)' }).click();
  await expect(rows).toHaveCount(2);
  await rows.first().getByRole('button', { name: /^Mark read: / }).click();
  await expect(rows).toHaveCount(1);
  await expect(view.getByRole('button', { name: 'Unread (1)' })).toHaveAttribute('aria-pressed', 'true');
  // The other from the palette, found by "mark read", read where it is (the view stays).
  const rowButton = (await rows.first().getByRole('button', { name: /^Mark read: / }).getAttribute('aria-label'))!;
  await openPalette(page);
  await page.keyboard.type('mark read');
  await expect(page.getByTestId('command-palette').getByRole('option', { name: /^Mark read: / })).toHaveText([rowButton]);
  await page.keyboard.press('Enter');
  await expect(view).toContainText('Nothing unread.');
  await expect(view.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
  await view.getByRole('button', { name: 'All', exact: true }).click();
  await expect(rows).toHaveCount(2);
  await expect(bell(page)).toHaveAccessibleName('Notifications');

  // The escalation: 10 minutes until changed; 0 turns it off, for the host.
  const minutes = view.getByTestId('escalation-minutes');
  await expect(minutes).toHaveValue('10');
  // The palette's command gives the field the keys.
  await runCommand(page, 'Set when a waiting agent is told again');
  await expect(minutes).toBeFocused();
  await expect(view.getByTestId('escalation-summary')).toHaveText('On: once per wait, after 10 minutes.');
  await minutes.fill('0');
  await view.getByRole('button', { name: 'Save' }).click();
  await expect(view.getByTestId('escalation-summary')).toHaveText('Off: an agent waiting is told once.');
  expect((await settingsOf()).escalateAfterMinutes).toBe(0);
  await minutes.fill('-3');
  await expect(view.getByRole('button', { name: 'Save' })).toBeDisabled();
  await minutes.fill('25');
  await minutes.press('Enter');
  await expect(view.getByTestId('escalation-summary')).toHaveText('On: once per wait, after 25 minutes.');
  expect((await settingsOf()).escalateAfterMinutes).toBe(25);
  await shoot(page, 'notifications-view');
  await expectAccessible(page, 'Notifications, dark');
  await setTheme(page, 'light');
  await expectAccessible(page, 'Notifications, light');
  await setTheme(page, null);
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'notifications-view');
  await bell(page).click();
  await shoot(page, 'notifications-bell');
});

test('the browser is asked for permission only from a visible prompt, with its reason, or from the palette; "Not now" is remembered', async ({ page }) => {
  await page.goto(await loginUrl(flower.host));
  await page.getByTestId('rail-notifications').click();
  const prompt = page.getByTestId('notify-prompt');
  await expect(prompt).toContainText('notify you when MAIN breaks');
  expect(await page.evaluate(() => (globalThis as unknown as { Notification: { permission: string } }).Notification.permission)).toBe('default');
  await prompt.getByRole('button', { name: 'Not now' }).click();
  await expect(prompt).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('notifications-view')).toBeVisible();
  await expect(prompt).toHaveCount(0);
  // Dismissed here, the palette can still ask. The browser shows its question only in answer
  // to a user's gesture: the ask must come while the Enter that ran the command still counts
  // as one (headless Chromium then answers "default" by itself, as a dismissed question).
  await page.evaluate(() => {
    const g = globalThis as unknown as { Notification: { requestPermission(): Promise<string> }; navigator: { userActivation: { isActive: boolean } }; asked?: boolean[] };
    const ask = g.Notification.requestPermission.bind(g.Notification);
    g.asked = [];
    g.Notification.requestPermission = () => {
      g.asked!.push(g.navigator.userActivation.isActive);
      return ask();
    };
  });
  await runCommand(page, 'Let this browser notify you');
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { asked: boolean[] }).asked)).toEqual([true]);
});

test('the bell is its popover’s toggle: a click opens and a second closes, Enter opens, Escape closes and gives the bell the focus back, a click elsewhere closes', async ({ page }) => {
  await page.goto(await loginUrl(flower.host));
  const button = bell(page);
  const popover = page.getByTestId('notification-popover');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  // The popover's code is loaded on first use, not with the page.
  await button.click();
  await expect(popover).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(button).toHaveAttribute('aria-controls', (await popover.getAttribute('id'))!);
  await button.click();
  await expect(popover).toHaveCount(0);
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(popover).toBeVisible();
  await escapeFrom(page, popover);
  await expect(popover).toHaveCount(0);
  await expect(button).toBeFocused();
  await button.click();
  await expect(popover).toBeVisible();
  await page.getByTestId('rail').click({ position: { x: 20, y: 300 } });
  await expect(popover).toHaveCount(0);
});

test('a notifications command from the palette that fails says so above the centre (the bell, closed, cannot)', async ({ context }) => {
  const page = await openCockpit(context);
  // The palette's code loaded while the host still serves it.
  await openPalette(page);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await flower.host.kill9();
  await expect(page.getByTestId('cockpit')).not.toHaveAttribute('data-connection', 'open');
  await runCommand(page, 'Pause notifications for 1 hour');
  const notice = page.getByTestId('cockpit-notice');
  await expect(notice).toContainText('Notifications: ');
  await expect(notice).toContainText(/not connected/i);
  await shoot(page, 'cockpit-notice');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});
