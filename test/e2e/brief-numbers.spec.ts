import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, startHostProcess } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { must, newBrief, openRoute } from './briefs-host';
import { hostForEachTest } from './host-per-test';
import { shoot } from './screenshots';

/**
 * Provisional brief numbers (docs/sync.md, Brief numbers) in a real Chromium against a real
 * host whose sync points at a shared store that cannot be reached (a closed loopback port):
 * the state of a brief made offline, not simulated. A brief the shared store numbered (its
 * `numbered` entry brought in by `briefs.import`, as a pull would) shows no marker.
 */
const host = hostForEachTest(async () => {
  const h = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike', GROVE_SYNC_PASSWORD: 'not-used-here', GROVE_SYNC_TIMEOUT_MS: '1500' } });
  await addTrustedRepo(h, makeRepo(join(makeTempDir('grove-briefs-'), 'flower')));
  return h;
});

const PROVISIONAL = 'provisional: the shared store numbers it at its first push';

test('a brief made while the shared store is unreachable shows its number as provisional, in the list and on its page; sync off, no marker', async ({ page }) => {
  await must(host, 'sync.set', { url: 'mysql://grove@127.0.0.1:1/grove' });
  const offline = await newBrief(host, { title: 'Made while the shared store is away', projects: ['flower'] });
  const numbered = await newBrief(host, { title: 'Numbered by the shared store', projects: ['flower'] });
  const at = new Date();
  await must(host, 'briefs.import', {
    entries: [{ id: '019a0000-0000-7000-8000-000000000001', briefId: numbered.id, seq: 0, kind: 'numbered', actor: { kind: 'system', name: 'grove' }, channel: 'automatic', at: at.toISOString(), hlc: `${String(at.getTime() + 1000).padStart(13, '0')}-0000-shared`, payload: { number: numbered.number }, redacted: null }],
  });

  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, '#/briefs');
  const row = (n: number) => page.locator(`[data-testid="brief-row"][data-number="${n}"]`);
  const marker = row(offline.number).getByTestId('brief-number-provisional');
  await expect(marker).toBeVisible();
  await expect(marker).toHaveAttribute('title', PROVISIONAL);
  await expect(marker).toContainText(`#${offline.number}`);
  // Screen readers hear it too, not only a pointer's hover.
  await expect(row(offline.number).getByRole('link')).toContainText(`(${PROVISIONAL})`);
  await expect(row(numbered.number)).toBeVisible();
  await expect(row(numbered.number).getByTestId('brief-number-provisional')).toHaveCount(0);
  await expectAccessible(page, 'the brief list with a provisional number');
  await shoot(page, 'brief-numbers-provisional-list');

  await openRoute(page, host, `#/brief/${offline.number}`);
  await expect(page.getByTestId('brief-title').getByTestId('brief-number-provisional')).toHaveAttribute('title', PROVISIONAL);

  // Sync off: numbers are this host's again; nothing is provisional, and the list says so without a reload.
  await openRoute(page, host, '#/briefs');
  await expect(marker).toBeVisible();
  await must(host, 'sync.off', {});
  await expect(page.getByTestId('brief-number-provisional')).toHaveCount(0);
  await expect(row(offline.number)).toBeVisible();
});
