import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import type { Lane } from '../../src/shared/lanes';
import { PAUSED_INDEFINITELY, type Notification, type NotificationSettings } from '../../src/shared/notifications';
import { git } from '../fixtures/git-repo';
import { eventsSince, notificationsOf } from '../fixtures/host-events';
import { api, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { openSocket, type RecordingSocket } from '../fixtures/ws-client';

/**
 * What the host tells the operator, against a real host, real git and agents in real
 * terminals: one notification per crash loop, per wait, per failed merge gate; quiet while
 * paused, shown again once resumed; listed newest first, and kept across a host restart.
 */
const fakeClaude = join(repoRoot, 'test', 'fixtures', 'agents', 'fake-claude.mjs');
const fakeCodex = join(repoRoot, 'test', 'fixtures', 'agents', 'fake-codex.mjs');
const crashAtStart = join(repoRoot, 'test', 'fixtures', 'agents', 'crash-at-start.mjs');
/** Each hook is a `grove hook` process: allow for a loaded machine starting several. */
const HOOKS = { timeout: 15_000 };

let host: HostProcess;
let repoId: string;

beforeEach(async () => {
  ({ host, repoId } = await startHostWithProbedRepo(
    { merge: { gate: ARTISAN_COMMAND } },
    { env: { GROVE_RESTART: JSON.stringify({ minUptimeMs: 1000, initialBackoffMs: 50, maxBackoffMs: 200, maxUnstableRestarts: 3 }) } },
  ));
});
const sockets: RecordingSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) await s.close();
  await stopAllHosts();
  removeTempDirs();
});

async function lane(name: string): Promise<Lane> {
  const r = await api(host, 'lanes.create', { repoId, name });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { lane: Lane }).lane;
}

async function startAgent(params: Record<string, unknown>): Promise<AgentInfo> {
  const r = await api(host, 'agents.start', params);
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { agent: AgentInfo }).agent;
}

const agentInfo = async (id: string): Promise<AgentInfo> =>
  ((await api(host, 'agents.list')).body.result as { agents: AgentInfo[] }).agents.find((a) => a.id === id)!;

async function listed(h: HostProcess = host): Promise<{ notifications: Notification[]; settings: NotificationSettings }> {
  const r = await api(h, 'notifications.list', {});
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return r.body.result as { notifications: Notification[]; settings: NotificationSettings };
}

const ofKind = async (kind: Notification['kind']): Promise<Notification[]> => (await listed()).notifications.filter((n) => n.kind === kind);

/** The `notification` events, in the order the host announced them. */
const announced = (): Promise<Notification[]> => notificationsOf(host);

/** An agent that prints the line it dies with and exits 3, not restarted. */
const crasher = (lanePath: string, name: string): Record<string, unknown> => ({
  lanePath,
  preset: 'custom',
  name,
  command: 'sh',
  args: ['-c', `echo "${name}: could not connect to the database"; exit 3`],
  restart: 'never',
});

describe('notifications', () => {
  it('a crashing agent: one agent.exited for its whole crash loop, naming it, its lane and its last words', async () => {
    const backend = await lane('backend');
    const agent = await startAgent({ lanePath: backend.path, preset: 'custom', name: 'queue', command: process.execPath, args: [crashAtStart], restart: 'on-failure' });
    await expect.poll(async () => (await agentInfo(agent.id)).supervision.kind, { timeout: 15_000 }).toBe('fatal');
    expect((await agentInfo(agent.id)).restarts).toBe(3);

    const exited = await ofKind('agent.exited');
    expect(exited).toHaveLength(1);
    expect(exited[0]).toMatchObject({
      severity: 'warning',
      title: 'queue exited unexpectedly in lane backend of flower',
      target: { kind: 'agent', agentId: agent.id },
      quiet: null,
    });
    expect(exited[0]!.body).toMatch(/^queue: exit 3 — starting…\. Grove restarts it in /);
    expect((await announced()).filter((n) => n.kind === 'agent.exited')).toEqual(exited);
  });

  it('an agent that exits as Claude Code 2.1.197 does (ESC[>4m ESC[<u): its notification quotes the real last line', async () => {
    const work = await lane('exit-bytes');
    // The bytes Claude Code 2.1.197 printed as it exited 1, recorded offline.
    const recorded = join(repoRoot, 'test', 'fixtures', 'screens', 'claude-2.1.197-offline-exit.ansi');
    await startAgent({ lanePath: work.path, preset: 'custom', name: 'claude-offline', command: 'sh', args: ['-c', `cat '${recorded}'; exit 1`], restart: 'never' });
    await expect.poll(async () => (await ofKind('agent.exited')).map((n) => n.body), { timeout: 15_000 }).toEqual([
      'claude-offline: exit 1 — https://anthropic.com/supported-countries. It is not restarted.',
    ]);
  });

  it("Codex on its sign-in screen (recorded from 0.171.0) waits for the operator: waiting, sign_in, told once", async () => {
    const work = await lane('codex-new');
    const signIn = join(repoRoot, 'test', 'fixtures', 'screens', 'codex-0.171.0-sign-in.ansi');
    const agent = await startAgent({ lanePath: work.path, preset: 'codex', name: 'codex', command: fakeCodex, env: { CODEX_HOME: makeTempDir(), FAKE_CODEX_SCREEN: signIn } });
    await expect.poll(async () => (await agentInfo(agent.id)).activity, { timeout: 15_000 }).toMatchObject({ state: 'waiting', signal: 'screen', detail: 'sign_in' });
    await expect.poll(async () => (await ofKind('agent.waiting')).map((n) => [n.title, n.body])).toEqual([
      ['codex is waiting for you', 'codex asks you to sign in to its CLI in lane codex-new of flower.'],
    ]);
    // Past the screen (Enter), the prompt: no longer waiting, and nothing more was told.
    await api(host, 'agents.input', { id: agent.id, data: '\r' });
    await expect.poll(async () => (await agentInfo(agent.id)).activity.state, { timeout: 15_000 }).not.toBe('waiting');
    expect((await ofKind('agent.waiting')).length).toBe(1);
  });

  it('an agent waiting for the operator: one agent.waiting with why; its context passing the warning: one agent.context', async () => {
    const design = await lane('design');
    const agent = await startAgent({ lanePath: design.path, preset: 'claude', name: 'claude-design', command: fakeClaude, env: { HOME: makeTempDir() }, contextWarnTokens: 20_000 });
    await api(host, 'agents.input', { id: agent.id, data: '/permission\r' });
    await expect.poll(async () => (await ofKind('agent.waiting')).length, HOOKS).toBe(1);
    expect((await ofKind('agent.waiting'))[0]).toMatchObject({
      severity: 'info',
      title: 'claude-design is waiting for you',
      body: 'claude-design asks for your permission in lane design of flower.',
      target: { kind: 'agent', agentId: agent.id },
      quiet: null,
    });

    // Answering ends the turn (still waiting: not news) and puts 21,000 tokens in context.
    await api(host, 'agents.input', { id: agent.id, data: 'y\r' });
    await expect.poll(async () => (await ofKind('agent.context')).length, HOOKS).toBe(1);
    expect((await ofKind('agent.context'))[0]!.body).toContain('uses 21,000 tokens');
    expect(await ofKind('agent.waiting')).toHaveLength(1);

    // It works and waits again within the minute: listed, but held back by the rate limit.
    await api(host, 'agents.input', { id: agent.id, data: 'and the cart\r' });
    await expect.poll(async () => (await ofKind('agent.waiting')).map((n) => n.quiet), HOOKS).toEqual(['rate-limited', null]);
    expect((await ofKind('agent.context'))).toHaveLength(1);
  });

  it('a merge whose gate fails: one merge.rolled-back, pointing at the lane', async () => {
    const l = await lane('dispatch');
    breakMain(l.path);
    git(l.path, 'add', 'BROKEN');
    git(l.path, 'commit', '-q', '-m', 'dispatch');
    const merged = await api(host, 'lanes.merge', { id: l.id });
    expect(merged.body.error!.code).toBe('merge_gate_failed');

    const rolled = await ofKind('merge.rolled-back');
    expect(rolled).toHaveLength(1);
    expect(rolled[0]).toMatchObject({
      severity: 'critical',
      title: 'The merge of dispatch into MAIN of flower was rolled back',
      target: { kind: 'lane', repoId, laneId: l.id },
      quiet: null,
    });
    expect(rolled[0]!.body).toContain("MAIN's gate failed: PHP Fatal error: Cannot redeclare dispatch()");
    expect((await listed()).notifications.map((n) => n.kind)).toEqual(['merge.rolled-back']);
  });

  it('a live client gets the notification after the event that caused it, in seq order', async () => {
    const socket = await openSocket(host.url, host.token);
    sockets.push(socket);
    socket.send({ kind: 'subscribe', since: ((await api(host, 'host.status')).body.result as { latestEventSeq: number }).latestEventSeq });
    await startAgent(crasher(realpathSync(makeTempDir('grove-lane-')), 'solo'));
    await socket.waitFor((f) => f.kind === 'event' && f.envelope.event.type === 'notification', 0, 10_000);
    const live = socket.frames.flatMap((f) => (f.kind === 'event' ? [f.envelope] : []));
    // Clients drop an event whose seq is below one they already have: the order must be the stream's.
    expect(live.map((e) => e.seq)).toEqual([...live.map((e) => e.seq)].sort((a, b) => a - b));
    const types = live.map((e) => (e.event.type === 'agent.updated' ? `agent:${e.event.agent.supervision.kind}` : e.event.type));
    expect(types.slice(types.indexOf('agent:crashed'))).toEqual(['agent:crashed', 'notification']);
  });

  it('paused: listed but quiet; resumed: shown again; newest first; the list and the pause survive a host restart', async () => {
    const work = await lane('work');
    const paused = await api(host, 'notifications.pause', {});
    expect(paused.body.result).toEqual({ settings: { pausedUntil: PAUSED_INDEFINITELY, escalateAfterMinutes: 10 } });
    expect((await listed()).settings).toEqual({ pausedUntil: PAUSED_INDEFINITELY, escalateAfterMinutes: 10 });

    await startAgent(crasher(work.path, 'first'));
    await expect.poll(async () => (await ofKind('agent.exited')).map((n) => [n.title, n.quiet])).toEqual([['first exited unexpectedly in lane work of flower', 'paused']]);

    const resumed = await api(host, 'notifications.resume', {});
    expect(resumed.body.result).toEqual({ settings: { pausedUntil: null, escalateAfterMinutes: 10 } });
    await startAgent(crasher(work.path, 'second'));
    await expect.poll(async () => (await ofKind('agent.exited')).length).toBe(2);
    const { notifications, settings } = await listed();
    expect(settings).toEqual({ pausedUntil: null, escalateAfterMinutes: 10 });
    expect(notifications.map((n) => [n.body, n.quiet])).toEqual([
      ['second: exit 3 — second: could not connect to the database. It is not restarted.', null],
      ['first: exit 3 — first: could not connect to the database. It is not restarted.', 'paused'],
    ]);

    // Clients hear of the pause and of its end.
    const events = await eventsSince(host);
    expect(events.flatMap((e) => (e.event.type === 'notifications.settings' ? [e.event.settings.pausedUntil] : []))).toEqual([PAUSED_INDEFINITELY, null]);

    // A pause for some minutes ends by itself; it and the list outlive the host.
    const timed = (await api(host, 'notifications.pause', { minutes: 30 })).body.result as { settings: NotificationSettings };
    expect(Date.parse(timed.settings.pausedUntil!)).toBeGreaterThan(Date.now());
    expect(timed.settings.pausedUntil).not.toBe(PAUSED_INDEFINITELY);
    await host.stop();
    host = await startHostProcess({ home: host.home });
    const after = await listed();
    expect(after.settings).toEqual(timed.settings);
    expect(after.notifications).toEqual(notifications);
  });

  it('an agent flooding agents.report with its own token is held to its limit, and a crash notice stays listed', async () => {
    const work = await lane('work');
    await startAgent(crasher(work.path, 'first'));
    await expect.poll(async () => (await ofKind('agent.exited')).map((n) => n.title)).toEqual(['first exited unexpectedly in lane work of flower']);

    // 600 reports in about 2 s, busy and waiting in turn, each a would-be notification.
    // In its lane: a confined agent writes nowhere else.
    const out = join(work.path, 'flood.json');
    const script = `
      const url = process.env.GROVE_URL + '/api/agents.report';
      const headers = { authorization: 'Bearer ' + process.env.GROVE_AGENT_TOKEN, 'content-type': 'application/json' };
      (async () => {
        const started = Date.now(), statuses = {};
        let limited = null;
        for (let b = 0; b < 12; b++) {
          await Promise.all(Array.from({ length: 50 }, async (_, i) => {
            const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ event: i % 2 ? 'stop' : 'prompt' }) });
            const body = await r.json();
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            if (r.status === 429) limited ??= body.error;
          }));
        }
        require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ elapsedMs: Date.now() - started, statuses, limited }));
        setInterval(() => {}, 1000);
      })();`;
    const flooder = await startAgent({ lanePath: work.path, preset: 'custom', name: 'flooder', command: process.execPath, args: ['-e', script], restart: 'never' });
    await expect.poll(() => existsSync(out), { timeout: 30_000 }).toBe(true);
    const flood = JSON.parse(readFileSync(out, 'utf8')) as { elapsedMs: number; statuses: Record<string, number>; limited: { code: string; message: string; details: unknown } | null };

    // At most the burst (30) and 5 a second got through; the rest were answered 429 rate_limited.
    const allowed = 30 + Math.ceil((5 * flood.elapsedMs) / 1000);
    expect(flood.statuses['200']! + flood.statuses['429']!).toBe(600);
    expect(flood.statuses['200']).toBeGreaterThanOrEqual(30);
    expect(flood.statuses['200']).toBeLessThanOrEqual(allowed);
    expect(flood.limited).toEqual({
      code: 'rate_limited',
      message: "flooder reported its state more than 30 times at once or 5 times a second; this report was dropped. Grove's hooks report each event once; whatever calls agents.report in a loop should stop.",
      details: { agentId: flooder.id, burst: 30, perSecond: 5 },
    });

    // The crash notice is still in the list a client reads, with what it said; the flood left a bounded trace.
    const { notifications } = await listed();
    expect(notifications.filter((n) => n.kind === 'agent.exited').map((n) => [n.title, n.body, n.quiet])).toEqual([
      ['first exited unexpectedly in lane work of flower', 'first: exit 3 — first: could not connect to the database. It is not restarted.', null],
    ]);
    const fromFlood = notifications.filter((n) => n.target.kind === 'agent' && n.target.agentId === flooder.id);
    expect(fromFlood.length).toBeLessThanOrEqual(Math.ceil(allowed / 2));
    expect(fromFlood.filter((n) => n.quiet === null).map((n) => [n.kind, n.title])).toEqual([['agent.waiting', 'flooder is waiting for you']]);
    const updates = (await eventsSince(host)).filter((e) => e.event.type === 'agent.updated' && e.event.agent.id === flooder.id);
    expect(updates.length).toBeLessThanOrEqual(allowed + 5);
  });

  it('refuses a pause of no minutes, or of more than a week', async () => {
    expect((await api(host, 'notifications.pause', { minutes: 0 })).body.error!.code).toBe('invalid_request');
    expect((await api(host, 'notifications.pause', { minutes: 7 * 24 * 60 + 1 })).body.error!.code).toBe('invalid_request');
    expect((await listed()).settings).toEqual({ pausedUntil: null, escalateAfterMinutes: 10 });
  });

  // Two escalations and two quiet spells of 4.5 s: about 17 s alone, more beside other files.
  it('an agent left waiting: escalated once after the set minutes; a new wait escalates again; 0 turns it off', async () => {
    // 0.05 minutes: the escalation after 3 s, so the test needs no ten-minute wait.
    const configured = await api(host, 'notifications.configure', { escalateAfterMinutes: 0.05 });
    expect(configured.body.result).toEqual({ settings: { pausedUntil: null, escalateAfterMinutes: 0.05 } });
    const design = await lane('design');
    const agent = await startAgent({ lanePath: design.path, preset: 'claude', name: 'claude-design', command: fakeClaude, env: { HOME: makeTempDir() } });
    await api(host, 'agents.input', { id: agent.id, data: '/permission\r' });
    await expect.poll(async () => (await ofKind('agent.waiting')).length, HOOKS).toBe(1);

    await expect.poll(async () => (await ofKind('agent.still-waiting')).length, HOOKS).toBe(1);
    const [waited] = await ofKind('agent.still-waiting');
    const [told] = await ofKind('agent.waiting');
    expect(waited).toMatchObject({
      severity: 'warning',
      target: { kind: 'agent', agentId: agent.id },
      workspace: design.path,
      quiet: null,
      readAt: null,
    });
    expect(waited!.title).toMatch(/^claude-design has waited \d+ s for you$/);
    expect(waited!.body).toMatch(/^claude-design asks for your permission in lane design of flower, for \d+ s now\.$/);
    expect(Date.parse(waited!.at) - Date.parse(told!.at)).toBeGreaterThanOrEqual(2_500);
    // The same wait (answered, the turn ended: still waiting) is not escalated again.
    await api(host, 'agents.input', { id: agent.id, data: 'y\r' });
    await new Promise((r) => setTimeout(r, 4_500));
    expect(await ofKind('agent.still-waiting')).toHaveLength(1);

    // It works and waits again: a new wait, escalated again (listed; within the minute the rate limit keeps it quiet).
    await api(host, 'agents.input', { id: agent.id, data: 'and the cart\r' });
    await expect.poll(async () => (await ofKind('agent.still-waiting')).map((n) => n.quiet), HOOKS).toEqual(['rate-limited', null]);

    // Off: another wait goes unescalated.
    expect((await api(host, 'notifications.configure', { escalateAfterMinutes: 0 })).body.result).toEqual({ settings: { pausedUntil: null, escalateAfterMinutes: 0 } });
    await api(host, 'agents.input', { id: agent.id, data: 'and the invoices\r' });
    await expect.poll(async () => (await ofKind('agent.waiting')).length, HOOKS).toBe(3);
    await new Promise((r) => setTimeout(r, 4_500));
    expect(await ofKind('agent.still-waiting')).toHaveLength(2);
    // Every client heard of each change of the setting.
    const events = await eventsSince(host);
    expect(events.flatMap((e) => (e.event.type === 'notifications.settings' ? [e.event.settings.escalateAfterMinutes] : []))).toEqual([0.05, 0]);
  }, 60_000);

  it('marks read the named notifications, then all; every client hears it; the read state outlives a restart', async () => {
    const work = await lane('work');
    await startAgent(crasher(work.path, 'first'));
    await startAgent(crasher(work.path, 'second'));
    await expect.poll(async () => (await ofKind('agent.exited')).length).toBe(2);
    const [second, first] = (await listed()).notifications;
    expect([first!.readAt, second!.readAt]).toEqual([null, null]);
    expect(first!.workspace).toBe(work.path);

    const one = (await api(host, 'notifications.markRead', { ids: [first!.id] })).body.result as { ids: string[]; readAt: string };
    expect(one.ids).toEqual([first!.id]);
    expect((await listed()).notifications.map((n) => n.readAt)).toEqual([null, one.readAt]);
    const all = (await api(host, 'notifications.markRead', {})).body.result as { ids: string[]; readAt: string };
    expect(all.ids).toEqual([second!.id]);
    expect(((await api(host, 'notifications.markRead', {})).body.result as { ids: string[] }).ids).toEqual([]);

    const events = await eventsSince(host);
    expect(events.flatMap((e) => (e.event.type === 'notifications.read' ? [e.event.ids] : []))).toEqual([[first!.id], [second!.id]]);
    await host.stop();
    host = await startHostProcess({ home: host.home });
    expect((await listed()).notifications.map((n) => n.readAt)).toEqual([all.readAt, one.readAt]);
  });
});
