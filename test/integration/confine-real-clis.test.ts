import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import type { Lane } from '../../src/shared/lanes';
import { PRESETS } from '../../src/host/terminals/presets';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';

/**
 * The real Claude Code and Codex (from npm; .ci/run puts them on PATH) started by Grove's
 * presets inside the confinement, each with a temporary HOME (and CODEX_HOME) given in the
 * agent's environment: they start, draw the first screen they draw unconfined (the recorded
 * ones in test/fixtures/screens), keep running, and write their state where the preset
 * declares it, and nowhere else. Without a CLI on PATH its test says so and is skipped.
 */
const CLIS = { claude: '@anthropic-ai/claude-code', codex: '@openai/codex' } as const;

/** The CLI's path on PATH; without it, says so and skips the test. */
function realCli(name: keyof typeof CLIS, ctx: { skip: () => void }): string {
  try {
    const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    if (path) return path;
  } catch {
    /* not on PATH */
  }
  console.log(`SKIPPED: the real ${name} is not on PATH; install it (npm i -g ${CLIS[name]}) to run this test.`);
  ctx.skip();
  throw new Error('skipped');
}

let host: HostProcess;
let main: string;
let repoId: string;

beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  repoId = await addTrustedRepo(host, main);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function createLane(name: string): Promise<Lane> {
  const r = await api(host, 'lanes.create', { repoId, name });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { lane: Lane }).lane;
}

async function infoOf(id: string): Promise<AgentInfo> {
  const r = await api(host, 'agents.list');
  return (r.body.result as { agents: AgentInfo[] }).agents.find((a) => a.id === id)!;
}

async function screenOf(id: string): Promise<string> {
  const r = await api(host, 'agents.screen', { id });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { text: string }).text;
}

/** Waits until the agent's screen shows `pattern`; on a timeout, the screen it had is in the error. */
async function untilScreen(id: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let last = '';
  try {
    return await until(`the screen to show ${pattern}`, async () => ((last = await screenOf(id)), pattern.test(last) ? last : null), timeoutMs);
  } catch (e) {
    throw new Error(`${(e as Error).message}; the screen:\n${last}\n(agent: ${JSON.stringify(await infoOf(id))})`);
  }
}

/** Every file and directory under DIR, relative to it. */
function treeOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [relative(dir, path) + '/', ...treeOf(path).map((p) => join(name, p))] : [name];
  });
}

describe('the real CLIs, confined', () => {
  it('Claude Code starts, asks to trust the lane, and keeps its state in ~/.claude and ~/.claude.json', async (ctx) => {
    const claude = realCli('claude', ctx);
    const lane = await createLane('design');
    const home = realpathSync(makeTempDir('grove-claude-home-'));
    // Onboarded, as an operator's own ~/.claude.json is: then its first screen is the trust prompt
    // (test/fixtures/screens/claude-2.1.197-trust.ansi), not the network check of a first start.
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true }));
    const r = await api(host, 'agents.start', { lanePath: lane.path, preset: 'claude', command: claude, env: { HOME: home }, restart: 'never' });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const agent = (r.body.result as { agent: AgentInfo }).agent;

    await untilScreen(agent.id, /trust this folder/i);
    expect((await infoOf(agent.id)).confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'open' });
    // Grove reads that screen as it does unconfined: the agent waits for the operator.
    await expect.poll(async () => (await infoOf(agent.id)).activity).toMatchObject({ state: 'waiting', detail: 'trust_prompt' });
    // Yes, trust it (2.1.332 puts "No, exit" first): Claude Code records that in ~/.claude.json,
    // under the repository (MAIN: a worktree's trust is its repository's).
    // The prompt is drawn before it reads keys: press Down until the choice moves.
    await until('"Yes, I trust this folder" chosen', async () => {
      if (/❯ Yes, I trust this folder/.test(await screenOf(agent.id))) return true;
      await api(host, 'agents.input', { id: agent.id, data: '\x1b[B' });
      await new Promise((r) => setTimeout(r, 1500));
      return false;
    }, 30_000);
    await api(host, 'agents.input', { id: agent.id, data: '\r' });
    const config = await until('~/.claude.json to record the trusted repository', async () => {
      try {
        const c = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')) as { projects?: Record<string, { hasTrustDialogAccepted?: boolean }> };
        return c.projects?.[main]?.hasTrustDialogAccepted ? c : null;
      } catch {
        return null;
      }
    });
    expect(config).toMatchObject({ hasCompletedOnboarding: true, firstStartVersion: expect.any(String) });
    await untilScreen(agent.id, /Not logged in/);
    expect((await infoOf(agent.id)).supervision.kind).toBe('running');
    // Its state is in the declared places only (Grove makes the caches any lane may write).
    expect(treeOf(home).filter((p) => !/^\.(claude|npm|cache)(\/|\.json$|$)/.test(p))).toEqual([]);
    expect(existsSync(join(home, '.claude'))).toBe(true);
    expect(git(lane.path, 'status', '--porcelain')).toBe('');
  }, 120_000);

  it('Codex starts, asks to sign in, and keeps its state in CODEX_HOME', async (ctx) => {
    const codex = realCli('codex', ctx);
    const lane = await createLane('design');
    const home = realpathSync(makeTempDir('grove-codex-home-'));
    const codexHome = join(home, 'codex-home');
    mkdirSync(codexHome);
    const r = await api(host, 'agents.start', { lanePath: lane.path, preset: 'codex', command: codex, env: { HOME: home, CODEX_HOME: codexHome }, restart: 'never' });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const agent = (r.body.result as { agent: AgentInfo }).agent;

    // test/fixtures/screens/codex-0.171.0-sign-in.ansi: not signed in, its first screen.
    await untilScreen(agent.id, /Sign in with ChatGPT/);
    expect((await infoOf(agent.id)).confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'open' });
    await expect.poll(async () => (await infoOf(agent.id)).activity).toMatchObject({ state: 'waiting', detail: 'sign_in' });
    expect((await infoOf(agent.id)).supervision.kind).toBe('running');
    expect(readdirSync(codexHome).length).toBeGreaterThan(0);
    expect(treeOf(home).filter((p) => !/^(codex-home|\.npm|\.cache)(\/|$)/.test(p))).toEqual([]);
    // Its shared background server (a process outside this agent's sandbox, that other agents
    // would reach too) is not used: Grove's -c overrides keep Codex 0.171 in its own process.
    expect(existsSync(join(codexHome, 'app-server-control'))).toBe(false);
    expect(git(lane.path, 'status', '--porcelain')).toBe('');
  }, 120_000);
});

/**
 * Runs `script` (sh) as a confined agent in `lanePath`, with `env`; resolves with its exit
 * status and what it printed, which it writes into the lane (the one place it can write).
 */
async function runConfined(lanePath: string, script: string, env: Record<string, string>, withholdEnv: string[] = []): Promise<{ status: number; out: string; agent: AgentInfo }> {
  const out = join(lanePath, '.agent-out');
  rmSync(`${out}.status`, { force: true });
  const args = ['-c', `( ${script} ) > ${out} 2>&1; echo $? > ${out}.status`];
  const r = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args, env, withholdEnv, restart: 'never' });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  const agent = (r.body.result as { agent: AgentInfo }).agent;
  const status = await until(`the agent's script to end`, async () => (existsSync(`${out}.status`) ? readFileSync(`${out}.status`, 'utf8').trim() : null), 90_000);
  return { status: Number(status), out: readFileSync(out, 'utf8'), agent: await infoOf(agent.id) };
}

describe('tools in a confined lane', () => {
  it('npm install works, its cache in ~/.npm, or where npm_config_cache says', async () => {
    // A tiny package, packed to a tarball: nothing comes from the network.
    const pkgDir = makeTempDir('grove-tiny-pkg-');
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: 'grove-tiny', version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(pkgDir, 'index.js'), 'module.exports = "petal";\n');
    const tarball = join(pkgDir, execFileSync('npm', ['pack', '--silent'], { cwd: pkgDir, encoding: 'utf8' }).trim());
    const install = `npm install --no-audit --no-fund --offline ${tarball} && node -p 'require("grove-tiny")'`;
    const home = realpathSync(makeTempDir('grove-npm-home-'));

    // npm_config_cache, which the test runner (npm) hands down, withheld: npm's own default.
    const lane = await createLane('deps');
    const plain = await runConfined(lane.path, install, { HOME: home }, ['npm_config_cache']);
    expect(plain.agent.confinement?.confined).toBe(true);
    expect(plain.status, plain.out).toBe(0);
    expect(plain.out).toContain('petal');
    expect(JSON.parse(readFileSync(join(lane.path, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { 'grove-tiny': expect.stringContaining('grove-tiny-1.0.0.tgz') } });
    expect(readdirSync(join(home, '.npm'))).toEqual(expect.arrayContaining(['_cacache', '_logs']));

    const moved = join(home, 'npm-cache-elsewhere');
    const other = await createLane('deps-moved');
    const r = await runConfined(other.path, install, { HOME: home, npm_config_cache: moved });
    expect(r.status, r.out).toBe(0);
    expect(readdirSync(moved)).toEqual(expect.arrayContaining(['_cacache', '_logs']));
  }, 120_000);

  it("a CLI's own sandbox nests inside Grove's: bubblewrap in bubblewrap (Claude Code's sandbox on Linux)", async () => {
    const lane = await createLane('nested');
    const bwrap = await runConfined(lane.path, `bwrap --ro-bind / / --dev /dev --proc /proc --unshare-pid --bind "$PWD" "$PWD" -- sh -c 'echo inner > inner.txt'`, {});
    expect(bwrap.agent.confinement?.confined).toBe(true);
    expect(bwrap.status, bwrap.out).toBe(0);
    expect(readFileSync(join(lane.path, 'inner.txt'), 'utf8')).toBe('inner\n');
  }, 60_000);

  it("Codex's own sandbox nests inside Grove's with the preset's confined arguments, and fails without them", async (ctx) => {
    const codex = realCli('codex', ctx);
    const lane = await createLane('nested');
    const home = realpathSync(makeTempDir('grove-nested-home-'));
    // Codex's own sandbox, as its agent would run a command in workspace-write mode (CODEX_HOME
    // in the lane here: a custom agent has no declared state dir).
    const sandbox = (extra: string[]) =>
      `${codex} sandbox -c 'sandbox_mode="workspace-write"' ${extra.map((a) => `'${a}'`).join(' ')} -- sh -c 'echo nested > nested.txt && ! touch ${main}/escaped'`;
    const env = { HOME: home, CODEX_HOME: join(lane.path, '.codex-home') };
    const bare = await runConfined(lane.path, `mkdir -p .codex-home && ${sandbox([])}`, env);
    expect(bare.status).not.toBe(0);
    expect(bare.out).toContain("Can't mkdir /tmp/.git");
    const told = await runConfined(lane.path, sandbox(PRESETS.codex.confinedArgs.bwrap), env);
    expect(told.status, told.out).toBe(0);
    expect(readFileSync(join(lane.path, 'nested.txt'), 'utf8')).toBe('nested\n');
    expect(existsSync(join(main, 'escaped'))).toBe(false);
  }, 180_000);
});
