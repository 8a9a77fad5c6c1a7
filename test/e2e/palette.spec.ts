import { expect, test } from '@playwright/test';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { commitIn } from '../fixtures/lane-repo';
import { addTrustedRepo, api } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { hostForEachTest } from './host-per-test';
import { openCockpit } from './lane-panel-steps';
import { runCommand } from './palette-steps';
import { shoot } from './screenshots';

/**
 * Every action of the UI is in the command palette, and a command is its button's own action:
 * it answers where the button answers, and what the button confirms, it confirms.
 */
const host = hostForEachTest();

async function repoWithLane(): Promise<{ main: string; lanePath: string }> {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  const repoId = await addTrustedRepo(host, main);
  const lane = await api(host, 'lanes.create', { repoId, name: 'work' });
  expect(lane.status, JSON.stringify(lane.body)).toBe(200);
  const lanePath = (lane.body.result as { lane: { path: string } }).lane.path;
  const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', 'echo sleeper up; exec sleep 600'], name: 'sleeper' });
  expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  return { main, lanePath };
}

test('the lane\'s actions from the palette: serve answers in the lane panel, stop every agent and remove lane confirm first', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const { lanePath } = await repoWithLane();
  await openCockpit(page, host);
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  await expect(page.getByTestId('terminal-sleeper')).toContainText('sleeper up');

  // No serve recipe in this repository: the lane panel opens and says so, where its own Serve would.
  await runCommand(page, 'Serve work');
  const panel = page.getByRole('complementary', { name: 'Lane work' });
  // By grove.yaml once the panel has read it, else by the host's refusal: either names the missing recipe.
  await expect(panel.getByTestId('lane-action-error')).toContainText(/serve/);
  await expect(panel.getByTestId('lane-action-error')).toContainText(/recipe|serve\.site|serve\.command/);

  await runCommand(page, 'Stop every agent in work');
  const stopAll = page.getByRole('dialog', { name: 'Stop 1 agent in work?' });
  await expect(stopAll).toContainText('none is restarted');
  await stopAll.getByRole('button', { name: 'Stop all' }).click();
  const pane = page.locator('[data-testid="agent-pane"][data-agent="sleeper"]');
  await expect(pane.getByRole('button', { name: 'Start again' })).toBeVisible();

  // What the palette offers for a lane and its stopped agent, as an operator reads it.
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByTestId('command-palette');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type('work');
  await expect(palette.getByRole('option', { name: /Remove lane work/ })).toBeVisible();
  await shoot(page, 'palette-lane-actions');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);

  await runCommand(page, 'Remove lane work');
  const remove = page.getByRole('dialog', { name: 'Remove lane work?' });
  await expect(remove).toContainText('refs/grove/recovery/work/');
  await remove.getByRole('button', { name: 'Cancel' }).click();
  await expect(remove).toHaveCount(0);
  await expect(page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`)).toBeVisible();
});

test('MAIN\'s actions from the palette: the guard and "accept MAIN as it is" answer in the MAIN view, alerts are acknowledged in the Health view; an ops loop grove.yaml does not declare is refused there, saying why', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const { main } = await repoWithLane();
  commitIn(main, 'hotfix.txt', 'made in MAIN by hand\n', 'hotfix outside Grove');
  await openCockpit(page, host);
  await runCommand(page, 'MAIN of flower');
  const view = page.getByTestId('main-view');
  await expect(view.getByTestId('main-unexpected')).toContainText('hotfix outside Grove');

  await runCommand(page, "Turn on MAIN's pre-commit guard in flower");
  await expect(view.getByRole('checkbox', { name: /Pre-commit guard/ })).toBeChecked();
  await runCommand(page, "Turn off MAIN's pre-commit guard in flower");
  await expect(view.getByRole('checkbox', { name: /Pre-commit guard/ })).not.toBeChecked();

  await runCommand(page, 'Accept MAIN of flower as it is');
  await expect(view.getByTestId('main-unexpected')).toHaveCount(0);

  // The commit made in MAIN raised an alert, and a second one another: one acknowledged by its
  // own command, then every alert, each in the Health view.
  type Listed = { seq: number; message: string; acknowledgedAt: string | null };
  const waitingAlerts = async (): Promise<Listed[]> => ((await api(host, 'alerts.list', {})).body.result as { alerts: Listed[] }).alerts.filter((a) => a.acknowledgedAt === null);
  const waiting = async (): Promise<number> => (await waitingAlerts()).length;
  await expect.poll(waiting).toBe(1);
  commitIn(main, 'hotfix2.txt', 'another by hand\n', 'second hotfix outside Grove');
  await expect.poll(waiting).toBe(2);
  const [newest, older] = (await waitingAlerts()).sort((a, b) => b.seq - a.seq);
  const health = page.getByTestId('health-view');
  await runCommand(page, `Acknowledge: ${older!.message.split('\n')[0]}`);
  await expect(health.locator(`[data-testid=alert][data-seq="${older!.seq}"]`)).toHaveAttribute('data-acknowledged', 'true');
  await expect(health.locator(`[data-testid=alert][data-seq="${newest!.seq}"]`)).toHaveAttribute('data-acknowledged', 'false');
  expect((await waitingAlerts()).map((a) => a.seq)).toEqual([newest!.seq]);
  await runCommand(page, 'Acknowledge every alert');
  await expect(health.getByTestId('alert').first()).toBeVisible();
  await expect(health.locator('[data-testid=alert][data-acknowledged=false]')).toHaveCount(0);
  await expect.poll(waiting).toBe(0);

  await runCommand(page, 'MAIN of flower');
  await runCommand(page, "Start flower's ops loop");
  await expect(view.getByTestId('ops-loop').getByRole('alert')).toContainText('flower has no ops command: add ops.command to its grove.yaml');
});

test('from the palette: adopt a worktree made by hand, set a lane\'s network, and roll MAIN back from a merge whose gate failed, confirming first', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  writeFileSync(join(main, 'grove.yaml'), `merge:\n  gate: 'test ! -e BROKEN || { echo "BROKEN must not reach MAIN"; exit 1; }'\n  rollback: ask\n`);
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'a gate, and ask before rolling back');
  await addTrustedRepo(host, main);
  git(main, 'worktree', 'add', '-q', '-b', 'hand', `${main}-hand`);
  const before = git(main, 'rev-parse', 'HEAD');
  await openCockpit(page, host);

  await runCommand(page, 'Adopt worktree flower-hand in flower');
  const rail = page.locator(`[data-testid="rail-lane"][data-path="${main}-hand"]`);
  await expect(rail).toBeVisible();
  await expect(page.getByTestId('main-view').getByRole('group', { name: 'Worktree flower-hand' })).toHaveCount(0);

  await rail.click();
  await runCommand(page, "Network of hand: none (only Grove's host)");
  await expect(page.getByTestId('lane-network')).toHaveValue('none');
  const lanes = async () => (await api(host, 'lanes.list', {})).body.result as { lanes: { id: string; name: string; network: string | null }[] };
  await expect.poll(async () => (await lanes()).lanes.find((l) => l.name === 'hand')?.network).toBe('none');

  commitIn(`${main}-hand`, 'BROKEN', 'this breaks MAIN\n', 'Break MAIN');
  const id = (await lanes()).lanes.find((l) => l.name === 'hand')!.id;
  const merged = await api(host, 'lanes.merge', { id });
  expect(JSON.stringify(merged.body)).toContain('awaiting-rollback');
  await runCommand(page, 'Roll MAIN of flower back from the merge of hand');
  const confirm = page.getByRole('dialog', { name: 'Roll MAIN back?' });
  await expect(confirm).toContainText('The lane, its branch and its commits');
  await confirm.getByRole('button', { name: 'Roll back MAIN' }).click();
  await expect(page.getByTestId('merge-row').filter({ hasText: 'hand' })).toContainText('rolled back');
  expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
});

test('from the palette: the terminal and keyboard settings, and every key to the terminal turned on and off', async ({ page }) => {
  await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'flower')));
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCockpit(page, host);
  const active = page.locator('[data-testid="settings-view"]');
  await runCommand(page, 'Terminal settings');
  await expect(active.getByRole('heading', { name: 'Terminal', exact: true })).toBeFocused();
  await runCommand(page, 'Keyboard settings');
  await expect(active.getByRole('heading', { name: 'Keyboard', exact: true })).toBeFocused();
  const everyKey = active.getByRole('checkbox', { name: /Send every key to the terminal/ });
  await expect(everyKey).not.toBeChecked();
  await runCommand(page, 'Send every key to the terminal');
  await expect(everyKey).toBeChecked();
  await runCommand(page, "Give Grove's shortcuts back");
  await expect(everyKey).not.toBeChecked();
});
