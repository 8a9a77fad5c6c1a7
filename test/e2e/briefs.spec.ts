import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { repoRoot, type HostProcess } from '../fixtures/host-process';
import { recreateSeedBrief, seedText } from '../fixtures/seed-brief';
import { expectAccessible } from './axe';
import { must, newBrief, openRoute, briefsHostForEachTest } from './briefs-host';
import { SHOTS, setTheme, shoot } from './screenshots';
import { openPalette, runCommand } from './palette-steps';

/**
 * The Briefs route as the operator meets it, on a real host in a real Chromium: the seed
 * brief (recreated through the API by operator:mike and a real flower-orchestrator agent)
 * with every section in the seed's words; All briefs with its filters and search; a brief
 * made from the UI; another client's entries arriving live; a spec edit kept as a refinement.
 */
const currentHost = briefsHostForEachTest();
let host: HostProcess;
test.beforeEach(() => {
  host = currentHost();
});

const trace = (page: Page) => page.getByTestId('trace-entry');

test('the seed brief: every section renders with the seed’s words', async ({ page }) => {
  const seed = await recreateSeedBrief(host);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openRoute(page, host, `#/brief/${seed.number}`);
  const brief = page.getByTestId('brief-page');
  await expect(brief).toHaveAttribute('data-number', String(seed.number));

  // Header: "flower / All briefs", the title, status, kind and project.
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toHaveText('flower / All briefs');
  await expect(page.getByTestId('brief-title')).toContainText(seedText.title);
  const header = page.getByTestId('brief-header');
  await expect(header.getByTestId('brief-status')).toHaveText('in progress');
  await expect(header.getByTestId('brief-kind')).toHaveText('note');

  // Spec: the refinement is the canonical spec, rendered as markdown.
  await expect(page.getByTestId('brief-spec')).toContainText('canonical · plan');
  await expect(page.getByTestId('brief-spec').locator('h2', { hasText: 'Spec: Worktree-isolated active work' })).toBeVisible();
  await expect(page.getByTestId('brief-spec').locator('strong', { hasText: 'Principle (operator\'s framing):' })).toBeVisible();
  await expect(page.getByTestId('brief-dispatch')).toContainText('hand-off · dispatch');
  await expect(page.getByTestId('brief-dispatch')).toContainText('No dispatch requests yet');

  // Trace: 17 entries, newest first, numbered, with their actors, as the seed lists them.
  await expect(page.getByTestId('brief-trace')).toContainText('provenance · append-only');
  await expect(page.getByTestId('brief-trace')).toContainText('live');
  await expect(trace(page)).toHaveCount(17);
  const kinds = await trace(page).locator('.trace-kind').allTextContents();
  expect(kinds).toEqual([
    ...Array(7).fill('link added'),
    'status change',
    'comment',
    'note added',
    'refinement',
    'plan accepted',
    'plan proposed',
    'participant joined',
    'note added',
    'participant joined',
    'created',
  ]);
  const ordinals = await trace(page).locator('.trace-ordinal').allTextContents();
  expect(ordinals[0]).toBe('17.');
  expect(ordinals[16]).toBe('1.');
  const actors = await trace(page).getByTestId('trace-actor').allTextContents();
  expect(actors.slice(0, 9).every((a) => a.startsWith('agent · flower-orchestrator'))).toBe(true);
  expect(actors[9]).toBe('operator · operator:mike');
  expect(actors[11]).toBe('operator · operator:mike');
  expect(actors[13]).toBe('system · flower-orchestrator');
  expect(actors[15]).toBe('system · operator:mike');
  await expect(trace(page).nth(7)).toContainText('in progress: worktree-isolation work started');
  await expect(trace(page).nth(8)).toContainText('Worktree-isolation work STARTED (orchestrator)');
  await expect(trace(page).nth(9)).toContainText("This sounds great - so let's get flower-design into it's own worktree");
  // The refinement's diff is folded away; the plan was accepted, so no "Accept plan" button.
  await expect(trace(page).nth(10).locator('details')).not.toHaveAttribute('open');
  await expect(trace(page).nth(12)).toContainText('Accepted.');
  await expect(page.getByTestId('accept-plan')).toHaveCount(0);

  // The side column.
  await expect(page.getByTestId('brief-relationships')).toContainText('epic · dependencies');
  await expect(page.getByTestId('no-dependencies')).toHaveText('No dependencies — dispatchable once planned.');
  const participants = page.getByTestId('participant');
  await expect(participants).toHaveText(['operator:mike participant · active', 'flower-orchestrator participant · active']);
  await expect(page.getByTestId('brief-participants')).toContainText('agents · waves');
  await expect(page.getByTestId('brief-links')).toContainText('trace · graph');
  await expect(page.getByTestId('brief-link')).toHaveCount(7);
  for (const text of await page.getByTestId('brief-link').allTextContents()) expect(text).toContain('execution');
  await expect(page.getByTestId('brief-link').first()).toContainText('flower.test/scratchpad/399');
  await expect(page.getByTestId('brief-link').first().getByRole('link')).toHaveAttribute('href', 'https://flower.test/scratchpad/399');
  await expect(page.getByTestId('brief-projects')).toContainText('scope');
  await expect(page.getByTestId('project')).toHaveText('flower · primary');

  // The agent's-eye view: the literal recall payload, with its size.
  const recall = await must<{ text: string; chars: number; approxTokens: number }>(host, 'briefs.recall', { ref: `#${seed.number}` });
  const eye = page.getByTestId('brief-agents-eye');
  await expect(eye).toContainText('dogfood · read-only');
  await expect(eye).toContainText('The literal recall_brief payload an agent gets — same service path as the MCP tool.');
  await expect(page.getByTestId('recall-size')).toContainText(`${recall.chars.toLocaleString('en')} characters · ~${recall.approxTokens.toLocaleString('en')} tokens`);
  expect(await page.getByTestId('recall-text').textContent()).toBe(recall.text);

  // The seed's two columns at desktop width: the trace beside the side column.
  const main = (await page.locator('.brief-main').boundingBox())!;
  const side = (await page.locator('.brief-side').boundingBox())!;
  expect(side.x).toBeGreaterThan(main.x + main.width - 1);

  await expectAccessible(page, 'a brief (dark)');
  await setTheme(page, 'light');
  await expectAccessible(page, 'a brief (light)');
  await setTheme(page, 'dark');
  await page.setViewportSize({ width: 1440, height: 1600 });
  await page.screenshot({ path: join(repoRoot, 'docs', 'briefs-screenshot.png') });
  await page.getByTestId('brief-trace').scrollIntoViewIfNeeded();
  await page.getByTestId('brief-trace').screenshot({ path: join(SHOTS, 'briefs-seed-trace.png') });
  await page.setViewportSize({ width: 1440, height: 1000 });
  await shoot(page, 'briefs-seed');

  // At 390 px the page is one column.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(async () => {
    const m = (await page.locator('.brief-main').boundingBox())!;
    const s = (await page.locator('.brief-side').boundingBox())!;
    expect(s.y).toBeGreaterThanOrEqual(m.y + m.height - 1);
  }).toPass();
  await expectAccessible(page, 'a brief at 390 px');
  await shoot(page, 'briefs-seed');
});

test('All briefs: latest activity first, filters, search over titles, specs and traces, and a brief made from the UI', async ({ page }) => {
  const login = await newBrief(host, { title: 'Login fails after a merge', kind: 'bug', projects: ['flower'] });
  await newBrief(host, { title: 'Cache the probe results', kind: 'research', spec: 'Measure whether a zebra-striped cache helps.', projects: ['garden'] });
  const tidy = await newBrief(host, { title: 'Tidy the rail', kind: 'chore', projects: ['flower'] });
  await must(host, 'briefs.append', { ref: `#${login.number}`, action: { kind: 'note', text: 'Seen again by a pelican-shaped test.' } });
  await must(host, 'briefs.append', { ref: `#${tidy.number}`, action: { kind: 'status_change', to: 'planned' } });

  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, '#/briefs');
  const rows = page.getByTestId('brief-row');
  // Latest activity first: tidy (status change), login (note), cache.
  await expect(rows).toHaveCount(3);
  await expect(rows.locator('.brief-row-title')).toHaveText(['Tidy the rail', 'Login fails after a merge', 'Cache the probe results']);
  await expect(rows.first()).toContainText(`#${tidy.number}`);
  await expect(rows.first()).toContainText('planned');
  await expect(rows.first()).toContainText('chore');
  await expect(rows.first()).toContainText('operator:mike');
  await expect(rows.first().locator('time')).toHaveText(/now|sec|min/);

  await page.getByTestId('brief-filter-kind').selectOption('bug');
  await expect(rows.locator('.brief-row-title')).toHaveText(['Login fails after a merge']);
  await page.getByTestId('brief-filter-kind').selectOption('');
  await page.getByTestId('brief-filter-project').selectOption('garden');
  await expect(rows.locator('.brief-row-title')).toHaveText(['Cache the probe results']);
  await page.getByTestId('brief-filter-project').selectOption('');
  await page.getByTestId('brief-filter-status').selectOption('planned');
  await expect(rows.locator('.brief-row-title')).toHaveText(['Tidy the rail']);
  await page.getByTestId('brief-filter-status').selectOption('');
  await expect(rows).toHaveCount(3);

  // Search: a title word, a spec word, a word only in the trace.
  const search = page.getByTestId('brief-search');
  await search.fill('rail');
  await expect(rows.locator('.brief-row-title')).toHaveText(['Tidy the rail']);
  await search.fill('zebra');
  await expect(rows.locator('.brief-row-title')).toHaveText(['Cache the probe results']);
  await search.fill('pelican');
  await expect(rows.locator('.brief-row-title')).toHaveText(['Login fails after a merge']);
  await search.fill('nothing-matches-this');
  await expect(page.getByTestId('brief-list-empty')).toContainText('No brief matches');
  await search.fill('');
  await expect(rows).toHaveCount(3);
  await expectAccessible(page, 'All briefs');
  await shoot(page, 'briefs-list');

  // New brief from the UI: the page opens; the back button returns to the list, which has it.
  await page.getByTestId('new-brief').click();
  const form = page.getByTestId('new-brief-form');
  await form.getByLabel('Title').fill('Give design its own worktree');
  await form.getByLabel('Kind').selectOption('design');
  await form.getByLabel('Project').fill('flower');
  await form.getByLabel('Spec (markdown, optional)').fill('A **flower-design** worktree and a Herd site.');
  await expectAccessible(page, 'the New brief dialog');
  await form.getByRole('button', { name: 'Create brief' }).click();
  await expect(page.getByTestId('brief-title')).toContainText('Give design its own worktree');
  const created = Number(await page.getByTestId('brief-page').getAttribute('data-number'));
  expect(page.url()).toContain(`#/brief/${created}`);
  await expect(page.getByTestId('brief-kind')).toHaveText('design');
  await expect(page.getByTestId('brief-spec').locator('strong')).toHaveText('flower-design');
  await expect(trace(page).last()).toContainText('created');
  await expect(trace(page).last()).toContainText('operator · operator:mike');
  const stored = await must<{ trace: { channel: string; kind: string }[] }>(host, 'briefs.get', { ref: `#${created}` });
  expect(stored.trace.find((e) => e.kind === 'created')!.channel).toBe('ui');
  await page.goBack();
  await expect(rows.first()).toContainText('Give design its own worktree');

  // The palette's "New brief…" opens the same dialog, from anywhere.
  await page.getByTestId(`brief-row`).first().click();
  await expect(page.getByTestId('brief-page')).toBeVisible();
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command' }).fill('New brief');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('new-brief-form')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('brief-list')).toBeVisible();

  // At 390 px the list still reads: number, title, then its facts below.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(rows.first()).toBeVisible();
  await expectAccessible(page, 'All briefs at 390 px');
  await shoot(page, 'briefs-list');
});

test('the palette opens a brief from anywhere: by a word of its spec, by its number typed and Enter at once, or among the latest', async ({ page }) => {
  const login = await newBrief(host, { title: 'The login page after the redesign', kind: 'feature', spec: 'Keep the pagination of the old page.', projects: ['flower'] });
  const chore = await newBrief(host, { title: 'Rotate the staging keys', kind: 'chore', projects: ['flower'] });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, '#/settings');
  await expect(page.getByTestId('settings-view')).toBeVisible();
  const palette = page.getByTestId('command-palette');
  const box = palette.getByRole('combobox', { name: 'Command' });

  // With no query the latest briefs are listed, under Briefs.
  await page.keyboard.press('Control+Shift+P');
  await expect(box).toBeFocused();
  await expect(palette.getByRole('option', { name: `#${chore.number} Rotate the staging keys` })).toBeAttached();

  // A word only its spec holds: found by the host, opened by Enter.
  await page.keyboard.type('paginat');
  const found = palette.getByRole('option', { name: `#${login.number} The login page after the redesign` });
  await expect(found).toHaveAttribute('aria-selected', 'true');
  await expect(found).toContainText('feature · draft');
  await shoot(page, 'palette-briefs');
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(login.number));
  await expect(page.getByTestId('brief-title')).toContainText('The login page after the redesign');

  // Its number, and Enter before the host could answer: named by the query alone.
  await page.keyboard.press('Control+Shift+P');
  await expect(box).toBeFocused();
  await page.keyboard.type(`#${chore.number}`);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(chore.number));

  // A bare number too, ahead of every command whose words hold it ("Pause notifications for
  // 1 hour", "Edit #2's spec" on this page).
  expect(login.number).toBe(1);
  await page.keyboard.press('Control+Shift+P');
  await expect(box).toBeFocused();
  await page.keyboard.type('1');
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', '1');
  expect(((await must<{ settings: { pausedUntil: string | null } }>(host, 'notifications.list', {})).settings.pausedUntil)).toBeNull();

  // At 390 px the found brief reads whole.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.keyboard.press('Control+Shift+P');
  await expect(box).toBeFocused();
  await page.keyboard.type('staging');
  await expect(palette.getByRole('option', { name: `#${chore.number} Rotate the staging keys` })).toHaveAttribute('aria-selected', 'true');
  await expectAccessible(page, 'the palette with briefs found');
  await shoot(page, 'palette-briefs');
});

test('the brief on screen from the palette: its spec, a note, its status, its title and its dispatch each open where their buttons are, with the keys in them', async ({ page }) => {
  const b = await newBrief(host, { title: 'Keys all the way', kind: 'feature', projects: ['flower'] });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(b.number));
  const palette = page.getByTestId('command-palette');
  const run = async (text: string): Promise<void> => {
    await page.keyboard.press('Control+Shift+P');
    await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await expect(palette).toHaveCount(0);
  };

  // A note, typed straight after the command and added with Ctrl+Enter.
  await run(`Add a note or comment to #${b.number}`);
  await expect(page.getByTestId('trace-text')).toBeFocused();
  await page.keyboard.type('Written without the mouse');
  await page.keyboard.press('Control+Enter');
  await expect(trace(page).first()).toContainText('Written without the mouse');

  await run(`Edit #${b.number}'s spec`);
  await expect(page.getByTestId('spec-editor').locator('textarea')).toBeFocused();
  await page.keyboard.type('## The plan');
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('brief-spec').locator('h2', { hasText: 'The plan' })).toBeVisible();

  await run(`Change #${b.number}'s status`);
  await expect(page.getByTestId('status-form').locator('select')).toBeFocused();

  await run(`Edit #${b.number}'s title and kind`);
  await expect(page.getByTestId('brief-header').getByRole('textbox', { name: 'Title' })).toBeFocused();
  await page.keyboard.press('Escape');

  await run(`Dispatch #${b.number}`);
  await expect(page.getByTestId('dispatch-form').locator('select, input, textarea').first()).toBeFocused();

  // A form open already gets the keys back: the spec editor left open, the note box clicked.
  await run(`Edit #${b.number}'s spec`);
  await page.getByTestId('trace-text').click();
  await run(`Edit #${b.number}'s spec`);
  await expect(page.getByTestId('spec-editor').locator('textarea')).toBeFocused();
});

test('the palette cancels one dispatch of the brief on screen and redacts one of its entries, each where its button is', async ({ page }) => {
  const b = await newBrief(host, { title: 'Items by keys', kind: 'feature', projects: ['flower'] });
  // A draft's auto-dispatch waits (it can be cancelled); two notes, one with a secret in it.
  await must(host, 'dispatch.create', { ref: `#${b.number}`, preset: 'shell', auto: true });
  await must(host, 'briefs.append', { ref: `#${b.number}`, action: { kind: 'note', text: 'The deploy key is sk-live-4242, do not share' } });
  await must(host, 'briefs.append', { ref: `#${b.number}`, action: { kind: 'note', text: 'Harmless progress note' } });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  const row = page.getByTestId('dispatch-row');
  await expect(row).toHaveAttribute('data-state', 'waiting');
  const palette = page.getByTestId('command-palette');
  const box = palette.getByRole('combobox', { name: 'Command' });

  // With nothing typed the dispatch is listed, no entry is (a trace would bury the rest).
  await page.keyboard.press('Control+Shift+P');
  await expect(box).toBeFocused();
  await expect(palette.getByRole('option', { name: new RegExp(`^Cancel #${b.number}'s dispatch: wave 1, waiting`) })).toBeAttached();
  await expect(palette.getByRole('option', { name: /^Redact/ })).toHaveCount(0);
  await page.keyboard.type('cancel dispatch');
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(row).toHaveAttribute('data-state', 'cancelled');
  await expect(row.getByTestId('dispatch-reason')).toHaveText('cancelled by the operator');
  // Cancelled, it is no longer offered.
  await page.keyboard.press('Control+Shift+P');
  await expect(box).toBeFocused();
  await expect(palette.getByRole('option', { name: /^Cancel #/ })).toHaveCount(0);

  // An entry found by its words opens the same dialog as its button, for that entry.
  const ordinal = async (text: string): Promise<string> => (await trace(page).filter({ hasText: text }).locator('.trace-ordinal').textContent())!;
  const secret = await ordinal('sk-live-4242');
  const harmless = await ordinal('Harmless progress note');
  await page.keyboard.type('redact deploy key');
  const found = palette.getByRole('option', { name: /^Redact/ });
  await expect(found).toHaveCount(1);
  // Which entry, by its number, kind and first words.
  await expect(found).toHaveText(`Redact #${b.number}'s entry ${secret} note addedThe deploy key is sk-live-4242, do not share`);
  await shoot(page, 'palette-redact');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'palette-redact');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('dialog')).toContainText(`entry ${secret} note added`);
  await expect(page.getByTestId('redact-reason')).toBeFocused();
  await page.keyboard.type('pasted a secret');
  await page.getByTestId('confirm-redact').click();
  const redacted = trace(page).filter({ hasText: 'redacted by operator · operator:mike: pasted a secret' });
  await expect(redacted).toHaveCount(1);
  await expect(page.getByTestId('brief-trace')).not.toContainText('sk-live-4242');
  await expect(page.getByTestId('brief-trace')).toContainText('Harmless progress note');
  // Redacted, it is no longer offered (nor is the redaction); the other note still is.
  await openPalette(page);
  await page.keyboard.type('redact');
  await expect(palette.getByRole('option', { name: `Redact #${b.number}'s entry ${harmless} note added` })).toBeAttached();
  await expect(palette.getByRole('option', { name: `Redact #${b.number}'s entry ${secret} note added` })).toHaveCount(0);
  await expect(palette.getByRole('option', { name: /redaction$/ })).toHaveCount(0);
});

test('the palette accepts a proposed plan, removes a dependency and a link, and opens the relationship, link and screenshot forms of the brief on screen', async ({ page }) => {
  const other = await newBrief(host, { title: 'The login page', kind: 'feature', projects: ['flower'] });
  const b = await newBrief(host, { title: 'Relations by keys', kind: 'feature', spec: 'Old spec.', projects: ['flower'] });
  const ref = `#${b.number}`;
  await must(host, 'briefs.append', { ref, action: { kind: 'dependency_added', on: `#${other.number}` } });
  await must(host, 'briefs.append', { ref, action: { kind: 'link_added', type: 'url', target: 'https://example.com/design', label: 'design' } });
  await must(host, 'briefs.append', { ref, action: { kind: 'plan_proposed', spec: '## The plan\n\nCache the worktrees.', summary: 'Cache the worktrees' } });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  await expect(page.getByTestId('dependencies')).toContainText('The login page');
  const palette = page.getByTestId('command-palette');
  const run = (text: string): Promise<void> => runCommand(page, text);

  await run(`Accept ${ref}'s proposed plan`);
  await expect(page.getByTestId('brief-spec').locator('h2', { hasText: 'The plan' })).toBeVisible();
  await expect(page.getByTestId('trace-entry').first()).toContainText('The proposed plan became the spec.');
  await run(`Remove ${ref}'s dependency on #${other.number} The login page`);
  await expect(page.getByTestId('no-dependencies')).toBeVisible();
  await run(`Remove ${ref}'s link: url https://example.com/design (design)`);
  await expect(page.getByTestId('brief-link')).toHaveCount(0);
  // Accepted and removed, they are no longer offered.
  await openPalette(page);
  await page.keyboard.type('remove');
  await expect(palette.getByRole('option', { name: /^Remove #/ })).toHaveCount(0);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('proposed plan');
  await expect(palette.getByRole('option', { name: /^Accept/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await run(`Add a dependency to ${ref}`);
  await expect(page.getByTestId('add-dependency').getByRole('textbox')).toBeFocused();
  await page.keyboard.type(`#${other.number}`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dependencies')).toContainText('The login page');
  await run(`Set ${ref}'s epic parent`);
  await expect(page.getByTestId('set-parent').getByRole('textbox')).toBeFocused();
  await run(`Add a link to ${ref}`);
  await expect(page.getByTestId('add-link').getByRole('combobox', { name: 'Link type' })).toBeFocused();
  // The trace's file picker opens, as its button opens it.
  const chooser = page.waitForEvent('filechooser');
  await run(`Attach a screenshot to ${ref}`);
  expect((await chooser).isMultiple()).toBe(true);
});

test('typing on while the spec saves: the words typed meanwhile stay in the editor, unsaved, and go with the next save', async ({ page }) => {
  const b = await newBrief(host, { title: 'Typed while saving', kind: 'feature', projects: ['flower'] });
  // The host's answer to the first refinement is held on its way back until the test lets it go.
  let holding = true;
  let heldId: number | null = null;
  let release: (() => void) | null = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const frame = parse(m);
      if (holding && frame?.kind === 'request' && frame.method === 'briefs.append' && (frame.params as { action?: { kind?: string } }).action?.kind === 'refinement') {
        holding = false;
        heldId = frame.id as number;
      }
      server.send(m);
    });
    server.onMessage((m) => {
      const frame = parse(m);
      if (heldId !== null && frame?.kind === 'response' && frame.id === heldId) {
        heldId = null;
        release = () => ws.send(m);
        return;
      }
      ws.send(m);
    });
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  await page.getByTestId('edit-spec').click();
  const editor = page.getByTestId('spec-editor').locator('textarea');
  await editor.fill('First part.');
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('save-spec')).toHaveText('Saving…');
  await expect.poll(() => release !== null).toBe(true);
  // Stored already (the host wrote it); its answer is on hold. The operator types on.
  await expect.poll(async () => (await must<{ brief: { spec: string } }>(host, 'briefs.get', { ref: `#${b.number}` })).brief.spec).toBe('First part.');
  await editor.press('End');
  await page.keyboard.type(' Second part.');
  release!();

  // The saved text is the editor's new base; what came after stays, unsaved, for the next save.
  await expect(page.getByTestId('save-spec')).toHaveText('Save refinement');
  await expect(editor).toHaveValue('First part. Second part.');
  await expect(page.getByTestId('save-spec')).toBeEnabled();
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('spec-editor')).toHaveCount(0);
  await expect(page.getByTestId('brief-spec')).toContainText('First part. Second part.');
  const stored = await must<{ brief: { spec: string }; trace: { kind: string }[] }>(host, 'briefs.get', { ref: `#${b.number}` });
  expect(stored.brief.spec).toBe('First part. Second part.');
  expect(stored.trace.filter((e) => e.kind === 'refinement')).toHaveLength(2);
});

test('a spec being edited survives a reconnect whose re-read of the brief fails: the page says it may be behind, the draft stays', async ({ page }) => {
  const b = await newBrief(host, { title: 'Edited through a dropped socket', kind: 'feature', spec: 'The first words.' });
  let sockets = 0;
  let failed = false;
  let drop: (() => void) | null = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    const nth = ++sockets;
    drop = () => void ws.close();
    ws.onMessage((m) => {
      const frame = parse(m);
      // The second socket's first re-read of the brief fails (as a host too slow to answer does).
      if (nth === 2 && !failed && frame?.kind === 'request' && frame.method === 'briefs.get' && (frame.params as { limit?: number }).limit !== 1) {
        failed = true;
        ws.send(JSON.stringify({ kind: 'response', id: frame.id, ok: false, error: { code: 'timeout', message: 'the host did not answer in time' } }));
        return;
      }
      server.send(m);
    });
    server.onMessage((m) => ws.send(m));
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  await page.getByTestId('edit-spec').click();
  const editor = page.getByTestId('spec-editor').locator('textarea');
  await editor.fill('The first words, and a paragraph typed since.');
  drop!();
  await expect.poll(() => sockets).toBe(2);
  const stale = page.getByTestId('brief-stale');
  await expect(stale).toContainText('This brief may be behind the host: reading it again failed (the host did not answer in time). What you are typing stays.');
  await expect(editor).toHaveValue('The first words, and a paragraph typed since.');
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(b.number));
  await shoot(page, 'brief-stale-1440');
  // Read again (the socket's later reads go through): the line goes, the draft stays.
  await stale.getByRole('button', { name: 'Read it again' }).click();
  await expect(stale).toHaveCount(0);
  await expect(editor).toHaveValue('The first words, and a paragraph typed since.');
});

/** A WebSocket frame of the host's protocol, or null for anything else. */
function parse(m: string | Buffer): { kind?: string; id?: unknown; method?: string; params?: unknown } | null {
  try {
    return JSON.parse(String(m)) as { kind?: string; id?: unknown; method?: string; params?: unknown };
  } catch {
    return null;
  }
}

test('live: another client’s entries appear within a second, in order, on the page and in the list; a redaction swaps in its tombstone', async ({ browser, page }) => {
  const b = await newBrief(host, { title: 'Watch me change', kind: 'feature', projects: ['flower'] });
  const other = await newBrief(host, { title: 'An older brief', kind: 'chore', projects: ['flower'] });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  await expect(trace(page)).toHaveCount(2);
  const listPage = await browser.newPage();
  await openRoute(listPage, host, '#/briefs');
  await expect(listPage.getByTestId('brief-row').first()).toContainText('An older brief');

  const ref = `#${b.number}`;
  for (const n of [1, 2, 3]) await must(host, 'briefs.append', { ref, action: { kind: 'comment', text: `comment number ${n}` } });
  await expect(trace(page).nth(0)).toContainText('comment number 3', { timeout: 1_000 });
  await expect(trace(page).nth(1)).toContainText('comment number 2');
  await expect(trace(page).nth(2)).toContainText('comment number 1');
  await expect(trace(page)).toHaveCount(5);
  await expect(trace(page).locator('.trace-ordinal').first()).toHaveText('5.');
  // The list moved the brief to the top.
  await expect(listPage.getByTestId('brief-row').first()).toContainText('Watch me change', { timeout: 1_000 });
  await listPage.close();

  // Redacted by another client: the tombstone replaces the content live.
  const got = await must<{ trace: { id: string; kind: string; payload: { text?: string } | null }[] }>(host, 'briefs.get', { ref });
  const second = got.trace.find((e) => e.payload?.text === 'comment number 2')!;
  await must(host, 'briefs.redact', { ref, entryId: second.id, reason: 'pasted a token' });
  await expect(trace(page).nth(2)).toContainText('redacted by operator · operator:mike: pasted a token', { timeout: 1_000 });
  await expect(trace(page).nth(0)).toContainText('redaction');
  await expect(trace(page).nth(0)).toContainText('pasted a token');
  await expect(page.getByTestId('brief-trace')).not.toContainText('comment number 2');

  // Redacted here: the dialog asks why; the entry shows its tombstone.
  await trace(page).filter({ hasText: 'comment number 3' }).getByRole('button', { name: /Redact entry/ }).click();
  await expectAccessible(page, 'the redact dialog');
  await page.getByTestId('redact-reason').fill('wrong brief');
  await page.getByTestId('confirm-redact').click();
  await expect(page.getByTestId('brief-trace')).toContainText('redacted by operator · operator:mike: wrong brief');
  await expect(page.getByTestId('brief-trace')).not.toContainText('comment number 3');

  // A note from the composer, a status change with a reason, a link, a dependency and its cycle.
  await page.getByTestId('trace-text').fill('Checked on **staging**.');
  await page.getByTestId('trace-add').click();
  await expect(trace(page).first().locator('strong')).toHaveText('staging');
  await expect(trace(page).first()).toContainText('note added');
  // Ctrl+Enter twice within one moment (a held key, a bounce): one note, not two.
  const notesBefore = await trace(page).filter({ hasText: 'note added' }).count();
  await page.getByTestId('trace-text').fill('Only once.');
  await page.getByTestId('trace-text').evaluate((el) => {
    const page = globalThis as unknown as { KeyboardEvent: new (type: string, init: object) => unknown };
    for (let i = 0; i < 2; i++) (el as unknown as { dispatchEvent(e: unknown): boolean }).dispatchEvent(new page.KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true }));
  });
  await expect(trace(page).first()).toContainText('Only once.');
  await expect(page.getByTestId('trace-text')).toHaveValue('');
  await expect(trace(page).filter({ hasText: 'note added' })).toHaveCount(notesBefore + 1);
  const statusForm = page.getByTestId('status-form');
  await statusForm.getByLabel('Move to').selectOption('in_review');
  await statusForm.getByLabel('Reason (optional)').fill('ready for a look');
  await statusForm.getByRole('button', { name: 'Change status' }).click();
  await expect(page.getByTestId('brief-header').getByTestId('brief-status')).toHaveText('in review');
  await expect(trace(page).first()).toContainText('draft → in review: ready for a look');
  await page.getByRole('button', { name: 'Edit title and kind' }).click();
  await page.getByTestId('brief-header').getByLabel('Title').fill('Watch me change, renamed');
  await page.getByTestId('brief-header').getByLabel('Kind').selectOption('ops');
  await page.getByTestId('brief-header').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('brief-title')).toContainText('Watch me change, renamed');
  await expect(page.getByTestId('brief-kind')).toHaveText('ops');
  await expect(trace(page).first()).toContainText('title → “Watch me change, renamed”; kind → ops');
  const addLink = page.getByTestId('add-link');
  await addLink.getByLabel('Target').fill('https://example.com/run/7');
  await addLink.getByLabel('Label').fill('execution');
  await addLink.getByRole('button', { name: 'Add link' }).click();
  await expect(page.getByTestId('brief-link')).toContainText(['example.com/run/7execution']);
  const dep = page.getByTestId('add-dependency');
  await dep.getByLabel('Add dependency').fill(`#${other.number}`);
  await dep.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('dependencies')).toContainText(`#${other.number} An older brief`);
  await expect(page.getByTestId('dependencies')).toContainText('draft');
  await expect(page.getByTestId('no-dependencies')).toHaveCount(0);
  // The other brief depending on this one would be a cycle: the host's words are shown.
  await page.getByTestId('dependencies').getByRole('link').click();
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(other.number));
  await page.getByTestId('add-dependency').getByLabel('Add dependency').fill(`#${b.number}`);
  await page.getByTestId('add-dependency').getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('add-dependency').getByRole('alert')).toContainText(`#${b.number}`);
  await page.goBack();
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', String(b.number));
});

test('editing the spec: a preview, a refinement with its diff, and someone else’s edit meanwhile loses nothing typed', async ({ page }) => {
  const b = await newBrief(host, { title: 'Spec me', kind: 'feature', spec: 'First line.', projects: ['flower'] });
  const ref = `#${b.number}`;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${b.number}`);
  await page.getByTestId('edit-spec').click();
  const editor = page.getByTestId('spec-editor');
  await editor.getByLabel('Spec (markdown)').fill('First line.\n\n## Second\n\n- a *list* item');
  await page.getByTestId('spec-preview-tab').click();
  await expect(page.getByTestId('spec-preview').locator('h2')).toHaveText('Second');
  await expect(page.getByTestId('spec-preview').locator('em')).toHaveText('list');
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('spec-editor')).toHaveCount(0);
  await expect(page.getByTestId('brief-spec').locator('h2', { hasText: 'Second' })).toBeVisible();
  const refinement = trace(page).first();
  await expect(refinement).toHaveAttribute('data-kind', 'refinement');
  await refinement.locator('summary').click();
  await expect(refinement.locator('.trace-diff')).toContainText('+## Second');

  // Someone else refines while the operator types: saving says so; the typed text stays.
  await page.getByTestId('edit-spec').click();
  await editor.getByLabel('Spec (markdown)').fill('My careful rewrite.');
  await must(host, 'briefs.append', { ref, action: { kind: 'refinement', spec: 'Their rewrite.' } });
  await expect(trace(page).first()).toHaveAttribute('data-kind', 'refinement');
  await expect(trace(page)).toHaveCount(4);
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('spec-conflict')).toContainText('Someone changed the spec while you were editing');
  await expect(editor.getByLabel('Spec (markdown)')).toHaveValue('My careful rewrite.');
  await page.getByRole('button', { name: 'Load their version' }).click();
  await expect(editor.getByLabel('Spec (markdown)')).toHaveValue('Their rewrite.');
  await expect(editor.getByLabel('Your text')).toHaveValue('My careful rewrite.');
  await expectAccessible(page, 'the spec editor after a conflict');
  await editor.getByLabel('Spec (markdown)').fill('Their rewrite, and mine.');
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('brief-spec')).toContainText('Their rewrite, and mine.');
  const stored = await must<{ brief: { spec: string; version: number } }>(host, 'briefs.get', { ref });
  expect(stored.brief.spec).toBe('Their rewrite, and mine.');

  // A note from someone else while editing moves the brief's version, not its spec: the save goes through.
  await page.getByTestId('edit-spec').click();
  await editor.getByLabel('Spec (markdown)').fill('Final words.');
  await must(host, 'briefs.append', { ref, action: { kind: 'note', text: 'just a note' } });
  await expect(trace(page).first()).toHaveAttribute('data-kind', 'note');
  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('spec-editor')).toHaveCount(0);
  await expect(page.getByTestId('spec-conflict')).toHaveCount(0);
  const last = await must<{ brief: { spec: string } }>(host, 'briefs.get', { ref });
  expect(last.brief.spec).toBe('Final words.');
});
