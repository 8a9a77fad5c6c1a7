import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import type { Lane } from '../../src/shared/lanes';
import { canConfine, sayConfinementSkipped } from '../fixtures/can-confine';
import { git, makeRepo } from '../fixtures/git-repo';
import { runGrove } from '../fixtures/grove-cli';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, trustRepo, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';

/**
 * A lane's own network, for real: a host on this machine with bubblewrap, a real repository
 * with two lanes, and agents that are shell scripts trying to reach Grove's host and another
 * server on this machine's loopback. Each script writes what it reached into its lane's
 * report file.
 */
sayConfinementSkipped('test/integration/lane-network.test.ts');

let host: HostProcess;
let main: string;
let repoId: string;
let other: Server;
let otherPort: number;

beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  repoId = await addTrustedRepo(host, main);
  other = createServer((s) => s.end('hello\n'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherPort = (other.address() as AddressInfo).port;
});
afterEach(async () => {
  other.close();
  await stopAllHosts();
  removeTempDirs();
});

async function call<T>(method: string, params: Record<string, unknown>): Promise<T> {
  const r = await api(host, method, params);
  expect(r.body.ok, `${method}: ${JSON.stringify(r.body)}`).toBe(true);
  return r.body.result as T;
}

const createLane = async (name: string, extra: Record<string, unknown> = {}): Promise<Lane> => (await call<{ lane: Lane }>('lanes.create', { repoId, name, ...extra })).lane;
const infoOf = async (id: string): Promise<AgentInfo> => (await call<{ agents: AgentInfo[] }>('agents.list', {})).agents.find((a) => a.id === id)!;

/**
 * Starts an agent in the lane that reports, on each run, what it reached (Grove's host, the
 * other loopback server) as a numbered block in report.txt, then waits; returns it once the
 * `run`-th block is written.
 */
async function reachingAgent(lane: Lane): Promise<AgentInfo> {
  const out = join(lane.path, 'report.txt');
  const probe = (name: string, url: string): string =>
    `${process.execPath} -e 'fetch(process.argv[1]).then((r) => console.log("${name}=http" + r.status), (e) => console.log("${name}=fail:" + (e.cause?.code ?? e.message)))' "${url}" >&3`;
  const script = `exec 3>>${out}; ${probe('grove', '$GROVE_URL/')}; ${probe('other', `http://127.0.0.1:${otherPort}/`)}; echo end >&3; exec sleep 600`;
  return (await call<{ agent: AgentInfo }>('agents.start', { lanePath: lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', script], restart: 'never' })).agent;
}

/** The `run`-th report (1-based) the lane's agent wrote: `{ grove, other }`. */
async function report(lane: Lane, run: number): Promise<Record<string, string>> {
  const out = join(lane.path, 'report.txt');
  const text = await until(`report ${run} of ${lane.name}`, async () => {
    const t = existsSync(out) ? readFileSync(out, 'utf8') : '';
    return t.split('end\n').length > run ? t : null;
  });
  const block = text.split('end\n')[run - 1]!;
  return Object.fromEntries(block.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const REACHES_ONLY_GROVE = { grove: expect.stringMatching(/^http\d+$/), other: 'fail:ECONNREFUSED' };
// The other server is no HTTP server: fetch fails on its reply, not on reaching it.
const REACHES_BOTH = { grove: expect.stringMatching(/^http\d+$/), other: expect.not.stringMatching(/ECONNREFUSED/) };

describe.skipIf(!canConfine)("a lane's own network", () => {
  it('a lane created with network none runs its agents without the network, beside an open lane of the same repository', async () => {
    const offline = await createLane('offline', { network: 'none' });
    const online = await createLane('online');
    expect(offline.network).toBe('none');
    expect(online.network).toBeNull();
    const listed = (await call<{ lanes: Lane[] }>('lanes.list', { repoId })).lanes;
    expect(Object.fromEntries(listed.map((l) => [l.name, l.network]))).toEqual({ offline: 'none', online: null });

    const boxed = await reachingAgent(offline);
    const free = await reachingAgent(online);
    expect(boxed.confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'none' });
    expect(free.confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'open' });
    expect(await report(offline, 1)).toEqual(REACHES_ONLY_GROVE);
    expect(await report(online, 1)).toEqual(REACHES_BOTH);
    // The launch dialog's preview says the same before a launch.
    const preview = await call<{ confinement: AgentInfo['confinement'] }>('agents.preview', { lanePath: offline.path, preset: 'shell', command: '/bin/sh' });
    expect(preview.confinement).toMatchObject({ confined: true, network: 'none' });
  });

  it('lanes.setNetwork changes the next start, not the agent running now; default gives the repository\'s back', async () => {
    const lane = await createLane('design');
    const agent = await reachingAgent(lane);
    expect(await report(lane, 1)).toEqual(REACHES_BOTH);

    const set = await call<{ lane: Lane }>('lanes.setNetwork', { id: lane.id, network: 'none' });
    expect(set.lane.network).toBe('none');
    // Running: it keeps what it started with.
    expect((await infoOf(agent.id)).confinement?.network).toBe('open');
    const restarted = (await call<{ agent: AgentInfo }>('agents.restart', { id: agent.id })).agent;
    expect(restarted.confinement?.network).toBe('none');
    expect(await report(lane, 2)).toEqual(REACHES_ONLY_GROVE);

    // Back to the repository's: open, as grove.yaml says nothing.
    expect((await call<{ lane: Lane }>('lanes.setNetwork', { id: lane.id, network: null })).lane.network).toBeNull();
    expect((await call<{ agent: AgentInfo }>('agents.restart', { id: agent.id })).agent.confinement?.network).toBe('open');
    expect(await report(lane, 3)).toEqual(REACHES_BOTH);
  });

  it("a lane's open loosens the repository's none", async () => {
    writeFileSync(join(main, 'grove.yaml'), 'lanes:\n  network: none\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-qm', 'no network for lanes');
    await trustRepo(host, repoId);
    const open = await createLane('open', { network: 'open' });
    const strict = await createLane('strict');
    expect((await reachingAgent(strict)).confinement?.network).toBe('none');
    expect((await reachingAgent(open)).confinement?.network).toBe('open');
    expect(await report(open, 1)).toEqual(REACHES_BOTH);
    expect(await report(strict, 1)).toEqual(REACHES_ONLY_GROVE);
  });

  it('refuses what is no network, and an unknown lane', async () => {
    const lane = await createLane('design');
    const bad = await api(host, 'lanes.setNetwork', { id: lane.id, network: 'everywhere' });
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error?.code).toBe('invalid_request');
    const created = await api(host, 'lanes.create', { repoId, name: 'other', network: 'everywhere' });
    expect(created.body.error?.code).toBe('invalid_request');
    const unknown = await api(host, 'lanes.setNetwork', { id: 'no-such-lane', network: 'none' });
    expect(unknown.body.error?.code).toBe('lane_unknown');
  });

  it("an agent's own token cannot open its lane's network: that is the operator's", async () => {
    const lane = await createLane('offline', { network: 'none' });
    const out = join(lane.path, 'token.txt');
    await call('agents.start', { lanePath: lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', `echo "$GROVE_AGENT_TOKEN" > ${out}; exec sleep 600`], restart: 'never' });
    const token = await until('the agent\'s token', async () => (existsSync(out) ? readFileSync(out, 'utf8').trim() || null : null));
    const asAgent = await api({ url: host.url, token }, 'lanes.setNetwork', { id: lane.id, network: 'open' });
    expect(asAgent.body.ok).toBe(false);
    expect(asAgent.body.error?.message).toContain("An agent's token may not call lanes.setNetwork");
    expect((await call<{ lanes: Lane[] }>('lanes.list', { repoId })).lanes.find((l) => l.id === lane.id)?.network).toBe('none');
  });
});

describe.skipIf(!canConfine)('grove lane --network and grove lane network', () => {
  const grove = (...args: string[]) => runGrove(host, args);

  it('creates a lane without the network, says so in the list and at launch, and changes it back', async () => {
    const created = await grove('lane', 'create', 'offline', '--network', 'none');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("Its agents reach no network but Grove's host.");
    expect((await grove('lane', 'list')).stdout).toMatch(/^offline .* network none\s/m);
    const lanePath = `${main}-offline`;

    const started = await grove('agent', 'start', '--lane', lanePath, '--name', 'boxed', '--', '/bin/sh', '-c', 'exec sleep 600');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('network none');

    const back = await grove('lane', 'network', 'offline', 'default');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toBe("offline's network is the repository's (grove.yaml's lanes.network). Agents running in it keep theirs until they start again.\n");
    expect((await grove('lane', 'list')).stdout).not.toContain('network');
    const restarted = await grove('agent', 'restart', 'boxed');
    expect(restarted.code, restarted.stderr).toBe(0);
    const json = JSON.parse((await grove('agent', 'list', '--json')).stdout) as { agents: AgentInfo[] };
    expect(json.agents.find((a) => a.name === 'boxed')?.confinement?.network).toBe('open');

    const none = await grove('lane', 'network', 'offline', 'none', '--json');
    expect(none.code, none.stderr).toBe(0);
    expect((JSON.parse(none.stdout) as { ok: boolean; lane: Lane }).lane.network).toBe('none');
  });
});
