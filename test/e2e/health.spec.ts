import { expect, test } from '@playwright/test';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * MAIN's health in the real UI: green while its probe passes, red with the probe's output
 * right after a merge breaks it (no gate here, so the merge lands), green again once fixed.
 */
let host: HostProcess;
let main: string;
let repoId: string;

test.beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  writeFileSync(
    join(main, 'grove.yaml'),
    [
      // A gate that checks something else: the bad merge lands, and the probes must notice.
      'merge:',
      "  gate: 'true'",
      'health:',
      '  debounceMs: 200',
      '  probes:',
      `    - name: artisan`,
      `      command: 'if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi'`,
      '      failureThreshold: 1',
      '',
    ].join('\n'),
  );
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'probes');
  repoId = ((await api(host, 'repos.add', { path: main })).body.result as { repo: { id: string } }).repo.id;
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function mergeLane(name: string, change: (dir: string) => void): Promise<void> {
  const lane = ((await api(host, 'lanes.create', { repoId, name })).body.result as { lane: { id: string; path: string } }).lane;
  change(lane.path);
  git(lane.path, 'add', '-A');
  git(lane.path, 'commit', '-q', '-m', name);
  expect((await api(host, 'lanes.merge', { id: lane.id })).body.ok).toBe(true);
}

test('MAIN turns red with the failing probe after a bad merge, and green after the fix', async ({ page }) => {
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await expect(page.getByTestId('main-health')).toHaveText('healthy');

  await mergeLane('design', (dir) => writeFileSync(join(dir, 'BROKEN'), 'public function dispatch() {}\n'));
  await expect(page.getByTestId('main-health')).toHaveText('broken');
  await expect(page.getByTestId('main-broken')).toContainText('Cannot redeclare dispatch()');

  await mergeLane('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
  await expect(page.getByTestId('main-health')).toHaveText('healthy');
  await expect(page.getByTestId('main-broken')).toHaveCount(0);
});
