import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startBenchHost, loginUrl, addTrustedRepo } from './harness';
import { execFileSync } from 'node:child_process';
const root = mkdtempSync(join(tmpdir(), 'probe-'));
const host = await startBenchHost(join(process.cwd(), 'out', 'host', 'main.js'), join(root, 'home'));
try {
const main = join(root, 'flower'); mkdirSync(main);
const g = (...a: string[]) => execFileSync('git', a, { cwd: main, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
g('init', '-q', '-b', 'main'); writeFileSync(join(main, 'R'), 'x'); g('add', '.'); g('commit', '-qm', 'i');
await addTrustedRepo(host, main);
const ctx = await chromium.launchPersistentContext(join(root, 'prof'), { executablePath: '/usr/bin/chromium', viewport: { width: 1440, height: 900 }, args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-webgl'] });
const p0 = await ctx.newPage(); await p0.goto(await loginUrl(host)); await p0.locator('[data-testid="cockpit"][data-connection="open"]').waitFor(); await p0.close();
await ctx.addInitScript(() => {
  const w = window as any; w.__t = {} as Record<string, number>;
  const mark = (k: string) => { if (w.__t[k] === undefined) w.__t[k] = performance.now(); };
  mark('init');
  new MutationObserver(() => {
    const r = document.getElementById('root'); if (r && r.firstChild) mark('rootChild');
    if (document.querySelector('[data-testid="cockpit"][data-connection="open"] [data-testid="rail"]')) { mark('painted'); requestAnimationFrame(() => mark('frame')); }
  }).observe(document, { subtree: true, childList: true, attributes: true });
});
const rows: any[] = [];
for (let i = 0; i < Number(process.env.N ?? 12); i++) {
  const page = await ctx.newPage();
  await page.goto(`${host.url}/`);
  await page.locator('[data-testid="cockpit"][data-connection="open"] [data-testid="rail"]').waitFor();
  await page.waitForTimeout(100);
  rows.push(await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = Object.fromEntries(performance.getEntriesByType('resource').filter((e: any) => e.initiatorType !== 'fetch').slice(0, 5).map((e: any) => [e.name.split('/').pop().split('-')[0], Math.round(e.responseEnd)]));
    return { ...(window as any).__t, respEnd: n.responseEnd, domInteractive: n.domInteractive, ...res };
  }));
  await page.close();
}
const keys = Object.keys(rows[0]);
const med = (k: string) => { const v = rows.slice(2).map((r) => r[k]).filter((x) => typeof x === 'number').sort((a, b) => a - b); return Math.round(v[Math.floor(v.length / 2)]); };
console.log(keys.map((k) => `${k}=${med(k)}`).join(' '));
await ctx.close();
} finally { await host.stop(); rmSync(root, { recursive: true, force: true }); }
