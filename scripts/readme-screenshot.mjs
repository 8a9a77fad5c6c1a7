// Retakes the README's screenshots (docs/screenshot.png, docs/screenshot-phone.png): a fresh
// host with one trusted repository, three lanes and a few agents, in Chromium, dark theme.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const home = mkdtempSync(join(tmpdir(), 'grove-shot-'));
const repo = join(home, 'Sites', 'flower');
mkdirSync(repo, { recursive: true });
const git = (...a) => execFileSync('git', a, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' } });
git('init', '-q', '-b', 'main');
writeFileSync(join(repo, 'artisan'), '');
writeFileSync(join(repo, 'grove.yaml'), 'health:\n  probes:\n    - name: artisan\n      command: "true"\n');
git('add', '.');
git('commit', '-qm', 'init');

const host = spawn(process.execPath, ['out/host/main.js', '--home', home], { stdio: 'ignore' });
while (!existsSync(join(home, 'host.json'))) await new Promise((r) => setTimeout(r, 20));
const { url } = JSON.parse(readFileSync(join(home, 'host.json'), 'utf8'));
const token = readFileSync(join(home, 'token'), 'utf8').trim();
const call = (method, params) => fetch(`${url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(params) }).then((r) => r.json());
const added = await call('repos.add', { path: repo });
const repoId = added.result.repo.id;
const { result: shown } = await call('repos.commands', { repoId });
await call('repos.trust', { repoId, digest: shown.digest });
const lane = (await call('lanes.create', { repoId, name: 'design' })).result.lane.path;
const checkout = (await call('lanes.create', { repoId, name: 'checkout' })).result.lane.path;
await call('lanes.create', { repoId, name: 'search', ephemeral: true });
const fake = new URL('../test/fixtures/agents/fake-claude.mjs', import.meta.url).pathname;
const { result } = await call('agents.start', { lanePath: lane, preset: 'claude', command: fake, name: 'claude-design', env: { HOME: home } });
await call('agents.start', { lanePath: checkout, preset: 'claude', command: fake, name: 'claude-checkout', env: { HOME: home } });
await new Promise((r) => setTimeout(r, 800));
await call('agents.input', { id: result.agent.id, data: 'Move the bloom card styles into the design tokens\r' });
await new Promise((r) => setTimeout(r, 800));
await call('agents.input', { id: result.agent.id, data: '/permission\r' });
const tests = await call('agents.start', { lanePath: lane, preset: 'shell', command: '/bin/sh', name: 'tests' });
await call('agents.input', { id: tests.result.agent.id, data: 'echo "42 passed, 0 failed"\r' });

const browser = await chromium.launch({ executablePath: process.env.GROVE_CHROMIUM ?? '/usr/bin/chromium', args: ['--disable-webgl'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
await page.goto(`${url}/auth?token=${token}`);
await page.locator('[data-testid="cockpit"][data-connection="open"]').waitFor();
await page.locator(`[data-testid="rail-lane"][data-path="${lane}"]`).click();
await page.getByTestId('agent-tab').first().click();
await page.getByRole('button', { name: 'Split side by side' }).click();
await page.getByTestId('lane-needs-you').first().waitFor();
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/screenshot.png' });
await page.setViewportSize({ width: 390, height: 844 });
await page.waitForTimeout(800);
await page.screenshot({ path: 'docs/screenshot-phone.png' });
await browser.close();
host.kill('SIGTERM'); // stops its agents too
await new Promise((r) => host.once('exit', r));
rmSync(home, { recursive: true, force: true });
