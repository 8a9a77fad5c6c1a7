import { spawn } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import { git, makeRepo } from '../fixtures/git-repo';
import { cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { canConfine, sayConfinementSkipped } from '../fixtures/can-confine';

/**
 * How an agent runs, from the terminal: `grove agent start` says it at once, `--unconfined`
 * asks for no confinement, and `grove agent list` prints each agent's. A real host on this
 * machine (bubblewrap installed: agents are confined unless asked or unable), a real
 * repository and its lane.
 */
let host: HostProcess;

function grove(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...process.env, GROVE_HOME: host.home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A host (with `env`), a trusted repository whose grove.yaml is `recipe`, and its lane `design`; returns the lane's path. */
async function laneOnHost(opts: { env?: Record<string, string>; recipe?: string } = {}): Promise<string> {
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  if (opts.recipe) {
    writeFileSync(join(main, 'grove.yaml'), opts.recipe);
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-q', '-m', 'recipe');
  }
  host = await startHostProcess({ env: opts.env });
  expect((await grove(['repo', 'add', '--trust', main])).code).toBe(0);
  const created = await grove(['lane', 'create', 'design']);
  expect(created.code, created.stderr).toBe(0);
  return `${main}-design`;
}

/** The `agent list` line of the agent named `name`. */
async function listed(name: string): Promise<string> {
  const r = await grove(['agent', 'list']);
  expect(r.code, r.stderr).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.includes(` ${name} `));
  expect(line, r.stdout).toBeDefined();
  return line!;
}

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

sayConfinementSkipped('test/integration/cli-agent-confinement.test.ts');

describe('grove agent and confinement', () => {
  it.skipIf(!canConfine)('confines by default and says so; --unconfined runs without, and both say so in the list', async () => {
    const lane = await laneOnHost();
    const confined = await grove(['agent', 'start', '--lane', lane, '--name', 'boxed', '--', '/bin/sh', '-c', 'exec sleep 600']);
    expect(confined.code, confined.stderr).toBe(0);
    expect(confined.stdout).toMatch(/^Started boxed \(\S+\) in .*flower-design, confined \(bwrap\)\.$/m);

    const free = await grove(['agent', 'start', '--unconfined', '--lane', lane, '--name', 'free', '--', '/bin/sh', '-c', 'exec sleep 600']);
    expect(free.code, free.stderr).toBe(0);
    expect(free.stdout).toContain('unconfined: asked for at launch.');

    expect(await listed('boxed')).toMatch(/confined \(bwrap\)$/);
    expect(await listed('free')).toMatch(/unconfined: asked for at launch$/);
    const json = JSON.parse((await grove(['agent', 'list', '--json'])).stdout) as { agents: AgentInfo[] };
    const byName = Object.fromEntries(json.agents.map((a) => [a.name, a]));
    expect(byName.boxed).toMatchObject({ unconfined: false, confinement: { confined: true, mechanism: 'bwrap', network: 'open' } });
    expect(byName.free).toMatchObject({ unconfined: true, confinement: { confined: false, mechanism: null } });
  });

  it.skipIf(!canConfine)('prints network none when grove.yaml takes the network away', async () => {
    const lane = await laneOnHost({ recipe: 'lanes:\n  network: none\n' });
    const r = await grove(['agent', 'start', '--lane', lane, '--name', 'offline', '--', '/bin/sh', '-c', 'exec sleep 600']);
    expect(r.code, r.stderr).toBe(0);
    expect(await listed('offline')).toMatch(/confined \(bwrap, network none\)$/);
  });

  it('says why when the host cannot confine: bubblewrap missing', async () => {
    const lane = await laneOnHost({ env: { GROVE_BWRAP: '/no/such/bwrap' } });
    const r = await grove(['agent', 'start', '--lane', lane, '--name', 'exposed', '--', '/bin/sh', '-c', 'exec sleep 600']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('unconfined: bubblewrap (/no/such/bwrap) is not installed');
    expect(await listed('exposed')).toMatch(/unconfined: bubblewrap \(\/no\/such\/bwrap\) is not installed: install the "bubblewrap" package/);
  });

  it('takes --unconfined as a flag, not an option with a value', async () => {
    const lane = await laneOnHost();
    const r = await grove(['agent', 'start', '--lane', lane, '--preset', 'shell', '--command', '/bin/sh', '--unconfined', '--name', 'sh1']);
    expect(r.code, r.stderr).toBe(0);
    expect(await listed('sh1')).toContain('unconfined: asked for at launch');
    const help = await grove(['agent', 'start', '--help']);
    expect(help.stdout + help.stderr).toContain('--unconfined');
  });
});
