import { expect, test } from '@playwright/test';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { api, loginUrl, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { writeLongHistory } from '../fixtures/long-history';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/** The real renderer, served by a real host, in a real Chromium. */
let host: HostProcess;

test.beforeEach(async () => {
  host = await startHostProcess();
});
test.afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

test('the login link lets the browser in once and leaves a clean URL', async ({ page }) => {
  await page.goto(await loginUrl(host));
  await expect(page).toHaveURL(`${host.url}/`);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  // The page never holds the token: its scripts see no cookie (HttpOnly), and its storage holds
  // the session's page key, which is neither the token nor the cookie.
  const seen = await page.evaluate(() => {
    const g = globalThis as unknown as { document: { cookie: string }; localStorage: { getItem(k: string): string | null } };
    return { cookie: g.document.cookie, key: g.localStorage.getItem('grove.sessionKey') };
  });
  expect(seen.cookie).toBe('');
  expect(seen.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(seen.key).not.toBe(host.token);
  // A route in the login link's fragment (the desktop app opens one so) is where the cockpit starts.
  await page.goto(`${await loginUrl(host)}#/briefs`);
  await expect(page).toHaveURL(`${host.url}/#/briefs`);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
});

test("a server on another loopback port, which the browser sends Grove's cookie, cannot call Grove with it", async ({ page }) => {
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  // A server an agent runs on the same machine, visited by the operator's browser.
  const heard: string[] = [];
  const other = createServer((req, res) => {
    heard.push(req.headers.cookie ?? '');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>a lane preview</title><p>preview</p>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = other.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    // Browsers scope cookies by host name, not port: it was sent Grove's session cookie…
    const cookie = heard.flatMap((h) => h.split('; ')).find((c) => c.startsWith(`grove_session_${host.port}=`));
    expect(cookie).toBeDefined();
    // …but not the page key, which Grove's origin keeps to itself.
    expect(await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('grove.sessionKey'))).toBeNull();
    // With the cookie, the API and the socket are shut.
    const call = await fetch(`${host.url}/api/agents.list`, { method: 'POST', headers: { cookie: cookie!, 'content-type': 'application/json' }, body: '{}' });
    expect(call.status).toBe(401);
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  // The operator's own page goes on working.
  await page.goto(`${host.url}/`);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
});

test('a page that has its cookie but lost its key (storage cleared) is sent to log in, once', async ({ page }) => {
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Grove needs its token' })).toBeVisible();
  await expect(page).toHaveURL(`${host.url}/auth`);
  await page.waitForTimeout(500);
  // Once: the login page runs no script, so nothing loops.
  expect(loads.filter((u) => u === `${host.url}/auth`)).toHaveLength(1);
  expect(loads.at(-1)).toBe(`${host.url}/auth`);
});

test('connects while the page loads: one socket, and the first render already shows it connected', async ({ page }) => {
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  // The next load: its bundle held back, so the host's greeting is surely there before it
  // runs; the first value the cockpit renders with is recorded.
  await page.addInitScript(() => {
    const g = globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null }; MutationObserver: new (f: () => void) => { observe(n: object, o: object): void }; firstConnection?: string | null };
    new g.MutationObserver(() => {
      g.firstConnection ??= g.document.querySelector('[data-testid="cockpit"]')?.getAttribute('data-connection');
    }).observe(g.document, { subtree: true, childList: true });
  });
  await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  expect(await page.evaluate(() => (globalThis as unknown as { firstConnection?: string }).firstConnection)).toBe('open');
  // The UI took over the socket the page opened early instead of opening another.
  await page.waitForTimeout(300);
  expect(sockets).toEqual([`${host.url.replace('http:', 'ws:')}/ws`]);
});

test('shows the host status, and with no repository the first run with its first step', async ({ page }) => {
  await page.goto(await loginUrl(host));
  const firstRun = page.getByTestId('first-run');
  await expect(firstRun.getByRole('heading', { level: 1 })).toHaveText('Add a repository');
  await expect(firstRun).toContainText('grove repo add PATH');
  await expect(page.getByTestId('rail')).toHaveCount(0);
  // The host's status is in Settings, once there is a cockpit to reach it from.
  await fetch(`${host.url}/api/repos.add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ path: makeRepo(join(realpathSync(makeTempDir()), 'flower')) }),
  });
  await expect(firstRun).toHaveCount(0);
  await page.getByTestId('rail-settings').click();
  await expect(page.getByTestId('host-version')).toHaveText('0.1.0');
  await expect(page.getByTestId('host-data-dir')).toHaveText(host.home);
  await expect(page.getByTestId('host-pid')).toHaveText(`pid ${host.pid}`);
  await expect(page.getByTestId('host-uptime')).toHaveText(/^\d+s$/);
});

test('adds a repository from the first run, and explains a wrong path', async ({ page }) => {
  const repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  await page.goto(await loginUrl(host));
  await page.getByLabel('MAIN checkout path').fill(join(repo, '..', 'nowhere'));
  await page.getByRole('button', { name: 'Add repository' }).click();
  await expect(page.getByTestId('repo-add-error')).toContainText('does not exist');
  await page.getByLabel('MAIN checkout path').fill(repo);
  await expect(page.getByTestId('repo-add-error')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add repository' }).click();
  await expect(page.getByTestId('trust-step')).toContainText('Trust flower?');
  await page.getByRole('button', { name: 'Not now' }).click();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  await expect(page.getByTestId('rail-repo')).toContainText('flower');
});

test('adds another repository from the rail, in a dialog, with its Trust step', async ({ page }) => {
  await fetch(`${host.url}/api/repos.add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ path: makeRepo(join(realpathSync(makeTempDir()), 'flower')) }),
  });
  const api = makeRepo(join(realpathSync(makeTempDir()), 'api'));
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('rail-repo')).toHaveCount(1);
  await page.getByTestId('rail-add-repo').click();
  const dialog = page.getByRole('dialog', { name: 'Add a repository' });
  await dialog.getByLabel('MAIN checkout path').pressSequentially(join(api, '..') + '/');
  await expect(dialog.getByRole('option')).toHaveText(['api/ git checkout']);
  await page.screenshot({ path: join(repoRoot, '.test-reports', 'screenshots', 'add-repository-dialog.png') });
  // Escape closes the suggestions, not the dialog.
  await dialog.getByLabel('MAIN checkout path').press('Escape');
  await expect(dialog.getByRole('option')).toHaveCount(0);
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('MAIN checkout path').fill(api);
  await dialog.getByRole('button', { name: 'Add repository' }).click();
  const added = page.getByRole('dialog', { name: 'Added api' });
  await expect(added.getByTestId('trust-step')).toContainText('Trust api?');
  await page.screenshot({ path: join(repoRoot, '.test-reports', 'screenshots', 'add-repository-dialog-trust.png') });
  await added.getByRole('button', { name: 'Trust these commands' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('rail-repo')).toHaveCount(2);
  await expect(page.getByTestId('rail-repo').filter({ hasText: 'api' })).toBeVisible();
});

test('reconnects by itself when the host is killed and started again', async ({ page }) => {
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  const home = host.home;
  await host.kill9();
  await expect(page.getByTestId('connection-state')).not.toHaveText('Connected');
  // Meanwhile another client registers a repository; the UI must catch up on reconnect.
  host = await startHostProcess({ home });
  await fetch(`${host.url}/api/repos.add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ path: makeRepo(join(realpathSync(makeTempDir()), 'api')) }),
  });
  await expect(page.getByTestId('connection-state')).toHaveText('Connected', { timeout: 10_000 });
  await expect(page.getByTestId('rail-repo')).toContainText('api');
  await page.getByTestId('rail-settings').click();
  await expect(page.getByTestId('host-pid')).toHaveText(`pid ${host.pid}`);
});

test('a host with a long history (50k events, 48 MiB of job output): the page loads the current state, not the history, and stays connected', async ({ page }) => {
  await host.stop();
  writeLongHistory(host.home);
  host = await startHostProcess({ home: host.home });
  await fetch(`${host.url}/api/repos.add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ path: makeRepo(join(realpathSync(makeTempDir()), 'flower')) }),
  });
  let sockets = 0;
  let received = 0;
  page.on('websocket', (ws) => {
    sockets += 1;
    ws.on('framereceived', (f) => (received += typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength));
  });
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('rail-repo')).toContainText('flower');
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  // What happens now still arrives.
  await fetch(`${host.url}/api/repos.add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ path: makeRepo(join(realpathSync(makeTempDir()), 'api')) }),
  });
  await expect(page.getByTestId('rail-repo')).toHaveCount(2);
  expect(sockets).toBe(1);
  expect(received).toBeLessThan(1024 * 1024);
});

test('a page without the token sees how to get in, not the UI', async ({ page }) => {
  const res = await page.goto(`${host.url}/`);
  expect(res?.status()).toBe(401);
  await expect(page.getByRole('heading')).toHaveText('Grove needs its token');
});

test('a page whose session is revoked (every browser logged out) shows how to get back in', async ({ page }) => {
  await page.goto(await loginUrl(host));
  await expect(page.locator('[data-testid="cockpit"][data-connection="open"]')).toBeVisible();
  await api(host, 'auth.revokeSessions');
  await expect(page.getByRole('heading', { name: 'Grove needs its token' })).toBeVisible();
});
