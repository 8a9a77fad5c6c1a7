import { expect, test, type Locator, type Page } from '@playwright/test';
import { hostForEachTest } from './host-per-test';
import { runCommand } from './palette-steps';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, repoRoot, loginUrl } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';
import { escapeFrom } from './escape-steps';

/**
 * The terminal owns the keyboard: with an agent's terminal focused, the keys shells and agent
 * CLIs live on reach the program, and only the app's shortcuts (the palette's among them)
 * stay with Grove. The program is key-echo.mjs, which prints the bytes of every read, numbered,
 * so a key that never arrived shows as a gap in the numbers.
 */
const KEY_ECHO = join(repoRoot, 'test', 'fixtures', 'key-echo.mjs');
const host = hostForEachTest();

/** A trusted repository with one lane running key-echo under `preset`; resolves with the lane's path. */
async function laneWithKeyEcho(name: string, preset: 'custom' | 'claude' = 'custom'): Promise<string> {
  const main = makeRepo(realpathSync(makeTempDir('grove-main-')));
  const repoId = await addTrustedRepo(host, main);
  const lane = await api(host, 'lanes.create', { repoId, name: 'keys' });
  expect(lane.status, JSON.stringify(lane.body)).toBe(200);
  const lanePath = (lane.body.result as { lane: { path: string } }).lane.path;
  // The script itself is the program (its #! finds node): a preset's own arguments go to it, not to node.
  const started = await api(host, 'agents.start', { lanePath, preset, command: KEY_ECHO, name, env: { HOME: makeTempDir() } });
  expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  return lanePath;
}

async function openTerminal(page: Page, lanePath: string, name: string): Promise<Locator> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  const terminal = page.getByTestId(`terminal-${name}`);
  await expect(terminal).toContainText('key-echo ready');
  await terminal.click();
  await expect(terminal.locator('textarea')).toBeFocused();
  return terminal;
}

test('a focused terminal gets the keys shells and agent CLIs use; the palette key opens the palette and reaches no program', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('echo');
  const terminal = await openTerminal(page, lanePath, 'echo');

  const keys: [string, string][] = [
    ['Control+k', '#1 0x0b ^K'],
    ['Control+r', '#2 0x12 ^R'],
    ['Control+a', '#3 0x01 ^A'],
    ['Control+e', '#4 0x05 ^E'],
    ['Control+u', '#5 0x15 ^U'],
    ['Control+w', '#6 0x17 ^W'],
    ['Control+o', '#7 0x0f ^O'],
    ['Control+t', '#8 0x14 ^T'],
    ['Shift+Tab', '#9 0x1b 0x5b 0x5a ESC [ Z'],
    ['Control+c', '#10 0x03 ^C'], // no selection: ^C for the program, not a copy
  ];
  for (const [key, echoed] of keys) {
    await page.keyboard.press(key);
    await expect(terminal, key).toContainText(echoed);
  }

  // The palette opens from the focused terminal; Escape closes it and the terminal has the keys again.
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByTestId('command-palette');
  await expect(palette).toBeVisible();
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await expect(terminal.locator('textarea')).toBeFocused();
  await page.keyboard.press('x');
  // The next read is #11: neither Ctrl+Shift+P nor the palette's Escape reached the program.
  await expect(terminal).toContainText('#11 0x78 x');
  await expect(terminal).not.toContainText('#12');
  await expect(terminal).not.toContainText('0x10'); // ^P
});

test('find opens with its shortcut and Escape gives the keys back to the program; the shortcut list shows every binding', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('finder');
  const terminal = await openTerminal(page, lanePath, 'finder');
  for (const [i, key] of ['a', 'b', 'c'].entries()) {
    await page.keyboard.press(key);
    await expect(terminal).toContainText(`#${i + 1} 0x${key.charCodeAt(0).toString(16)} ${key}`); // one read a key
  }

  await page.keyboard.press('Control+Shift+F');
  const find = page.getByRole('textbox', { name: "Find in finder's output" });
  await expect(find).toBeFocused();
  await find.fill('0x62');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('terminal-find')).not.toContainText('No match');
  await find.fill('not printed anywhere');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('terminal-find')).toContainText('No match');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('terminal-find')).toHaveCount(0);
  await expect(terminal.locator('textarea')).toBeFocused();
  await page.keyboard.press('z');
  await expect(terminal).toContainText('#4 0x7a z'); // the find bar's keys never reached it

  await page.keyboard.press('Control+Shift+Slash');
  const list = page.getByTestId('shortcut-list');
  await expect(list).toBeVisible();
  await expect(list.locator('tr[data-command="palette.open"] kbd').first()).toHaveText('CtrlShiftP');
  await expect(list.locator('tr[data-command="lane.1"]')).toContainText('Go to lane 1');
  await escapeFrom(page, list);
  await expect(list).toHaveCount(0);
  await expect(terminal).not.toContainText('#5');
  // Closed, the list gives the keys back to the terminal that had them.
  await expect(terminal.locator('textarea')).toBeFocused();
  await page.keyboard.press('y');
  await expect(terminal).toContainText('#5 0x79 y');
});

test('a jump to another agent takes the keys with it: the next tab, and the palette\'s "Agent X"', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('first');
  const second = await api(host, 'agents.start', { lanePath, preset: 'custom', command: KEY_ECHO, name: 'second', env: { HOME: makeTempDir() } });
  expect(second.body.ok, JSON.stringify(second.body)).toBe(true);
  const first = await openTerminal(page, lanePath, 'first');
  await page.keyboard.press('Control+Shift+BracketRight');
  const next = page.getByTestId('terminal-second');
  await expect(next).toContainText('key-echo ready');
  await expect(next.locator('textarea')).toBeFocused();
  await page.keyboard.press('y');
  await expect(next).toContainText('#1 0x79 y');
  // Back through the palette: the first agent's terminal has the keys again.
  await page.keyboard.press('Control+Shift+P');
  // The palette's code may still be loading: type once its box has the keys.
  const palette = page.getByTestId('command-palette');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type('Agent first');
  await expect(palette.getByRole('option', { selected: true })).toContainText('Agent first');
  await page.keyboard.press('Enter');
  await expect(first.locator('textarea')).toBeFocused();
  await page.keyboard.press('z');
  await expect(first).toContainText('#1 0x7a z');
});

test('a jump to another lane takes the keys to its front terminal: its key, the palette\'s "Lane X", and a click in the rail', async ({ page }) => {
  const main = makeRepo(realpathSync(makeTempDir('grove-main-')));
  const repoId = await addTrustedRepo(host, main);
  const paths: string[] = [];
  for (const name of ['one', 'two']) {
    const lane = await api(host, 'lanes.create', { repoId, name });
    expect(lane.status, JSON.stringify(lane.body)).toBe(200);
    const lanePath = (lane.body.result as { lane: { path: string } }).lane.path;
    const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: KEY_ECHO, name: `echo-${name}`, env: { HOME: makeTempDir() } });
    expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
    paths.push(lanePath);
  }
  const one = await openTerminal(page, paths[0]!, 'echo-one');
  const two = page.getByTestId('terminal-echo-two');
  // Lanes are numbered in the rail's order: find lane two's key from its badge.
  const twoNumber = await page.locator(`[data-testid="rail-lane"][data-path="${paths[1]}"] .rail-key`).textContent();
  expect(twoNumber, 'lane two has a number key').toMatch(/^[1-9]$/);
  await page.keyboard.press(`Control+Shift+Digit${twoNumber}`);
  await expect(two).toContainText('key-echo ready');
  await expect(two.locator('textarea')).toBeFocused();
  await page.keyboard.press('a');
  await expect(two).toContainText('#1 0x61 a');

  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByTestId('command-palette');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type('Lane one');
  await expect(palette.getByRole('option', { selected: true })).toContainText('Lane one');
  await page.keyboard.press('Enter');
  await expect(one.locator('textarea')).toBeFocused();
  await page.keyboard.press('b');
  await expect(one).toContainText('#1 0x62 b');

  await page.locator(`[data-testid="rail-lane"][data-path="${paths[1]}"]`).click();
  await expect(two.locator('textarea')).toBeFocused();
  await page.keyboard.press('c');
  await expect(two).toContainText('#2 0x63 c');
});

test('the palette has the agent\'s own choices once it stopped: Start again, and Remove… through its confirmation', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('gone');
  const terminal = await openTerminal(page, lanePath, 'gone');
  const palette = page.getByTestId('command-palette');
  // While it runs, Remove… is offered but off, saying why.
  await page.keyboard.press('Control+Shift+P');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type('Remove gone');
  await expect(palette.getByRole('option', { name: /Remove gone/ })).toHaveAttribute('aria-disabled', 'true');
  await expect(palette.getByRole('option', { name: /Remove gone/ })).toContainText('Stop it first');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);

  await runCommand(page, 'Stop gone');
  const pane = page.locator('[data-testid="agent-pane"][data-agent="gone"]');
  await expect(pane.getByRole('button', { name: 'Start again' })).toBeVisible();
  await runCommand(page, 'Start again gone');
  await expect(pane.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(terminal).toContainText('key-echo ready');

  await runCommand(page, 'Stop gone');
  await expect(pane.getByRole('button', { name: 'Start again' })).toBeVisible();
  await runCommand(page, 'Remove gone');
  const confirm = page.getByRole('dialog', { name: 'Remove gone?' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('The lane, its files and commits');
  await confirm.getByRole('button', { name: 'Remove agent' }).click();
  await expect(pane).toHaveCount(0);
  const agents = await api(host, 'agents.list', {});
  expect((agents.body.result as { agents: { name: string }[] }).agents.map((a) => a.name)).not.toContain('gone');
});

test('a route followed, then left for another lane: a reload opens the lane left to, not the route', async ({ page }) => {
  await laneWithKeyEcho('alpha');
  const beta = await laneWithKeyEcho('beta');
  const agents = (await api(host, 'agents.list', {})).body.result as { agents: { id: string; name: string }[] };
  const alpha = agents.agents.find((a) => a.name === 'alpha')!;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await page.evaluate((id) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/agent/${id}`), alpha.id);
  await expect(page.getByTestId('terminal-alpha')).toContainText('key-echo ready');
  await page.locator(`[data-testid="rail-lane"][data-path="${beta}"]`).click();
  await expect(page.getByTestId('terminal-beta')).toContainText('key-echo ready');
  await page.reload();
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await expect(page.getByTestId('terminal-beta')).toContainText('key-echo ready');
  await expect(page.getByTestId('terminal-alpha')).toHaveCount(0);
});

test('Ctrl+Shift+V pastes through xterm: bracketed, because the program asked for it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const lanePath = await laneWithKeyEcho('paster');
  const terminal = await openTerminal(page, lanePath, 'paster');
  await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { writeText(t: string): Promise<void> } } }).navigator.clipboard.writeText('hi'));
  await page.keyboard.press('Control+Shift+V');
  await expect(terminal).toContainText('0x1b 0x5b 0x32 0x30 0x30 0x7e 0x68 0x69 0x1b 0x5b 0x32 0x30 0x31 0x7e');
  await expect(terminal).not.toContainText('0x16'); // ^V never went as a key
});

test('Shift+Enter in an agent prompt is a newline without submit (ESC CR)', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('prompt', 'claude');
  const terminal = await openTerminal(page, lanePath, 'prompt');
  await page.keyboard.press('Shift+Enter');
  await expect(terminal).toContainText('#1 0x1b 0x0d ESC CR');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('#2 0x0d CR');
});

test('a rebound palette key is kept from the program, and a key on the pass-through list reaches it', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('rebound');
  // Ctrl+Alt+P is a key xterm sends (ESC ^P): whether the program gets it shows the filter at work.
  const saved = (passThrough: string[]) => JSON.stringify({ version: 1, overrides: { 'palette.open': ['Ctrl+Alt+P'] }, passThrough, sendEveryKey: false });
  const store = (text: string): void => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('grove.shortcuts.v1', text);
  await page.addInitScript(store, saved([]));
  const terminal = await openTerminal(page, lanePath, 'rebound');
  const palette = page.getByTestId('command-palette');

  await page.keyboard.press('Control+Alt+P');
  await expect(palette).toBeVisible();
  await escapeFrom(page, palette);
  await expect(terminal.locator('textarea')).toBeFocused();
  await page.keyboard.press('Control+Shift+P'); // no longer the palette's
  await page.keyboard.press('x');
  await expect(terminal).toContainText('#1 0x78 x');
  await expect(palette).toHaveCount(0);

  // The same key on the pass-through list: the program's, the palette stays shut.
  await page.addInitScript(store, saved(['Ctrl+Alt+P']));
  await page.reload();
  await expect(terminal).toContainText('key-echo ready');
  await terminal.click();
  await page.keyboard.press('Control+Alt+P');
  await expect(terminal).toContainText('#2 0x1b 0x10 ESC ^P');
  await expect(palette).toHaveCount(0);
});

test('a URL wrapped across rows opens whole on Ctrl+click of its second row', async ({ page }) => {
  const main = makeRepo(realpathSync(makeTempDir('grove-main-')));
  const repoId = await addTrustedRepo(host, main);
  const lane = await api(host, 'lanes.create', { repoId, name: 'links' });
  const lanePath = (lane.body.result as { lane: { path: string } }).lane.path;
  const url = `${host.url}/pull/12?q=${'w'.repeat(400)}`;
  const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', `printf '%s\\n' "${url}"; exec sleep 600`], name: 'wrapped' });
  expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  const terminal = page.getByTestId('terminal-wrapped');
  // A row of nothing but the URL's tail: the link's second (or later) row.
  const tailRow = terminal.locator('.xterm-rows > div').filter({ hasText: /^w+$/ }).first();
  await expect(tailRow).toBeVisible();
  const box = (await tailRow.boundingBox())!;
  const at = { x: box.x + 30, y: box.y + box.height / 2 };
  await expect(async () => {
    await page.mouse.move(at.x + 1, at.y);
    await page.mouse.move(at.x, at.y);
    await expect(terminal.locator('.xterm-cursor-pointer')).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  const popup = page.waitForEvent('popup');
  await page.keyboard.down('Control');
  await page.mouse.click(at.x, at.y);
  await page.keyboard.up('Control');
  const tab = await popup;
  expect(tab.url()).toBe(url);
});

test('a link written with OSC 8 opens like any other, on Ctrl+click, http(s) only; a javascript: one opens nothing and asks nothing', async ({ page }) => {
  const main = makeRepo(realpathSync(makeTempDir('grove-main-')));
  const repoId = await addTrustedRepo(host, main);
  const lane = await api(host, 'lanes.create', { repoId, name: 'osc8' });
  const lanePath = (lane.body.result as { lane: { path: string } }).lane.path;
  const docs = `${host.url}/docs/page`;
  // Each link's text is not its address: only OSC 8 makes these links (the web-link finder sees no URL).
  const script = join(makeTempDir(), 'links.sh');
  writeFileSync(script, `printf '\\033]8;;javascript:alert(document.domain)\\033\\\\SCRIPTED-LINK\\033]8;;\\033\\\\\\n\\033]8;;${docs}\\033\\\\DOCS-LINK\\033]8;;\\033\\\\\\n'\nexec sleep 600\n`);
  const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: [script], name: 'osc8' });
  expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const popups: string[] = [];
  page.on('popup', (p) => popups.push(p.url()));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  const terminal = page.getByTestId('terminal-osc8');
  const rowAt = async (text: string): Promise<{ x: number; y: number }> => {
    const row = terminal.locator('.xterm-rows > div').filter({ hasText: text }).first();
    await expect(row).toBeVisible();
    const box = (await row.boundingBox())!;
    return { x: box.x + 20, y: box.y + box.height / 2 };
  };
  const hoverAt = async (text: string): Promise<{ x: number; y: number }> => {
    const at = await rowAt(text);
    await expect(async () => {
      await page.mouse.move(at.x + 1, at.y);
      await page.mouse.move(at.x, at.y);
      await expect(terminal.locator('.xterm-cursor-pointer')).toHaveCount(1, { timeout: 500 });
    }).toPass({ timeout: 10_000 });
    return at;
  };
  // A javascript: address is no link at all (no pointer), and a click on it, plain or not,
  // is a click in the terminal; so is a plain click on the web link.
  const scripted = await rowAt('SCRIPTED-LINK');
  await page.mouse.move(scripted.x, scripted.y);
  await page.waitForTimeout(300);
  await expect(terminal.locator('.xterm-cursor-pointer')).toHaveCount(0);
  await page.mouse.click(scripted.x, scripted.y);
  await page.keyboard.down('Control');
  await page.mouse.click(scripted.x, scripted.y);
  await page.keyboard.up('Control');
  const docsAt = await hoverAt('DOCS-LINK');
  await page.mouse.click(docsAt.x, docsAt.y);
  await page.waitForTimeout(500);
  expect({ dialogs, popups }).toEqual({ dialogs: [], popups: [] });
  const popup = page.waitForEvent('popup');
  await page.keyboard.down('Control');
  await page.mouse.click(docsAt.x, docsAt.y);
  await page.keyboard.up('Control');
  expect((await popup).url()).toBe(docs);
  expect(dialogs).toEqual([]);
});

test('switching back to a terminal shows the place it was scrolled to, not the bottom', async ({ page }) => {
  const main = makeRepo(realpathSync(makeTempDir('grove-main-')));
  const repoId = await addTrustedRepo(host, main);
  const lane = await api(host, 'lanes.create', { repoId, name: 'scroll' });
  const lanePath = (lane.body.result as { lane: { path: string } }).lane.path;
  for (const [name, script] of [['long', 'i=1; while [ $i -le 400 ]; do echo "row-$i"; i=$((i+1)); done; exec sleep 600'], ['other', 'echo other; exec sleep 600']]) {
    const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', script!], name });
    expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  await page.locator('[data-testid="agent-tab"][data-agent="long"]').click();
  const terminal = page.getByTestId('terminal-long');
  await expect(terminal).toContainText('row-400');
  const firstRow = terminal.locator('.xterm-rows > div').first();

  await terminal.hover();
  await page.mouse.wheel(0, -1500);
  await expect(terminal).not.toContainText('row-400');
  const scrolledTo = (await firstRow.textContent())!.trim();
  expect(scrolledTo).toMatch(/^row-\d+$/);

  await page.locator('[data-testid="agent-tab"][data-agent="other"]').click();
  await expect(page.getByTestId('terminal-other')).toContainText('other');
  await expect(terminal).toHaveCount(0);
  await page.locator('[data-testid="agent-tab"][data-agent="long"]').click();
  await expect(terminal).toBeVisible();
  await expect(firstRow).toHaveText(scrolledTo);
  await expect(terminal).not.toContainText('row-400');
});

test('settings: a command rebound by pressing the new key works at once and survives a reload; a conflict is named; the font size is kept and applied', async ({ page }) => {
  const lanePath = await laneWithKeyEcho('settings');
  const terminal = await openTerminal(page, lanePath, 'settings');
  const fontSize = () => terminal.locator('.xterm-rows > div').first().evaluate((row) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(row).fontSize);
  expect(await fontSize()).toBe('13px');

  await page.getByTestId('rail-settings').click();
  const keyboard = page.getByTestId('keyboard-settings');
  await keyboard.getByRole('button', { name: 'Change the key for Open the command palette' }).click();
  await expect(keyboard.getByRole('textbox', { name: 'New key for Open the command palette' })).toBeFocused();
  await page.keyboard.press('Control+Alt+P');
  const row = keyboard.locator('tr[data-command="palette.open"]');
  await expect(row.locator('kbd').first()).toHaveText('CtrlAltP');
  await expect(row.getByText('app shortcuts on Linux and Windows')).toHaveCount(0); // Ctrl+Alt keeps the policy

  // A binding two commands share is named as a conflict.
  await keyboard.getByRole('button', { name: 'Change the key for Show or hide the rail' }).click();
  await page.keyboard.press('Control+Alt+P');
  await expect(keyboard.getByTestId('shortcut-conflicts')).toContainText('Ctrl+Alt+P is bound to both “Open the command palette” and “Show or hide the rail”');
  await keyboard.getByRole('button', { name: 'Reset Show or hide the rail to its default' }).click();
  await expect(keyboard.getByTestId('shortcut-conflicts')).toHaveCount(0);

  await page.getByRole('spinbutton', { name: 'Font size' }).fill('18');
  await page.reload();
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  await expect(terminal).toContainText('key-echo ready');
  expect(await fontSize()).toBe('18px');
  await terminal.click();
  await page.keyboard.press('Control+Alt+P');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await escapeFrom(page, page.getByTestId('command-palette'));
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+P'); // the old key no longer opens it
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
});
