import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Brief } from '../../src/shared/briefs';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../fixtures/mariadb';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { must, openRoute } from './briefs-host';
import { shoot } from './screenshots';

/**
 * An image attached on another host, seen on this one while the shared store is down, or with
 * its shared copy damaged: the thumbnail is a sentence saying why there is no image and what
 * to do, with a Retry that shows the image once the store is back, or once the host that has
 * it uploaded it again. Two real hosts, a real MariaDB, a real Chromium.
 */
test.skip(!hasMariaDb(), 'mariadb-server is not installed here (apt-get install mariadb-server): skipped');

const PNG = readFileSync(join(repoRoot, 'test', 'fixtures', 'images', 'screenshot.png'));

let db: MariaDb;
let a: HostProcess;
let b: HostProcess;
const hostEnv = () => ({ GROVE_SYNC_PASSWORD: db.password, GROVE_SYNC_TIMEOUT_MS: '1500', GROVE_OPERATOR_NAME: 'op' });
test.beforeEach(async () => {
  db = await startMariaDb();
  [a, b] = [await startHostProcess({ env: hostEnv() }), await startHostProcess({ env: hostEnv() })];
  // The cockpit opens its pages once a repository is there.
  await addTrustedRepo(b, makeRepo(join(makeTempDir('grove-briefs-'), 'flower')));
});
test.afterEach(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

const syncNow = async (h: HostProcess) => expect((await must<{ state: string }>(h, 'sync.now', {})).state).toBe('idle');

/** Both hosts syncing; a brief with login-after.png attached on A, as B has it (the image not fetched yet). */
async function attachedOnASyncedToB(): Promise<{ brief: Brief }> {
  for (const h of [a, b]) await must(h, 'sync.set', { url: db.url });
  const { brief } = await must<{ brief: Brief }>(a, 'briefs.create', { title: 'The login page after the redesign' });
  const res = await fetch(`${a.url}/blobs?brief=${brief.id}&name=login-after.png`, { method: 'POST', body: PNG, headers: { authorization: `Bearer ${a.token}` } });
  expect(res.status).toBe(200);
  for (const h of [a, b, a, b]) await syncNow(h);
  return must<{ brief: Brief }>(b, 'briefs.get', { ref: brief.id });
}

/** The placeholder's Retry, once the image is back: it shows, loaded, in its place. */
async function retryShowsImage(page: Page, retry: Locator): Promise<void> {
  await retry.click();
  const image = page.getByTestId('attachment').getByRole('img', { name: 'login-after.png' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId('attachment-unavailable')).toHaveCount(0);
}

for (const width of [1440, 390]) {
  test(`at ${width} px: the thumbnail of an image on an unreachable shared store says so, and Retry shows it once the store is back`, async ({ page }) => {
    const onB = await attachedOnASyncedToB();
    expect(onB.brief.attachments).toHaveLength(1);

    await db.stop();
    await page.setViewportSize({ width, height: 900 });
    await openRoute(page, b, `#/brief/${onB.brief.number}`);
    const placeholder = page.getByTestId('attachment-unavailable');
    await expect(placeholder).toContainText('login-after.png is not on this host yet, and the shared store cannot be reached to fetch it', { timeout: 10_000 });
    await expect(placeholder).toContainText('Retry once it is back');
    const retry = placeholder.getByRole('button', { name: 'Retry' });
    await expect(retry).toBeVisible();
    await placeholder.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'an attachment whose image cannot be fetched');
    await shoot(page, 'sync-blobs-unreachable');

    await db.restart();
    await retryShowsImage(page, retry);
  });
}

for (const width of [1440, 390]) {
  test(`at ${width} px: the thumbnail of an image whose shared copy is damaged says it was removed and asked for; Retry shows it once the host that has it uploaded it again`, async ({ page }) => {
    const onB = await attachedOnASyncedToB();
    // A is closed until the test opens it again: a host that has the image answers an ask
    // within its next round, about a second, and the page must first be seen saying why.
    await a.stop();
    // A disk fault on the database's machine alters the image's first chunk.
    const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    try {
      await admin.query("UPDATE blob_chunks SET data = CONCAT('x', data) WHERE sha256 = ? AND n = 0", [onB.brief.attachments[0]!.sha256]);
    } finally {
      await admin.end();
    }

    await page.setViewportSize({ width, height: 900 });
    await openRoute(page, b, `#/brief/${onB.brief.number}`);
    const placeholder = page.getByTestId('attachment-unavailable');
    await expect(placeholder).toContainText("The shared store's copy of login-after.png was damaged", { timeout: 10_000 });
    await expect(placeholder).toContainText('the hosts that have the image were asked to upload it again: retry in a few seconds');
    const retry = placeholder.getByRole('button', { name: 'Retry' });
    await expect(retry).toBeVisible();
    await placeholder.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'an attachment whose shared copy was damaged');
    await shoot(page, 'sync-blobs-damaged');

    // A is opened again; its next round answers the ask.
    a = await startHostProcess({ home: a.home, env: hostEnv() });
    await syncNow(a);
    await retryShowsImage(page, retry);
  });
}
