import { expect, test, type Page } from '@playwright/test';
import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncStatus } from '../../src/shared/sync';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, loginUrl } from '../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../fixtures/mariadb';
import { whereSecretsCouldLeak } from '../fixtures/sync-hosts';
import { makeTempDir } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { hostForEachTest } from './host-per-test';
import { setTheme, shoot } from './screenshots';
import { runCommand } from './palette-steps';

/**
 * The settings' Sync section, the whole setup done in the app: a real host (no
 * GROVE_SYNC_PASSWORD: the password is given in the page) against a throwaway MariaDB, in a
 * real Chromium. A URL the host would refuse is named in place before anything is sent; the
 * URL alone is refused for want of a password, with the command that would write it; the
 * password typed in the page makes it Synced (the chip too) without a restart; a new store
 * asks first; turning off asks first and says the local briefs stay.
 */
test.skip(!hasMariaDb(), 'mariadb-server is not installed here (apt-get install mariadb-server): skipped');
test.afterAll(stopAllMariaDbs);

let db: MariaDb;
const host = hostForEachTest(async () => {
  db = await startMariaDb();
  return startHostProcess({ env: { GROVE_SYNC_TIMEOUT_MS: '1500' } });
});

const status = async (): Promise<SyncStatus> => (await api(host, 'sync.status', {})).body.result as SyncStatus;

async function openCockpit(page: Page, width: number): Promise<void> {
  await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'flower')));
  await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
}

/** axe in both themes: the contrast of the state's tones, the errors and the hints in each. */
async function expectAccessibleInBothThemes(page: Page, screen: string): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    await expectAccessible(page, `${screen}, ${theme}`);
  }
  await setTheme(page, null);
}

/** The settings scroll inside the centre: `part`'s top at the top of it, the top bar in place. */
async function shootPart(page: Page, part: string, name: string): Promise<void> {
  await page.getByTestId(part).evaluate((el) => (el as unknown as { scrollIntoView(o: { block: string }): void }).scrollIntoView({ block: 'start' }));
  expect(await page.evaluate(() => (globalThis as unknown as { document: { scrollingElement: { scrollTop: number } } }).document.scrollingElement.scrollTop)).toBe(0);
  await shoot(page, name);
}

/** Nothing wider than the window: the page does not scroll sideways, nor does the section. */
async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
  const widths = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number }; querySelector(s: string): { scrollWidth: number; clientWidth: number } | null } }).document;
    const section = doc.querySelector('[data-testid="sync-settings"]')!;
    const view = doc.querySelector('[data-testid="settings-view"]')!;
    return { page: doc.documentElement.scrollWidth, section: section.scrollWidth - section.clientWidth, view: view.scrollWidth - view.clientWidth };
  });
  expect(widths.page).toBeLessThanOrEqual(width);
  expect(widths.section).toBeLessThanOrEqual(0);
  expect(widths.view).toBeLessThanOrEqual(0);
}

test('set up in the app: a bad URL named in place; the URL alone refused for want of a password; the password makes it Synced; a new store and turning off ask first', async ({ page }) => {
  await openCockpit(page, 1440);
  // The palette's "Sync settings" opens the section, the keyboard's place on its heading.
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command' }).fill('Sync settings');
  await page.keyboard.press('Enter');
  const section = page.getByTestId('sync-settings');
  await expect(section.getByRole('heading', { name: 'Sync', level: 3 })).toBeFocused();
  await expect(page).toHaveURL(/#\/settings\/sync$/);
  await expect(section.getByTestId('sync-settings-state')).toHaveAttribute('data-state', 'off');
  await expect(section.getByTestId('sync-settings-state')).toContainText('Sync is off');
  // No password anywhere yet: the exact command for this host's data dir.
  const file = join(host.home, 'sync-password');
  await expect(section.getByTestId('sync-password-help')).toContainText(`(umask 077; IFS= read -rs p && printf '%s\\n' "$p" > ${file} && chmod 600 ${file})`);
  await expectAccessible(page, 'sync settings, off');

  // A URL the host would refuse is named in place; nothing is sent.
  const form = section.getByTestId('sync-form');
  const url = form.getByRole('textbox', { name: 'URL' });
  const turnOn = form.getByRole('button', { name: 'Turn sync on' });
  await url.fill(`mysql://grove:hunter2-in-the-url@127.0.0.1:3306/grove`);
  await turnOn.click();
  await expect(form.getByTestId('sync-url-error')).toHaveText(/^The URL holds a password/);
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(url).toBeFocused();
  // Focusing the field scrolls the settings, never the cockpit (its top bar stays in place).
  expect(await page.evaluate(() => (globalThis as unknown as { document: { scrollingElement: { scrollTop: number } } }).document.scrollingElement.scrollTop)).toBe(0);
  expect(await page.content()).not.toContain('hunter2-in-the-url"');
  await url.fill('postgres://grove@127.0.0.1/grove');
  await expect(form.getByTestId('sync-url-error')).toHaveCount(0);
  await turnOn.click();
  await expect(form.getByTestId('sync-url-error')).toHaveText('Sync speaks to MySQL 8.0+ or MariaDB 10.11+ only: give a mysql:// URL, not postgres://.');
  await expectAccessibleInBothThemes(page, 'sync settings, a URL refused in place');
  await shootPart(page, 'sync-form', 'sync-settings-bad-url');
  expect((await status()).state).toBe('off');

  // The URL alone: on, but refused for want of a password; the chip says so too.
  await url.fill(db.url);
  await form.getByRole('radio', { name: /^Off/ }).check();
  await turnOn.click();
  const state = section.getByTestId('sync-settings-state');
  await expect(state).toHaveAttribute('data-state', 'refused');
  // Said once, with what to do: not again as the last error, which only repeats it.
  await expect(state).toContainText('Grove has no usable password for the shared store, so it has not connected: give it below.');
  await expect(section.getByTestId('sync-last-error')).toHaveCount(0);
  await expect(section.getByTestId('sync-url')).toHaveText(db.url);
  await expect(section.getByTestId('sync-password-help')).toBeVisible();
  const chip = page.getByTestId('topbar').getByTestId('sync-indicator');
  await expect(chip).toHaveAttribute('data-state', 'refused');
  await expectAccessibleInBothThemes(page, 'sync settings, refused');
  await shootPart(page, 'sync-settings', 'sync-settings-refused');

  // The password typed here: written 0600 by the host, the field emptied, Synced without a `sync now`.
  const password = form.getByLabel('Password');
  await expect(password).toHaveAttribute('type', 'password');
  await password.fill(db.password);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByTestId('sync-form-done')).toHaveText('Password saved (readable by you only); Grove tries it now.');
  await expect(password).toHaveValue('');
  await expect(state).toHaveAttribute('data-state', 'idle', { timeout: 10_000 });
  await expect(chip).toHaveAttribute('data-state', 'idle');
  await expect(chip).toHaveText('Synced');
  await expect(section.getByTestId('sync-password-from')).toHaveText(`${file}, readable by you only`);
  await expect(section.getByTestId('sync-password-help')).toHaveCount(0);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(await page.content()).not.toContain(db.password);
  expect(await whereSecretsCouldLeak(host)).not.toContain(db.password);
  await expectAccessibleInBothThemes(page, 'sync settings, synced');
  await shootPart(page, 'sync-settings', 'sync-settings-synced');

  // Sync now: a round, answered without an error.
  await section.getByRole('button', { name: 'Sync now' }).click();
  await expect(section.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await expect(section.getByRole('alert')).toHaveCount(0);

  // Another store: the whole history would go there, so it asks; Cancel changes nothing.
  await url.fill(db.url.replace(/\/grove$/, '/grove_other'));
  await form.getByRole('button', { name: 'Save' }).click();
  const ask = page.getByRole('dialog', { name: 'Sync with another store?' });
  await expect(ask).toContainText('push its whole history there');
  await expectAccessible(page, 'sync settings, another store asked');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toHaveCount(0);
  expect((await status()).url).toBe(db.url);

  // Off, once confirmed; the dialog says the local briefs stay. The chip goes with it.
  await section.getByRole('button', { name: 'Turn sync off…' }).click();
  const off = page.getByRole('dialog', { name: 'Turn sync off?' });
  await expect(off).toContainText('Every brief on this machine, as it is now.');
  await shoot(page, 'sync-settings-turn-off');
  await off.getByRole('button', { name: 'Turn sync off' }).click();
  await expect(state).toHaveAttribute('data-state', 'off');
  await expect(chip).toHaveCount(0);
  expect(await status()).toMatchObject({ state: 'off', url: null });
});

test('at 390 px: from the chip’s popover to the section; it fits the phone, and the password turns refused into Synced', async ({ page }) => {
  const set = await api(host, 'sync.set', { url: db.url, tls: 'off' });
  expect(set.body.ok).toBe(true);
  await openCockpit(page, 390);
  const chip = page.getByTestId('topbar').getByTestId('sync-indicator');
  await expect(chip).toHaveAttribute('data-state', 'refused');
  await chip.click();
  await page.getByTestId('sync-popover').getByRole('link', { name: 'Sync settings' }).click();
  await expect(page.getByTestId('sync-popover')).toHaveCount(0);
  const section = page.getByTestId('sync-settings');
  await expect(section.getByRole('heading', { name: 'Sync', level: 3 })).toBeFocused();
  await expect(page).toHaveURL(/#\/settings\/sync$/);
  await expect(section.getByTestId('sync-settings-state')).toHaveAttribute('data-state', 'refused');
  await expectNoSidewaysScroll(page, 390);
  await expectAccessibleInBothThemes(page, 'sync settings at 390 px, refused');
  await shoot(page, 'sync-settings-refused');
  await shootPart(page, 'sync-form', 'sync-settings-form');

  const form = section.getByTestId('sync-form');
  await form.getByLabel('Password').fill(db.password);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByTestId('sync-settings-state')).toHaveAttribute('data-state', 'idle', { timeout: 10_000 });
  await expect(chip).toHaveAttribute('data-state', 'idle');
  await expectNoSidewaysScroll(page, 390);
  await expectAccessible(page, 'sync settings at 390 px, synced');
  await shootPart(page, 'sync-settings', 'sync-settings-synced');
  // From the palette here: the section's own confirmation opens, as its button opens it.
  await runCommand(page, 'Turn sync off');
  await expect(page.getByRole('dialog', { name: 'Turn sync off?' })).toBeVisible();
  await expectAccessible(page, 'sync settings at 390 px, turning off asked');
  await shoot(page, 'sync-settings-turn-off');
});

for (const width of [1440, 390]) {
  test(`at ${width} px: turning off while a redaction has not reached the store says what it leaves there, then does it`, async ({ page }) => {
    expect((await api(host, 'sync.setPassword', { password: db.password })).body.ok).toBe(true);
    expect((await api(host, 'sync.set', { url: db.url, tls: 'off' })).body.ok).toBe(true);
    const created = (await api(host, 'briefs.create', { title: 'Payments', spec: 'Call the API with sk-live-0123456789abcdef.' })).body.result as { brief: { id: string }; entries: { id: string; kind: string }[] };
    expect(((await api(host, 'sync.now', {})).body.result as SyncStatus).waiting).toBe(0);
    await openCockpit(page, width);
    // The store stops answering: the redaction made now cannot reach it.
    db.pause();
    try {
      const entryId = created.entries.find((e) => e.kind === 'created')!.id;
      expect((await api(host, 'briefs.redact', { ref: created.brief.id, entryId, reason: 'an API key' })).body.ok).toBe(true);
      await runCommand(page, 'Turn sync off');
      const off = page.getByRole('dialog', { name: 'Turn sync off?' });
      const warning = off.getByTestId('dialog-warning');
      await expect(warning).toHaveText(
        `Left behind: 1 redacted entry is not yet rewritten in ${db.url}: the text the redaction removed may still be there, for every Grove syncing with it. Sync now and wait for it to be rewritten, or go ahead and leave that text there.`,
      );
      await expectNoSidewaysScroll(page, width);
      await expectAccessibleInBothThemes(page, `turning sync off with a redaction waiting, ${width} px`);
      await shoot(page, 'sync-settings-turn-off-redaction-waiting');
      // The operator read it and goes ahead: off, though the store hangs.
      await off.getByRole('button', { name: 'Turn sync off' }).click();
      await expect(page.getByTestId('topbar').getByTestId('sync-indicator')).toHaveCount(0);
      expect(await status()).toMatchObject({ state: 'off', url: null, redactedWaiting: 0 });
    } finally {
      db.resume();
    }
  });
}
