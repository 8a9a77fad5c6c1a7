import { expect, test } from '@playwright/test';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { openCockpit, openMainView } from './main-view-page';
import { runCommand } from './palette-steps';

/**
 * The ops loop's card in the real UI's MAIN view: started from grove.yaml's `ops`, its checkout and its
 * agent's state, a link to its terminal; a loop that keeps crashing ends fatal, in red, and
 * "Start again" gives it a fresh try once the cause is gone. Restarts are fast here
 * (GROVE_RESTART), the supervision itself is the real one.
 */
let host: HostProcess;
let repoId: string;
let crashFlag: string;

test.beforeEach(async () => {
  host = await startHostProcess({
    env: { GROVE_RESTART: JSON.stringify({ minUptimeMs: 1000, initialBackoffMs: 50, maxBackoffMs: 200, maxUnstableRestarts: 3 }) },
  });
  const tmp = realpathSync(makeTempDir());
  crashFlag = join(tmp, 'CRASH');
  const main = makeRepo(join(tmp, 'flower'));
  writeFileSync(
    join(main, 'grove.yaml'),
    ['ops:', `  command: 'echo "ops watching MAIN"; if [ -e ${crashFlag} ]; then exit 1; fi; while true; do sleep 1; done'`, ''].join('\n'),
  );
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'ops loop');
  repoId = await addTrustedRepo(host, main);
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

test('the ops loop: started, its terminal a click away; fatal in red after crashing, started again once fixed', async ({ page }) => {
  await openCockpit(page, host);
  let card = (await openMainView(page, repoId)).getByTestId('ops-loop');
  await expect(card).toContainText('Not running');
  await card.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(card).toContainText('its own checkout, following MAIN');
  await expect(card).toContainText('flower.ops');
  let state = card.getByTestId('ops-agent-state').locator('[data-supervision]');
  await expect(state).toHaveAttribute('data-supervision', 'running');

  // Its terminal: the loop's workspace, its agent's tab in front.
  await card.getByTestId('ops-terminal-link').click();
  await expect(page).toHaveURL(/#\/agent\//);
  await expect(page.locator('[data-testid=agent-tab][data-agent=ops-flower]')).toHaveAttribute('data-state', 'active');
  await expect(page.getByTestId('terminal-ops-flower')).toContainText('ops watching MAIN');

  card = (await openMainView(page, repoId)).getByTestId('ops-loop');
  state = card.getByTestId('ops-agent-state').locator('[data-supervision]');
  await card.getByRole('button', { name: 'Stop' }).click();
  await expect(card).toContainText('Not running');
  writeFileSync(crashFlag, '');
  await card.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(state).toHaveAttribute('data-supervision', 'fatal');
  await expect(state).toHaveClass(/state-failed/);
  await expect(state).toContainText('fatal after');

  rmSync(crashFlag);
  await expect(card.getByRole('button', { name: 'Start again' })).toBeVisible();
  // The palette offers it too, beside Stop, while the loop's agent is not running.
  await runCommand(page, "Start flower's ops loop again");
  await expect(state).toHaveAttribute('data-supervision', 'running');
  await expect(card.getByRole('button', { name: 'Start again' })).toHaveCount(0);
});
