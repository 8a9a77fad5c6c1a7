import { copyFileSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Brief, BriefEntry } from '../../src/shared/briefs';
import type { Claim, Dispatch, Packet } from '../../src/shared/dispatch';
import type { AgentInfo } from '../../src/shared/agents';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, repoRoot, startHostProcess, stopAllHosts, trustRepo, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';
import { ARTISAN_COMMAND, mainHealth, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { letAgentsWrite } from '../fixtures/agent-writable';

/**
 * Dispatch against a real host, real git and real agent processes: a brief goes to a new
 * ephemeral lane (or a standing one), the agent starts there with the packet as its first
 * prompt and a token bound to the brief, its first recall claims the brief, its commits and
 * the gated merge are linked to the brief by Grove, and an agent that ends releases its claim.
 * Auto-dispatch waits for `planned` and the dependencies, and a project never runs more
 * dispatched agents than grove.yaml allows.
 */
const WORKER = join(repoRoot, 'test', 'fixtures', 'agents', 'brief-worker.mjs');

let host: HostProcess;
let main: string;
let repoId: string;
let out: string;

async function call<T>(method: string, params: unknown, token?: string): Promise<T> {
  const r = await api(token ? { url: host.url, token } : host, method, params);
  if (!r.body.ok) throw new Error(`${method}: ${JSON.stringify(r.body.error)}`);
  return r.body.result as T;
}
const failure = async (method: string, params: unknown): Promise<{ code: string; message: string }> => {
  const r = await api(host, method, params);
  expect(r.body.ok, `${method} should fail`).toBe(false);
  return r.body.error!;
};

async function newBrief(title: string, extra: Record<string, unknown> = {}): Promise<Brief> {
  return (await call<{ brief: Brief }>('briefs.create', { title, projects: ['flower'], spec: `Do ${title}.`, ...extra })).brief;
}
const setStatus = (ref: string, to: string) => call('briefs.append', { ref, action: { kind: 'status_change', to } });
const trace = async (ref: string): Promise<BriefEntry[]> => (await call<{ trace: BriefEntry[] }>('briefs.get', { ref, limit: 500 })).trace.slice().reverse();
const brief = async (ref: string): Promise<Brief> => (await call<{ brief: Brief }>('briefs.get', { ref, limit: 1 })).brief;
const dispatchesOf = async (ref: string): Promise<{ dispatches: Dispatch[]; claims: Claim[] }> => call('dispatch.list', { ref });
const agentsList = async (): Promise<AgentInfo[]> => (await call<{ agents: AgentInfo[] }>('agents.list', {})).agents;

function dispatchWorker(ref: string, extra: Record<string, unknown> = {}, steps: string[] = []) {
  return call<{ dispatch: Dispatch; packet: Packet }>('dispatch.create', {
    ref,
    preset: 'custom',
    command: process.execPath,
    args: [WORKER, '--out', out, ...(steps.length ? ['--steps', steps.join(',')] : [])],
    ...extra,
  });
}

/** The project runs one dispatched agent at a time (grove.yaml), and one is at work: its running dispatch. The next dispatch queues. */
async function oneAgentAtWork(): Promise<Dispatch> {
  writeFileSync(join(main, 'grove.yaml'), `lanes:\n  writable: [${JSON.stringify(out)}]\n` + 'dispatch:\n  maxAgents: 1\n');
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'one at a time');
  const busy = await newBrief('Busy');
  await dispatchWorker(`#${busy.number}`);
  return dispatchIn(`#${busy.number}`, 'running');
}

const dispatchIn = (ref: string, state: Dispatch['state']) =>
  until(`a ${state} dispatch of ${ref}`, async () => (await dispatchesOf(ref)).dispatches.find((d) => d.state === state));
const workerInfo = (agentId: string) =>
  until(`the worker ${agentId} to start`, async () => {
    const file = join(out, `${agentId}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { argv: string[]; cwd: string; hasToken: boolean; briefRef: string }) : null;
  });
const workerSteps = (agentId: string, count: number) =>
  until(`${count} steps of ${agentId}`, async () => {
    const file = join(out, `${agentId}.steps.jsonl`);
    if (!existsSync(file)) return null;
    const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    return lines.length >= count ? lines : null;
  });

beforeEach(async () => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  out = makeTempDir();
  await letAgentsWrite(main, out);
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  repoId = await addTrustedRepo(host, main);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('dispatch to an ephemeral lane', () => {
  it('makes brief-N-slug, starts the agent there with the packet and a token bound to the brief, and links the lane and the run', async () => {
    const b = await newBrief('Livewire dispatch() fatal');
    const made = await dispatchWorker(`#${b.number}`);
    expect(made.dispatch.laneName).toBe(`brief-${b.number}-livewire-dispatch-fatal`);
    expect(made.packet.text).toContain(`brief #${b.number}: Livewire dispatch() fatal`);
    expect(made.packet.text).toContain('the gate decides');

    const running = await dispatchIn(`#${b.number}`, 'running');
    const lanes = (await call<{ lanes: { id: string; name: string; kind: string; path: string }[] }>('lanes.list', { repoId })).lanes;
    const lane = lanes.find((l) => l.id === running.laneId)!;
    expect(lane).toMatchObject({ name: made.dispatch.laneName, kind: 'ephemeral' });

    const agent = (await agentsList()).find((a) => a.id === running.agentId)!;
    expect(agent).toMatchObject({ dispatchId: running.id, role: 'worker', lanePath: lane.path });
    const info = await workerInfo(agent.id);
    expect(realpathSync(info.cwd)).toBe(realpathSync(lane.path));
    expect(info.hasToken).toBe(true);
    // The packet is its first prompt, naming the lane it is in.
    expect(info.argv.at(-1)).toContain(`Work only in the lane ${lane.name}`);
    expect(info.argv.at(-1)).toContain('recall_brief with no arguments');

    const entries = await trace(`#${b.number}`);
    const requested = entries.find((e) => e.kind === 'dispatch_requested')!;
    expect(requested).toMatchObject({ actor: { kind: 'operator', name: 'operator:mike' }, channel: 'api' });
    expect(requested.payload).toMatchObject({ dispatchId: running.id, preset: 'custom', role: 'worker', phase: 'build' });
    const now = await brief(`#${b.number}`);
    expect(now.links.map((l) => [l.type, l.label])).toEqual(expect.arrayContaining([['lane', 'execution'], ['agent_run', 'execution']]));
    expect(now.links.find((l) => l.type === 'lane')!.target).toBe(lane.name);
  });

  it("puts the brief's screenshots in the lane under .grove/briefs/N, out of git, and names them in the packet", async () => {
    const b = await newBrief('Screens');
    const png = readFileSync(join(repoRoot, 'test', 'fixtures', 'images', 'screenshot.png'));
    const up = await fetch(`${host.url}/blobs?brief=${b.number}&name=before.png`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: png });
    expect(up.status).toBeLessThan(300);
    const attached = ((await up.json()) as { result: { attachment: { entryId: string } } }).result.attachment;
    await dispatchWorker(`#${b.number}`, {}, ['recall-http']);
    const running = await dispatchIn(`#${b.number}`, 'running');
    const info = await workerInfo(running.agentId!);
    const copied = join(info.cwd, '.grove', 'briefs', String(b.number), 'before.png');
    expect(readFileSync(copied).equals(png)).toBe(true);
    expect(info.argv.at(-1)).toContain(`.grove/briefs/${b.number}/before.png`);
    expect(git(info.cwd, 'status', '--porcelain')).toBe('');
    // Its recall names the file where it is (the operator's recall has no lane to name).
    const steps = await workerSteps(running.agentId!, 1);
    expect(String(steps[0]!.text)).toContain(`before.png (image/png, `);
    expect(String(steps[0]!.text)).toContain(`— file: .grove/briefs/${b.number}/before.png`);
    expect((await call<{ text: string }>('briefs.recall', { ref: `#${b.number}` })).text).not.toContain('— file:');
    // Redacted, the image leaves the lane too (a copy the agent made under another name with it).
    copyFileSync(copied, join(info.cwd, '.grove', 'briefs', String(b.number), 'mine.png'));
    await call('briefs.redact', { ref: `#${b.number}`, entryId: attached.entryId, reason: 'a customer record' });
    expect(existsSync(copied)).toBe(false);
    expect(existsSync(join(info.cwd, '.grove', 'briefs', String(b.number), 'mine.png'))).toBe(false);
  });

  it('refuses what cannot be dispatched, saying why and how to fix it', async () => {
    const orphan = await newBrief('No repo', { projects: ['elsewhere'] });
    const e1 = await failure('dispatch.create', { ref: `#${orphan.number}`, preset: 'shell' });
    expect(e1.code).toBe('dispatch_not_possible');
    expect(e1.message).toContain('"elsewhere" is not a repository this host knows');
    expect(e1.message).toContain('grove repo add');

    const b = await newBrief('Twice');
    await dispatchWorker(`#${b.number}`);
    const e2 = await failure('dispatch.create', { ref: `#${b.number}`, preset: 'shell' });
    expect(e2.code).toBe('dispatch_not_possible');
    expect(e2.message).toContain('already has an open dispatch');

    const e3 = await failure('dispatch.create', { ref: `#${b.number}`, preset: 'shell', lane: 'nope' });
    expect(e3.code).toBe('lane_unknown');

    // Another dispatch's lane: removed with its merge, and every agent in it with it.
    const other = await newBrief('Elsewhere');
    await call('lanes.create', { repoId, name: 'their-lane', ephemeral: true });
    const e4 = await failure('dispatch.create', { ref: `#${other.number}`, preset: 'shell', lane: 'their-lane' });
    expect(e4.code).toBe('dispatch_not_possible');
    expect(e4.message).toBe('The lane their-lane is ephemeral, made for other work and removed with its merge (its agents with it): dispatch to a standing lane, or leave the lane out for a new one.');
  });

  it('refuses a program that is not installed before making a lane for it, and a closed brief', async () => {
    const b = await newBrief('Nobody to run it');
    const missing = await failure('dispatch.create', { ref: `#${b.number}`, preset: 'custom', command: 'grove-no-such-agent-cli' });
    expect(missing.code).toBe('agent_command_not_found');
    expect(missing.message).toContain('"grove-no-such-agent-cli" was not found on PATH');
    expect((await call<{ lanes: { name: string }[] }>('lanes.list', { repoId })).lanes.map((l) => l.name)).toEqual([]);
    expect((await dispatchesOf(`#${b.number}`)).dispatches).toEqual([]);

    for (const status of ['cancelled', 'done']) {
      const closed = await newBrief(`Closed, ${status}`);
      await setStatus(`#${closed.number}`, status);
      const e = await failure('dispatch.create', { ref: `#${closed.number}`, preset: 'shell' });
      expect(e.code).toBe('dispatch_not_possible');
      expect(e.message).toBe(`#${closed.number} is ${status}: its agent could not claim it. Reopen it (set its status back) to dispatch it.`);
    }
  });

  it("takes a branch an earlier lane of the brief left as taken: the new lane starts from MAIN on a branch of its own", async () => {
    const b = await newBrief('Again');
    const base = `brief-${b.number}-again`;
    // An earlier attempt's lane, removed with its branch kept (archived), its commit still on it.
    git(main, 'branch', base);
    git(main, 'checkout', '-q', base);
    writeFileSync(join(main, 'rejected.txt'), 'a rejected attempt\n');
    git(main, 'add', 'rejected.txt');
    git(main, 'commit', '-q', '-m', 'rejected attempt');
    git(main, 'checkout', '-q', 'main');
    await dispatchWorker(`#${b.number}`);
    const running = await dispatchIn(`#${b.number}`, 'running');
    expect(running.laneName).toBe(`${base}-2`);
    const lane = (await call<{ lanes: { name: string; path: string; branch: string }[] }>('lanes.list', { repoId })).lanes.find((l) => l.name === `${base}-2`)!;
    expect(lane.branch).toBe(`${base}-2`);
    expect(existsSync(join(lane.path, 'rejected.txt'))).toBe(false);
  });
});

describe('a redacted title', () => {
  it("leaves the dispatch requests and records that copied it; a lane already made keeps its name", async () => {
    const secret = /akiaq7secret/i;
    // Waiting (auto-dispatch of a draft): its lane, named from the title, is not made yet.
    const waiting = await newBrief('Rotate key AKIAQ7SECRET now');
    const asked = await dispatchWorker(`#${waiting.number}`, { auto: true });
    expect(asked.dispatch.laneName).toBe(`brief-${waiting.number}-rotate-key-akiaq7secret-now`);
    // Running: its lane was made and named from the title.
    const started = await newBrief('Move AKIAQ7SECRET to the vault');
    await dispatchWorker(`#${started.number}`);
    const running = await dispatchIn(`#${started.number}`, 'running');

    for (const b of [waiting, started]) {
      const created = (await trace(`#${b.number}`)).find((e) => e.kind === 'created')!;
      await call('briefs.redact', { ref: `#${b.number}`, entryId: created.id, reason: 'a key in the title' });
      const request = (await trace(`#${b.number}`)).find((e) => e.kind === 'dispatch_requested')!;
      expect(request.redacted).toMatchObject({ reason: 'a key in the title' });
      expect(request.payload).toMatchObject({ target: 'new ephemeral lane' });
      expect(JSON.stringify(await trace(`#${b.number}`))).not.toMatch(/new ephemeral lane brief/);
    }
    const [masked] = (await dispatchesOf(`#${waiting.number}`)).dispatches;
    expect(masked).toMatchObject({ briefTitle: '[redacted]', laneName: `brief-${waiting.number}-redacted`, state: 'waiting' });
    const [made] = (await dispatchesOf(`#${started.number}`)).dispatches;
    expect(made).toMatchObject({ briefTitle: '[redacted]', laneName: running.laneName, laneId: running.laneId });
    // What a reconnecting client replays reads so too, but for the lane that exists.
    const events = (await call<{ events: unknown[] }>('events.since', { since: 0, limit: 1000 })).events;
    const leaks = JSON.stringify(events).replaceAll(running.laneName!, '');
    expect(leaks).not.toMatch(secret);
    expect(JSON.stringify((await dispatchesOf(`#${waiting.number}`)).dispatches)).not.toMatch(secret);
    expect((await call<{ text: string }>('briefs.recall', { ref: `#${waiting.number}` })).text).not.toMatch(secret);
  });

  it('of a dispatch whose lane the recipe refused: its note never named the lane, and the redaction reaches the reason and the job that tried', async () => {
    const secret = /akiaq7secret/i;
    writeFileSync(join(main, 'grove.yaml'), `lanes:\n  writable: [${JSON.stringify(out)}]\n` + 'setup:\n  preCreate:\n    - echo "the database is down" >&2; exit 3\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-q', '-m', 'a hook that refuses');
    await trustRepo(host, repoId);
    const b = await newBrief('Rotate key AKIAQ7SECRET now');
    await dispatchWorker(`#${b.number}`);
    const failed = await dispatchIn(`#${b.number}`, 'failed');
    // The operator reads which lane could not be made, and why.
    expect(failed.reason).toContain(`so lane brief-${b.number}-rotate-key-akiaq7secret-now was not created`);
    expect(failed.reason).toContain('the database is down');
    // The note is an entry (shared, kept): it says so without the title's words.
    const note = (await trace(`#${b.number}`)).find((e) => e.kind === 'note')!;
    expect(note).toMatchObject({ actor: { kind: 'system', name: 'dispatch' } });
    expect(String(note.payload!.text)).toMatch(new RegExp(`^Dispatch failed: the brief's lane could not be made: .* so lane brief-${b.number}-… was not created:\\nthe database is down\\n`));

    const created = (await trace(`#${b.number}`)).find((e) => e.kind === 'created')!;
    await call('briefs.redact', { ref: `#${b.number}`, entryId: created.id, reason: 'a key in the title' });
    const [masked] = (await dispatchesOf(`#${b.number}`)).dispatches;
    expect(masked).toMatchObject({ state: 'failed', laneName: `brief-${b.number}-redacted` });
    expect(masked!.reason).toContain(`so lane brief-${b.number}-redacted was not created`);
    expect(JSON.stringify(await trace(`#${b.number}`))).not.toMatch(secret);
    // What a reconnecting client replays: the dispatch's updates, and the lane job's title, steps, output and outcome.
    const events = (await call<{ events: unknown[] }>('events.since', { since: 0, limit: 1000 })).events;
    expect(JSON.stringify(events)).toContain(`"title":"Create lane brief-${b.number}-redacted"`);
    expect(JSON.stringify(events)).not.toMatch(secret);
  });
});

describe('claims', () => {
  it("the dispatched agent's first recall claims the brief: it joins with its wave, the brief goes in_progress; exiting releases it", async () => {
    const b = await newBrief('Claim me');
    await setStatus(`#${b.number}`, 'planned');
    await dispatchWorker(`#${b.number}`, {}, ['recall-http', 'exit:0']);
    const running = await dispatchIn(`#${b.number}`, 'running');
    const steps = await workerSteps(running.agentId!, 2);
    expect(steps[0]).toMatchObject({ step: 'recall-http', ok: true });
    // The recall it read already shows its claim.
    expect(String(steps[0]!.text)).toContain('claimed');

    const finished = await dispatchIn(`#${b.number}`, 'finished');
    expect(finished.reason).toContain('exited (code 0)');
    const entries = await trace(`#${b.number}`);
    const kinds = entries.map((e) => e.kind);
    const name = running.agentName!;
    expect(entries.find((e) => e.kind === 'participant_joined' && e.payload?.name === name)?.payload).toMatchObject({ kind: 'agent', role: 'worker', wave: 1 });
    expect(entries.find((e) => e.kind === 'claimed')).toMatchObject({ actor: { kind: 'agent', name }, channel: 'api', payload: { dispatchId: running.id, agent: name } });
    expect(entries.find((e) => e.kind === 'status_change' && e.payload?.to === 'in_progress')).toMatchObject({ actor: { kind: 'agent', name } });
    await until('the claim released', async () => (await trace(`#${b.number}`)).some((e) => e.kind === 'claim_released'));
    expect(kinds.indexOf('claimed')).toBeGreaterThan(kinds.indexOf('dispatch_requested'));
    const after = await dispatchesOf(`#${b.number}`);
    expect(after.claims).toEqual([]);
    const released = (await trace(`#${b.number}`)).find((e) => e.kind === 'claim_released')!;
    expect(released.payload).toMatchObject({ agent: name, reason: `${name} exited (code 0)` });
  });

  it('an agent that is not the dispatched one reading the brief does not claim it', async () => {
    const b = await newBrief('Look only');
    const started = await call<{ agent: AgentInfo }>('agents.start', { lanePath: main, preset: 'custom', command: process.execPath, args: [WORKER, '--out', out, '--steps', 'recall-http', `brief #${b.number}`], isOpsLoop: true });
    await workerSteps(started.agent.id, 1);
    expect((await trace(`#${b.number}`)).some((e) => e.kind === 'claimed')).toBe(false);
    expect((await dispatchesOf(`#${b.number}`)).claims).toEqual([]);
  });
});

describe('auto-link', () => {
  it("links each commit of the lane, then the merge; a good merge moves the brief to in_review, ends the claim and removes the lane", async () => {
    const b = await newBrief('Link my work');
    await dispatchWorker(`#${b.number}`, {}, ['recall-http', 'commit:feature.txt']);
    const running = await dispatchIn(`#${b.number}`, 'running');
    const steps = await workerSteps(running.agentId!, 2);
    const sha = String(steps[1]!.sha);
    await until('the commit linked', async () => (await brief(`#${b.number}`)).links.find((l) => l.type === 'commit' && l.target === sha));

    const merged = await call<{ merge: { id: string; state: string } | null; laneRemoved: boolean }>('lanes.merge', { id: running.laneId });
    expect(merged.merge?.state).toBe('merged');
    expect(merged.laneRemoved).toBe(true);
    const linked = await until('the merge linked', async () => {
      const now = await brief(`#${b.number}`);
      return now.links.some((l) => l.type === 'merge') && now.status === 'in_review' ? now : null;
    });
    expect(linked.links.find((l) => l.type === 'merge')).toMatchObject({ target: merged.merge!.id, addedBy: { kind: 'system', name: 'auto-link' } });
    expect(linked.links.find((l) => l.type === 'commit')!.label).toBe('add feature.txt');
    const entries = await trace(`#${b.number}`);
    expect(entries.find((e) => e.kind === 'status_change' && e.payload?.to === 'in_review')).toMatchObject({ actor: { kind: 'system' }, channel: 'automatic' });
    await until('the claim released', async () => (await dispatchesOf(`#${b.number}`)).claims.length === 0);
    // Said without the lane's name (the title's words), which an entry that cannot be redacted would keep.
    const released = (await trace(`#${b.number}`)).find((e) => e.kind === 'claim_released')!;
    expect(released.payload).toMatchObject({ reason: `its lane was ${linked.links.find((l) => l.type === 'merge')!.label}` });
    expect(JSON.stringify(released.payload)).not.toContain('link-my-work');
    expect(existsSync(join(main, 'feature.txt'))).toBe(true);
  });

  it('a merge the gate rolls back shows on the brief with the gate output', async () => {
    writeFileSync(join(main, 'grove.yaml'), `lanes:\n  writable: [${JSON.stringify(out)}]\n` + 'merge:\n  gate: \'if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi\'\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-q', '-m', 'gate');
    await trustRepo(host, repoId);
    // Committed in MAIN by hand: accepted, as the operator would before a merge.
    await api(host, 'repos.acceptMain', { repoId });
    const b = await newBrief('Break MAIN');
    await dispatchWorker(`#${b.number}`, {}, ['commit:BROKEN']);
    const running = await dispatchIn(`#${b.number}`, 'running');
    await workerSteps(running.agentId!, 1);
    const r = await api(host, 'lanes.merge', { id: running.laneId });
    expect(r.body.ok).toBe(false);
    const now = await until('the rollback linked', async () => {
      const x = await brief(`#${b.number}`);
      return x.links.some((l) => l.type === 'merge' && l.label === 'merge rolled back by the gate') ? x : null;
    });
    expect(now.status).not.toBe('in_review');
    const note = (await trace(`#${b.number}`)).find((e) => e.kind === 'note' && e.actor.name === 'auto-link');
    expect(note?.payload && 'text' in note.payload ? note.payload.text : '').toContain('Cannot redeclare dispatch()');
  });
});

describe('auto-dispatch', () => {
  it('waits for planned and every dependency done; a dependency becoming done re-checks its dependants', async () => {
    const dep = await newBrief('Schema first');
    const b = await newBrief('Then the feature');
    await call('briefs.append', { ref: `#${b.number}`, action: { kind: 'dependency_added', on: `#${dep.number}` } });
    const made = await dispatchWorker(`#${b.number}`, { auto: true });
    expect(made.dispatch).toMatchObject({ state: 'waiting', reason: `waiting for #${b.number} to be planned (it is draft)` });

    await setStatus(`#${b.number}`, 'planned');
    await until('the reason to name the dependency', async () =>
      (await dispatchesOf(`#${b.number}`)).dispatches[0]!.reason === `waiting for #${dep.number} (draft) to be done`,
    );
    await setStatus(`#${dep.number}`, 'done');
    const running = await dispatchIn(`#${b.number}`, 'running');
    expect(running.auto).toBe(true);
  });

  it('runs at most dispatch.maxAgents per project; the rest queue and start as agents end', async () => {
    const a = await oneAgentAtWork();
    const second = await newBrief('Second');
    await dispatchWorker(`#${second.number}`);
    const queued = await dispatchIn(`#${second.number}`, 'queued');
    expect(queued.reason).toBe('queued: 1 of 1 dispatched agents of flower are at work; it starts when one ends');

    await call('agents.stop', { id: a.agentId });
    const b = await dispatchIn(`#${second.number}`, 'running');
    expect(b.agentId).not.toBe(a.agentId);
  });

  it('a queued dispatch whose brief is cancelled meanwhile is cancelled too: no lane, no agent', async () => {
    const a = await oneAgentAtWork();
    const second = await newBrief('Dropped');
    await dispatchWorker(`#${second.number}`);
    await dispatchIn(`#${second.number}`, 'queued');
    await setStatus(`#${second.number}`, 'cancelled');
    const taken = await dispatchIn(`#${second.number}`, 'cancelled');
    expect(taken.reason).toBe(`#${second.number} is cancelled`);
    expect((await trace(`#${second.number}`)).flatMap((e) => (e.kind === 'note' && e.payload ? [e.payload.text] : []))).toContain(`Dispatch to a new ephemeral lane cancelled before it started: #${second.number} is cancelled.`);
    // The room frees: nothing starts for the cancelled brief.
    await call('agents.stop', { id: a.agentId });
    await until('the first agent stopped', async () => !(await agentsList()).find((x) => x.id === a.agentId && x.supervision.kind === 'running'));
    const lanes = (await call<{ lanes: { name: string }[] }>('lanes.list', { repoId })).lanes.map((l) => l.name);
    expect(lanes.filter((n) => n.startsWith(`brief-${second.number}-`))).toEqual([]);
    expect((await dispatchesOf(`#${second.number}`)).dispatches.map((d) => d.state)).toEqual(['cancelled']);
  });

  it('a waiting dispatch can be cancelled; a running one cannot', async () => {
    const b = await newBrief('Maybe later');
    const made = await dispatchWorker(`#${b.number}`, { auto: true });
    const cancelled = await call<{ dispatch: Dispatch }>('dispatch.cancel', { id: made.dispatch.id });
    expect(cancelled.dispatch.state).toBe('cancelled');
    await dispatchWorker(`#${b.number}`);
    const running = await dispatchIn(`#${b.number}`, 'running');
    const e = await failure('dispatch.cancel', { id: running.id });
    expect(e.code).toBe('dispatch_not_cancellable');
  });
});

describe('design pass', () => {
  it('asks for a plan first; accepting it ends the design pass and, with auto-dispatch, starts the build in the same lane', async () => {
    const b = await newBrief('Design it');
    const made = await dispatchWorker(`#${b.number}`, { designFirst: true, auto: true }, ['mcp-recall', 'mcp-plan:one step']);
    expect(made.dispatch.phase).toBe('design');
    const design = await dispatchIn(`#${b.number}`, 'running');
    const info = await workerInfo(design.agentId!);
    expect(info.argv.at(-1)).toContain('This is a design pass');
    // The agent claimed the brief (in progress) and proposed its plan over MCP, and waits at its prompt.
    const steps = await workerSteps(design.agentId!, 2);
    for (const s of steps) expect(s.isError, JSON.stringify(s)).toBe(false);
    expect((await brief(`#${b.number}`)).status).toBe('in_progress');
    const plan = (await trace(`#${b.number}`)).find((e) => e.kind === 'plan_proposed')!;
    expect(plan.actor).toEqual({ kind: 'agent', name: design.agentName });

    await call('briefs.append', { ref: `#${b.number}`, action: { kind: 'plan_accepted', planEntryId: plan.id } });
    const build = await until('the build dispatch running', async () => (await dispatchesOf(`#${b.number}`)).dispatches.find((d) => d.phase === 'build' && d.state === 'running'));
    expect(build).toMatchObject({ wave: 2, laneId: design.laneId, auto: true });
    const buildInfo = await workerInfo(build.agentId!);
    expect(buildInfo.argv.at(-1)).toContain('The rules:');
    // The design pass is over: finished, its agent stopped, its claim released; the brief was planned before the build took it.
    const all = (await dispatchesOf(`#${b.number}`)).dispatches;
    expect(all.find((d) => d.id === design.id)).toMatchObject({ state: 'finished', reason: 'its plan was accepted' });
    await until('the design agent stopped', async () => !(await agentsList()).find((a) => a.id === design.agentId && a.supervision.kind === 'running'));
    const entries = await trace(`#${b.number}`);
    expect(entries.find((e) => e.kind === 'claim_released' && e.payload?.agent === design.agentName)?.payload).toMatchObject({ reason: "the design pass's plan was accepted" });
    expect(entries.find((e) => e.kind === 'status_change' && e.payload?.to === 'planned')).toMatchObject({ actor: { kind: 'system', name: 'dispatch' } });
  });

  it('a design pass asked for after a build: accepting its plan ends it, plans the brief and starts the next build', async () => {
    const b = await newBrief('Design it again');
    await dispatchWorker(`#${b.number}`, {}, ['mcp-recall', 'exit:0']);
    await dispatchIn(`#${b.number}`, 'finished');
    await dispatchWorker(`#${b.number}`, { designFirst: true, auto: true }, ['mcp-recall', 'mcp-plan:second take']);
    const design = await dispatchIn(`#${b.number}`, 'running');
    expect(design).toMatchObject({ wave: 2, phase: 'design' });
    for (const s of await workerSteps(design.agentId!, 2)) expect(s.isError, JSON.stringify(s)).toBe(false);
    const plan = (await trace(`#${b.number}`)).find((e) => e.kind === 'plan_proposed')!;

    await call('briefs.append', { ref: `#${b.number}`, action: { kind: 'plan_accepted', planEntryId: plan.id } });
    const build = await until('the next build running', async () => (await dispatchesOf(`#${b.number}`)).dispatches.find((d) => d.wave === 3 && d.state === 'running'));
    expect(build).toMatchObject({ phase: 'build', auto: true, laneId: design.laneId });
    const all = (await dispatchesOf(`#${b.number}`)).dispatches;
    expect(all.find((d) => d.id === design.id)).toMatchObject({ state: 'finished', reason: 'its plan was accepted' });
    await until('the design agent stopped', async () => !(await agentsList()).find((a) => a.id === design.agentId && a.supervision.kind === 'running'));
    const entries = await trace(`#${b.number}`);
    expect(entries.find((e) => e.kind === 'claim_released' && e.payload?.agent === design.agentName)?.payload).toMatchObject({ reason: "the design pass's plan was accepted" });
    expect(entries.find((e) => e.kind === 'status_change' && e.payload?.to === 'planned')).toMatchObject({ actor: { kind: 'system', name: 'dispatch' }, payload: { from: 'in_progress' } });
  });

  it('a design pass cancelled before it started takes its auto build with it: a plan accepted later starts nothing', async () => {
    // One dispatched agent at a time, and one at work: the design pass queues, and is taken back there.
    await oneAgentAtWork();
    const b = await newBrief('Design, then not');
    const made = await dispatchWorker(`#${b.number}`, { designFirst: true, auto: true });
    await dispatchIn(`#${b.number}`, 'queued');
    await call('dispatch.cancel', { id: made.dispatch.id });
    const proposed = await call<{ entries: BriefEntry[] }>('briefs.append', { ref: `#${b.number}`, action: { kind: 'plan_proposed', spec: 'One step.', summary: 'the plan' } });
    await call('briefs.append', { ref: `#${b.number}`, action: { kind: 'plan_accepted', planEntryId: proposed.entries[0]!.id } });
    // The acceptance is planned, as any accepted plan makes a brief; a build would have been asked for as it was recorded.
    await until('the brief planned', async () => (await brief(`#${b.number}`)).status === 'planned');
    expect((await dispatchesOf(`#${b.number}`)).dispatches.map((d) => `${d.phase} ${d.state}`)).toEqual(['design cancelled']);
  });
});

describe('standing lanes', () => {
  it("links a standing lane's commits while its dispatch runs, and not the lane's later work for something else", async () => {
    const standing = await call<{ lane: { id: string; path: string } }>('lanes.create', { repoId, name: 'design' });
    const b = await newBrief('In the standing lane');
    await dispatchWorker(`#${b.number}`, { lane: 'design' }, ['commit:one.txt', 'exit:0']);
    const d = await dispatchIn(`#${b.number}`, 'finished');
    expect(d.laneId).toBe(standing.lane.id);
    const sha = String((await workerSteps(d.agentId!, 2))[0]!.sha);
    await until('the commit linked', async () => (await brief(`#${b.number}`)).links.some((l) => l.type === 'commit' && l.target === sha));
    // Later, other work in the same lane: not this brief's.
    writeFileSync(join(standing.lane.path, 'two.txt'), 'other work\n');
    git(standing.lane.path, 'add', 'two.txt');
    git(standing.lane.path, 'commit', '-q', '-m', 'other work');
    const later = git(standing.lane.path, 'rev-parse', 'HEAD');
    const merged = await call<{ merge: { id: string } }>('lanes.merge', { id: standing.lane.id });
    await new Promise((r) => setTimeout(r, 1500));
    const now = await brief(`#${b.number}`);
    expect(now.links.some((l) => l.target === later)).toBe(false);
    expect(now.links.some((l) => l.target === merged.merge.id)).toBe(false);
    expect(now.status).not.toBe('in_review');
  });

  it('a dispatched agent resumed after it exited is followed by its dispatch', async () => {
    const b = await newBrief('Resume me');
    await dispatchWorker(`#${b.number}`, {}, ['exit:0']);
    const d = await dispatchIn(`#${b.number}`, 'finished');
    await call('agents.resume', { id: d.agentId });
    const again = await dispatchIn(`#${b.number}`, 'running');
    expect(again).toMatchObject({ id: d.id, agentId: d.agentId, reason: `${d.agentName} runs again` });
  });
});

describe('refresh discipline', () => {
  it("recycling a dispatched agent hands the next run its brief to recall, ahead of the operator's handoff, and keeps it bound to the dispatch", async () => {
    const b = await newBrief('Long work');
    await dispatchWorker(`#${b.number}`);
    const running = await dispatchIn(`#${b.number}`, 'running');
    await workerInfo(running.agentId!);
    const fresh = await call<{ agent: AgentInfo }>('agents.recycle', { id: running.agentId, handoff: 'You were fixing the Livewire name clash.' });
    expect(fresh.agent).toMatchObject({ dispatchId: running.id, role: 'worker', name: running.agentName });
    const info = await workerInfo(fresh.agent.id);
    const prompt = info.argv.at(-1)!;
    expect(prompt).toContain(`previous run on brief #${b.number}`);
    expect(prompt).toContain('Recall the brief first (recall_brief)');
    expect(prompt.indexOf('Recall the brief first')).toBeLessThan(prompt.indexOf('You were fixing the Livewire name clash.'));
    // The dispatch follows the fresh run: still running, naming it.
    await until('the dispatch to follow the fresh run', async () => {
      const d = (await dispatchesOf(`#${b.number}`)).dispatches[0]!;
      return d.agentId === fresh.agent.id && d.state === 'running';
    });
  });
});

describe('a Claude Code agent', () => {
  it("reaches Grove's MCP server through the --mcp-config Grove hands it, with its own token from its environment: its recall claims its brief", async () => {
    await stopAllHosts();
    const home = makeTempDir('grove-claude-home-');
    host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike', HOME: home } });
    repoId = await addTrustedRepo(host, main);
    // The fake Claude Code (test/fixtures/agents/fake-claude.mjs), as an executable the preset runs.
    const claude = join(makeTempDir('grove-fake-bin-'), 'claude');
    writeFileSync(claude, `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, 'test', 'fixtures', 'agents', 'fake-claude.mjs')}" "$@"\n`, { mode: 0o755 });
    const b = await newBrief('Through the config');
    await call('dispatch.create', { ref: `#${b.number}`, preset: 'claude', command: claude });
    const running = await dispatchIn(`#${b.number}`, 'running');
    const agent = (await agentsList()).find((a) => a.id === running.agentId)!;
    expect(agent.args).toEqual([]);
    await until('the prompt', async () => (await call<{ text: string }>('agents.screen', { id: agent.id })).text.includes('First prompt: You are asked to work on brief'));
    await call('agents.input', { id: agent.id, data: '/mcp recall_brief {}\r' });
    const screen = await until('the MCP answer', async () => {
      const t = (await call<{ text: string }>('agents.screen', { id: agent.id })).text;
      return t.includes('⏺ grove - recall_brief (MCP)') || t.includes('MCP error') ? t : null;
    });
    expect(screen).toContain(`⏺ grove - recall_brief (MCP)`);
    expect(screen).toContain(`# Brief #${b.number}: Through the config`);
    const claimed = (await trace(`#${b.number}`)).find((e) => e.kind === 'claimed');
    expect(claimed).toMatchObject({ actor: { kind: 'agent', name: running.agentName }, channel: 'mcp' });
  });
});

describe('packet', () => {
  it('briefs.packet answers the copy-paste packet, also to an agent', async () => {
    const b = await newBrief('Packet please');
    const p = await call<Packet>('briefs.packet', { ref: `#${b.number}` });
    expect(p.text).toContain(`grove brief recall #${b.number}`);
    expect(p.text).toContain(`recall_brief {"ref": "#${b.number}"}`);
  });
});

describe('auto-link of an incident', () => {
  it('an incident whose commits came through a dispatched lane is linked to its brief', async () => {
    await stopAllHosts();
    const probed = await startHostWithProbedRepo(
      { lanes: { writable: [out] }, merge: { gate: 'true' }, health: { debounceMs: 200, probes: [{ name: 'artisan', command: `${ARTISAN_COMMAND}; echo "Laravel 11"`, intervalSeconds: 3600 }] } },
      { env: { GROVE_OPERATOR_NAME: 'mike' } },
    );
    host = probed.host;
    await expect.poll(async () => (await mainHealth(host, probed.repoId)).state, { timeout: 20_000 }).toBe('healthy');
    const b = await newBrief('Reserved name');
    await dispatchWorker(`#${b.number}`, {}, ['commit:BROKEN']);
    const running = await dispatchIn(`#${b.number}`, 'running');
    await workerSteps(running.agentId!, 1);
    const merged = await call<{ merge: { state: string } }>('lanes.merge', { id: running.laneId });
    expect(merged.merge.state).toBe('merged');
    const incident = await until('the incident linked', async () => (await brief(`#${b.number}`)).links.find((l) => l.type === 'incident'));
    expect(incident.label).toBe(`MAIN broke after ${running.laneName} merged`);
    const listed = (await call<{ incidents: { id: string }[] }>('incidents.list', { repoId: probed.repoId })).incidents;
    expect(listed.map((i) => i.id)).toContain(incident.target);
  });
});
