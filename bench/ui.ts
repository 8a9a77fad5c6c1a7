import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DISABLED_FEATURES } from '../src/main/chromium-switches';
import { api, compare, report, startBenchHost, summarize, type BenchHost, type Comparison, type Series, loginUrl } from './harness';

/**
 * The cockpit's speed, in one run on one warm host:
 * (1) navigation → the cockpit painted and connected (the rail drawn, the stream open),
 *     against the same host's static page (its plain "needs its token" page): as Playwright
 *     sees it (navigation until the page calls out at the frame it is painted), and by the page's own clock
 *     (from the navigation's start to the frame after the element appeared), which leaves
 *     out Playwright's round trips and its own script's start in each page; and, by the
 *     page's clock, until the rail shows the repository (its row is drawn once the first
 *     answers to the state's requests are in: a round trip after connecting). Both pages in
 *     browser profiles kept on disk (V8 keeps compiled code there): as the app's window
 *     loads them, Chromium started with the shell's switches, which let module scripts read
 *     that code back (src/main/chromium-switches.ts); as a browser tab does, with Chromium's
 *     own features, where module scripts are compiled anew on every load; and in private
 *     windows, where nothing compiled is kept;
 * (2) the JavaScript the page loads before any terminal is shown, gzipped (target ≤ 250 KB);
 * (3) switching lanes with 8 agents (4 flooding): a click in the rail until the lane's
 *     terminal shows its tail, against the same switches with nothing flooding. Each lane
 *     is shown once first; those first showings build the terminal and are reported apart
 *     (later ones find it in the pool of hidden terminals, as an operator going back and
 *     forth between lanes does).
 * Measured inside the page (performance.now around the click, checked every frame), so
 * Playwright's round trips are not in the figure.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 24);
const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
const chromiumPath = process.env.GROVE_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const LANES = 4;
/** The page's frame clock (the bench compiles without the DOM's types). */
type Frames = { requestAnimationFrame(f: () => void): number };

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
}

async function trustedRepo(host: BenchHost, root: string): Promise<string> {
  const main = join(root, 'flower');
  mkdirSync(main, { recursive: true });
  git(main, 'init', '-q', '-b', 'main');
  writeFileSync(join(main, 'README.md'), '# flower\n');
  git(main, 'add', '.');
  git(main, 'commit', '-q', '-m', 'initial');
  const { repo } = await api<{ repo: { id: string } }>(host, 'repos.add', { path: main });
  const { digest } = await api<{ digest: string }>(host, 'repos.commands', { repoId: repo.id });
  await api(host, 'repos.trust', { repoId: repo.id, digest });
  return repo.id;
}

/**
 * The features Playwright starts Chromium without (PaintHolding among them, which holds a
 * page's first frame back), named again here: Chromium reads only the last
 * `--disable-features`, so the window's own would otherwise turn them back on, and the two
 * browsers would differ by more than the shell's switch.
 */
const PLAYWRIGHT_DISABLED_FEATURES = ['AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'PreconnectToSearch'];
const BASE_ARGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-webgl'];
const BROWSER_ARGS = [...BASE_ARGS, `--disable-features=${PLAYWRIGHT_DISABLED_FEATURES.join(',')}`];
/** The app's window: Chromium as the Electron shell starts it (src/main/chromium-switches.ts), otherwise as the browser tab. */
const WINDOW_ARGS = [...BASE_ARGS, `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...DISABLED_FEATURES].join(',')}`];

/**
 * A browser profile kept on disk, as the app's window and an everyday browser have: its
 * caches outlive the page, V8's compiled-code cache among them, so a script loaded before
 * is not compiled again. Playwright's `newContext` is a private window, where none is kept.
 */
function keptProfile(dir: string, args: readonly string[]): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { executablePath: chromiumPath, viewport: { width: 1440, height: 900 }, args: [...args] });
}

async function logIn(context: BrowserContext, host: BenchHost): Promise<BrowserContext> {
  const page = await context.newPage();
  await page.goto(await loginUrl(host));
  await page.locator('[data-testid="cockpit"][data-connection="open"]').waitFor();
  await page.close();
  return context;
}

const COCKPIT_PAINTED = '[data-testid="cockpit"][data-connection="open"] [data-testid="rail"]';
const STATIC_PAINTED = 'h1';

/**
 * In every page: the page's clock (0 = the navigation's start) at the first frame after
 * `selector` matches, as `paintedAt`. Checked on every DOM change, so the figure is the
 * page's own, whenever Playwright gets to look, and a promise Playwright can await.
 */
function markPainted({ selector, name = 'paintedAt' }: { selector: string; name?: string }): void {
  const g = globalThis as unknown as Frames & {
    document: object & { querySelector(s: string): object | null };
    MutationObserver: new (f: () => void) => { observe(n: object, o: object): void; disconnect(): void };
  } & Record<string, Promise<number>> & { groveBenchPainted?: () => void };
  g[name] = new Promise((resolve) => {
    const observer = new g.MutationObserver(() => {
      if (!g.document.querySelector(selector)) return;
      observer.disconnect();
      g.requestAnimationFrame(() => {
        resolve(performance.now());
        if (name === 'paintedAt') g.groveBenchPainted?.();
      });
    });
    observer.observe(g.document, { subtree: true, childList: true, attributes: true });
  });
}
const paintedAt = (page: Page, name = 'paintedAt'): Promise<number> => page.evaluate((n) => (globalThis as unknown as Record<string, Promise<number>>)[n]!, name);

/** The cockpit with what the operator came for: its first repository's row in the rail (drawn once the first answers are in). */
const COCKPIT_FILLED = '[data-testid="cockpit"][data-connection="open"] [data-testid="rail-repo"]';


/**
 * Navigation until the page marked itself painted (`markPainted`), by the bench's clock: the
 * page calls out at that frame, and the call's arrival ends the figure. Not Playwright's own
 * element wait, which polls with a back-off (0, 20, 50, 100 ms…): the cockpit's rail, drawn
 * once the stream opens after load, was found a poll late, the static page's heading (there
 * at load) at once. Nor an evaluate after the paint, which waits for the page's main thread,
 * busy then drawing the repository's view: both measured Playwright as much as the page.
 */
async function navigationPaint(context: BrowserContext, host: BenchHost): Promise<{ ms: number; inPageMs: number; page: Page }> {
  const page = await context.newPage();
  let reported!: (at: number) => void;
  const painted = new Promise<number>((resolve) => (reported = resolve));
  await page.exposeFunction('groveBenchPainted', () => reported(performance.now()));
  const t0 = performance.now();
  await page.goto(`${host.url}/`);
  // A page that never paints fails the run rather than hang it.
  const ms = (await Promise.race([painted, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${host.url}/ did not paint within 30 s`)), 30_000).unref())])) - t0;
  return { ms, inPageMs: await paintedAt(page), page };
}

/** Navigation until the cockpit is connected and its rail painted (a frame after it exists). */
async function cockpitPaint(context: BrowserContext, host: BenchHost): Promise<{ ms: number; inPageMs: number; filledInPageMs: number }> {
  const { ms, inPageMs, page } = await navigationPaint(context, host);
  const filledInPageMs = await paintedAt(page, 'filledAt');
  await page.close();
  return { ms, inPageMs, filledInPageMs };
}

async function staticPaint(context: BrowserContext, host: BenchHost): Promise<{ ms: number; inPageMs: number }> {
  const { ms, inPageMs, page } = await navigationPaint(context, host);
  await page.close();
  return { ms, inPageMs };
}

/**
 * The static page and the cockpit, alternately, RUNS times each: four series. `plainPage`
 * gives the context to load the static page in (marking its paint), `done` lets it go.
 */
async function paints(cockpit: BrowserContext, plainPage: () => Promise<BrowserContext>, host: BenchHost, done: (c: BrowserContext) => Promise<void>): Promise<Record<'paint' | 'plain' | 'paintInPage' | 'plainInPage' | 'filledInPage', Series>> {
  const series = (name: string): Series => ({ name, unit: 'ms', samples: [] });
  const out = { paint: series('cockpit'), plain: series('static page, same host'), paintInPage: series('cockpit'), plainInPage: series('static page, same host'), filledInPage: series('cockpit, repository drawn') };
  const staticOnce = async (): Promise<{ ms: number; inPageMs: number }> => {
    const context = await plainPage();
    const r = await staticPaint(context, host);
    await done(context);
    return r;
  };
  await cockpitPaint(cockpit, host);
  await staticOnce();
  for (let i = 0; i < RUNS; i++) {
    const c = await cockpitPaint(cockpit, host);
    const p = await staticOnce();
    out.paint.samples.push(c.ms);
    out.plain.samples.push(p.ms);
    out.paintInPage.samples.push(c.inPageMs);
    out.plainInPage.samples.push(p.inPageMs);
    out.filledInPage.samples.push(c.filledInPageMs);
  }
  return out;
}

/** Gzipped bytes of every script the page loads until it is connected, showing no terminal. */
async function initialScript(context: BrowserContext, host: BenchHost): Promise<{ files: number; gzipBytes: number; terminalLoaded: boolean }> {
  const page = await context.newPage();
  const scripts: Promise<Buffer>[] = [];
  const names: string[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script') {
      names.push(res.url());
      scripts.push(res.body());
    }
  });
  await page.goto(`${host.url}/#/repo/none`);
  await page.locator('[data-testid="cockpit"][data-connection="open"] [data-testid="rail"]').waitFor();
  await page.waitForLoadState('networkidle');
  const bodies = await Promise.all(scripts);
  await page.close();
  return { files: bodies.length, gzipBytes: bodies.reduce((n, b) => n + gzipSync(b).length, 0), terminalLoaded: names.some((n) => n.includes('terminal-pane')) };
}

/** Clicks lane `i` in the rail and waits, in the page, until its terminal shows `tail`. */
async function switchTo(page: Page, lanePath: string, terminalTestId: string, tail: string): Promise<number> {
  return page.evaluate(
    ({ lanePath, terminalTestId, tail }) =>
      new Promise<number>((resolve, reject) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { click(): void; textContent: string | null } | null } }).document;
        const button = doc.querySelector(`[data-testid="rail-lane"][data-path="${lanePath}"]`);
        if (!button) return reject(new Error(`no rail entry for ${lanePath}`));
        const t0 = performance.now();
        button.click();
        const deadline = t0 + 10_000;
        const { requestAnimationFrame } = globalThis as unknown as Frames;
        const check = (): void => {
          const box = doc.querySelector(`[data-testid="${terminalTestId}"]`);
          if (box?.textContent?.includes(tail)) return resolve(performance.now() - t0);
          if (performance.now() > deadline) return reject(new Error(`${terminalTestId} never showed ${tail}`));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { lanePath, terminalTestId, tail },
  );
}

interface LaneSetup {
  path: string;
  quietName: string;
  tail: string;
}

async function setUpLanes(host: BenchHost, repoId: string, flood: boolean, floodText: string): Promise<LaneSetup[]> {
  const lanes: LaneSetup[] = [];
  for (let i = 0; i < LANES; i++) {
    const { lane } = await api<{ lane: { path: string } }>(host, 'lanes.create', { repoId, name: `${flood ? 'f' : 'q'}lane${i}` });
    const tail = `TAIL-${flood ? 'f' : 'q'}${i}`;
    // The agent on screen: a screenful of history, then its tail.
    const quiet = await api<{ agent: { name: string } }>(host, 'agents.start', { lanePath: lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', `seq 1 3000; echo ${tail}; exec sleep 3600`], name: `quiet${flood ? 'f' : 'q'}${i}` });
    // Its neighbour, off screen: floods (a 200 KB page of text every 50 ms, about 4 MB/s,
    // written by cat so the producer costs little CPU) or sleeps.
    const script = flood ? `while :; do cat ${floodText}; sleep 0.05; done` : 'exec sleep 3600';
    await api(host, 'agents.start', { lanePath: lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', script], name: `neighbour${flood ? 'f' : 'q'}${i}` });
    lanes.push({ path: lane.path, quietName: quiet.agent.name, tail });
  }
  return lanes;
}

/** Switches among lanes already shown once (the figure), and the first showing of each lane. */
async function switching(context: BrowserContext, host: BenchHost, lanes: LaneSetup[]): Promise<{ again: number[]; first: number[]; heapPerParkedMiB: number }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  /** The page's JS heap in use after a full collection, in bytes. */
  const heap = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await page.goto(`${host.url}/`);
  await page.locator('[data-testid="cockpit"][data-connection="open"] [data-testid="rail"]').waitFor();
  for (const l of lanes) await page.locator(`[data-testid="rail-lane"][data-path="${l.path}"]`).waitFor();
  // Each lane once, to put its quiet agent's tab in front (the first launched is): each
  // terminal is built and replays its 3,000 lines here. Later switches find it parked.
  // What parking costs: the heap with one terminal shown, then with it and the others parked.
  const first: number[] = [];
  let oneShown = 0;
  for (const l of lanes) {
    first.push(await switchTo(page, l.path, `terminal-${l.quietName}`, l.tail));
    if (first.length === 1) oneShown = await heap();
  }
  const heapPerParkedMiB = Math.max(0, (await heap()) - oneShown) / (lanes.length - 1) / 2 ** 20;
  const samples: number[] = [];
  for (let i = 0; i < SWITCHES; i++) {
    const l = lanes[i % lanes.length]!;
    samples.push(await switchTo(page, l.path, `terminal-${l.quietName}`, l.tail));
  }
  await page.close();
  return { again: samples, first, heapPerParkedMiB };
}

async function main(): Promise<void> {
  if (!chromiumPath) {
    console.log('No Chromium found (set GROVE_CHROMIUM): the ui benchmark needs a browser; skipped.');
    return;
  }
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'grove-bench-ui-')));
  let host: BenchHost | null = null;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: BROWSER_ARGS });
  const kept: BrowserContext[] = [];
  try {
    host = await startBenchHost(hostEntry, join(root, 'home'));
    const repoId = await trustedRepo(host, root);
    const comparisons: Comparison[] = [];

    // Profiles kept on disk, as the app's window and an everyday browser have them: the
    // window with the shell's Chromium switches (the target's figure), the browser tab with
    // Chromium's own features, each against the static page in a browser started alike.
    const keptPair = async (name: string, args: readonly string[]): Promise<{ cockpit: BrowserContext; plain: BrowserContext }> => {
      const cockpit = await logIn(await keptProfile(join(root, `profile-${name}-cockpit`), args), host!);
      const plain = await keptProfile(join(root, `profile-${name}-static`), args);
      kept.push(cockpit, plain);
      await cockpit.addInitScript(markPainted, { selector: COCKPIT_PAINTED });
      await cockpit.addInitScript(markPainted, { selector: COCKPIT_FILLED, name: 'filledAt' });
      await plain.addInitScript(markPainted, { selector: STATIC_PAINTED });
      return { cockpit, plain };
    };
    const windowPair = await keptPair('window', WINDOW_ARGS);
    const context = windowPair.cockpit;
    const warm = await paints(context, async () => windowPair.plain, host, async () => undefined);
    comparisons.push(compare('navigation → cockpit painted and connected', warm.paint, warm.plain));
    comparisons.push(compare('  the same by the page\'s own clock', warm.paintInPage, warm.plainInPage));
    comparisons.push(compare('  its repository drawn in the rail (page\'s clock)', warm.filledInPage, warm.plainInPage));
    const tabPair = await keptPair('tab', BROWSER_ARGS);
    const tab = await paints(tabPair.cockpit, async () => tabPair.plain, host, async () => undefined);
    comparisons.push(compare('  in a browser tab (module scripts compiled anew)', tab.paint, tab.plain));
    comparisons.push(compare('  the same by the page\'s own clock', tab.paintInPage, tab.plainInPage));
    comparisons.push(compare('  its repository drawn in the rail (page\'s clock)', tab.filledInPage, tab.plainInPage));
    // In private windows: nothing cached but HTTP responses, every script compiled anew.
    const privateCockpit = await logIn(await browser.newContext({ viewport: { width: 1440, height: 900 } }), host);
    await privateCockpit.addInitScript(markPainted, { selector: COCKPIT_PAINTED });
    await privateCockpit.addInitScript(markPainted, { selector: COCKPIT_FILLED, name: 'filledAt' });
    const privateWindow = async (): Promise<BrowserContext> => {
      const c = await browser.newContext();
      await c.addInitScript(markPainted, { selector: STATIC_PAINTED });
      return c;
    };
    const cold = await paints(privateCockpit, privateWindow, host, (c) => c.close());
    await privateCockpit.close();
    comparisons.push(compare('  in private windows (code compiled anew)', cold.paint, cold.plain));
    comparisons.push(compare('  the same by the page\'s own clock', cold.paintInPage, cold.plainInPage));
    comparisons.push(compare('  its repository drawn in the rail (page\'s clock)', cold.filledInPage, cold.plainInPage));

    const script = await initialScript(context, host);

    const floodText = join(root, 'flood.txt');
    writeFileSync(floodText, Array.from({ length: 2500 }, (_, i) => `flood line ${i} ${'lorem ipsum dolor sit amet '.repeat(2)}`).join('\n') + '\n');
    const quiet = await setUpLanes(host, repoId, false, floodText);
    const quietSwitches = await switching(context, host, quiet);
    const flooded = await setUpLanes(host, repoId, true, floodText);
    const floodSwitches = await switching(context, host, flooded);
    const floodSeries: Series = { name: 'switch, 4 of 8 agents flooding', unit: 'ms', samples: floodSwitches.again };
    comparisons.push(compare('lane switch → terminal shows its tail', floodSeries, { name: 'switch, nothing flooding', unit: 'ms', samples: quietSwitches.again }));
    const firstSeries: Series = { name: 'first showing, 4 flooding', unit: 'ms', samples: floodSwitches.first };
    comparisons.push(compare('  a lane\'s first showing (terminal built)', firstSeries, { name: 'first showing, none flooding', unit: 'ms', samples: quietSwitches.first }));
    const p95 = (s: number[]): number => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor(0.95 * s.length))]!;
    report('ui', comparisons, {
      runs: RUNS,
      switches: SWITCHES,
      initialScript: { ...script, gzipKB: Number((script.gzipBytes / 1024).toFixed(1)), targetKB: 250 },
      laneSwitchP95Ms: { flooding: Number(p95(floodSwitches.again).toFixed(1)), quiet: Number(p95(quietSwitches.again).toFixed(1)), target: 150 },
      heapPerParkedTerminalMiB: Number(quietSwitches.heapPerParkedMiB.toFixed(2)),
      firstShowingMaxMs: { flooding: Number(Math.max(...floodSwitches.first).toFixed(1)), quiet: Number(Math.max(...quietSwitches.first).toFixed(1)) },
      cockpitPaintMedianMs: summarize(warm.paint).median,
    });
    console.log(`initial JavaScript before any terminal: ${(script.gzipBytes / 1024).toFixed(1)} KB gzip in ${script.files} files (target ≤ 250 KB)${script.terminalLoaded ? ' — the terminal chunk was loaded!' : ''}`);
    console.log(`lane switch p95: ${p95(floodSwitches.again).toFixed(1)} ms with 4 agents flooding, ${p95(quietSwitches.again).toFixed(1)} ms without (target ≤ 150 ms)`);
    console.log(`a hidden terminal kept for switching back (3,001 lines, ${LANES - 1} of them): ${quietSwitches.heapPerParkedMiB.toFixed(2)} MiB of JS heap each`);
    console.log(`a lane's first showing (its terminal built, 3,000 lines replayed): at most ${Math.max(...floodSwitches.first).toFixed(1)} ms with 4 flooding, ${Math.max(...quietSwitches.first).toFixed(1)} ms without`);
  } finally {
    for (const c of kept) await c.close();
    await browser.close();
    await host?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
