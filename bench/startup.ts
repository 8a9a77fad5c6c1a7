import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { compare, report, type Series, loginUrl } from './harness';

/**
 * Cold start. (1) Spawning the host on a fresh data dir until its first answered API
 * request, against a bare Node HTTP server spawned and asked the same way: the ratio is
 * what Grove adds to Node's own start-up. (2) The same, until Chromium has painted the UI
 * connected to the host, against Chromium painting a static page from the bare server.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
const chromiumPath = process.env.GROVE_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const BASELINE_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const s = http.createServer((q, r) => { r.setHeader('content-type', 'text/html'); r.end('<!doctype html><title>b</title><p id="p">ready</p>'); });
s.listen(0, '127.0.0.1', () => fs.writeFileSync(process.argv[1] + '.tmp', JSON.stringify({ url: 'http://127.0.0.1:' + s.address().port })) || fs.renameSync(process.argv[1] + '.tmp', process.argv[1]));
`;

interface Started {
  child: ChildProcess;
  url: string;
  token: string;
  dir: string;
}

async function waitForFile(path: string, child: ChildProcess): Promise<string> {
  for (;;) {
    if (existsSync(path)) return readFileSync(path, 'utf8');
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function startGrove(): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'grove-bench-'));
  const child = spawn(process.execPath, [hostEntry, '--home', dir], { stdio: 'ignore' });
  const disc = JSON.parse(await waitForFile(join(dir, 'host.json'), child)) as { url: string };
  return { child, url: disc.url, token: readFileSync(join(dir, 'token'), 'utf8').trim(), dir };
}

async function startBaseline(): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'grove-bench-base-'));
  const file = join(dir, 'ready.json');
  const child = spawn(process.execPath, ['-e', BASELINE_SERVER, file], { stdio: 'ignore' });
  const disc = JSON.parse(await waitForFile(file, child)) as { url: string };
  return { child, url: disc.url, token: '', dir };
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
  rmSync(s.dir, { recursive: true, force: true });
}

async function firstAnswer(kind: 'grove' | 'baseline'): Promise<number> {
  const t0 = performance.now();
  const s = kind === 'grove' ? await startGrove() : await startBaseline();
  const res = kind === 'grove'
    ? await fetch(`${s.url}/api/host.status`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: '{}' })
    : await fetch(s.url);
  if (!res.ok) throw new Error(`${kind}: HTTP ${res.status}`);
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  await stop(s);
  return ms;
}

async function firstPaint(browser: Browser, kind: 'grove' | 'baseline'): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  const s = kind === 'grove' ? await startGrove() : await startBaseline();
  if (kind === 'grove') {
    await page.goto(await loginUrl(s));
    await page.locator('[data-testid="cockpit"][data-connection="open"]').waitFor();
  } else {
    await page.goto(s.url);
    await page.locator('#p').waitFor();
  }
  const ms = performance.now() - t0;
  await context.close();
  await stop(s);
  return ms;
}

async function main(): Promise<void> {
  const answer: Record<'grove' | 'baseline', Series> = {
    grove: { name: 'grove host', unit: 'ms', samples: [] },
    baseline: { name: 'bare node http', unit: 'ms', samples: [] },
  };
  // Alternate so drift on a shared machine hits both series alike; one warm-up each.
  await firstAnswer('grove');
  await firstAnswer('baseline');
  for (let i = 0; i < RUNS; i++) {
    answer.grove.samples.push(await firstAnswer('grove'));
    answer.baseline.samples.push(await firstAnswer('baseline'));
  }
  const comparisons = [compare('cold start → first answered request', answer.grove, answer.baseline)];

  if (chromiumPath) {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    const paint: Record<'grove' | 'baseline', Series> = {
      grove: { name: 'grove UI', unit: 'ms', samples: [] },
      baseline: { name: 'static page', unit: 'ms', samples: [] },
    };
    await firstPaint(browser, 'grove');
    await firstPaint(browser, 'baseline');
    for (let i = 0; i < RUNS; i++) {
      paint.grove.samples.push(await firstPaint(browser, 'grove'));
      paint.baseline.samples.push(await firstPaint(browser, 'baseline'));
    }
    await browser.close();
    comparisons.push(compare('cold start → UI painted and connected', paint.grove, paint.baseline));
  } else {
    console.log('No Chromium found (set GROVE_CHROMIUM): the UI paint measure is skipped.');
  }
  report('startup', comparisons, { runs: RUNS });
}

await main();
