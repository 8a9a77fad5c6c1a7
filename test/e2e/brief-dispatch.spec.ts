import { expect, test, type Locator, type Page } from '@playwright/test';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { makeTempDir } from '../fixtures/temp-dir';
import { repoRoot, type HostProcess } from '../fixtures/host-process';
import { expectAccessible } from './axe';
import { briefsHostForEachTest, must, newBrief, openRoute } from './briefs-host';
import { shoot } from './screenshots';

/**
 * The Dispatch panel on a brief, on a real host with a real repository (`flower`, trusted)
 * in a real Chromium: a brief dispatched from the UI to a new ephemeral lane (the packet, the
 * dispatch running with its lane and agent, `dispatch requested` in the trace); an
 * auto-dispatch of a draft brief waiting with its reason, and cancelled; a brief whose
 * project names no repository here.
 */
const currentHost = briefsHostForEachTest();
let host: HostProcess;
test.beforeEach(() => {
  host = currentHost();
});

/** A stand-in for an agent Grove dispatched: started with the packet, it waits for input as an interactive agent does. */
const fakeAgent = join(repoRoot, 'test', 'fixtures', 'agents', 'brief-worker.mjs');

/** Sets the form to run the stand-in: Custom…, node as the command, the script (and its steps) as arguments. */
async function chooseFakeAgent(dispatch: Locator, steps: string[] = []): Promise<void> {
  await dispatch.getByLabel('Agent kind').selectOption({ label: 'Custom…' });
  await dispatch.getByLabel('Command').fill(process.execPath);
  await dispatch.getByLabel(/^Arguments/).fill([fakeAgent, ...(steps.length ? ['--steps', steps.join(',')] : [])].join('\n'));
}

const panel = (page: Page): Locator => page.getByTestId('brief-dispatch');

async function openBrief(page: Page, number: number, width = 1440): Promise<Locator> {
  await page.setViewportSize({ width, height: 1000 });
  await openRoute(page, host, `#/brief/${number}`);
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(number));
  return panel(page);
}

test('dispatch a brief to a new ephemeral lane: the packet, the dispatch running with its lane and agent, the trace', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const brief = await newBrief(host, { title: 'Pink petals on the landing page', kind: 'feature', spec: 'Make the petals pink.', projects: ['flower'] });
  const [repo] = (await must<{ repos: { id: string }[] }>(host, 'repos.list', {})).repos;
  await must(host, 'lanes.create', { repoId: repo!.id, name: 'design' });

  const dispatch = await openBrief(page, brief.number);
  await expect(dispatch).toContainText('hand-off · dispatch');
  await expect(dispatch.getByTestId('no-dispatches')).toHaveText('No dispatch requests yet — dispatch above to generate a copy-paste packet.');
  // The target: a new ephemeral lane named for the brief, or the project's standing lane.
  const target = dispatch.getByLabel('Target');
  await expect(target.locator('option').first()).toHaveText(`New ephemeral lane brief-${brief.number}-pink-petals-on-the-landing-page`);
  await expect(target.locator('optgroup[label="Standing lanes of flower"] option')).toHaveText(['design']);
  await expectAccessible(page, 'the Dispatch panel');
  await dispatch.scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-form');

  // Custom… without a command is refused before the host is asked.
  await dispatch.getByLabel('Agent kind').selectOption({ label: 'Custom…' });
  await dispatch.getByRole('button', { name: 'Dispatch' }).click();
  await expect(dispatch.getByTestId('dispatch-form').getByRole('alert')).toContainText('Custom needs a command');
  // The agent reads its brief once it runs (over HTTP, as `grove brief recall` does): that claims it.
  await chooseFakeAgent(dispatch, ['recall-http']);
  await dispatch.getByRole('button', { name: 'Dispatch' }).click();

  // The packet: the brief's number and title, how to recall it; Copy puts it on the clipboard.
  const packet = dispatch.getByTestId('packet-text');
  await expect(packet).toContainText(`#${brief.number}`);
  await expect(packet).toContainText('Pink petals on the landing page');
  await expect(packet).toContainText(`grove brief recall #${brief.number}`);

  // The dispatch runs, in its new lane, with its agent; the trace records the request.
  const row = dispatch.getByTestId('dispatch-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  // Once the lane exists the packet says where it is; Copy puts exactly that on the clipboard.
  await expect(packet).toContainText(new RegExp(`Work only in the lane brief-${brief.number}-pink-petals-on-the-landing-page \\(/`));
  await expect(packet).not.toContainText('Grove makes it when the dispatch starts');
  await dispatch.getByRole('button', { name: 'Copy' }).click();
  await expect(dispatch.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const clipboard = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
  expect(clipboard).toBe(await packet.textContent());
  await expect(row.getByTestId('dispatch-state')).toHaveText('running');
  await expect(row.getByTestId('dispatch-lane')).toContainText(`brief-${brief.number}-`);
  await expect(row.getByTestId('dispatch-lane').getByRole('link')).toBeVisible();
  await expect(row.getByTestId('dispatch-agent').getByRole('link')).toBeVisible();
  await expect(row).toContainText('build');
  await expect(row).toContainText('wave 1');
  await expect(row.getByTestId('dispatch-cancel')).toHaveCount(0);
  const agentName = (await must<{ dispatches: { agentName: string | null }[] }>(host, 'dispatch.list', { ref: `#${brief.number}` })).dispatches[0]!.agentName!;
  await expect(row.getByTestId('dispatch-agent')).toContainText(agentName);
  await expect(dispatch.getByTestId('dispatch-claim')).toHaveText(new RegExp(`^claimed by ${agentName} since (now|\\d+ sec\\. ago)$`));
  const requested = page.getByTestId('trace-entry').filter({ has: page.locator('.trace-kind', { hasText: 'dispatch requested' }) });
  await expect(requested).toHaveCount(1);
  // Made in the UI: the actor line names no other channel ("via api").
  await expect(requested.getByTestId('trace-actor')).toHaveText('operator · operator:mike');
  await expect(requested).toContainText(`build to new ephemeral lane brief-${brief.number}-pink-petals-on-the-landing-page (custom, worker)`);

  await expectAccessible(page, 'the Dispatch panel with a running dispatch');
  await panel(page).scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-running');
  await page.setViewportSize({ width: 390, height: 844 });
  await panel(page).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'the Dispatch panel at 390 px');
  await shoot(page, 'brief-dispatch-running');
  // Nothing of the panel spills past a phone's width.
  const box = (await panel(page).boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);

  // The agent's link opens its tab in the lane's workspace.
  await page.setViewportSize({ width: 1440, height: 1000 });
  await row.getByTestId('dispatch-agent').getByRole('link').click();
  await expect(page.locator(`[data-testid="agent-tab"][data-agent="${agentName}"]`)).toHaveAttribute('aria-selected', 'true');
});

test('auto-dispatch of a draft brief waits, saying why, until cancelled', async ({ page }) => {
  const brief = await newBrief(host, { title: 'Dark mode for the shop', kind: 'feature', projects: ['flower'] });
  const dispatch = await openBrief(page, brief.number);

  await dispatch.getByRole('checkbox', { name: 'Auto-dispatch when it reaches planned' }).check();
  await chooseFakeAgent(dispatch);
  await dispatch.getByRole('button', { name: 'Dispatch' }).click();

  const row = dispatch.getByTestId('dispatch-row');
  await expect(row).toHaveAttribute('data-state', 'waiting');
  await expect(row.getByTestId('dispatch-reason')).toHaveText(`waiting for #${brief.number} to be planned (it is draft)`);
  await expect(row).toContainText('build');
  await expect(row).toContainText('requested (auto)');
  await expect(dispatch.getByTestId('dispatch-packet')).toBeVisible();
  await expectAccessible(page, 'a waiting dispatch');
  await shoot(page, 'brief-dispatch-waiting');
  await page.setViewportSize({ width: 390, height: 844 });
  await row.scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-waiting');

  // Cancel, from the keyboard.
  await row.getByRole('button', { name: /^Cancel dispatch/ }).focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('data-state', 'cancelled');
  await expect(row.getByTestId('dispatch-cancel')).toHaveCount(0);
  await expect(row).toBeFocused();
  await expect(row.getByTestId('dispatch-reason')).toHaveText('cancelled by the operator');
  await expect(dispatch.getByTestId('dispatch-claim')).toHaveCount(0);
  const listed = await must<{ dispatches: { state: string }[] }>(host, 'dispatch.list', { ref: `#${brief.number}`, state: ['cancelled'] });
  expect(listed.dispatches.map((d) => d.state)).toEqual(['cancelled']);
});

test('the packet on demand; a dispatch made elsewhere (the CLI, another window) appears live', async ({ page }) => {
  const brief = await newBrief(host, { title: 'Seasonal bouquets', kind: 'feature', projects: ['flower'] });
  const dispatch = await openBrief(page, brief.number);
  await expect(dispatch.getByTestId('no-dispatches')).toBeVisible();
  // The packet on demand, before any dispatch; hidden again.
  await dispatch.getByRole('button', { name: 'Packet' }).click();
  await expect(dispatch.getByTestId('packet-text')).toContainText(`You are asked to work on brief #${brief.number}: Seasonal bouquets`);
  await dispatch.getByRole('button', { name: 'Hide the packet' }).click();
  await expect(dispatch.getByTestId('dispatch-packet')).toHaveCount(0);
  await expect(dispatch.getByTestId('no-dispatches')).toBeVisible();

  await must(host, 'dispatch.create', { ref: `#${brief.number}`, preset: 'custom', command: process.execPath, args: [fakeAgent], auto: true });
  await expect(dispatch.getByTestId('dispatch-row')).toHaveAttribute('data-state', 'waiting');
});

test('a brief whose project names no repository here: the panel says so and the operator picks one', async ({ page }) => {
  const brief = await newBrief(host, { title: 'Orchard inventory', kind: 'feature', projects: ['orchard'] });
  const dispatch = await openBrief(page, brief.number);
  await expect(dispatch.getByTestId('dispatch-repo')).toContainText('No repository here is named orchard. Pick the repository to dispatch into:');
  await dispatch.getByRole('button', { name: 'Dispatch' }).click();
  await expect(dispatch.getByTestId('dispatch-form').getByRole('alert')).toHaveText('No repository here is named orchard: pick the repository to dispatch the brief into.');
  await dispatch.getByLabel('Repository').selectOption({ label: 'flower' });
  await expect(dispatch.getByTestId('dispatch-form').getByRole('alert')).toHaveCount(0);
  await expect(dispatch.getByLabel('Repository')).toHaveValue(/.+/);
  await dispatch.scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-pick-repo');
  await expectAccessible(page, 'the Dispatch panel without a repository');
  await page.setViewportSize({ width: 390, height: 844 });
  await dispatch.scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-pick-repo');
});

test('a brief whose project is the name of two repositories here: the panel never guesses, and offers those two by their paths', async ({ page }) => {
  const twin = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  await must(host, 'repos.add', { path: twin });
  const brief = await newBrief(host, { title: 'Which flower', kind: 'feature', projects: ['flower'] });
  const dispatch = await openBrief(page, brief.number);
  await expect(dispatch.getByTestId('dispatch-repo')).toContainText('Several repositories here are named flower. Pick the repository to dispatch into:');
  const options = dispatch.getByLabel('Repository').locator('option');
  await expect(options).toHaveCount(3); // the prompt, and the two
  await expect(options.nth(2)).toHaveText(`flower — ${twin}`);
  await dispatch.getByRole('button', { name: 'Dispatch' }).click();
  await expect(dispatch.getByTestId('dispatch-form').getByRole('alert')).toHaveText('Several repositories here are named flower: pick the one to dispatch the brief into.');
  await dispatch.getByLabel('Repository').selectOption({ label: `flower — ${twin}` });
  await expect(dispatch.getByTestId('dispatch-form').getByRole('alert')).toHaveCount(0);
  await dispatch.scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-twin-repos');
  await page.setViewportSize({ width: 390, height: 844 });
  await dispatch.scrollIntoViewIfNeeded();
  await shoot(page, 'brief-dispatch-twin-repos');
});
