// Retakes docs/screenshot.png: a fresh host with one registered repository, in Chromium.
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
git('add', '.');
git('commit', '-qm', 'init');

const host = spawn(process.execPath, ['out/host/main.js', '--home', home], { stdio: 'ignore' });
while (!existsSync(join(home, 'host.json'))) await new Promise((r) => setTimeout(r, 20));
const { url } = JSON.parse(readFileSync(join(home, 'host.json'), 'utf8'));
const token = readFileSync(join(home, 'token'), 'utf8').trim();
const call = (method, params) => fetch(`${url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(params) }).then((r) => r.json());
const added = await call('repos.add', { path: repo });
const lane = (await call('lanes.create', { repoId: added.result.repo.id, name: 'design' })).result.lane.path;
await call('lanes.create', { repoId: added.result.repo.id, name: 'ops', branch: 'ops-loop' });
const fake = new URL('../test/fixtures/agents/fake-claude.mjs', import.meta.url).pathname;
const { result } = await call('agents.start', { lanePath: lane, preset: 'claude', command: fake, name: 'design', env: { HOME: home } });
await new Promise((r) => setTimeout(r, 800));
await call('agents.input', { id: result.agent.id, data: 'Move the bloom card styles into the design tokens\r' });
await new Promise((r) => setTimeout(r, 800));
await call('agents.input', { id: result.agent.id, data: '/permission\r' });
await call('agents.start', { lanePath: lane, preset: 'shell', command: '/bin/sh', name: 'tests' });

const browser = await chromium.launch({ executablePath: process.env.GROVE_CHROMIUM ?? '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
await page.goto(`${url}/auth?token=${token}`);
await page.getByText('Connected').waitFor();
await page.getByTestId('repo-row').waitFor();
await page.getByTestId('lane-needs-you').waitFor();
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/screenshot.png' });
await browser.close();
host.kill('SIGTERM'); // stops its agents too
await new Promise((r) => host.once('exit', r));
rmSync(home, { recursive: true, force: true });
