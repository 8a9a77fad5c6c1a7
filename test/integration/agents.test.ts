import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import { isProcessRunning as isPidAlive } from '../../src/host/terminals/process-tree';
import { makeRepo } from '../fixtures/git-repo';
import { api, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { hostPidOf } from '../fixtures/agent-pids';
import { until } from '../fixtures/wait-until';
import { openTerminalClient, type TerminalClient } from '../fixtures/terminal-client';
import { killLeftovers, known, type KnownProcess } from '../fixtures/leftover-processes';

/** Agents in real PTYs under a real host, with the fake CLIs in test/fixtures/agents. */
const fakeClaude = join(repoRoot, 'test', 'fixtures', 'agents', 'fake-claude.mjs');
const flood = join(repoRoot, 'test', 'fixtures', 'agents', 'flood.mjs');
const crashAtStart = join(repoRoot, 'test', 'fixtures', 'agents', 'crash-at-start.mjs');

const clients: TerminalClient[] = [];
const strayPids: KnownProcess[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await stopAllHosts();
  killLeftovers(strayPids);
  removeTempDirs();
});

async function client(host: HostProcess): Promise<TerminalClient> {
  const c = await openTerminalClient(host.url, host.token);
  clients.push(c);
  return c;
}

async function startAgent(host: HostProcess, params: Record<string, unknown>): Promise<AgentInfo> {
  const r = await api(host, 'agents.start', params);
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { agent: AgentInfo }).agent;
}

async function agentInfo(host: HostProcess, id: string): Promise<AgentInfo> {
  const r = await api(host, 'agents.list');
  return (r.body.result as { agents: AgentInfo[] }).agents.find((a) => a.id === id)!;
}

const lane = (): string => realpathSync(makeTempDir('grove-lane-'));

/** Each hook is a `grove hook` process: allow for a loaded machine starting several. */
const HOOKS = { timeout: 15_000 };

describe('agents in terminals', () => {
  it('runs a shell in its lane: typed input echoes back, a large paste arrives whole and in order', async () => {
    const host = await startHostProcess();
    const dir = lane();
    const agent = await startAgent(host, { lanePath: dir, preset: 'shell', command: '/bin/sh' });
    expect(agent.supervision.kind).toBe('running');
    const c = await client(host);
    await c.attach(agent.id);
    await c.type(agent.id, 'echo "grove-$((6*7))" && pwd\r');
    await c.waitForText(agent.id, 'grove-42');
    await c.waitForText(agent.id, dir);

    const lines = Array.from({ length: 3000 }, (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(60)}`);
    const paste = lines.join('\n') + '\n';
    await c.type(agent.id, 'stty -echo; cat > pasted.txt\r');
    for (let i = 0; i < paste.length; i += 64 * 1024) await c.type(agent.id, paste.slice(i, i + 64 * 1024));
    await c.type(agent.id, '\x04'); // Ctrl-D ends cat
    await c.type(agent.id, 'stty echo; echo paste-done\r');
    await c.waitForText(agent.id, 'paste-done');
    await expect.poll(() => existsSync(join(dir, 'pasted.txt')) && readFileSync(join(dir, 'pasted.txt'), 'utf8')).toBe(paste);
  });

  it('replays byte-exactly: what the agent produced is what every client receives, from any offset', async () => {
    const host = await startHostProcess();
    const bytes = 4 * 1024 * 1024;
    // raw: the terminal passes the program's bytes through unchanged (no \n → \r\n).
    const agent = await startAgent(host, { lanePath: lane(), preset: 'custom', command: '/bin/sh', args: ['-c', `stty raw -echo; exec "${process.execPath}" "${flood}" ${bytes}`] });
    const live = await client(host);
    await live.attach(agent.id, 0);
    await live.waitForText(agent.id, 'FLOOD DONE', 60_000);
    const got = live.received(agent.id);
    const text = got.toString('latin1');
    const done = text.indexOf('FLOOD DONE ');
    const announced = /FLOOD DONE ([0-9a-f]{64})/.exec(text)![1];
    expect(createHash('sha256').update(got.subarray(0, done)).digest('hex')).toBe(announced);
    expect(done).toBe(bytes);

    // A client that comes later gets the same bytes; one that asks "since N" gets exactly the rest.
    const late = await client(host);
    await late.attach(agent.id, 0);
    await expect.poll(() => late.received(agent.id).length).toBe(got.length);
    expect(late.received(agent.id).equals(got)).toBe(true);
    const mid = await client(host);
    await mid.attach(agent.id, 1_234_567);
    await expect.poll(() => mid.received(agent.id).length).toBe(got.length - 1_234_567);
    expect(mid.received(agent.id).equals(got.subarray(1_234_567))).toBe(true);
  });

  it('a client that stops acknowledging holds nothing back: the agent finishes, no byte is lost, the client stays attached', async () => {
    const host = await startHostProcess();
    const file = join(makeTempDir(), 'out.txt');
    const content = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `row ${i} ${'z'.repeat(40)}\n`).join(''));
    writeFileSync(file, content);
    // "ready" once the terminal no longer echoes: a key typed before would come back as output.
    const agent = await startAgent(host, { lanePath: lane(), preset: 'custom', command: '/bin/sh', args: ['-c', `stty raw -echo; printf ready; read go; exec cat "${file}"`], restart: 'never' });
    const lagging = await client(host);
    lagging.setAcking(false);
    await lagging.attach(agent.id, 0);
    await expect.poll(() => lagging.received(agent.id).toString()).toBe('ready');
    await lagging.type(agent.id, 'go\n'); // raw mode: no CR → NL translation
    await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind, { timeout: 20_000 }).toBe('exited');
    expect(lagging.detachedReasons).toEqual([]);
    expect(lagging.received(agent.id).length).toBeLessThanOrEqual(1024 * 1024); // its window, not the output
    const info = await agentInfo(host, agent.id);
    const out = await api(host, 'agents.output', { id: agent.id, since: 0, limit: 4 * 1024 * 1024 });
    const data = Buffer.from((out.body.result as { data: string }).data, 'base64');
    expect(info.outputEnd).toBe(data.length);
    const expected = Buffer.concat([Buffer.from('ready'), content]);
    expect(data.length).toBe(expected.length);
    expect(data.equals(expected)).toBe(true);
  });

  it('stops the whole tree, including a daemonized grandchild that ignores SIGTERM', async () => {
    const host = await startHostProcess();
    // A confined agent writes only its lane (and its state): the pid file goes there.
    const dir = lane();
    const pidFile = join(dir, 'grandchild.pid');
    // Unconfined: this is the host's own tree walk (a confined agent's namespace ends with it; confine.test.ts).
    const agent = await startAgent(host, { lanePath: dir, preset: 'claude', command: fakeClaude, env: { FAKE_CLAUDE_GRANDCHILD_PID_FILE: pidFile, HOME: makeTempDir() }, unconfined: true });
    await expect.poll(() => existsSync(pidFile)).toBe(true);
    const grandchild = await until('the grandchild', async () => hostPidOf(agent.id, Number(readFileSync(pidFile, 'utf8'))));
    strayPids.push(known(grandchild));
    const leader = (agent.supervision as { pid: number }).pid;
    expect(isPidAlive(grandchild)).toBe(true);
    const stopped = await api(host, 'agents.stop', { id: agent.id });
    expect((stopped.body.result as { agent: AgentInfo }).agent.supervision.kind).toBe('exited');
    expect(isPidAlive(leader)).toBe(false);
    expect(isPidAlive(grandchild)).toBe(false);
  });

  it('a run started while the last one is still being stopped is not ended by that stop', async () => {
    // The stop's sweep ends what the agent left behind (a grandchild that ignores SIGTERM) by the
    // agent's marker, which every run of it shares; its main process is gone well before that.
    const host = await startHostProcess({ env: { GROVE_STOP_GRACE_MS: '3000' } });
    const dir = lane();
    const pidFile = join(dir, 'grandchild.pid');
    const agent = await startAgent(host, { lanePath: dir, preset: 'claude', command: fakeClaude, env: { FAKE_CLAUDE_GRANDCHILD_PID_FILE: pidFile, HOME: makeTempDir() }, unconfined: true });
    await expect.poll(() => existsSync(pidFile)).toBe(true);
    strayPids.push(known(await until('the grandchild', async () => hostPidOf(agent.id, Number(readFileSync(pidFile, 'utf8'))))));
    const stopping = api(host, 'agents.stop', { id: agent.id });
    // The main process exited: the agent shows as exited while its stop still sweeps.
    await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind, { timeout: 10_000 }).toBe('exited');
    const resumed = await api(host, 'agents.resume', { id: agent.id });
    expect(resumed.body.ok, JSON.stringify(resumed.body)).toBe(true);
    await stopping;
    // It starts once the stop is done, and that stop does not end it.
    await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind, { timeout: 10_000 }).toBe('running');
    const run = (await agentInfo(host, agent.id)).supervision as { pid: number };
    await new Promise((r) => setTimeout(r, 1500));
    const after = await agentInfo(host, agent.id);
    expect(after.supervision).toMatchObject({ kind: 'running', pid: run.pid });
    expect(isPidAlive(run.pid)).toBe(true);
    // Not ended and brought back by the supervisor meanwhile: the run the operator started.
    expect(after.restarts).toBe(0);
  });

  it('names a new agent apart from every agent there is, after one was removed', async () => {
    const host = await startHostProcess();
    const dir = lane();
    const first = await startAgent(host, { lanePath: dir, preset: 'shell' });
    const second = await startAgent(host, { lanePath: dir, preset: 'shell' });
    expect([first.name, second.name]).toEqual(['shell-1', 'shell-2']);
    await api(host, 'agents.stop', { id: first.id });
    expect((await api(host, 'agents.remove', { id: first.id })).body.ok).toBe(true);
    // Two shells again, but not a second shell-2.
    const third = await startAgent(host, { lanePath: dir, preset: 'shell' });
    expect(third.name).toBe('shell-3');
  });

  it('gives a name asked for that a running agent has a suffix (what an agent may do on a brief goes by its name), and not one a stopped agent has', async () => {
    const host = await startHostProcess();
    const dir = lane();
    const first = await startAgent(host, { lanePath: dir, preset: 'shell', name: 'claude-brief-5' });
    const second = await startAgent(host, { lanePath: dir, preset: 'shell', name: 'claude-brief-5' });
    const third = await startAgent(host, { lanePath: dir, preset: 'shell', name: 'claude-brief-5' });
    expect([first.name, second.name, third.name]).toEqual(['claude-brief-5', 'claude-brief-5-2', 'claude-brief-5-3']);
    await api(host, 'agents.stop', { id: first.id });
    const again = await startAgent(host, { lanePath: dir, preset: 'shell', name: 'claude-brief-5' });
    expect(again.name).toBe('claude-brief-5');
  });

  it('knows the agent\'s state from its hooks and its context use from its transcript', async () => {
    const host = await startHostProcess();
    const home = makeTempDir();
    const agent = await startAgent(host, { lanePath: lane(), preset: 'claude', command: fakeClaude, env: { HOME: home } });
    expect(agent.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const c = await client(host);
    await c.attach(agent.id);
    await c.waitForText(agent.id, agent.sessionId!);
    await c.type(agent.id, 'hello grove\r');
    await c.waitForText(agent.id, 'You said: hello grove');
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, HOOKS).toMatchObject({ state: 'waiting', signal: 'hook' });
    await expect.poll(async () => (await agentInfo(host, agent.id)).context?.tokens, HOOKS).toBe(21_000);
    await c.type(agent.id, '/permission\r');
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, HOOKS).toMatchObject({ state: 'waiting', signal: 'hook', detail: 'permission_prompt' });
  });

  it("says a turn failed when Claude Code's StopFailure hook reports it (Claude Code 2.1.332, not logged in)", async () => {
    const host = await startHostProcess();
    const agent = await startAgent(host, { lanePath: lane(), preset: 'claude', command: fakeClaude, env: { HOME: makeTempDir() } });
    const c = await client(host);
    await c.attach(agent.id);
    await c.waitForText(agent.id, agent.sessionId!);
    await c.type(agent.id, '/not-logged-in\r');
    await c.waitForText(agent.id, 'Not logged in');
    // Through Grove's hook settings and `grove hook stop-failure`, as the real CLI runs them.
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, HOOKS).toMatchObject({ state: 'waiting', signal: 'hook', detail: 'turn_failed' });
  });

  it("ends a hook's busy at the idle prompt of a turn that errored without a Stop hook (a Claude Code without StopFailure, not logged in)", async () => {
    const host = await startHostProcess();
    const agent = await startAgent(host, { lanePath: lane(), preset: 'claude', command: fakeClaude, env: { HOME: makeTempDir() } });
    const c = await client(host);
    await c.attach(agent.id);
    await c.waitForText(agent.id, agent.sessionId!);
    await c.type(agent.id, '/not-logged-in-no-stop-failure\r');
    await c.waitForText(agent.id, 'Not logged in');
    // The prompt hook says busy; no Stop hook follows (Claude Code's next hook would be its idle_prompt ~60 s later).
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, HOOKS).toMatchObject({ state: 'busy', signal: 'hook' });
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, HOOKS).toMatchObject({ state: 'waiting', signal: 'screen', detail: 'idle_prompt' });
  });

  it('keeps agents out of MAIN (except the ops loop) and says when a command is missing', async () => {
    const host = await startHostProcess();
    const main = makeRepo(join(lane(), 'flower'));
    await api(host, 'repos.add', { path: main });
    const refused = await api(host, 'agents.start', { lanePath: main, preset: 'shell' });
    expect(refused.body.error).toMatchObject({ code: 'agent_lane_invalid' });
    expect(refused.body.error!.message).toContain('MAIN');
    const ops = await api(host, 'agents.start', { lanePath: main, preset: 'shell', isOpsLoop: true });
    expect(ops.body.ok).toBe(true);
    const missing = await api(host, 'agents.start', { lanePath: lane(), preset: 'custom', command: 'no-such-agent-cli' });
    expect(missing.body.error).toMatchObject({ code: 'agent_command_not_found' });
  });

  it('backs off a crashing agent and ends it fatal with one alert', async () => {
    const host = await startHostProcess({
      env: { GROVE_RESTART: JSON.stringify({ minUptimeMs: 1000, initialBackoffMs: 50, maxBackoffMs: 200, maxUnstableRestarts: 3 }) },
    });
    const agent = await startAgent(host, { lanePath: lane(), preset: 'custom', command: process.execPath, args: [crashAtStart], restart: 'on-failure' });
    await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind, { timeout: 15_000 }).toBe('fatal');
    const info = await agentInfo(host, agent.id);
    expect(info.restarts).toBe(3);
    const events = (await api(host, 'events.since', { since: 0 })).body.result as { events: { event: { type: string; message?: string } }[] };
    const alerts = events.events.filter((e) => e.event.type === 'alert');
    expect(alerts.map((a) => a.event.message)).toEqual(['custom-1: gave up after 3 restarts in a row that each ran under 1 s (last exit: code 3)']);
  });

  it('refuses to start an agent whose directory is gone, saying which, with no restart loop', async () => {
    const host = await startHostProcess({
      env: { GROVE_RESTART: JSON.stringify({ minUptimeMs: 1000, initialBackoffMs: 50, maxBackoffMs: 200, maxUnstableRestarts: 3 }) },
    });
    // Started again by the operator ("Start again") after its directory went.
    const dir = lane();
    const once = await startAgent(host, { lanePath: dir, preset: 'custom', command: '/bin/sh', args: ['-c', 'echo ran'], name: 'once', restart: 'never' });
    await expect.poll(async () => (await agentInfo(host, once.id)).supervision.kind).toBe('exited');
    rmSync(dir, { recursive: true });
    const again = await api(host, 'agents.resume', { id: once.id });
    expect(again.body.error).toEqual({
      code: 'agent_lane_invalid',
      message: `once cannot start: its directory ${dir} is gone (its lane was removed or moved). Remove the agent, or start a new one in an existing lane.`,
      details: { lanePath: dir, id: once.id },
    });
    expect((await api(host, 'agents.restart', { id: once.id })).body.error?.code).toBe('agent_lane_invalid');
    const info = await agentInfo(host, once.id);
    expect(info.supervision.kind).toBe('exited');
    expect(info.restarts).toBe(0);

    // Restarted by its supervisor after the directory went while it ran: one alert, then it rests.
    const dir2 = lane();
    const always = await startAgent(host, { lanePath: dir2, preset: 'custom', command: '/bin/sh', args: ['-c', 'sleep 1; exit 3'], name: 'always', restart: 'always' });
    await expect.poll(async () => (await agentInfo(host, always.id)).supervision.kind).toBe('running');
    rmSync(dir2, { recursive: true });
    await expect.poll(async () => (await agentInfo(host, always.id)).supervision.kind, { timeout: 10_000 }).toBe('crashed');
    const events = (await api(host, 'events.since', { since: 0 })).body.result as { events: { event: { type: string; agentId?: string; message?: string } }[] };
    const alerts = events.events.filter((e) => e.event.type === 'alert' && e.event.agentId === always.id).map((e) => e.event.message);
    expect(alerts).toEqual([`always cannot start: its directory ${dir2} is gone (its lane was removed or moved). Remove the agent, or start a new one in an existing lane.`]);
    const after = await agentInfo(host, always.id);
    expect(after.restarts).toBe(1); // the one attempt that was refused; no backoff follows a crash
    expect(after.supervision.kind).toBe('crashed');
    expect(Buffer.from(((await api(host, 'agents.output', { id: always.id, since: 0 })).body.result as { data: string }).data, 'base64').toString()).toContain(`its directory ${dir2} is gone`);
  });

  it('after kill -9 of the host, ends the old processes and resumes an auto-resume agent\'s conversation', async () => {
    const host = await startHostProcess();
    const dir = lane();
    const pidFile = join(dir, 'grandchild.pid');
    const agent = await startAgent(host, {
      lanePath: dir,
      preset: 'claude',
      command: fakeClaude,
      autoResume: true,
      env: { HOME: makeTempDir(), FAKE_CLAUDE_GRANDCHILD_PID_FILE: pidFile },
      // Unconfined: the next host's reconcile must end what is left (a confined agent dies with its host).
      unconfined: true,
    });
    await expect.poll(() => existsSync(pidFile)).toBe(true);
    // A conversation exists once a prompt was answered (Claude Code can only resume those).
    await api(host, 'agents.input', { id: agent.id, data: 'remember the cart bug\r' });
    await expect.poll(async () => (await agentInfo(host, agent.id)).context?.tokens, HOOKS).toBe(21_000);
    const oldLeader = (agent.supervision as { pid: number }).pid;
    const oldGrandchild = (await until('the grandchild', async () => hostPidOf(agent.id, Number(readFileSync(pidFile, 'utf8')))));
    strayPids.push(known(oldLeader), known(oldGrandchild));
    await host.kill9();
    writeFileSync(pidFile, '');
    const again = await startHostProcess({ home: host.home });
    expect(isPidAlive(oldGrandchild)).toBe(false); // never two copies of one agent
    const info = await agentInfo(again, agent.id);
    expect(info.supervision.kind).toBe('running');
    expect((info.supervision as { pid: number }).pid).not.toBe(oldLeader);
    const c = await client(again);
    await c.attach(agent.id, info.outputEnd > 0 ? 0 : undefined);
    await c.waitForText(agent.id, `Resumed session ${agent.sessionId}`);
    const newGrandchild = hostPidOf(agent.id, Number(readFileSync(pidFile, 'utf8') || 0));
    if (newGrandchild) strayPids.push(known(newGrandchild));
  });

  it('after kill -9 of the host, starts auto-resume shell and custom agents again, and only those', async () => {
    const host = await startHostProcess();
    const serverLane = lane();
    const runs = join(serverLane, 'runs.txt');
    const custom = await startAgent(host, { lanePath: serverLane, preset: 'custom', command: '/bin/sh', args: ['-c', `echo run >> ${runs}; exec sleep 600`], name: 'server', autoResume: true });
    const shell = await startAgent(host, { lanePath: lane(), preset: 'shell', command: '/bin/sh', name: 'term', autoResume: true });
    const plain = await startAgent(host, { lanePath: lane(), preset: 'custom', command: '/bin/sh', args: ['-c', 'exec sleep 600'], name: 'plain' });
    await expect.poll(() => (existsSync(runs) ? readFileSync(runs, 'utf8') : '')).toBe('run\n');
    for (const a of [custom, shell, plain]) strayPids.push(known((a.supervision as { pid: number }).pid));
    await host.kill9();
    // The next host reconciles before it answers: what it says now is its decision.
    const again = await startHostProcess({ home: host.home });
    const kinds = await Promise.all([custom, shell, plain].map(async (a) => (await agentInfo(again, a.id)).supervision.kind));
    expect(kinds).toEqual(['running', 'running', 'lost']);
    await expect.poll(() => readFileSync(runs, 'utf8')).toBe('run\nrun\n');
    const term = await client(again);
    await term.attach(shell.id);
    await api(again, 'agents.input', { id: shell.id, data: 'echo "back $((40 + 2))"\r' });
    await term.waitForText(shell.id, 'back 42');
  });

  for (const asked of ['stop', 'restart'] as const) {
    it(`after kill -9 of the host mid-${asked}, ends what the ${asked} left and ${asked === 'stop' ? 'keeps the agent stopped, auto-resume or not' : 'starts it again, as it was asked to run'}`, async () => {
      const host = await startHostProcess();
      const dir = lane();
      const runs = join(dir, 'runs.txt');
      // Ignores every polite signal (and the hang-up its host's death sends), so the stop is
      // still waiting out its grace when the host dies, and the process outlives it.
      const script = `trap '' INT TERM HUP; echo run >> ${runs}; while :; do sleep 1; done`;
      const agent = await startAgent(host, {
        lanePath: dir,
        preset: 'custom',
        command: '/bin/sh',
        args: ['-c', script],
        name: 'stubborn',
        autoResume: true,
        // Unconfined: a confined agent dies with its host, and this one must outlive it.
        unconfined: true,
      });
      await expect.poll(() => (existsSync(runs) ? readFileSync(runs, 'utf8') : '')).toBe('run\n');
      const leader = (agent.supervision as { pid: number }).pid;
      strayPids.push(known(leader));
      const call = api(host, `agents.${asked}`, { id: agent.id }).catch(() => null); // the host dies under it
      await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind).toBe('stopping');
      await host.kill9();
      await call;
      expect(isPidAlive(leader)).toBe(true); // what the stop had not ended yet

      const again = await startHostProcess({ home: host.home });
      expect(isPidAlive(leader)).toBe(false);
      const after = await agentInfo(again, agent.id);
      if (asked === 'restart') {
        // Asked to run again: resumed as any auto-resume agent the host left running.
        expect(after.supervision.kind).toBe('running');
        strayPids.push(known((after.supervision as { pid: number }).pid));
        await expect.poll(() => readFileSync(runs, 'utf8')).toBe('run\nrun\n');
        return;
      }
      expect(after.supervision.kind).toBe('exited');
      // Not started again behind the operator's back: still the one run.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(readFileSync(runs, 'utf8')).toBe('run\n');
      // Stopped, not gone: the operator starts it again when they choose.
      expect((await api(again, 'agents.resume', { id: agent.id })).body.ok).toBe(true);
      await expect.poll(() => readFileSync(runs, 'utf8')).toBe('run\nrun\n');
    });
  }

  it('gives each agent a token that reports its own state and can do nothing else', async () => {
    const host = await startHostProcess();
    const dir = lane();
    const tokenFile = join(dir, 'token');
    // The agent hands its token to the test, as a daemon it left behind could keep it.
    const script = `require('fs').writeFileSync(${JSON.stringify(tokenFile)}, process.env.GROVE_AGENT_TOKEN); setInterval(() => {}, 1000)`;
    const agent = await startAgent(host, { lanePath: dir, preset: 'custom', command: process.execPath, args: ['-e', script] });
    await expect.poll(() => (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8') : '')).toMatch(/^agt_[A-Za-z0-9_-]{32}$/);
    const own = { url: host.url, token: readFileSync(tokenFile, 'utf8') };

    // Everything an operator may do is refused, by name, with a 403.
    const operatorOnly: [string, unknown][] = [
      ['host.status', {}],
      ['agents.list', {}],
      ['agents.input', { id: agent.id, data: 'x' }],
      ['agents.stop', { id: agent.id }],
      ['agents.output', { id: agent.id, since: 0 }],
      ['repos.list', {}],
      ['events.since', { since: 0 }],
      ['auth.loginCode', {}],
      ['notifications.list', {}],
    ];
    for (const [method, params] of operatorOnly) {
      const r = await api(own, method, params);
      expect({ method, status: r.status, code: r.body.error?.code, message: r.body.error?.message }).toEqual({
        method,
        status: 403,
        code: 'forbidden',
        message: `An agent's token may not call ${method}: it is the operator's. An agent reads and writes briefs (docs/briefs.md, who may do what), reports its own state, and works through Grove's MCP tools.`,
      });
    }
    // ops.status answers an ops loop's own agent only; this one is none.
    const ops = await api(own, 'ops.status', {});
    expect({ status: ops.status, code: ops.body.error?.code, message: ops.body.error?.message }).toEqual({
      status: 403,
      code: 'forbidden',
      message: "An agent's token may call ops.status only from an ops loop's own agent (it answers for that loop).",
    });
    // Its own state it may report, and the host takes it as this agent's.
    const reported = await api(own, 'agents.report', { event: 'prompt' });
    expect(reported).toEqual({ status: 200, body: { ok: true, result: { recorded: true } } });
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity).toMatchObject({ state: 'busy', signal: 'hook' });

    // Once the agent stopped, its token opens nothing, not even a report.
    await api(host, 'agents.stop', { id: agent.id });
    await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind).toBe('exited');
    const afterExit = await api(own, 'agents.report', { event: 'stop' });
    expect({ status: afterExit.status, code: afterExit.body.error?.code }).toEqual({ status: 401, code: 'unauthorized' });

    // A new run gets a new token; the old one stays refused.
    await api(host, 'agents.resume', { id: agent.id });
    await expect.poll(() => readFileSync(tokenFile, 'utf8')).not.toBe(own.token);
    const fresh = { url: host.url, token: readFileSync(tokenFile, 'utf8') };
    expect(fresh.token).toMatch(/^agt_[A-Za-z0-9_-]{32}$/);
    expect((await api(fresh, 'agents.report', { event: 'stop' })).body).toEqual({ ok: true, result: { recorded: true } });
    expect((await api(own, 'agents.report', { event: 'stop' })).status).toBe(401);
  });
});

describe('agent state without hooks', () => {
  it('reads a question to the operator off the screen when the CLI sends no hooks', async () => {
    const host = await startHostProcess();
    const dir = makeTempDir();
    const script = join(dir, 'silent-claude.sh');
    // A Claude-like CLI whose hooks never fire: it only draws its permission dialog.
    writeFileSync(script, `#!/bin/sh\ncat "${join(repoRoot, 'test', 'fixtures', 'screens', 'claude-permission.ansi')}"\nexec sleep 60\n`, { mode: 0o755 });
    const agent = await startAgent(host, { lanePath: lane(), preset: 'claude', command: script, env: { HOME: makeTempDir() } });
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity).toMatchObject({ state: 'waiting', signal: 'screen', detail: 'permission_prompt' });
  });

  it('falls back to output activity for a plain shell: busy while printing, idle when quiet', async () => {
    const host = await startHostProcess();
    const agent = await startAgent(host, { lanePath: lane(), preset: 'shell', command: '/bin/sh' });
    await api(host, 'agents.input', { id: agent.id, data: 'for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.5; done\r' });
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity).toMatchObject({ state: 'busy', signal: 'output' });
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity).toMatchObject({ state: 'idle', signal: 'output' });
  });
});

describe('context meter for Codex', () => {
  it('finds the agent\'s rollout file and reads its token counts', async () => {
    const host = await startHostProcess();
    const codexHome = makeTempDir();
    const fakeCodex = join(repoRoot, 'test', 'fixtures', 'agents', 'fake-codex.mjs');
    const agent = await startAgent(host, { lanePath: lane(), preset: 'codex', command: fakeCodex, env: { CODEX_HOME: codexHome } });
    const c = await client(host);
    await c.attach(agent.id);
    await c.waitForText(agent.id, 'Codex (fake)');
    await c.type(agent.id, 'explain the cart\r');
    await c.type(agent.id, 'and the checkout\r');
    await c.waitForText(agent.id, 'codex: and the checkout');
    await expect.poll(async () => (await agentInfo(host, agent.id)).context, { timeout: 15_000 }).toMatchObject({ tokens: 20_000, window: 272_000, model: 'gpt-5-codex' });
    // Its notify program (Grove's hook) said the turn is over: waiting for the operator.
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, HOOKS).toMatchObject({ state: 'waiting', signal: 'hook' });
    // Grove learned Codex's own session id from the rollout, so the conversation can be resumed.
    const info = await agentInfo(host, agent.id);
    expect(info.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.canResume).toBe(true);
    await api(host, 'agents.stop', { id: agent.id });
    await api(host, 'agents.resume', { id: agent.id });
    await c.waitForText(agent.id, `Resumed session ${info.sessionId}`);
  });
});

describe('recycle', () => {
  it('stops a full agent and starts a fresh conversation in the same lane with the handoff prompt', async () => {
    const host = await startHostProcess();
    const dir = lane();
    const home = makeTempDir();
    const old = await startAgent(host, { lanePath: dir, preset: 'claude', command: fakeClaude, env: { HOME: home }, contextWarnTokens: 20_000 });
    await api(host, 'agents.input', { id: old.id, data: 'work on the cart\r' });
    // 21,000 tokens in context passes the 20,000 warning: one alert, and Recycle is offered.
    await expect.poll(async () => (await agentInfo(host, old.id)).context?.tokens, HOOKS).toBe(21_000);
    const events = (await api(host, 'events.since', { since: 0 })).body.result as { events: { event: { type: string; message?: string } }[] };
    expect(events.events.filter((e) => e.event.type === 'alert').map((e) => e.event.message)).toEqual([expect.stringContaining('recycle it')]);
    const r = await api(host, 'agents.recycle', { id: old.id, handoff: 'Pick up the cart work from the git log.' });
    const fresh = (r.body.result as { agent: AgentInfo }).agent;
    expect(fresh).toMatchObject({ lanePath: dir, preset: 'claude', supervision: { kind: 'running' } });
    expect(fresh.sessionId).not.toBe(old.sessionId);
    expect((await agentInfo(host, old.id)).supervision.kind).toBe('exited');
    const c = await client(host);
    await c.attach(fresh.id, 0);
    await c.waitForText(fresh.id, 'First prompt: Pick up the cart work from the git log.');
    // The handoff belongs to the first run only: a restart does not repeat it.
    expect(fresh.args).toEqual([]);
  });
});

describe('what an agent or a restart must not be able to do', () => {
  it('never kills a process that merely got a recorded agent\'s old pid', async () => {
    const host = await startHostProcess();
    const agent = await startAgent(host, { lanePath: lane(), preset: 'shell', command: '/bin/sh' });
    await host.stop(); // agents stop; their records stay "running" for the next host
    const { spawn } = await import('node:child_process');
    const bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    strayPids.push(known(bystander.pid!));
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(host.home, 'grove.db'));
    db.prepare('UPDATE agents SET pid = ? WHERE id = ?').run(bystander.pid, agent.id); // as if the pid were reused
    db.close();
    const again = await startHostProcess({ home: host.home });
    expect((await agentInfo(again, agent.id)).supervision.kind).toBe('lost');
    expect(isPidAlive(bystander.pid!)).toBe(true);
  });

  it('does not let an agent stall the host by reporting a FIFO as its transcript', async () => {
    const host = await startHostProcess();
    const home = makeTempDir();
    const dir = makeTempDir();
    const script = join(dir, 'evil-claude.sh');
    const fifo = join(home, '.claude', 'projects', 'x', 'evil.jsonl');
    const report = `fetch(process.env.GROVE_URL + '/api/agents.report', { method: 'POST', headers: { authorization: 'Bearer ' + process.env.GROVE_AGENT_TOKEN }, body: JSON.stringify({ event: 'stop', transcriptPath: ${JSON.stringify(fifo)} }) }).then((r) => r.json()).then((b) => console.log('REPORTED ' + JSON.stringify(b)))`;
    writeFileSync(script, `#!/bin/sh\nmkdir -p "$(dirname "${fifo}")" && mkfifo "${fifo}"\n"${process.execPath}" -e ${JSON.stringify(report).replaceAll('$', '\\$')}\nexec sleep 60\n`, { mode: 0o755 });
    const agent = await startAgent(host, { lanePath: lane(), preset: 'claude', command: script, env: { HOME: home } });
    const c = await client(host);
    await c.attach(agent.id, 0);
    await c.waitForText(agent.id, 'REPORTED {"ok":true');
    const t0 = Date.now();
    expect((await api(host, 'host.status')).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
