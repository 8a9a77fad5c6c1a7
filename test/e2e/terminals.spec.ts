import { expect, test, type Page } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOutputFrame } from '../../src/shared/terminal-frames';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, repoRoot, startHostProcess, stopAllHosts, type HostProcess, loginUrl } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/** Agents in the real UI: launch, type, see the echo, reload, see the scrollback again. */
let host: HostProcess;
test.beforeEach(async () => {
  // The user's environment holds secrets; the launch preview must never show their values.
  host = await startHostProcess({ env: { OPENROUTER_API_KEY: 'sk-or-v1-live-0123456789', FLOWER_DB_PASSWORD: 'hunter2-flower' } });
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** A trusted repository with one lane, opened in the cockpit: the lane's workspace in front. */
async function openLane(page: Page): Promise<string> {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  const repoId = await addTrustedRepo(host, main);
  const r = await api(host, 'lanes.create', { repoId, name: 'design' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const lane = (r.body.result as { lane: { path: string } }).lane.path;
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lane}"]`).click();
  await expect(page.getByTestId('lanes-empty')).toBeVisible();
  return lane;
}

async function launchCustom(page: Page, command: string): Promise<void> {
  await page.getByTestId('launch-custom').click();
  await page.getByRole('combobox', { name: /Preset/ }).selectOption('shell');
  await page.getByRole('textbox', { name: /^Command/ }).fill(command);
}

test('launch an agent, type into it, reload the page: scrollback is back and the agent still runs', async ({ page }) => {
  await openLane(page);
  await launchCustom(page, '/bin/sh');
  await page.getByRole('button', { name: 'Launch' }).click();
  const terminal = page.getByTestId('terminal-shell-1');
  await expect(terminal).toBeVisible();
  await expect(page.getByTestId('agent-tab')).toHaveCount(1);
  await terminal.click();
  await page.keyboard.type('echo "sum=$((40+2))"');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('sum=42');

  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await expect(page.getByTestId('terminal-shell-1')).toContainText('sum=42');
  await expect(page.getByTestId('agent-state')).not.toContainText('exited');
  const listed = await api(host, 'agents.list');
  expect((listed.body.result as { agents: { supervision: { kind: string } }[] }).agents[0]!.supervision.kind).toBe('running');
});

test('keys typed into an agent that has exited are not lost without a word: the pane says they were not sent, and why', async ({ page }) => {
  const lane = await openLane(page);
  const started = await api(host, 'agents.start', { lanePath: lane, preset: 'custom', command: '/bin/sh', args: ['-c', 'echo done here'], name: 'brief-run', restart: 'never' });
  expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  const terminal = page.getByTestId('terminal-brief-run');
  await expect(terminal).toContainText('done here');
  await expect(page.getByTestId('agent-state')).toContainText('exited');
  await expect(page.getByTestId('terminal-input-lost-brief-run')).toHaveCount(0);
  await terminal.click();
  await page.keyboard.type('a prompt typed too late');
  const lost = page.getByTestId('terminal-input-lost-brief-run');
  await expect(lost).toContainText('What you typed was not sent to brief-run: brief-run is not running.');
  await page.screenshot({ path: join(repoRoot, '.test-reports', 'screenshots', 'terminal-input-lost.png') });
  await lost.getByRole('button', { name: 'Dismiss' }).click();
  await expect(lost).toHaveCount(0);
});

test('a hidden terminal is kept, not streamed to, and shown again with exactly what it missed', async ({ page }) => {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  const repoId = await addTrustedRepo(host, main);
  const r = await api(host, 'lanes.create', { repoId, name: 'kept' });
  const lanePath = (r.body.result as { lane: { path: string } }).lane.path;
  const ids: Record<string, string> = {};
  // The ticker waits after tick-3 until the test has hidden it, so no frame of it is on its
  // way while the pane lets it go (one in flight then is rightly asked for again).
  const go = join(makeTempDir(), 'go');
  for (const [name, script] of [
    ['ticker', `i=1; while [ $i -le 30 ]; do echo "tick-$i"; [ $i -eq 3 ] && while [ ! -e '${go}' ]; do sleep 0.05; done; i=$((i+1)); sleep 0.2; done; exec sleep 600`],
    ['quiet', 'echo quiet-here; exec sleep 600'],
  ] as const) {
    const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', script], name });
    expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
    ids[name] = (started.body.result as { agent: { id: string } }).agent.id;
  }
  /** Every output frame the page received, per agent: [offset, end). */
  const framesFor = new Map<string, [number, number][]>();
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string') return;
      const frame = decodeOutputFrame(new Uint8Array(payload));
      if (frame) framesFor.set(frame.agentId, [...(framesFor.get(frame.agentId) ?? []), [frame.offset, frame.offset + frame.data.length]]);
    }),
  );
  const tickerFrames = (): [number, number][] => framesFor.get(ids.ticker!) ?? [];
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  await page.locator('[data-testid="agent-tab"][data-agent="ticker"]').click();
  const ticker = page.getByTestId('terminal-ticker');
  await expect(ticker).toContainText('tick-3');
  // A mark on xterm's element: the same element after switching back is the same terminal.
  await ticker.locator('.xterm').evaluate((e) => ((e as unknown as { dataset: Record<string, string> }).dataset.mark = 'first'));

  await page.locator('[data-testid="agent-tab"][data-agent="quiet"]').click();
  await expect(page.getByTestId('terminal-quiet')).toContainText('quiet-here');
  await expect(ticker).toHaveCount(0);
  const beforeHiding = tickerFrames().length;
  expect(beforeHiding).toBeGreaterThan(0); // the frames are seen (and decoded) at all
  const reached = Math.max(...tickerFrames().map(([, end]) => end));
  writeFileSync(go, '');
  // The ticker goes on printing while its terminal is hidden...
  await expect.poll(async () => ((await api(host, 'agents.screen', { id: ids.ticker })).body.result as { text: string }).text, { timeout: 15_000 }).toContain('tick-20');
  // ...and none of it is sent to the page until it is shown.
  expect(tickerFrames().length).toBe(beforeHiding);
  // The window changes meanwhile: the terminal shown again fits the new size.
  await page.setViewportSize({ width: 1200, height: 700 });

  await page.locator('[data-testid="agent-tab"][data-agent="ticker"]').click();
  await expect(ticker).toContainText('tick-30', { timeout: 15_000 });
  expect(await ticker.locator('.xterm').getAttribute('data-mark')).toBe('first');
  // Sent only what it missed: from where it stopped, not the whole log again.
  const afterShowing = tickerFrames().slice(beforeHiding);
  expect(afterShowing.length).toBeGreaterThan(0);
  expect(Math.min(...afterShowing.map(([offset]) => offset))).toBeGreaterThanOrEqual(reached);
  // It still fills its pane: less than a row short of the box's height.
  const boxHeight = (await ticker.boundingBox())!.height;
  const screenHeight = (await ticker.locator('.xterm-screen').boundingBox())!.height;
  const rowHeight = (await ticker.locator('.xterm-rows > div').first().boundingBox())!.height;
  expect(boxHeight - screenHeight).toBeLessThan(rowHeight + 8); // 8: the box's padding
  const rows = await ticker.locator('.xterm-rows > div').allTextContents();
  const ticks = rows.map((row) => row.trim()).filter((row) => row.startsWith('tick-'));
  expect(ticks).toEqual(Array.from({ length: 30 }, (_, i) => `tick-${i + 1}`));
});

test("a terminal shown again sizes its agent's terminal to the pane, though another window sized it since", async ({ page }) => {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  const repoId = await addTrustedRepo(host, main);
  const lanePath = ((await api(host, 'lanes.create', { repoId, name: 'sized' })).body.result as { lane: { path: string } }).lane.path;
  // The agent writes its terminal's size (rows cols, as stty says it) at start and at each
  // change, in its lane (a confined agent writes nowhere else).
  const sizeFile = join(lanePath, 'size.txt');
  const ids: Record<string, string> = {};
  for (const [name, script] of [
    ['wide', `trap 'stty size > ${sizeFile}' WINCH; stty size > ${sizeFile}; while :; do sleep 0.1; done`],
    ['other', 'exec sleep 600'],
  ] as const) {
    const started = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', script], name });
    ids[name] = (started.body.result as { agent: { id: string } }).agent.id;
  }
  const size = (): string => (existsSync(sizeFile) ? readFileSync(sizeFile, 'utf8').trim() : '');
  await expect.poll(size).not.toBe('');
  const started = size(); // as started, before any pane
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await loginUrl(host));
  await page.locator(`[data-testid="rail-lane"][data-path="${lanePath}"]`).click();
  await page.locator('[data-testid="agent-tab"][data-agent="wide"]').click();
  await expect(page.getByTestId('terminal-wide')).toBeVisible();
  await expect.poll(size).not.toBe(started);
  const paneSize = size();
  // A phone's window sized it meanwhile (as its pane would).
  await page.locator('[data-testid="agent-tab"][data-agent="other"]').click();
  expect((await api(host, 'agents.resize', { id: ids.wide, cols: 40, rows: 20 })).body.ok).toBe(true);
  await expect.poll(size).toBe('20 40');
  // Shown again here, its pane has not changed size, and still says it.
  await page.locator('[data-testid="agent-tab"][data-agent="wide"]').click();
  await expect.poll(size).toBe(paneSize);
});

/**
 * The host stops; the last `bytes` of the agent's log never reached the disk (as after a
 * machine crash); a host starts again on the same data dir. The page stays open, holding
 * them, and reconnects to it.
 */
async function restartLosingLogEnd(page: Page, agentId: string, bytes: number): Promise<void> {
  const home = host.home;
  await host.stop();
  await expect(page.getByTestId('connection-state')).not.toHaveText('Connected');
  const dir = join(home, 'agents', agentId, 'output');
  // Segments are named by their first offset: the last is the one with the greatest number.
  const segment = readdirSync(dir).filter((f) => /^\d+\.log$/.test(f)).sort((x, y) => parseInt(x, 10) - parseInt(y, 10)).map((f) => join(dir, f)).at(-1)!;
  truncateSync(segment, statSync(segment).size - bytes);
  host = await startHostProcess({ home });
  await expect(page.getByTestId('connection-state')).toHaveText('Connected', { timeout: 15_000 });
}

test("a terminal holding output its host's log lost (a crash cut the log back) is redrawn, and shows what the agent prints next", async ({ page }) => {
  await openLane(page);
  await launchCustom(page, '/bin/sh');
  await page.getByRole('button', { name: 'Launch' }).click();
  const terminal = page.getByTestId('terminal-shell-1');
  await terminal.click();
  await page.keyboard.type('echo "kept=$((40+2))"; seq 1000 1800; echo "printed=$((1+1))"');
  await page.keyboard.press('Enter');
  // Waits for what only the output holds: the typed line itself shows "1800" as soon as it
  // is echoed, before the shell has printed anything.
  await expect(terminal).toContainText('printed=2');
  const listAgents = async () => ((await api(host, 'agents.list')).body.result as { agents: { id: string; outputEnd: number }[] }).agents;
  const [agent] = await listAgents();
  const end = agent!.outputEnd;

  // The host stops; the last 3 KB of the agent's log never reached the disk (as after a
  // machine crash). The page stays open, holding them, and reconnects to the next host.
  await restartLosingLogEnd(page, agent!.id, 3000);

  // The pane shows what the log kept, not what the host lost.
  await expect(terminal).not.toContainText('1800');
  // Started again, the shell prints at offsets the pane held other bytes for: without being
  // told, the pane would take them for bytes it had and drop them.
  await page.getByRole('button', { name: 'Start again' }).click();
  await expect.poll(async () => (await listAgents())[0]!.outputEnd).toBeGreaterThan(end - 3000);
  expect((await listAgents())[0]!.outputEnd).toBeLessThan(end);
  await terminal.click();
  await page.keyboard.type('echo "after=$((6*7))"');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('after=42');
  // Nothing was skipped that the operator could ask for: no banner.
  await expect(page.getByTestId('terminal-skipped-shell-1')).toHaveCount(0);
});

test('a pane opened after a flood shows what the log keeps; a pane that falls behind a live flood jumps, says so, and shows it all on demand', async ({ page }) => {
  test.setTimeout(150_000); // two 24 MiB floods, their replays, and a host restarted between
  const lane = realpathSync(makeTempDir('grove-lane-'));
  const screenFlood = join(repoRoot, 'test', 'fixtures', 'agents', 'screen-flood.mjs');
  const outputEnd = async (id: string): Promise<number> => ((await api(host, 'agents.list')).body.result as { agents: { id: string; outputEnd: number }[] }).agents.find((a) => a.id === id)!.outputEnd;
  const r = await api(host, 'agents.start', { lanePath: lane, preset: 'custom', command: process.execPath, args: [screenFlood, 'lines', String(24 * 1024 * 1024), join(lane, 'stream')], name: 'flood' });
  const id = (r.body.result as { agent: { id: string } }).agent.id;
  // The whole flood is out before the page opens.
  await expect.poll(() => outputEnd(id), { timeout: 60_000 }).toBeGreaterThan(24 * 1024 * 1024);
  await page.goto(await loginUrl(host));
  // Scrolled to the top of its scrollback (a page per Shift+PageUp, as an operator would), the oldest line the pane holds.
  const oldestShown = async (name: string): Promise<number> => {
    const terminal = page.getByTestId(`terminal-${name}`);
    await terminal.click();
    for (let i = 0; i < 500; i++) await page.keyboard.press('Shift+PageUp');
    const text = (await terminal.textContent()) ?? '';
    return Math.min(...[...text.matchAll(/line (\d+)/g)].map((m) => Number(m[1])));
  };
  const printedIn = async (name: string): Promise<number> => Number(/all (\d+) lines printed/.exec((await page.getByTestId(`terminal-${name}`).textContent()) ?? '')![1]);

  // Opened after the flood: what the log keeps (8-12 MiB) is replayed, nothing said about keeping up.
  await expect(page.getByTestId('terminal-flood')).toContainText(/all \d+ lines printed/, { timeout: 30_000 });
  const printed = await printedIn('flood');
  await expect.poll(() => oldestShown('flood'), { timeout: 30_000 }).toBeLessThan(printed - 9000);
  await expect(page.getByTestId('terminal-skipped-flood')).toBeHidden();

  // A flood while the pane is open: it cannot parse it all in time, jumps to its end and says so.
  const copy = join(lane, 'stream-live'); // in its lane: a confined agent writes nowhere else
  const live = await api(host, 'agents.start', { lanePath: lane, preset: 'custom', command: '/bin/sh', args: ['-c', `read go; exec "${process.execPath}" "${screenFlood}" lines ${24 * 1024 * 1024} "${copy}"`], name: 'live' });
  const liveId = (live.body.result as { agent: { id: string } }).agent.id;
  await page.locator('[data-testid="agent-tab"][data-agent="live"]').click();
  await expect(page.getByTestId('terminal-live')).toBeVisible();
  await api(host, 'agents.input', { id: liveId, data: 'go\n' });
  await expect(page.getByTestId('terminal-live')).toContainText(/all \d+ lines printed/, { timeout: 60_000 });
  const skipped = page.getByTestId('terminal-skipped-live');
  await expect(skipped).toContainText(/Skipped \d+(\.\d)? MiB of output to keep up/);
  const livePrinted = await printedIn('live');
  await skipped.getByRole('button', { name: 'View all' }).click();
  await expect(skipped).toBeHidden();
  // Everything the log keeps is replayed, without jumping: the pane holds its last 10,000 lines.
  await expect.poll(() => oldestShown('live'), { timeout: 30_000 }).toBeLessThan(livePrinted - 9000);
  await expect(skipped).toBeHidden();

  // Still showing it all, its host stops and its log comes back 3 KB shorter (the flood's
  // last line with them). The pane holds bytes the log lost: it replays what the log keeps,
  // from the start, as "View all" does, rather than going on from the log's end with nothing above.
  const livePane = page.getByTestId('terminal-live');
  // Scrolled back down to its last line, which the log is about to lose.
  await livePane.click();
  for (let i = 0; i < 500; i++) await page.keyboard.press('Shift+PageDown');
  await expect(livePane).toContainText(/all \d+ lines printed/);
  await restartLosingLogEnd(page, liveId, 3000);
  await expect(livePane).not.toContainText(/all \d+ lines printed/, { timeout: 30_000 });
  await expect(livePane).toContainText(/line \d+/);
  await expect.poll(() => oldestShown('live'), { timeout: 30_000 }).toBeLessThan(livePrinted - 9000);
  await expect(skipped).toBeHidden();

  // Back to the other tab and again: each pane (re)opened replays its scrollback whole (a
  // jump would leave it a screenful or so), without a banner.
  await page.locator('[data-testid="agent-tab"][data-agent="flood"]').click();
  await expect.poll(() => oldestShown('flood'), { timeout: 30_000 }).toBeLessThan(printed - 9000);
  await expect(page.getByTestId('terminal-skipped-flood')).toBeHidden();
  await page.locator('[data-testid="agent-tab"][data-agent="live"]').click();
  await expect.poll(() => oldestShown('live'), { timeout: 30_000 }).toBeLessThan(livePrinted - 9000);
  await expect(page.getByTestId('terminal-skipped-live')).toBeHidden();
});

test('an agent waiting for the operator is impossible to miss', async ({ page }) => {
  const lane = realpathSync(makeTempDir('grove-lane-'));
  const fakeClaude = join(repoRoot, 'test', 'fixtures', 'agents', 'fake-claude.mjs');
  await api(host, 'agents.start', { lanePath: lane, preset: 'claude', command: fakeClaude, name: 'design', env: { HOME: makeTempDir() } });
  await page.goto(await loginUrl(host));
  const terminal = page.getByTestId('terminal-design');
  await expect(terminal).toContainText('Claude Code (fake)');
  await terminal.click();
  await page.keyboard.type('/permission');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lane-needs-you')).toBeVisible();
  await expect(page.getByTestId('agent-tab')).toContainText('needs approval');
  await expect(page.getByTestId('agents-waiting')).toHaveText('1 agent waiting');
  await expect(page.getByTestId('agent-state')).toContainText('waiting (permission prompt) · by hook');
  await expect(page).toHaveTitle('(1) Grove');
  await expect(page.getByTestId('context-meter')).toHaveCount(0); // no turn finished yet
  await page.keyboard.type('y');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('context-meter')).toContainText('21k / 200k');

  // Recycle: stop it and start a fresh conversation here, told where to pick up.
  await page.getByRole('button', { name: 'Recycle' }).click();
  await expect(page.getByLabel('Handoff prompt for the fresh conversation')).toHaveValue(/taking over this lane/);
  await page.getByRole('button', { name: 'Stop and start fresh' }).click();
  // The old one is stopped first (its daemon ignores SIGTERM: the grace runs out), then the fresh one starts.
  await expect(page.getByTestId('agent-tab')).toHaveCount(2, { timeout: 20_000 });
  await page.getByTestId('agent-tab').nth(1).click();
  await expect(page.getByTestId('agent-pane')).toContainText('First prompt: You are taking over this lane');
  await page.getByTestId('agent-tab').nth(0).click();
  await expect(page.getByTestId('agent-state')).toContainText('exited');
});

test('the launch dialog previews the environment with secrets masked, and withheld keys never reach the agent', async ({ page }) => {
  const lane = await openLane(page);
  await launchCustom(page, '/bin/sh');
  await page.getByRole('textbox', { name: /Withhold/ }).fill('OPENROUTER_API_KEY');
  const preview = page.getByTestId('env-preview');
  await expect(preview).toContainText('1 withheld: OPENROUTER_API_KEY');
  await preview.locator('summary').click();
  await expect(preview).toContainText('FLOWER_DB_PASSWORD');
  await expect(preview).toContainText('GROVE_AGENT_TOKEN');
  await expect(preview).not.toContainText('OPENROUTER_API_KEY=');
  const html = await page.content();
  expect(html).not.toContain('hunter2-flower');
  expect(html).not.toContain('sk-or-v1-live');
  await page.getByRole('button', { name: 'Launch' }).click();
  const terminal = page.getByTestId('terminal-shell-1');
  await terminal.click();
  await page.keyboard.type('echo "key=[${OPENROUTER_API_KEY:-none}] lane=$GROVE_LANE"');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText(`key=[none] lane=${lane}`);
});

test('the launch dialog says why a launch cannot work before it is tried', async ({ page }) => {
  await openLane(page);
  await launchCustom(page, '/no/such/program');
  await expect(page.getByTestId('launch-error')).toContainText('/no/such/program');
});

test.describe('a web link clicked in a terminal', () => {
  /** As a person does: point at the link until xterm shows it is one, then Ctrl+click (a plain click selects). */
  const clickLink = async (page: Page, url: string, modifier: 'Control' | null = 'Control'): Promise<void> => {
    const terminal = page.getByTestId('terminal-links');
    // The text lies under xterm's own layers, which take the mouse: aim at where it is drawn.
    const box = (await terminal.getByText(url).boundingBox())!;
    const at = { x: box.x + 20, y: box.y + box.height / 2 };
    await expect(async () => {
      await page.mouse.move(at.x + 1, at.y);
      await page.mouse.move(at.x, at.y);
      await expect(terminal.locator('.xterm-cursor-pointer')).toHaveCount(1, { timeout: 500 });
    }).toPass({ timeout: 10_000 });
    if (modifier) await page.keyboard.down(modifier);
    await page.mouse.click(at.x, at.y);
    if (modifier) await page.keyboard.up(modifier);
  };

  const startPrinter = async (url: string): Promise<void> => {
    const lane = realpathSync(makeTempDir('grove-lane-'));
    const r = await api(host, 'agents.start', { lanePath: lane, preset: 'custom', command: '/bin/sh', args: ['-c', `echo "${url}"; exec sleep 600`], name: 'links' });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  };

  test('in the app, goes to the shell\'s external open (the window itself may open no window)', async ({ page }) => {
    // The Electron preload's bridge, as the page sees it; openExternal records what it is given.
    await page.addInitScript(() => {
      const opened: string[] = [];
      Object.assign(globalThis, {
        openedExternally: opened,
        grove: {
          connectionInfo: () => Promise.resolve({ hostUrl: (globalThis as unknown as { location: { origin: string } }).location.origin, appVersion: 'test' }),
          pathForFile: () => '',
          onNavigate: () => () => undefined,
          openExternal: (url: string) => (opened.push(url), Promise.resolve({ opened: true, reason: null })),
        },
      });
    });
    const url = `${host.url}/pull/12`;
    await startPrinter(url);
    await page.goto(await loginUrl(host));
    const terminal = page.getByTestId('terminal-links');
    await expect(terminal).toContainText(url);
    const popups: string[] = [];
    page.on('popup', (p) => void popups.push(p.url()));
    await clickLink(page, url, null);
    await page.waitForTimeout(300); // a plain click opens nothing: give it the time it would take
    expect(await page.evaluate(() => (globalThis as unknown as { openedExternally: string[] }).openedExternally)).toEqual([]);
    await clickLink(page, url);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { openedExternally: string[] }).openedExternally)).toEqual([url]);
    expect(popups).toEqual([]);
  });

  test('in a plain browser, opens a new tab with no opener', async ({ page }) => {
    const url = `${host.url}/pull/12`;
    await startPrinter(url);
    await page.goto(await loginUrl(host));
    const terminal = page.getByTestId('terminal-links');
    await expect(terminal).toContainText(url);
    const popup = page.waitForEvent('popup');
    await clickLink(page, url);
    const tab = await popup;
    await tab.waitForLoadState();
    expect(tab.url()).toBe(url);
    expect(await tab.evaluate(() => (globalThis as unknown as { opener: unknown }).opener)).toBeNull();
  });
});
