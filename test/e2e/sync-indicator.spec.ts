import { expect, test, type Page } from '@playwright/test';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncStatus } from '../../src/shared/sync';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, loginUrl } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { hostForEachTest } from './host-per-test';
import { runCommand } from './palette-steps';
import { shoot } from './screenshots';

/**
 * The top bar's sync indicator, in a real Chromium against a real host with a repository
 * (so the cockpit, not the first run, is on screen).
 *
 * - Sync off (a host never pointed at a shared MySQL): nothing is shown.
 * - How each state reads, at 1440 and 390 px, and how it follows the `sync.status` event:
 *   the host's answer to `sync.status` is replaced in the page's WebSocket by a status of
 *   that state, and events are added to the stream (`syncSocket`), the only part not real,
 *   until a test can start a host syncing with a real MariaDB (test/fixtures/mariadb.ts):
 *   then drive it there instead (`grove sync set`, `kill9()` for offline, `resume()`) and
 *   keep the expectations.
 */
const host = hostForEachTest();

async function openCockpit(page: Page, width: number): Promise<void> {
  await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'flower')));
  await page.setViewportSize({ width, height: width < 500 ? 800 : 900 });
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await expect(page.getByTestId('rail').or(page.getByTestId('topbar').getByLabel('Open the rail'))).toBeVisible();
}

/**
 * The page's WebSocket, passed through to the host, except that every answer to
 * `sync.status` says `status()`; `tell(status)` sends the page a `sync.status` event as the
 * host would, numbered after the last event it saw (the host's later events renumbered after
 * it, so the stream stays consecutive).
 */
async function syncSocket(page: Page, status: () => SyncStatus): Promise<{ tell(s: SyncStatus): void }> {
  let toPage: ((frame: string) => void) | null = null;
  let lastSeq = 0;
  let added = 0;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    const asked = new Set<unknown>();
    // A new socket (a reload, a reconnect): the page takes its position from the hello, as sent.
    added = 0;
    toPage = (frame) => ws.send(frame);
    ws.onMessage((m) => {
      if (typeof m === 'string') {
        const f = JSON.parse(m) as { kind?: string; id?: unknown; method?: string };
        if (f.kind === 'request' && f.method === 'sync.status') asked.add(f.id);
      }
      server.send(m);
    });
    server.onMessage((m) => {
      if (typeof m !== 'string') return ws.send(m);
      const f = JSON.parse(m) as { kind?: string; id?: unknown; latestSeq?: number; envelope?: { seq: number } };
      if (f.kind === 'response' && asked.delete(f.id)) return ws.send(JSON.stringify({ kind: 'response', id: f.id, ok: true, result: status() }));
      if (f.kind === 'hello' && f.latestSeq !== undefined) lastSeq = f.latestSeq + added;
      if (f.kind === 'event' && f.envelope) {
        f.envelope.seq += added;
        lastSeq = f.envelope.seq;
        return ws.send(JSON.stringify(f));
      }
      ws.send(m);
    });
  });
  return {
    tell(s) {
      if (!toPage) throw new Error('the page has not connected yet');
      added += 1;
      lastSeq += 1;
      toPage(JSON.stringify({ kind: 'event', envelope: { seq: lastSeq, at: new Date().toISOString(), event: { type: 'sync.status', status: s } } }));
    },
  };
}

const syncing = (s: Partial<SyncStatus>): SyncStatus => ({
  state: 'idle',
  url: 'mysql://grove@db.internal:3306/grove',
  tls: 'verify',
  passwordFrom: 'file',
  lastPushAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  lastPullAt: new Date(Date.now() - 20_000).toISOString(),
  waiting: 0,
  redactedWaiting: 0,
  lastError: null,
  ...s,
});

test('sync off: no indicator in the top bar, the bar passes axe', async ({ page }) => {
  await openCockpit(page, 1440);
  expect(((await api(host, 'sync.status', {})).body.result as SyncStatus).state).toBe('off');
  await expect(page.getByTestId('notification-bell')).toBeVisible();
  await expect(page.getByTestId('sync-indicator')).toHaveCount(0);
  await expectAccessible(page, 'cockpit, sync off');
});

for (const width of [1440, 390]) {
  test(`at ${width} px: offline with entries waiting reads as such, its popover holds the store, the wait and the last error`, async ({ page }) => {
    const offline = syncing({ state: 'offline', waiting: 12, lastError: { message: 'connect ECONNREFUSED 10.0.0.5:3306', at: new Date(Date.now() - 60_000).toISOString() } });
    await syncSocket(page, () => offline);
    await openCockpit(page, width);
    const chip = page.getByTestId('topbar').getByTestId('sync-indicator');
    await expect(chip).toHaveAttribute('data-state', 'offline');
    await expect(chip).toHaveAccessibleName('Sync: offline, 12 entries waiting; last error: connect ECONNREFUSED 10.0.0.5:3306');
    // The word shows where there is room; on a phone the icon alone, the word still its name.
    if (width > 760) await expect(chip).toHaveText('Sync offline');
    else expect((await chip.boundingBox())!.width).toBeLessThan(40);
    // Nothing in the bar pushed off screen.
    for (const id of ['sync-indicator', 'notification-bell', 'connection-state']) {
      const box = (await page.getByTestId('topbar').getByTestId(id).boundingBox())!;
      expect(box.x + box.width, id).toBeLessThanOrEqual(width);
    }
    await shoot(page, 'sync-offline-chip');

    await chip.click();
    const popover = page.getByTestId('sync-popover');
    await expect(popover).toBeVisible();
    await expect(popover).toContainText('The shared store cannot be reached. Grove retries by itself; local work goes on.');
    await expect(popover).toContainText('mysql://grove@db.internal:3306/grove');
    await expect(popover.getByTestId('sync-waiting')).toHaveText('12 entries not yet in the shared store');
    await expect(popover.getByTestId('sync-last-error')).toContainText('connect ECONNREFUSED 10.0.0.5:3306');
    await expectAccessible(page, `sync popover at ${width} px`);
    await shoot(page, 'sync-offline-popover');
    // Sync now asks the host for a round; a refusal is shown as the host said it.
    const asked = await api(host, 'sync.now', {});
    await popover.getByRole('button', { name: 'Sync now' }).click();
    if (!asked.body.ok) await expect(popover.getByRole('alert')).toHaveText(asked.body.error!.message);
    else await expect(popover.getByRole('alert')).toHaveCount(0);
    await expect(popover.getByRole('button', { name: 'Sync now' })).toBeEnabled();
    await page.keyboard.press('Escape');
    await expect(popover).toHaveCount(0);
    await expect(chip).toBeFocused();
  });
}

test('the palette\'s "Sync now" is the chip\'s own: it opens the chip, and a refusal shows there as the host said it', async ({ page }) => {
  await syncSocket(page, () => syncing({ state: 'offline', waiting: 3 }));
  await openCockpit(page, 1440);
  const asked = await api(host, 'sync.now', {});
  await runCommand(page, 'Sync now');
  const popover = page.getByTestId('sync-popover');
  await expect(popover).toBeVisible();
  if (!asked.body.ok) await expect(popover.getByRole('alert')).toHaveText(asked.body.error!.message);
  else await expect(popover.getByRole('alert')).toHaveCount(0);
  await expect(popover.getByRole('button', { name: 'Sync now' })).toBeEnabled();
});

test('in step, syncing, refused: each its own word and tone; the bar passes axe in each', async ({ page }) => {
  let shown = syncing({});
  await syncSocket(page, () => shown);
  for (const [state, text] of [
    ['idle', 'Synced'],
    ['syncing', 'Syncing'],
    ['refused', 'Sync refused'],
  ] as const) {
    shown = syncing({ state, ...(state === 'refused' ? { lastError: { message: 'The shared schema is newer than this Grove knows.', at: new Date().toISOString() } } : {}) });
    if (state === 'idle') await openCockpit(page, 1440);
    else await page.reload();
    const chip = page.getByTestId('topbar').getByTestId('sync-indicator');
    await expect(chip).toHaveAttribute('data-state', state);
    await expect(chip).toHaveText(text);
    await expectAccessible(page, `sync ${state}`);
  }
  await shoot(page, 'sync-refused-chip');
});

test('follows the sync.status event: offline to syncing to in step, and off hides it; a reload reads it again', async ({ page }) => {
  let answered = syncing({ state: 'offline', waiting: 3 });
  const socket = await syncSocket(page, () => answered);
  await openCockpit(page, 1440);
  const chip = page.getByTestId('topbar').getByTestId('sync-indicator');
  await expect(chip).toHaveAccessibleName('Sync: offline, 3 entries waiting');

  socket.tell(syncing({ state: 'syncing', waiting: 3 }));
  await expect(chip).toHaveAttribute('data-state', 'syncing');
  await expect(chip).toHaveAccessibleName('Sync: syncing, 3 entries waiting');
  socket.tell(syncing({ state: 'idle', waiting: 0 }));
  await expect(chip).toHaveAccessibleName('Sync: in step');
  await expect(chip).toHaveText('Synced');
  // The host's own events still reach the page after the added ones: a repository added now shows in the rail.
  await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'tulip')));
  await expect(page.getByTestId('rail-repo')).toHaveCount(2);

  socket.tell(syncing({ state: 'off', url: null, tls: null }));
  await expect(chip).toHaveCount(0);
  answered = syncing({ state: 'refused', lastError: { message: 'Access denied for user grove', at: new Date().toISOString() } });
  await page.reload();
  await expect(chip).toHaveAttribute('data-state', 'refused');
  await expect(chip).toHaveAccessibleName('Sync: refused; last error: Access denied for user grove');
});
