import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { api, stopAllHosts, startHostProcess, type HostProcess, loginUrl } from '../fixtures/host-process';
import { commitIn } from '../fixtures/lane-repo';
import { makeProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The Trust step in the real UI: a repository added in the first run shows every command
 * its grove.yaml would run, with the digest, and runs none until "Trust these commands"; a
 * commit that changes a command makes MAIN untrusted again in the rail, and runs nothing
 * new. (The changed commands' Trust step, old against new, is in the MAIN view.)
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

for (const width of [1440, 390]) {
  test(`at ${width} px: trust right after adding in the first run, and again after a commit changes a command`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const probe = (name: string) => ({ debounceMs: 100, probes: [{ name: 'artisan', command: `touch ${marker(name)}`, intervalSeconds: 1 }] });
    const config = { merge: { gate: 'php artisan test' }, health: probe('probe') };
    const main = makeProbedRepo(config);

    await page.goto(await loginUrl(host));
    await page.getByLabel('MAIN checkout path').fill(main);
    await page.getByRole('button', { name: 'Add repository' }).click();

    const step = page.getByTestId('trust-step');
    await expect(step).toContainText('Trust flower?');
    await expect(step.getByTestId('trust-command')).toHaveText([
      `health.probes[artisan].command probe, run in MAINtouch ${marker('probe')}`,
      'merge.gate run in MAIN after a mergephp artisan test',
    ]);
    await expect(step.getByTestId('trust-digest')).toHaveText(/^sha256:[0-9a-f]{64}$/);
    // The host has registered MAIN and runs nothing of it meanwhile.
    await expect.poll(async () => ((await api(host, 'health.get', {})).body.result as { repos: { health: { state: string } }[] }).repos[0]?.health.state).toBe('untrusted');
    expect(existsSync(marker('probe'))).toBe(false);
    await page.screenshot({ path: join(SHOTS, `trust-${width}.png`), fullPage: true });

    await step.getByRole('button', { name: 'Trust these commands' }).click();
    // The cockpit, with flower's MAIN no longer untrusted, and its probe runs.
    await expect(page.getByTestId('first-run')).toHaveCount(0);
    if (width < 760) await page.getByRole('button', { name: 'Open the rail' }).click();
    const railMain = page.getByTestId('rail-main');
    await expect(railMain).toContainText('flower');
    await expect(railMain.locator('[data-health]')).not.toHaveAttribute('data-health', 'untrusted');
    await expect.poll(() => existsSync(marker('probe')), { timeout: 15_000 }).toBe(true);

    // A pull changes the probe: MAIN reads untrusted again in the rail, and nothing new runs.
    commitIn(main, 'grove.yaml', stringify({ ...config, health: probe('pulled') }), 'a pulled change');
    await expect(railMain.locator('[data-health]')).toHaveAttribute('data-health', 'untrusted', { timeout: 15_000 });
    expect(existsSync(marker('pulled'))).toBe(false);
  });
}
