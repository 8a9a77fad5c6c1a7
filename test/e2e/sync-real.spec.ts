import { expect, test } from '@playwright/test';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, loginUrl } from '../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../fixtures/mariadb';
import { makeTempDir } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { hostForEachTest } from './host-per-test';
import { shoot } from './screenshots';

/**
 * The sync chip against a real shared store: a real host syncing with a throwaway MariaDB
 * (test/fixtures/mariadb.ts) in a real Chromium. It reads Synced; the server killed, the next
 * round makes it offline with the error; the server back, Synced again and nothing waiting.
 */
test.skip(!hasMariaDb(), 'mariadb-server is not installed here (apt-get install mariadb-server): skipped');
test.afterAll(stopAllMariaDbs);

let db: MariaDb;
const host = hostForEachTest(async () => {
  db = await startMariaDb();
  return startHostProcess({ env: { GROVE_SYNC_PASSWORD: db.password, GROVE_SYNC_TIMEOUT_MS: '1500' } });
});

const must = async <T>(method: string, params: unknown = {}): Promise<T> => {
  const r = await api(host, method, params);
  if (!r.body.ok) throw new Error(`${method}: ${JSON.stringify(r.body.error)}`);
  return r.body.result as T;
};

test('synced with a real MariaDB; offline when it dies, with entries waiting; synced again when it is back', async ({ page }) => {
  await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'flower')));
  await must('sync.set', { url: db.url });
  expect((await must<{ state: string }>('sync.now')).state).toBe('idle');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  const chip = page.getByTestId('topbar').getByTestId('sync-indicator');
  await expect(chip).toHaveAttribute('data-state', 'idle');
  await expect(chip).toHaveText('Synced');

  await db.kill9();
  await must('briefs.create', { title: 'Written while the shared store is down' });
  expect((await must<{ state: string }>('sync.now')).state).toBe('offline');
  await expect(chip).toHaveAttribute('data-state', 'offline');
  await expect(chip).toHaveAttribute('data-waiting', /^[1-9]/);
  await chip.click();
  const popover = page.getByTestId('sync-popover');
  await expect(popover.getByTestId('sync-last-error')).not.toBeEmpty();
  // The password is nowhere on the page.
  expect(await page.content()).not.toContain(db.password);
  await expectAccessible(page, 'the sync popover, offline');
  await shoot(page, 'sync-real-offline');
  await page.keyboard.press('Escape');

  await db.restart();
  expect((await must<{ state: string }>('sync.now')).state).toBe('idle');
  await expect(chip).toHaveAttribute('data-state', 'idle');
  await expect(chip).toHaveAttribute('data-waiting', '0');
});
