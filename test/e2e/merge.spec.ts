import { expect, test } from '@playwright/test';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, trustRepo, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { createLane, openCockpit, openLanePanel, openMainView, startCreatingLane } from './lane-panel-steps';

/**
 * The way into MAIN, in the real UI: a lane's setup streams into the new-lane dialog and its panel, its diff reads
 * as unified and side by side, a merge goes in, and a merge that breaks MAIN's gate is
 * rolled back, which git confirms.
 */
let host: HostProcess;
let main: string;
let setupMayFinish: string;

function commitIn(dir: string, file: string, text: string, message: string): void {
  writeFileSync(join(dir, file), text);
  git(dir, 'add', '--', file);
  git(dir, 'commit', '-q', '-m', message);
}

let repoId: string;

test.beforeEach(async () => {
  host = await startHostProcess();
  const tmp = realpathSync(makeTempDir());
  main = makeRepo(join(tmp, 'flower'));
  // The setup waits for this file after its output, so the test can see it stream while it runs.
  setupMayFinish = join(tmp, 'setup-may-finish');
  commitIn(
    main,
    'grove.yaml',
    [
      'setup:',
      '  timeoutSeconds: 30',
      '  postCreate:',
      `    - 'for i in 1 2 3; do echo "installing step $i"; sleep 0.3; done; until [ -e ${setupMayFinish} ]; do sleep 0.1; done'`,
      'merge:',
      `  gate: 'if [ -e BROKEN ]; then echo "the gate found BROKEN in MAIN"; exit 1; fi; echo "MAIN is whole"'`,
      '',
    ].join('\n'),
    'Grove recipe',
  );
  repoId = await addTrustedRepo(host, main);
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

test('a lane set up live, reviewed, merged; a lane that breaks the gate is rolled back', async ({ page }) => {
  await openCockpit(page, host);
  await expect(await openMainView(page, 'flower')).toContainText('main');

  // Create: the setup's output streams into the dialog while it runs; hidden, it goes on in the lane's panel.
  const creating = await startCreatingLane(page, 'flower', 'feature');
  const dialogLog = creating.getByTestId('job-log');
  await expect(dialogLog).toContainText('installing step 3');
  await expect(dialogLog.getByTestId('job-state')).toHaveText('running…');
  await expect(dialogLog.getByTestId('job-step')).toContainText('[2/2] for i in 1 2 3');
  await creating.getByRole('button', { name: 'Hide (the creation goes on)' }).click();
  await expect(creating).toHaveCount(0);
  const feature = await openLanePanel(page, `${main}-feature`, 'feature');
  const setupLog = feature.getByTestId('lane-setup-log').getByTestId('job-log');
  await expect(setupLog).toContainText('installing step 3');
  await expect(setupLog.getByTestId('job-state')).toHaveText('running…');
  await expect(feature.getByTestId('lane-setup')).toHaveText('setup running');
  await expect(feature.getByTestId('lane-ports')).toHaveText(/^:\d+–\d+$/);
  writeFileSync(setupMayFinish, '');
  await expect(setupLog.getByTestId('job-state')).toHaveText('done');
  await expect(feature.getByTestId('lane-setup')).toHaveText('setup done');

  // Review: the committed file and its line, unified and side by side.
  commitIn(`${main}-feature`, 'hello.txt', 'hello from feature\n', 'Say hello');
  const diff = feature.getByTestId('lane-changes').getByTestId('lane-diff');
  await expect(diff.getByTestId('diff-summary')).toContainText('1 commit ahead of main, 0 behind');
  await expect(diff.getByTestId('diff-files')).toContainText('hello.txt');
  await expect(diff.getByTestId('diff-files')).toContainText('+1');
  await expect(diff.getByTestId('patch-unified')).toContainText('hello from feature');
  await diff.getByRole('button', { name: 'Side by side' }).click();
  await expect(diff.getByTestId('patch-side-by-side')).toContainText('hello from feature');
  await expect(diff.getByTestId('patch-unified')).toHaveCount(0);

  // Merge: the preflight passes, the merge goes in, and git agrees.
  const before = git(main, 'rev-parse', 'HEAD');
  await feature.getByRole('button', { name: 'Merge into MAIN…' }).click();
  const dialog = page.getByTestId('merge-dialog');
  await expect(dialog.getByTestId('merge-check')).toHaveCount(5);
  await expect(dialog.locator('[data-check="ahead"]')).toContainText('1 commit to merge');
  await expect(dialog.locator('[data-check="objects"]')).toContainText('Objects intact');
  await dialog.getByRole('button', { name: 'Merge into MAIN' }).click();
  await expect(dialog.getByTestId('merge-result')).toContainText('Merged feature into MAIN (fast-forward)');
  await expect(dialog.getByTestId('job-log')).toContainText('MAIN is whole');
  expect(git(main, 'log', '-1', '--format=%s')).toBe('Say hello');
  expect(git(main, 'rev-parse', 'HEAD^')).toBe(before);
  expect(existsSync(join(main, 'hello.txt'))).toBe(true);
  const merged = git(main, 'rev-parse', 'HEAD');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(feature.getByTestId('lane-merge')).toContainText('0 commits ahead of main, 0 behind: nothing to merge.');
  await expect((await openMainView(page, 'flower')).getByTestId('main-head')).toHaveText(merged.slice(0, 7));
  await expect(page.getByTestId('merge-row').filter({ hasText: 'feature' })).toContainText('merged');

  // A lane that breaks MAIN: the gate fails after the merge and MAIN is rolled back.
  await createLane(page, 'flower', 'bad');
  const bad = await openLanePanel(page, `${main}-bad`, 'bad');
  await expect(bad.getByTestId('lane-setup')).toHaveText('setup done');
  commitIn(`${main}-bad`, 'BROKEN', 'this breaks MAIN\n', 'Break MAIN');
  await expect(bad.getByTestId('lane-changes').getByTestId('diff-files')).toContainText('BROKEN');
  await bad.getByRole('button', { name: 'Merge into MAIN…' }).click();
  await expect(dialog.getByTestId('merge-check')).toHaveCount(5);
  await dialog.getByRole('button', { name: 'Merge into MAIN' }).click();
  const rolledBack = dialog.getByTestId('merge-rolled-back');
  await expect(rolledBack).toContainText("MAIN's gate failed — MAIN was rolled back");
  await expect(rolledBack.getByTestId('gate-output')).toContainText('the gate found BROKEN in MAIN');
  // The gate's output once: in the outcome, not again in a second box.
  await expect(page.getByTestId('gate-output')).toHaveCount(1);
  await expect(dialog.getByTestId('job-output')).toHaveCount(0);
  await expect(dialog.getByTestId('job-message')).toHaveCount(0);
  expect(git(main, 'rev-parse', 'HEAD')).toBe(merged);
  expect(git(main, 'ls-tree', '--name-only', 'HEAD').split('\n')).not.toContain('BROKEN');
  expect(existsSync(join(main, 'BROKEN'))).toBe(false);
  await page.screenshot({ path: test.info().outputPath('merge-rolled-back.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect((await openMainView(page, 'flower')).getByTestId('main-head')).toHaveText(merged.slice(0, 7));
  await expect(page.getByTestId('merge-row').filter({ hasText: 'bad' })).toContainText('rolled back');
});

test('MAIN committed outside Grove is reported and accepted; an adopted lane whose merge fails the gate waits for "Roll back MAIN now"', async ({ page }) => {
  // A worktree made by hand, and a commit made in MAIN directly (it asks for the rollback).
  git(main, 'worktree', 'add', '-q', '-b', 'hand', `${main}-hand`);
  writeFileSync(join(main, 'grove.yaml'), `merge:\n  gate: 'test ! -e BROKEN || { echo "BROKEN must not reach MAIN"; exit 1; }'\n  rollback: ask\n`);
  git(main, 'commit', '-q', '-am', 'Ask before rolling back');
  // The gate changed: the operator trusts the new one before it may run.
  await trustRepo(host, repoId);
  const before = git(main, 'rev-parse', 'HEAD');
  await openCockpit(page, host);

  const mainState = await openMainView(page, 'flower');
  await expect(mainState.getByTestId('main-unexpected')).toContainText('1 commit did not come through Grove');
  await expect(mainState.getByTestId('main-unexpected')).toContainText('Ask before rolling back');
  await mainState.getByRole('button', { name: 'Accept MAIN as it is' }).click();
  await expect(mainState.getByTestId('main-unexpected')).toHaveCount(0);

  await page.getByRole('button', { name: 'Adopt worktree flower-hand' }).click();
  await expect(page.getByRole('group', { name: 'Worktree flower-hand' })).toHaveCount(0);
  const hand = await openLanePanel(page, `${main}-hand`, 'hand');
  await expect(hand.getByTestId('lane-ports')).toBeVisible();
  await expect(hand.getByTestId('lane-merge')).toContainText('a failure keeps the merge until you roll it back');

  commitIn(`${main}-hand`, 'BROKEN', 'this breaks MAIN\n', 'Break MAIN');
  await hand.getByRole('button', { name: 'Merge into MAIN…' }).click();
  const dialog = page.getByTestId('merge-dialog');
  await dialog.getByRole('button', { name: 'Merge into MAIN' }).click();
  const waiting = dialog.getByTestId('merge-awaiting-rollback');
  await expect(waiting).toContainText("MAIN's gate failed — MAIN still has the merge");
  await expect(waiting.getByTestId('gate-output')).toContainText('BROKEN must not reach MAIN');
  expect(git(main, 'ls-tree', '--name-only', 'HEAD').split('\n')).toContain('BROKEN');

  await waiting.getByRole('button', { name: 'Roll back MAIN now' }).click();
  // A destructive step: it asks first, and says what stays.
  const confirm = page.getByRole('dialog', { name: 'Roll MAIN back?' });
  await expect(confirm).toContainText('The lane, its branch and its commits');
  await confirm.getByRole('button', { name: 'Roll back MAIN' }).click();
  await expect(dialog.getByTestId('merge-rolled-back')).toContainText("MAIN's gate failed — MAIN was rolled back");
  await expect(dialog.getByTestId('rolled-back-kept')).toContainText('The merged work is kept in git under refs/grove/rolled-back/');
  expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
  expect(existsSync(join(main, 'BROKEN'))).toBe(false);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await openMainView(page, 'flower');
  await expect(page.getByTestId('merge-row').filter({ hasText: 'hand' })).toContainText('rolled back');
});
