import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { stopAllHosts, startHostProcess, type HostProcess } from '../fixtures/host-process';
import { commitIn } from '../fixtures/lane-repo';
import { makeProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The Trust step in the real UI: a repository added from the page shows every command its
 * grove.yaml would run, with the digest, and runs none until "Trust these commands"; a
 * commit that changes a command brings the step back with the difference, old and new.
 */
let host: HostProcess;
let markers: string;
const marker = (name: string): string => join(markers, name);
const SHOTS = process.env.TRUST_SHOTS ?? join(realpathSync(makeTempDir()), 'shots');

test.beforeEach(async () => {
  host = await startHostProcess();
  markers = join(realpathSync(makeTempDir()), 'markers');
  mkdirSync(markers);
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

for (const width of [1280, 390]) {
  test(`at ${width} px: trust after adding, and again after a commit changes a command`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const probe = (name: string) => ({ debounceMs: 100, probes: [{ name: 'artisan', command: `touch ${marker(name)}`, intervalSeconds: 1 }] });
    const config = { merge: { gate: 'php artisan test' }, health: probe('probe') };
    const main = makeProbedRepo(config);

    await page.goto(`${host.url}/auth?token=${host.token}`);
    await page.getByLabel('MAIN checkout path').fill(main);
    await page.getByRole('button', { name: 'Add repository' }).click();

    const step = page.getByTestId('trust-step');
    await expect(step).toContainText('Trust flower?');
    await expect(step.getByTestId('trust-command')).toHaveText([
      `health.probes[artisan].command probe, run in MAINtouch ${marker('probe')}`,
      'merge.gate run in MAIN after a mergephp artisan test',
    ]);
    await expect(step.getByTestId('trust-digest')).toHaveText(/^sha256:[0-9a-f]{64}$/);
    await expect(page.getByTestId('repo-trust')).toHaveText('untrusted');
    // The host has looked at MAIN and runs nothing.
    await expect(page.getByTestId('main-health')).toHaveText('untrusted');
    expect(existsSync(marker('probe'))).toBe(false);
    await page.screenshot({ path: join(SHOTS, `trust-${width}.png`), fullPage: true });

    await step.getByRole('button', { name: 'Trust these commands' }).click();
    await expect(page.getByTestId('repo-trust')).toHaveText('trusted');
    await expect(page.getByTestId('trust-step')).toHaveCount(0);
    await expect.poll(() => existsSync(marker('probe')), { timeout: 15_000 }).toBe(true);

    // A pull changes the probe: the step is back, with the difference.
    commitIn(main, 'grove.yaml', stringify({ ...config, health: probe('pulled') }), 'a pulled change');
    await expect(page.getByTestId('repo-trust')).toHaveText('commands changed', { timeout: 15_000 });
    const again = page.getByTestId('trust-step');
    await expect(again).toContainText("flower's commands changed: Grove stopped running them");
    await expect(again.getByTestId('trust-change')).toHaveText([`health.probes[artisan].command- touch ${marker('probe')}+ touch ${marker('pulled')}`]);
    await expect(page.getByTestId('main-health')).toHaveText('untrusted');
    expect(existsSync(marker('pulled'))).toBe(false);
    await page.screenshot({ path: join(SHOTS, `trust-changed-${width}.png`), fullPage: true });

    await again.getByRole('button', { name: 'Trust the changed commands' }).click();
    await expect(page.getByTestId('repo-trust')).toHaveText('trusted');
    await expect.poll(() => existsSync(marker('pulled')), { timeout: 15_000 }).toBe(true);
  });
}
