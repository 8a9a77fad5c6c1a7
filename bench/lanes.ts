import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTrustedRepo, api, compare, cpuPercent, cpuTicks, endAll, report, runBench, startBenchHost, summarize, waitForQuietHost, type Comparison, type Series } from './harness';

/**
 * Lanes on a big repository (20,000 small files over 400 directories, one commit), all in
 * one run against one real host:
 *  (1) `lanes.create` through the API (no grove.yaml, so no setup recipe) against a bare
 *      `git worktree add -b <branch> <path>` in the same repository, alternated;
 *  (2) `lanes.merge { dryRun: true }` on a lane 5 commits ahead, against the git commands
 *      such a preflight cannot do without (`git status --porcelain` in both trees and
 *      `git merge-tree --write-tree`), alternated;
 *  (3) the host's own CPU (utime + stime from /proc) with 20 idle lanes, which are watched
 *      through file events (MAIN's tree, each lane's HEAD), against a second host with the
 *      same repository registered and no lane, read over the same 1 s windows (paired).
 *
 * Generating the repository is not part of any figure. Worktrees between runs of (1) are
 * removed outside the timing: Grove's through `lanes.remove` (so the host does not keep
 * records of lanes whose directories vanished) and the raw ones with `git worktree remove
 * --force`; both branches with `git branch -D`. Every timed run starts on a quiet host.
 * In (3), both sides are read in the same windows, so neither gets a quieter or busier
 * moment of the machine to itself, and only after the baseline host is past V8's one-off
 * memory-reducing GC (about 8 s after a host starts; it once landed in a baseline taken
 * first, alone, and flattered the lanes). The ratio is over the paired windows' totals.
 * A full run on this 2-core machine takes about 1½ minutes.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FILES = 20_000;
/** 20 top-level directories of 20 each: 400 leaf directories of 50 files. */
const TOP_DIRS = 20;
const SUB_DIRS = 20;
const IDLE_LANES = 20;
const SETTLE_MS = 3000;
/** A new host's V8 runs a one-off memory-reducing GC about 8 s after start; wait past it. */
const PAST_STARTUP_GC_MS = 15_000;
const CPU_WINDOWS = Number(process.env.BENCH_CPU_WINDOWS ?? 20);
const CPU_WINDOW_MS = 1000;

const hostEntry = join(process.cwd(), 'out', 'host', 'main.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------
// Where things go, and cleanup: every process started is ended by pid in `cleanup()`.

/**
 * The repository and its worktrees: tmpfs by default (BENCH_TMPDIR overrides). On this
 * machine's ext4, creating 20,000 files right after deleting as many spends 10–40 s per
 * checkout in the kernel (ext4's inode allocator scanning `recently_deleted` inodes), for
 * git and Grove alike: the churn of these very runs would swamp what Grove adds, and the
 * run would take over ten minutes.
 */
const tempBase = process.env.BENCH_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const tempRoot = realpathSync(mkdtempSync(join(tempBase, 'grove-bench-lanes-')));
/** The host's data dir stays on disk: its database syncs every write, and that is part of the cost. */
const homeRoot = mkdtempSync(join(tmpdir(), 'grove-bench-lanes-home-'));
const childPids = new Set<number>();
const hosts = new Set<Host>();

const cleanup = (): Promise<void> => endAll(hosts, childPids, [tempRoot, homeRoot]);

// ---------------------------------------------------------------------------------------
// git, run the way the host runs it: an argument array, no shell, no inherited GIT_DIR.

const GIT_ENV: NodeJS.ProcessEnv = (() => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    GIT_AUTHOR_NAME: 'Grove Bench',
    GIT_AUTHOR_EMAIL: 'bench@grove.invalid',
    GIT_COMMITTER_NAME: 'Grove Bench',
    GIT_COMMITTER_EMAIL: 'bench@grove.invalid',
  };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_PREFIX']) delete env[k];
  return env;
})();

function git(cwd: string, args: string[], o: { okCodes?: number[] } = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (child.pid) childPids.delete(child.pid);
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      if (code === 0 || (o.okCodes ?? []).includes(code)) resolve({ code, stdout });
      else reject(new Error(`git ${args.join(' ')} in ${cwd} exited ${code}: ${stderr.trim()}`));
    });
    if (child.pid) childPids.add(child.pid);
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------
// The repository: one commit written with `git fast-import`, then checked out.

function fileContent(i: number): string {
  return `// file ${i}\nexport const value${i} = ${i};\nexport function describe${i}(): string {\n  return 'module ${i} of the generated repository';\n}\n`;
}

function filePath(i: number): string {
  const leaf = i % (TOP_DIRS * SUB_DIRS);
  return `src/area${String(leaf % TOP_DIRS).padStart(2, '0')}/part${String(Math.floor(leaf / TOP_DIRS)).padStart(2, '0')}/file${String(i).padStart(5, '0')}.ts`;
}

async function generateRepo(dir: string): Promise<void> {
  mkdirSync(dir);
  await git(dir, ['init', '-q', '-b', 'main']);
  // No automatic gc in the middle of a timing.
  await git(dir, ['config', 'gc.auto', '0']);
  const message = 'initial: generated';
  const parts: string[] = [`commit refs/heads/main\ncommitter Grove Bench <bench@grove.invalid> 1700000000 +0000\ndata ${message.length}\n${message}\n`];
  const readme = '# generated\n';
  parts.push(`M 100644 inline README.md\ndata ${readme.length}\n${readme}\n`);
  for (let i = 0; i < FILES; i++) {
    const body = fileContent(i);
    parts.push(`M 100644 inline ${filePath(i)}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env: GIT_ENV, stdio: ['pipe', 'ignore', 'pipe'] });
    if (child.pid) childPids.add(child.pid);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (child.pid) childPids.delete(child.pid);
      if (code === 0) resolve();
      else reject(new Error(`git fast-import exited ${code}: ${stderr}`));
    });
    child.stdin.end(parts.join(''));
  });
  await git(dir, ['reset', '-q', '--hard', 'main']);
  await refreshIndex(dir);
}

/**
 * Files written in the same second as the index are "racily clean" and `git status`
 * re-reads them every time until the index is written again later. A real checkout has
 * long settled; so do these before anything is timed.
 */
async function refreshIndex(worktree: string): Promise<void> {
  await sleep(1100);
  await git(worktree, ['status', '--porcelain']);
}

// ---------------------------------------------------------------------------------------
// A real host.

interface Host {
  url: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

async function startHost(): Promise<Host> {
  const started = await startBenchHost(hostEntry, mkdtempSync(join(homeRoot, 'home-')), (pid) => childPids.add(pid));
  const host: Host = {
    ...started,
    stop: async () => {
      await started.stop();
      hosts.delete(host);
      childPids.delete(started.pid);
    },
  };
  hosts.add(host);
  return host;
}


interface LaneRef {
  id: string;
  path: string;
  branch: string | null;
}

async function createLane(host: Host, repoId: string, name: string): Promise<LaneRef> {
  const { lane } = await api<{ lane: LaneRef }>(host, 'lanes.create', { repoId, name });
  return lane;
}

// ---------------------------------------------------------------------------------------
// The host's CPU and watches, from /proc.

/** inotify watches the process holds, over all its inotify instances. */
function inotifyWatches(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
      n += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

interface IdleCpu {
  /** % of one core in each window. */
  perWindow: number[];
  /** % of one core over the whole measure: the host itself, and git or anything else it ran. */
  selfPct: number;
  childrenPct: number;
  inotifyWatches: number;
}

/**
 * Reads both hosts' CPU once per window, in the same windows, while nothing is asked of
 * either: window i of one side is paired with window i of the other.
 */
async function measurePairedIdleCpu(pids: { measured: number; baseline: number }): Promise<{ measured: IdleCpu; baseline: IdleCpu }> {
  await sleep(SETTLE_MS);
  const read = (): { measured: { self: number; children: number }; baseline: { self: number; children: number }; at: number } => ({
    measured: cpuTicks(pids.measured),
    baseline: cpuTicks(pids.baseline),
    at: performance.now(),
  });
  const start = read();
  let prev = start;
  const perWindow = { measured: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < CPU_WINDOWS; i++) {
    await sleep(CPU_WINDOW_MS);
    const now = read();
    for (const side of ['measured', 'baseline'] as const) perWindow[side].push(cpuPercent(now[side].self - prev[side].self, now.at - prev.at));
    prev = now;
  }
  const side = (which: 'measured' | 'baseline'): IdleCpu => ({
    perWindow: perWindow[which],
    selfPct: round(cpuPercent(prev[which].self - start[which].self, prev.at - start.at), 2),
    childrenPct: round(cpuPercent(prev[which].children - start[which].children, prev.at - start.at), 2),
    inotifyWatches: inotifyWatches(pids[which]),
  });
  return { measured: side('measured'), baseline: side('baseline') };
}

// Between runs, `waitForQuietHost` (harness.ts): cleaning up wakes the host. Deleting a
// branch rewrites packed-refs, which MAIN's watcher answers (after its debounce) with a
// check of MAIN — a `git status` over 20,000 files that would otherwise land inside the
// next timing.

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const extra: Record<string, unknown> = { runs: RUNS, files: FILES, dirs: TOP_DIRS * SUB_DIRS, tempDir: tempBase };
  const mainPath = join(tempRoot, 'repo');
  const t0 = performance.now();
  await generateRepo(mainPath);
  console.log(`generated ${FILES} files in ${TOP_DIRS * SUB_DIRS} directories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const host = await startHost();
  const repoId = await addTrustedRepo(host, mainPath);

  // (1) Creation, alternated with raw git; one warm-up each.
  const groveCreate: Series = { name: 'lanes.create', unit: 'ms', samples: [] };
  const rawCreate: Series = { name: 'git worktree add -b', unit: 'ms', samples: [] };
  for (let i = 0; i <= RUNS; i++) {
    const name = `bench-${i}`;
    let lane!: LaneRef;
    const groveMs = await timed(async () => (lane = await createLane(host, repoId, name)));
    await api(host, 'lanes.remove', { id: lane.id });
    await git(mainPath, ['branch', '-q', '-D', name]);
    await waitForQuietHost(host.pid);

    const rawPath = join(tempRoot, `raw-${i}`);
    const rawMs = await timed(() => git(mainPath, ['worktree', 'add', '-q', '-b', `raw-${i}`, rawPath]));
    await git(mainPath, ['worktree', 'remove', '--force', rawPath]);
    await git(mainPath, ['branch', '-q', '-D', `raw-${i}`]);
    await waitForQuietHost(host.pid);
    if (i > 0) {
      groveCreate.samples.push(groveMs);
      rawCreate.samples.push(rawMs);
    }
    console.log(`create ${i === 0 ? 'warm-up' : `run ${i}`}: grove ${groveMs.toFixed(0)} ms, raw ${rawMs.toFixed(0)} ms`);
  }
  comparisons.push(compare(`lane creation, ${FILES} files`, groveCreate, rawCreate));

  // (3) 20 idle lanes.
  const lanes: LaneRef[] = [];
  const idleCreateMs: number[] = [];
  for (let i = 0; i < IDLE_LANES; i++) {
    idleCreateMs.push(await timed(async () => lanes.push(await createLane(host, repoId, `idle-${String(i).padStart(2, '0')}`))));
  }
  const listed = await api<{ lanes: { status: string }[] }>(host, 'lanes.list', { repoId });
  if (listed.lanes.length !== IDLE_LANES || listed.lanes.some((l) => l.status !== 'ok')) {
    throw new Error(`expected ${IDLE_LANES} lanes with status ok, got ${JSON.stringify(listed.lanes.map((l) => l.status))}`);
  }
  const creates = summarize({ name: '', unit: 'ms', samples: idleCreateMs });
  extra.creatingIdleLanesMs = { median: round(creates.median), max: round(creates.max), first: round(idleCreateMs[0]!), last: round(idleCreateMs.at(-1)!) };

  // (2) Merge preflight on the first idle lane, made 5 commits ahead of MAIN.
  const lane = lanes[0]!;
  for (let c = 0; c < 5; c++) {
    const touched = [0, 1, 2].map((k) => filePath(c * 3 + k));
    for (const f of touched) writeFileSync(join(lane.path, f), `${fileContent(c)}// change ${c}\n`);
    await git(lane.path, ['add', '--', ...touched]);
    await git(lane.path, ['commit', '-q', '-m', `change ${c}`]);
  }
  await refreshIndex(lane.path);
  const branch = lane.branch!;
  const groveMerge: Series = { name: 'lanes.merge dryRun', unit: 'ms', samples: [] };
  const rawMerge: Series = { name: 'status ×2 + merge-tree', unit: 'ms', samples: [] };
  // The baseline only looks, like the preflight: --no-optional-locks keeps `git status`
  // from rewriting MAIN's index, which MAIN's watcher would (rightly) go and check.
  const rawPreflight = async (): Promise<void> => {
    await git(lane.path, ['--no-optional-locks', 'status', '--porcelain']);
    await git(mainPath, ['--no-optional-locks', 'status', '--porcelain']);
    await git(mainPath, ['merge-tree', '--write-tree', 'main', branch], { okCodes: [1] });
  };
  const grovePreflight = async (): Promise<void> => {
    const { checks } = await api<{ checks: { name: string; ok: boolean; message: string }[] }>(host, 'lanes.merge', { id: lane.id, dryRun: true });
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) throw new Error(`the preflight should pass: ${failed.map((c) => `${c.name}: ${c.message}`).join('; ')}`);
  };
  await waitForQuietHost(host.pid);
  await grovePreflight();
  await rawPreflight();
  for (let i = 0; i < RUNS; i++) {
    await waitForQuietHost(host.pid);
    groveMerge.samples.push(await timed(grovePreflight));
    await waitForQuietHost(host.pid);
    rawMerge.samples.push(await timed(rawPreflight));
  }
  comparisons.push(compare('merge preflight (dry run), 5 commits ahead', groveMerge, rawMerge));

  // (3) The baseline: a second host, the same repository registered (MAIN watched), no lane;
  //     read in the same windows as the host with 20 idle lanes, once past its start-up GC.
  const baselineHost = await startHost();
  await api(baselineHost, 'repos.add', { path: mainPath });
  await sleep(PAST_STARTUP_GC_MS);
  await waitForQuietHost(baselineHost.pid);
  await waitForQuietHost(host.pid);
  const paired = await measurePairedIdleCpu({ measured: host.pid, baseline: baselineHost.pid });
  const [idleLanes, idleNoLanes] = [paired.measured, paired.baseline];
  await baselineHost.stop();
  console.log(`idle, ${IDLE_LANES} lanes: host ${idleLanes.selfPct}% of a core, its children ${idleLanes.childrenPct}%`);
  console.log(`idle, no lanes (same windows): host ${idleNoLanes.selfPct}% of a core, its children ${idleNoLanes.childrenPct}%`);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const diffs = idleLanes.perWindow.map((v, i) => v - idleNoLanes.perWindow[i]!);
  comparisons.push(
    compare(
      `host CPU, ${IDLE_LANES} idle lanes (per ${CPU_WINDOW_MS / 1000} s window, paired)`,
      { name: `${IDLE_LANES} lanes`, unit: '% core', samples: idleLanes.perWindow },
      { name: 'no lanes', unit: '% core', samples: idleNoLanes.perWindow },
    ),
  );
  extra.idleCpu = {
    settleMs: SETTLE_MS,
    baselinePastStartMs: PAST_STARTUP_GC_MS,
    measuredS: (CPU_WINDOWS * CPU_WINDOW_MS) / 1000,
    pairedWindows: CPU_WINDOWS,
    /** Total over the paired windows, lanes / no lanes; not finite when the baseline used nothing. */
    pairedRatio: sum(idleNoLanes.perWindow) > 0 ? round(sum(idleLanes.perWindow) / sum(idleNoLanes.perWindow), 2) : null,
    /** Median over the windows of (lanes − no lanes), in % of a core. */
    pairedMedianDiffPct: round(summarize({ name: '', unit: '', samples: diffs }).median, 2),
    noLanes: { hostPctOfCore: idleNoLanes.selfPct, childrenPctOfCore: idleNoLanes.childrenPct, perWindow: idleNoLanes.perWindow.map((n) => round(n)), inotifyWatches: idleNoLanes.inotifyWatches },
    withLanes: {
      lanes: IDLE_LANES,
      hostPctOfCore: idleLanes.selfPct,
      childrenPctOfCore: idleLanes.childrenPct,
      perWindow: idleLanes.perWindow.map((n) => round(n)),
      inotifyWatches: idleLanes.inotifyWatches,
    },
  };

  await host.stop();
  report('lanes', comparisons, extra);
  const [create, merge] = [comparisons[0]!, comparisons[1]!];
  console.log(
    `creation grove/raw = ${create.ratio} (target ≤ 1.3); merge preflight ${merge.grove.median.toFixed(0)} ms vs ${merge.baseline.median.toFixed(0)} ms (${merge.ratio}×); ` +
      `host CPU with ${IDLE_LANES} idle lanes ${idleLanes.selfPct}% of a core (no lanes, same windows: ${idleNoLanes.selfPct}%; paired ratio ${String((extra.idleCpu as { pairedRatio: number | null }).pairedRatio ?? '–')}; target ~0)`,
  );
}

await runBench(async () => {
  if (!existsSync(hostEntry)) throw new Error(`${hostEntry} is missing: run \`npm run build\` first.`);
  await main();
}, cleanup);
