import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import type { Brief } from '../../src/shared/briefs';
import type { Claim, Dispatch, Packet } from '../../src/shared/dispatch';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { orchestratorToken } from '../fixtures/seed-brief';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';
import { runGroveWith, type CliRun } from '../fixtures/grove-cli';
import { letAgentsWrite } from '../fixtures/agent-writable';

/**
 * `grove dispatch`, `grove dispatches`, `grove dispatch cancel` and `grove brief packet` as an
 * operator types them: the built CLI against a real host, a real git repository named flower
 * (its briefs' project), and real agent processes (the brief-worker fake agent, started by
 * the host as a `custom` preset). Each test makes its own briefs, so they share one host.
 */
const WORKER = join(repoRoot, 'test', 'fixtures', 'agents', 'brief-worker.mjs');

let host: HostProcess;
let main: string;
let repoId: string;
let out: string;

type Run = CliRun;

const grove = (args: string[], o: { env?: Record<string, string>; stdin?: string; home?: string } = {}): Promise<Run> => runGroveWith(host, args, o);

/** The one JSON document a `--json` run printed (JSON.parse throws on anything more). */
const doc = <T = Record<string, unknown>>(r: Run): T => JSON.parse(r.stdout) as T;

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await api(host, method, params);
  if (!r.body.ok) throw new Error(`${method}: ${JSON.stringify(r.body.error)}`);
  return r.body.result as T;
}
const newBrief = async (title: string): Promise<Brief> => (await call<{ brief: Brief }>('briefs.create', { title, projects: ['flower'], spec: `Do ${title}.` })).brief;
const dispatchesOf = async (ref: string) => call<{ dispatches: Dispatch[]; claims: Claim[] }>('dispatch.list', { ref });
const agents = async () => (await call<{ agents: AgentInfo[] }>('agents.list', {})).agents;

/** `grove dispatch` with the fake agent as a custom program: what follows `--` is its program and arguments. */
const workerArgs = (steps: string[] = []) => ['--preset', 'custom', '--', process.execPath, WORKER, '--out', out, ...(steps.length ? ['--steps', steps.join(',')] : [])];

beforeAll(async () => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  out = makeTempDir('grove-cli-dispatch-');
  await letAgentsWrite(main, out);
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  repoId = await addTrustedRepo(host, main);
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('grove dispatch', () => {
  it('dispatches to a new ephemeral lane, says the agent runs there, and prints the packet between rules; grove dispatches shows it and its claim', async () => {
    const b = await newBrief('Livewire dispatch() fatal');
    const lane = `brief-${b.number}-livewire-dispatch-fatal`;
    const r = await grove(['dispatch', `#${b.number}`, ...workerArgs(['recall-http'])]);
    expect(r.code, r.stderr).toBe(0);
    const [first, blank, head, ...rest] = r.stdout.trimEnd().split('\n');
    const running = (await dispatchesOf(`#${b.number}`)).dispatches[0]!;
    expect(running.state).toBe('running');
    expect(first).toBe(`#${b.number} dispatched to a new ephemeral lane ${lane} (custom, worker): running as ${running.agentName}.`);
    expect(blank).toBe('');
    expect(head).toMatch(new RegExp(`^── the packet for #${b.number} \\(give it to any agent by hand; grove brief packet ${b.number} prints it alone\\) ─+$`));
    expect(rest.at(-1)).toMatch(/^─+$/);
    const packet = rest.slice(0, -1).join('\n');
    // The packet as the host gives it, naming the lane now that it exists (its path too).
    expect(packet).toBe((await call<Packet>('briefs.packet', { ref: `#${b.number}` })).text);
    expect(packet).toContain(`You are asked to work on brief #${b.number}: Livewire dispatch() fatal`);
    const made = (await call<{ lanes: { id: string; name: string; path: string }[] }>('lanes.list', { repoId })).lanes.find((l) => l.id === running.laneId)!;
    expect(packet).toContain(`Work only in the lane ${lane} (${made.path})`);

    // The worker's first recall claims the brief.
    await until('the claim', async () => (await dispatchesOf(`#${b.number}`)).claims.length === 1);
    const listed = await grove(['dispatches']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {2}BRIEF +STATE +LANE +AGENT +PRESET\/ROLE +PHASE +WAVE +AGE +ID$/);
    const row = lines.find((l) => l.startsWith(`  #${b.number} `))!;
    expect(row).toMatch(new RegExp(`^ {2}#${b.number} Livewire dispatch\\(\\) fatal +running +${lane} +${running.agentName} +custom/worker +build +1 +just now +${running.id}$`));
    expect(lines.slice(lines.indexOf('Claims:'))).toContain(`  #${b.number} claimed by ${running.agentName} just now`);
  });

  it('--json prints one document with the dispatch and its packet; --role and --design-first reach the agent', async () => {
    const b = await newBrief('Plan the garden');
    const r = await grove(['dispatch', String(b.number), '--role', 'orchestrator', '--design-first', '--json', ...workerArgs()]);
    expect(r.code, r.stderr).toBe(0);
    const d = doc<{ ok: boolean; dispatch: Dispatch; packet: Packet }>(r);
    expect(d.ok).toBe(true);
    expect(d.dispatch).toMatchObject({ briefNumber: b.number, state: 'running', role: 'orchestrator', phase: 'design', designFirst: true, preset: 'custom', command: process.execPath });
    expect(d.dispatch.args).toEqual([WORKER, '--out', out]);
    expect(d.packet).toMatchObject({ briefId: b.id, number: b.number });
    expect(d.packet.text).toContain('This is a design pass');
    const agent = (await agents()).find((a) => a.id === d.dispatch.agentId)!;
    expect(agent).toMatchObject({ role: 'orchestrator', dispatchId: d.dispatch.id });
    // Recorded as from the CLI, by the operator.
    const trace = (await call<{ trace: { kind: string; channel: string; actor: { name: string } }[] }>('briefs.get', { ref: b.id, limit: 50 })).trace;
    expect(trace.find((e) => e.kind === 'dispatch_requested')).toMatchObject({ channel: 'cli', actor: { name: 'operator:mike' } });
  });

  it('dispatches to a standing lane with --lane', async () => {
    await call('lanes.create', { repoId, name: 'flower-standing' });
    const b = await newBrief('Petal colours');
    const r = await grove(['dispatch', `#${b.number}`, '--lane', 'flower-standing', ...workerArgs()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^#${b.number} dispatched to the lane flower-standing \\(custom, worker\\): running as \\S+\\.$`));
    const d = (await dispatchesOf(`#${b.number}`)).dispatches[0]!;
    expect(d.targetLaneId).not.toBeNull();
    expect(d.laneName).toBe('flower-standing');
  });

  it('refuses a wrong command line before asking the host, naming what is wrong (exit 2)', async () => {
    const both = await grove(['dispatch', '12', '--lane', 'flower-standing', '--ephemeral']);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
    expect(both.stderr).toContain('--lane flower-standing and --ephemeral are exclusive');
    expect(both.stderr).toContain('Usage: grove dispatch REF [--lane L | --ephemeral]');

    const asJson = await grove(['dispatch', '12', '--lane', 'x', '--ephemeral', '--json']);
    expect(asJson.code).toBe(2);
    expect(doc(asJson)).toEqual({ ok: false, error: { code: 'usage', message: '--lane x and --ephemeral are exclusive: a standing lane, or a new ephemeral lane (the default).' } });

    const cases: [string[], string][] = [
      [['dispatch'], 'REF (the brief: #N, N or its id) is missing.'],
      [['dispatch', '12', '--preset', 'gpt'], '--preset takes claude, codex, shell, custom, not "gpt".'],
      [['dispatch', '12', '--role', 'boss'], '--role takes worker or orchestrator, not "boss".'],
      [['dispatch', '12', '--preset', 'custom'], '--preset custom needs its program: --command PROG, or -- PROG ARGS.'],
      [['dispatch', '12', '--wat'], 'Unknown option --wat.'],
      [['dispatch', 'cancel'], "ID (the dispatch's id, as grove dispatches shows it) is missing."],
      [['dispatches', '--state', 'x'], 'Unknown option --state.'],
      [['agent', 'start', '--lane', main, '--preset', 'shell', '--role', 'boss'], '--role takes worker or orchestrator, not "boss".'],
    ];
    const help = await grove(['help', 'dispatches']);
    expect(help).toMatchObject({ code: 0, stdout: 'Usage: grove dispatches [--brief REF] [--all]\n' });
    for (const [args, message] of cases) {
      const r = await grove(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`grove: ${message}`);
    }
  });

  it("says why the host refused: an unknown brief, a lane that does not exist", async () => {
    const unknown = await grove(['dispatch', '#9999', '--preset', 'shell']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('No brief #9999 in this store. List them with `grove brief list`.\n');
    const asJson = await grove(['dispatch', '9999', '--json']);
    expect(asJson.code).toBe(1);
    expect(doc<{ ok: boolean; error: { code: string } }>(asJson)).toMatchObject({ ok: false, error: { code: 'brief_unknown' } });

    const b = await newBrief('Nowhere to go');
    const noLane = await grove(['dispatch', `#${b.number}`, '--lane', 'nope', '--preset', 'shell']);
    expect(noLane.code).toBe(1);
    expect(noLane.stderr).toContain("No lane nope in flower: give a standing lane's name or id (grove lane list, or the cockpit's lanes, shows them), or leave the lane out for a new ephemeral lane.");
  });

  it('an agent is refused, and told where dispatching is done', async () => {
    const b = await newBrief('Not for agents');
    const agent = await orchestratorToken(host);
    const env = { GROVE_URL: host.url, GROVE_AGENT_TOKEN: agent.token };
    const r = await grove(['dispatch', `#${b.number}`, '--preset', 'shell'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "Dispatching a brief is the operator's, and this runs inside an agent (GROVE_AGENT_TOKEN is set): the host refused the agent's token (dispatch.create). Run it from your own shell; an orchestrator agent dispatches with the MCP tool dispatch_brief.\n",
    );
    const list = await grove(['dispatches'], { env });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain("Listing dispatches is the operator's");
    const asJson = doc<{ ok: boolean; error: { code: string } }>(await grove(['dispatch', `#${b.number}`, '--json'], { env }));
    expect(asJson).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await dispatchesOf(`#${b.number}`)).dispatches).toEqual([]);
    // The packet is anyone's to read.
    const packet = await grove(['brief', 'packet', `#${b.number}`], { env });
    expect(packet.code, packet.stderr).toBe(0);
    expect(packet.stdout).toContain(`You are asked to work on brief #${b.number}: Not for agents`);
  });
});

describe('grove dispatch --auto, cancel, and grove dispatches --all', () => {
  it('an auto dispatch waits for the brief to be planned and can be taken back; --all and --brief list it, the open list does not', async () => {
    const b = await newBrief('Maybe later');
    const r = await grove(['dispatch', `#${b.number}`, '--auto', '--preset', 'shell']);
    expect(r.code, r.stderr).toBe(0);
    const d = (await dispatchesOf(`#${b.number}`)).dispatches[0]!;
    expect(d.state).toBe('waiting');
    expect(r.stdout.split('\n')[0]).toBe(
      `#${b.number} dispatched to a new ephemeral lane brief-${b.number}-maybe-later (shell, worker, auto): waiting for #${b.number} to be planned (it is draft); follow it with: grove dispatches --brief ${b.number}, take it back with: grove dispatch cancel ${d.id}.`,
    );

    const open = await grove(['dispatches']);
    const waitingRow = open.stdout.split('\n').findIndex((l) => l.startsWith(`  #${b.number} `));
    expect(open.stdout.split('\n')[waitingRow + 1]).toMatch(new RegExp(`^ +waiting for #${b.number} to be planned \\(it is draft\\)$`));

    // A unique start of the id is enough.
    const cancelled = await grove(['dispatch', 'cancel', d.id.slice(0, 30)]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe(`Cancelled the dispatch of #${b.number} to brief-${b.number}-maybe-later; no agent was started. The brief's trace says so.\n`);
    expect((await dispatchesOf(`#${b.number}`)).dispatches[0]!.state).toBe('cancelled');

    const openJson = doc<{ ok: boolean; dispatches: Dispatch[]; claims: Claim[] }>(await grove(['dispatches', '--json']));
    expect(openJson.ok).toBe(true);
    expect(openJson.dispatches.some((x) => x.id === d.id)).toBe(false);
    expect(openJson.dispatches.every((x) => ['waiting', 'queued', 'starting', 'running'].includes(x.state))).toBe(true);
    const all = doc<{ dispatches: Dispatch[] }>(await grove(['dispatches', '--all', '--json']));
    expect(all.dispatches.find((x) => x.id === d.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled by the operator' });
    const ofBrief = await grove(['dispatches', '--brief', `#${b.number}`]);
    expect(ofBrief.stdout).toMatch(new RegExp(`\\n {2}#${b.number} Maybe later +cancelled +brief-${b.number}-maybe-later +– +shell/worker +build +1 +just now +${d.id}\\n +cancelled by the operator\\n`));

    // Cancelling it again, or a running dispatch, is refused with the host's reason.
    const again = await grove(['dispatch', 'cancel', d.id, '--json']);
    expect(again.code).toBe(1);
    expect(doc<{ error: { code: string; message: string } }>(again).error).toMatchObject({ code: 'dispatch_not_cancellable', message: expect.stringContaining('only a waiting or queued one can be taken back') });
    const none = await grove(['dispatch', 'cancel', 'no-such-dispatch']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('No dispatch no-such-dispatch.\n');
  });
});

describe('grove dispatch when the project is full', () => {
  it('says the dispatch is queued and why, without waiting for a free place', async () => {
    const garden = makeRepo(join(realpathSync(makeTempDir()), 'garden'));
    writeFileSync(join(garden, 'grove.yaml'), 'dispatch:\n  maxAgents: 1\n');
    git(garden, 'add', 'grove.yaml');
    git(garden, 'commit', '-q', '-m', 'one at a time');
    await letAgentsWrite(garden, out);
    await addTrustedRepo(host, garden);
    const gardenBrief = async (title: string) => (await call<{ brief: Brief }>('briefs.create', { title, projects: ['garden'] })).brief;
    const first = await gardenBrief('Dig');
    expect((await grove(['dispatch', `#${first.number}`, ...workerArgs()])).code).toBe(0);
    const second = await gardenBrief('Plant');
    const started = Date.now();
    const r = await grove(['dispatch', `#${second.number}`, ...workerArgs()]);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    const d = (await dispatchesOf(`#${second.number}`)).dispatches[0]!;
    expect(r.stdout.split('\n')[0]).toBe(
      `#${second.number} dispatched to a new ephemeral lane brief-${second.number}-plant (custom, worker): queued: 1 of 1 dispatched agents of garden are at work; it starts when one ends; follow it with: grove dispatches --brief ${second.number}, take it back with: grove dispatch cancel ${d.id}.`,
    );
  });
});

describe('grove brief packet', () => {
  it('prints the packet alone (for a pipe), as the host reads it; --lane names a standing lane; --json one document', async () => {
    const b = await newBrief('Copy me');
    const r = await grove(['brief', 'packet', `#${b.number}`]);
    expect(r.code, r.stderr).toBe(0);
    const expected = await call<Packet>('briefs.packet', { ref: `#${b.number}` });
    expect(r.stdout).toBe(`${expected.text}\n`);
    expect(r.stdout).toContain(`grove brief recall #${b.number}`);

    await call('lanes.create', { repoId, name: 'flower-packet' });
    const inLane = await grove(['brief', 'packet', String(b.number), '--lane', 'flower-packet']);
    expect(inLane.code, inLane.stderr).toBe(0);
    expect(inLane.stdout).toMatch(/Work only in the lane flower-packet \(\S+flower-packet\); never in MAIN\./);

    const asJson = doc<{ ok: boolean; packet: Packet }>(await grove(['brief', 'packet', `#${b.number}`, '--json']));
    expect(asJson).toEqual({ ok: true, packet: expected });
    const unknown = await grove(['brief', 'packet', '#9999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('No brief #9999 in this store. List them with `grove brief list`.\n');
  });
});

describe('grove agent start --role', () => {
  it('starts an orchestrator agent', async () => {
    const lane = await call<{ lane: { path: string } }>('lanes.create', { repoId, name: 'flower-orchestra' });
    const r = await grove(['agent', 'start', '--lane', lane.lane.path, '--role', 'orchestrator', '--name', 'conductor', '--json', '--', process.execPath, WORKER]);
    expect(r.code, r.stderr).toBe(0);
    const started = doc<{ agent: AgentInfo }>(r).agent;
    expect(started).toMatchObject({ name: 'conductor', role: 'orchestrator' });
    expect((await agents()).find((a) => a.id === started.id)?.role).toBe('orchestrator');
  });
});
