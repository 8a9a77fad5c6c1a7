import { tmpdir } from 'node:os';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { commitIn } from '../fixtures/lane-repo';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, repoRoot, startHostProcess, type HostProcess } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { letAgentsWrite } from '../fixtures/agent-writable';
import { expectAccessible } from './axe';
import { must, newBrief, openRoute } from './briefs-host';
import { hostForEachTest } from './host-per-test';
import { openLanePanel } from './lane-panel-steps';
import { shoot } from './screenshots';

/**
 * The whole way, in a real Chromium against a real host, a real repository and a real agent
 * process that speaks MCP through the official SDK's client: a brief dispatched from its
 * page to a new ephemeral lane → the agent recalls it (which claims it), notes, commits,
 * attaches a screenshot from its lane and links its evidence, all over MCP → the operator
 * merges the lane from its panel, through MAIN's gate → the brief is in review with every
 * link in its trace, the claim released, and the lane gone. And a merge the gate rolls back
 * shows on the brief, with the gate's words.
 */
const GATE = 'if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi; echo "artisan ok"';
let main = '';
const currentHost = hostForEachTest(async () => {
  const host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  main = makeRepo(join(realpathSync(makeTempDir('grove-flow-')), 'flower'));
  commitIn(main, 'grove.yaml', `merge:\n  gate: '${GATE}'\n`, 'the gate');
  // The workers report into temp dirs of the test's; agents run confined.
  await letAgentsWrite(main, realpathSync(tmpdir()));
  await addTrustedRepo(host, main);
  return host;
});
let host: HostProcess;
test.beforeEach(() => {
  host = currentHost;
});

const worker = join(repoRoot, 'test', 'fixtures', 'agents', 'brief-worker.mjs');

/** The Dispatch panel set to run the MCP-speaking stand-in with `steps`, dispatched; the dispatch's row once it runs. */
async function dispatchFromPage(page: Page, number: number, out: string, steps: string[]): Promise<Locator> {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openRoute(page, host, `#/brief/${number}`);
  const panel = page.getByTestId('brief-dispatch');
  await panel.getByLabel('Agent kind').selectOption({ label: 'Custom…' });
  await panel.getByLabel('Command').fill(process.execPath);
  await panel.getByLabel(/^Arguments/).fill([worker, '--out', out, '--steps', steps.join(',')].join('\n'));
  await panel.getByRole('button', { name: 'Dispatch' }).click();
  const row = panel.getByTestId('dispatch-row');
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  return row;
}

type Step = { step: string; ok?: boolean; isError?: boolean; text?: string; sha?: string };
function stepsOf(out: string): Step[] {
  const file = readdirOne(out, '.steps.jsonl');
  return file ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Step) : [];
}
function readdirOne(dir: string, suffix: string): string | null {
  const name = readdirSync(dir).find((f) => f.endsWith(suffix));
  return name ? join(dir, name) : null;
}

test('dispatch → the agent recalls, claims, commits, attaches and links over MCP → the gated merge → in review, every link in the trace, the lane gone', async ({ page }) => {
  const brief = await newBrief(host, { title: 'Pink petals', kind: 'feature', spec: 'Make the petals pink.', projects: ['flower'] });
  await must(host, 'briefs.append', { ref: `#${brief.number}`, action: { kind: 'status_change', to: 'planned' } });
  const out = makeTempDir('grove-flow-out-');
  const steps = ['mcp-recall', 'mcp-note:petals are pink now', 'commit:petals.css', 'screenshot:.grove/shots/after.png', 'mcp-attach:.grove/shots/after.png', 'mcp-link:https://flower.test/petals'];
  const row = await dispatchFromPage(page, brief.number, out, steps);
  await expect.poll(() => stepsOf(out).length, { timeout: 30_000 }).toBe(steps.length);
  for (const s of stepsOf(out)) expect(s.isError ?? false, `${s.step}: ${s.text ?? ''}`).toBe(false);
  const sha = stepsOf(out).find((s) => s.step === 'commit:petals.css')!.sha!;
  const { dispatches } = await must<{ dispatches: { agentName: string; laneName: string; laneId: string }[] }>(host, 'dispatch.list', { ref: `#${brief.number}` });
  const { agentName, laneName } = dispatches[0]!;

  // On the page, live: claimed and in progress, the agent a participant, its screenshot, its links.
  const page$ = page.getByTestId('brief-page');
  await expect(page$.getByTestId('brief-header').getByTestId('brief-status')).toHaveAttribute('data-status', 'in_progress');
  await expect(page.getByTestId('dispatch-claim')).toContainText(`claimed by ${agentName}`);
  await expect(page.getByTestId('brief-participants').getByTestId('participant').filter({ hasText: agentName })).toBeVisible();
  await expect(page.getByTestId('attachment').first()).toBeVisible();
  const links = page.getByTestId('brief-links').getByTestId('brief-link');
  await expect(links.filter({ hasText: 'flower.test/petals' })).toBeVisible();
  await expect(links.filter({ hasText: sha })).toBeVisible();
  await expect(links.filter({ hasText: laneName })).toBeVisible();

  // Every entry the agent wrote names it, and came over MCP.
  const trace = (await must<{ trace: { kind: string; actor: { kind: string; name: string }; channel: string }[] }>(host, 'briefs.get', { ref: `#${brief.number}`, limit: 200 })).trace;
  const byAgent = trace.filter((e) => e.actor.kind === 'agent');
  expect(byAgent.map((e) => e.kind).sort()).toEqual(['attachment_added', 'claimed', 'link_added', 'note', 'status_change'].sort());
  for (const e of byAgent) expect(e).toMatchObject({ actor: { name: agentName }, channel: 'mcp' });

  // The operator merges the lane from its panel, through MAIN's gate.
  await row.getByTestId('dispatch-lane').getByRole('link').click();
  const lanePath = (await must<{ lanes: { name: string; path: string }[] }>(host, 'lanes.list', {})).lanes.find((l) => l.name === laneName)!.path;
  const lanePanel = await openLanePanel(page, lanePath, laneName);
  await expect(lanePanel.getByTestId('lane-brief-list')).toContainText(`#${brief.number} Pink petals`);
  await lanePanel.getByRole('button', { name: 'Merge into MAIN…' }).click();
  const dialog = page.getByTestId('merge-dialog');
  await dialog.getByRole('button', { name: 'Merge into MAIN' }).click();
  await expect(dialog.getByTestId('merge-result')).toContainText(`Merged ${laneName} into MAIN`, { timeout: 30_000 });
  await expect(dialog.getByTestId('merge-result')).toContainText('the ephemeral lane and its merged branch were removed');
  expect(existsSync(join(main, 'petals.css'))).toBe(true);
  await page.keyboard.press('Escape');

  // Back on the brief: in review, the merge linked, the claim released, the lane gone.
  await openRoute(page, host, `#/brief/${brief.number}`);
  await expect(page.getByTestId('brief-header').getByTestId('brief-status')).toHaveAttribute('data-status', 'in_review', { timeout: 20_000 });
  await expect(links.filter({ hasText: /merged into MAIN/ })).toBeVisible();
  await expect(page.getByTestId('dispatch-claim')).toHaveCount(0);
  const kinds = await page.getByTestId('trace-entry').locator('.trace-kind').allTextContents();
  for (const k of ['dispatch requested', 'claimed', 'note added', 'attachment added', 'link added', 'status change', 'claim released']) expect(kinds).toContain(k);
  expect((await must<{ lanes: { name: string }[] }>(host, 'lanes.list', {})).lanes.map((l) => l.name)).not.toContain(laneName);
  await expect(page.getByTestId('dispatch-row')).toHaveAttribute('data-state', 'finished', { timeout: 20_000 });
  await expectAccessible(page, 'a brief after its dispatch merged');
  await shoot(page, 'dispatch-flow-merged');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'dispatch-flow-merged');
});

test('a merge the gate rolls back shows on the brief, with the gate output', async ({ page }) => {
  const brief = await newBrief(host, { title: 'Reserved method name', kind: 'bug', projects: ['flower'] });
  const out = makeTempDir('grove-flow-out-');
  await dispatchFromPage(page, brief.number, out, ['mcp-recall', 'commit:BROKEN']);
  await expect.poll(() => stepsOf(out).length, { timeout: 30_000 }).toBe(2);
  const { dispatches } = await must<{ dispatches: { laneId: string }[] }>(host, 'dispatch.list', { ref: `#${brief.number}` });
  const before = git(main, 'rev-parse', 'HEAD');
  const r = await fetch(`${host.url}/api/lanes.merge`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: dispatches[0]!.laneId }) });
  expect(((await r.json()) as { ok: boolean }).ok).toBe(false);
  expect(git(main, 'rev-parse', 'HEAD')).toBe(before);

  const links = page.getByTestId('brief-links').getByTestId('brief-link');
  await expect(links.filter({ hasText: 'merge rolled back by the gate' })).toBeVisible({ timeout: 20_000 });
  const note = page.getByTestId('trace-entry').filter({ hasText: 'The gate refused the merge' });
  await expect(note).toContainText('Cannot redeclare dispatch()');
  await expect(page.getByTestId('brief-header').getByTestId('brief-status')).toHaveAttribute('data-status', 'in_progress');
  await expectAccessible(page, 'a brief whose merge was rolled back');
  await note.scrollIntoViewIfNeeded();
  await shoot(page, 'dispatch-flow-rolled-back');
});
