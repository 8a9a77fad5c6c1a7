import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import type { Lane } from '../../src/shared/lanes';
import { OpsStatus, type OpsLoop } from '../../src/shared/ops';
import { git, makeRepo } from '../fixtures/git-repo';
import { runGrove } from '../fixtures/grove-cli';
import { alertsOf, eventsSince } from '../fixtures/host-events';
import { api, cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { commitIn, headOf, write } from '../fixtures/lane-repo';
import { addRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { canConfine } from '../fixtures/can-confine';
import { killLeftovers, known, type KnownProcess } from '../fixtures/leftover-processes';

/**
 * The ops loop under a real host: a standing agent in its own worktree that follows MAIN
 * (or in MAIN itself), kept alive by the terminals' supervision, reading MAIN's state from
 * the status file Grove keeps for it. A loop that keeps crashing backs off and ends fatal
 * with one alert.
 */
const FAST_RESTARTS = { GROVE_RESTART: JSON.stringify({ minUptimeMs: 1000, initialBackoffMs: 50, maxBackoffMs: 200, maxUnstableRestarts: 3 }) };

let host: HostProcess;
let main: string;
let repoId: string;
/** Where the agents of these tests leave what they saw: outside every checkout, so none gets dirty. */
let notes: string;
/** Setup commands a killed host left running: the next host ends them (ended here by pid should that fail). */
const leftovers: KnownProcess[] = [];

async function setUp(groveYaml: string, env: Record<string, string> = {}): Promise<void> {
  // The loop runs confined: the notes dir is declared writable, as an operator would a tool's cache.
  const withNotes = groveYaml.includes('lanes:\n') ? groveYaml.replace('lanes:\n', `lanes:\n  writable: [${notes}]\n`) : `lanes:\n  writable: [${notes}]\n${groveYaml}`;
  commitIn(main, 'grove.yaml', withNotes, 'grove.yaml');
  host = await startHostProcess({ env });
  repoId = await addRepo(host, main);
}

beforeEach(() => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  notes = realpathSync(makeTempDir('grove-ops-notes-'));
});
afterEach(async () => {
  killLeftovers(leftovers);
  await stopAllHosts();
  removeTempDirs();
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await api(host, method, params);
  expect(r.body.ok, `${method}: ${JSON.stringify(r.body)}`).toBe(true);
  return r.body.result as T;
}
const startOps = async (command?: string): Promise<OpsLoop> => (await call<{ loop: OpsLoop }>('ops.start', { repoId, ...(command ? { command } : {}) })).loop;
const loopNow = async (): Promise<OpsLoop | undefined> => (await call<{ loops: OpsLoop[] }>('ops.list', { repoId })).loops[0];
const agentNow = async (id: string): Promise<AgentInfo | undefined> => (await call<{ agents: AgentInfo[] }>('agents.list', {})).agents.find((a) => a.id === id);
const alerts = (): Promise<string[]> => alertsOf(host);
const readStatus = (path: string): OpsStatus | null => {
  try {
    return OpsStatus.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
};
const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function mergeLane(name: string, file: string): Promise<string> {
  const lane = (await call<{ lane: Lane }>('lanes.create', { repoId, name })).lane;
  commitIn(lane.path, file, `${name}\n`);
  await call('lanes.merge', { id: lane.id });
  return headOf(main);
}

const grove = (args: string[]) => runGrove(host, args);

describe('the ops loop', () => {
  it('keeps crashing: backs off, ends fatal with exactly one alert and no more restarts; ops start gives it a fresh try', async () => {
    const runs = join(notes, 'runs');
    await setUp(`ops:\n  command: echo run >> ${runs}; exit 1\n`, FAST_RESTARTS);
    const loop = await startOps();
    const agentId = loop.agentId!;
    expect(agentId).toMatch(/^[0-9a-f-]{36}$/);

    await expect.poll(async () => (await agentNow(agentId))?.supervision.kind, { timeout: 15_000 }).toBe('fatal');
    const agent = (await agentNow(agentId))!;
    expect(agent).toMatchObject({ name: 'ops-flower', isOpsLoop: true, restart: 'always', restarts: 3 });
    expect(lines(runs)).toHaveLength(4); // the first run and 3 restarts
    const sawBackoff = (await eventsSince(host)).some(
      (e) => e.event.type === 'agent.updated' && e.event.agent.id === agentId && e.event.agent.supervision.kind === 'backoff',
    );
    expect(sawBackoff).toBe(true);
    expect(await alerts()).toEqual(['ops-flower: gave up after 3 restarts in a row that each ran under 1 s (last exit: code 1)']);
    // Nothing more, proven by a marker rather than a pause: an agent started now that exits
    // after a second. The host sees that exit after any restart still pending (due within
    // maxBackoffMs, 200 ms) would have been announced; so once the marker's exit is in the
    // event log, the log says everything the ops agent did since it went fatal.
    const fatalSeq = (await eventsSince(host)).findLast((e) => e.event.type === 'agent.updated' && e.event.agent.id === agentId && e.event.agent.supervision.kind === 'fatal')!.seq;
    const marker = await call<{ agent: AgentInfo }>('agents.start', { lanePath: notes, preset: 'custom', command: 'sh', args: ['-c', 'sleep 1'], name: 'marker' });
    await expect.poll(async () => (await agentNow(marker.agent.id))?.supervision.kind, { timeout: 10_000 }).toBe('exited');
    const since = (await eventsSince(host, fatalSeq)).filter((e) => e.event.type.startsWith('agent.') && 'agent' in e.event && e.event.agent.id === agentId);
    expect(since).toEqual([]);
    expect(lines(runs)).toHaveLength(4);
    expect((await agentNow(agentId))!.supervision.kind).toBe('fatal');

    // The operator's start brings the same agent back with a fresh budget of restarts.
    expect((await startOps()).agentId).toBe(agentId);
    await expect.poll(() => lines(runs).length, { timeout: 15_000 }).toBe(8);
    await expect.poll(async () => (await agentNow(agentId))?.supervision.kind, { timeout: 15_000 }).toBe('fatal');
    expect(await alerts()).toEqual(['ops-flower: gave up after 3 restarts in a row that each ran under 1 s (last exit: code 1)', 'ops-flower: gave up after 3 restarts in a row that each ran under 1 s (last exit: code 1)']);
  });

  it('ops start while its agent\'s stop is still under way starts it once stopped; recycling it is refused (a second loop)', async () => {
    // An agent slow to stop: it ignores the interrupt, so its stop waits for the terminate
    // (shown `stopping`, or `exited` while what it left behind is still being ended).
    await setUp(`ops:\n  command: trap '' INT; while :; do sleep 0.2; done\n`);
    const id = (await startOps()).agentId!;
    await expect.poll(async () => (await agentNow(id))?.supervision.kind).toBe('running');
    const stopped = api(host, 'agents.stop', { id });
    await expect.poll(async () => (await agentNow(id))?.supervision.kind).not.toBe('running');
    expect((await startOps()).agentId).toBe(id);
    expect((await stopped).body.ok).toBe(true);
    await expect.poll(async () => (await agentNow(id))?.supervision.kind, { timeout: 10_000 }).toBe('running');

    const recycled = await api(host, 'agents.recycle', { id });
    expect(recycled.body.error).toMatchObject({ code: 'invalid_request', message: 'ops-flower is its repository\'s ops loop: restart it with grove ops stop and grove ops start, not by recycling.' });
    expect((await call<{ agents: AgentInfo[] }>('agents.list', {})).agents.filter((a) => a.isOpsLoop).map((a) => a.id)).toEqual([id]);
  });

  it('runs in its own worktree; the agent finds GROVE_STATUS_FILE, which follows MAIN\'s health', async () => {
    await setUp(`health:\n  debounceMs: 200\n  probes:\n    - name: artisan\n      command: test ! -e BROKEN\n      intervalSeconds: 3600\n      failureThreshold: 1\n`);
    const seen = join(notes, 'seen');
    const loop = await startOps(`printf '%s\\n' "$GROVE_STATUS_FILE" "$GROVE_REPO" "$GROVE_MAIN" "$(pwd)" > ${seen}; cat "$GROVE_STATUS_FILE" > ${seen}.json; exec sleep 600`);
    expect(loop).toMatchObject({ checkout: 'worktree', path: `${main}.ops`, head: headOf(main), behindReason: null });
    expect(git(main, 'worktree', 'list', '--porcelain')).toContain(`worktree ${main}.ops\nHEAD ${headOf(main)}\ndetached`);

    await expect.poll(() => lines(seen)).toEqual([loop.statusFile, 'flower', main, `${main}.ops`]);
    // The file was there before the agent first looked.
    expect(OpsStatus.safeParse(JSON.parse(readFileSync(`${seen}.json`, 'utf8'))).success).toBe(true);
    await expect.poll(() => readStatus(loop.statusFile)?.health.state).toBe('healthy');
    expect(readStatus(loop.statusFile)).toMatchObject({
      repo: { id: repoId, name: 'flower', mainPath: main },
      main: { branch: 'main', head: headOf(main) },
      incident: null,
      checkout: { mode: 'worktree', path: `${main}.ops`, head: headOf(main) },
    });

    writeFileSync(join(main, 'BROKEN'), 'public function dispatch() {}\n');
    await expect.poll(() => readStatus(loop.statusFile)?.health.state, { timeout: 5000 }).toBe('broken');
    expect(readStatus(loop.statusFile)!.health.probes[0]).toMatchObject({ name: 'artisan', state: 'failing' });
    // The edit that broke MAIN is in the file: now, and as the incident recorded it.
    const brokenEdit = { files: [{ path: 'BROKEN', added: 1, removed: 0, untracked: true }], more: 0, diffTail: '--- /dev/null\n+++ b/BROKEN\n+public function dispatch() {}\n' };
    await expect.poll(() => readStatus(loop.statusFile)?.incident?.editsAtOpen, { timeout: 5000 }).toEqual(brokenEdit);
    expect(readStatus(loop.statusFile)!.main.edits).toEqual(brokenEdit);
    // The ops checkout is not a lane: not listed, not adoptable.
    expect((await call<{ lanes: Lane[] }>('lanes.list', { repoId })).lanes).toEqual([]);
    expect((await api(host, 'lanes.adopt', { repoId, path: `${main}.ops` })).body.error?.code).toBe('lane_not_adoptable');
  });

  it('its own worktree gets the setup recipe a lane gets: .env copied ({{lane}} = ops), links, postCreate, before the agent starts', async () => {
    write(main, '.gitignore', '.env\nvendor/\nshared.md\n');
    git(main, 'add', '.gitignore');
    git(main, 'commit', '-q', '-m', 'ignore .env');
    write(main, '.env', 'APP_NAME=flower\nAPP_KEY=base64:abc\n');
    write(main, 'shared.md', 'shared playbook\n');
    await setUp(
      [
        'setup:',
        '  copy:',
        '    - from: .env',
        "      set: { APP_URL: 'http://{{lane}}.test' }",
        '  link: [shared.md]',
        `  postCreate: ['mkdir -p vendor && echo "$GROVE_LANE_NAME" > vendor/installed-for']`,
        'ops:',
        `  command: cat .env vendor/installed-for > ${notes}/seen; exec sleep 600`,
        '',
      ].join('\n'),
    );
    const loop = await startOps();
    await expect.poll(() => lines(join(notes, 'seen'))).toEqual(['APP_NAME=flower', 'APP_KEY=base64:abc', 'APP_URL=http://ops.test', 'ops']);
    expect(readFileSync(join(loop.path, 'shared.md'), 'utf8')).toBe('shared playbook\n');
    expect((await alerts()).filter((a) => a.includes('setup of'))).toEqual([]);

    // Its checkout deleted while no host ran: the next host makes it again, with its recipe.
    await host.stop();
    rmSync(loop.path, { recursive: true, force: true });
    rmSync(join(notes, 'seen'));
    host = await startHostProcess({ home: host.home });
    await expect.poll(() => lines(join(notes, 'seen')), { timeout: 15_000 }).toEqual(['APP_NAME=flower', 'APP_KEY=base64:abc', 'APP_URL=http://ops.test', 'ops']);
  });

  it('a checkout made again with a slow setup does not hold the host\'s start; a stop ends that setup', async () => {
    const postCreate = `touch ${notes}/setup-started; if [ -e ${notes}/slow ]; then sleep 120; fi; touch ${notes}/setup-done`;
    await setUp(['setup:', `  postCreate: ['${postCreate}']`, 'ops:', '  command: exec sleep 600', ''].join('\n'));
    const loop = await startOps();
    await expect.poll(() => existsSync(join(notes, 'setup-done'))).toBe(true);
    await host.stop();
    rmSync(loop.path, { recursive: true, force: true });
    for (const f of ['setup-started', 'setup-done']) rmSync(join(notes, f));
    writeFileSync(join(notes, 'slow'), '');
    // The host answers while the setup of its ops checkout still runs.
    const t0 = Date.now();
    host = await startHostProcess({ home: host.home });
    expect(Date.now() - t0).toBeLessThan(60_000);
    await expect.poll(() => existsSync(join(notes, 'setup-started')), { timeout: 15_000 }).toBe(true);
    expect((await api(host, 'host.status', {})).body.ok).toBe(true);
    expect(existsSync(join(notes, 'setup-done'))).toBe(false);
    // And its stop ends the setup (sleep 120) rather than waiting for it.
    const stopping = Date.now();
    await host.stop();
    expect(Date.now() - stopping).toBeLessThan(30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(notes, 'setup-done'))).toBe(false);
  });

  it('started, and the host stops during its checkout\'s setup: no agent then, the loop kept; the next host finishes the setup and starts it', async () => {
    const postCreate = `echo $$ > ${notes}/setup-started; if [ -e ${notes}/slow ]; then exec sleep 120; fi; touch ${notes}/setup-done`;
    const command = `if [ -e ${notes}/setup-done ]; then echo set-up; else echo not-set-up; fi >> ${notes}/agent; exec sleep 600`;
    await setUp(['setup:', `  postCreate: ['${postCreate}']`, 'ops:', `  command: '${command}'`, ''].join('\n'));
    writeFileSync(join(notes, 'slow'), '');
    const starting = api(host, 'ops.start', { repoId }).catch(() => null);
    await expect.poll(() => lines(join(notes, 'setup-started')), { timeout: 15_000 }).toHaveLength(1);
    leftovers.push(known(Number(lines(join(notes, 'setup-started'))[0])));
    await host.stop();
    const answer = await starting;
    if (answer) expect(answer.body.error?.code).toBe('host_stopping');
    expect(lines(join(notes, 'agent'))).toEqual([]);

    rmSync(join(notes, 'slow'));
    host = await startHostProcess({ home: host.home });
    await expect.poll(() => existsSync(join(notes, 'setup-done')), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => lines(join(notes, 'agent')), { timeout: 15_000 }).toEqual(['set-up']);
    expect((await loopNow())?.agentId).toBeTruthy();
    expect((await alerts()).filter((a) => a.includes('ops loop'))).toEqual([]);
  });

  it('a setup of its checkout cut short (the host stopped, or killed) is done again by the next host, before the agent starts', async () => {
    const postCreate = `echo $$ > ${notes}/setup-started; if [ -e ${notes}/slow ]; then exec sleep 120; fi; touch ${notes}/setup-done`;
    const command = `if [ -e ${notes}/setup-done ]; then echo set-up; else echo not-set-up; fi >> ${notes}/agent; exec sleep 600`;
    await setUp(['setup:', `  postCreate: ['${postCreate}']`, 'ops:', `  command: '${command}'`, ''].join('\n'));
    const loop = await startOps();
    await expect.poll(() => lines(join(notes, 'agent'))).toEqual(['set-up']);
    // Its checkout deleted while no host ran: the next host makes it again, and its setup is
    // cut short, first by that host's stop, then by the next one's crash.
    await host.stop();
    rmSync(loop.path, { recursive: true, force: true });
    for (const f of ['setup-started', 'setup-done', 'agent']) rmSync(join(notes, f));
    writeFileSync(join(notes, 'slow'), '');
    for (const end of [() => host.stop(), () => host.kill9()]) {
      host = await startHostProcess({ home: host.home });
      await expect.poll(() => lines(join(notes, 'setup-started')), { timeout: 15_000 }).toHaveLength(1);
      leftovers.push(known(Number(lines(join(notes, 'setup-started'))[0])));
      rmSync(join(notes, 'setup-started'));
      await end();
    }
    expect(existsSync(join(notes, 'setup-done'))).toBe(false);
    // The next host sets the checkout up again, whole this time, and only then starts the agent.
    rmSync(join(notes, 'slow'));
    host = await startHostProcess({ home: host.home });
    await expect.poll(() => existsSync(join(notes, 'setup-done')), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => lines(join(notes, 'agent'))).toEqual(['set-up']);
    expect((await alerts()).filter((a) => a.includes('setup of'))).toEqual([]);
  });

  it('follows MAIN after a merge through Grove; with an edit it stays, keeps the edit, says why and alerts once', async () => {
    await setUp('ops:\n  command: exec sleep 600\n');
    const loop = await startOps();
    const ops = loop.path;

    const first = await mergeLane('one', 'one.txt');
    await expect.poll(() => headOf(ops)).toBe(first);
    await expect.poll(async () => (await loopNow())?.head).toBe(first);
    await expect.poll(() => readStatus(loop.statusFile)?.checkout.head).toBe(first);
    expect(readStatus(loop.statusFile)!.main.head).toBe(first);

    write(ops, 'README.md', '# app, edited by the ops agent\n');
    const second = await mergeLane('two', 'two.txt');
    await expect.poll(async () => (await loopNow())?.behindReason).toBe('it has 1 uncommitted or untracked file (README.md)');
    expect(headOf(ops)).toBe(first);
    expect(readFileSync(join(ops, 'README.md'), 'utf8')).toBe('# app, edited by the ops agent\n');
    expect((await loopNow())!.head).toBe(first);
    await expect.poll(() => readStatus(loop.statusFile)).toMatchObject({ main: { head: second }, checkout: { head: first } });
    const notFollowed = async (): Promise<string[]> => (await alerts()).filter((a) => a.includes('did not follow MAIN'));
    expect(await notFollowed()).toEqual([expect.stringContaining(`did not follow MAIN to ${second.slice(0, 12)}`)]);

    // MAIN's own watcher reporting the same head again is no new head: no second alert.
    writeFileSync(join(main, 'scratch.txt'), 'an edit in MAIN\n');
    await expect.poll(async () => (await alerts()).some((a) => a.includes('uncommitted edits'))).toBe(true);
    rmSync(join(main, 'scratch.txt'));
    const third = await mergeLane('three', 'three.txt');
    await expect.poll(async () => (await notFollowed()).length).toBe(2);
    expect((await notFollowed())[1]).toContain(third.slice(0, 12));

    // Clean again, it catches up when the operator starts the loop again.
    git(ops, 'checkout', '--', 'README.md');
    await startOps();
    expect(headOf(ops)).toBe(third);
    expect(await loopNow()).toMatchObject({ head: third, behindReason: null });
  });

  it('checkout: main runs the agent in MAIN itself and stopping leaves MAIN alone', async () => {
    const pwd = join(notes, 'pwd');
    // Confined, it reads MAIN and writes nothing of it (where bubblewrap runs).
    const tryWrite = `if touch ${main}/ops-was-here 2>/dev/null; then echo wrote >> ${pwd}; fi; echo tried > ${pwd}.tried`;
    await setUp(`ops:\n  command: pwd > ${pwd}; ${tryWrite}; exec sleep 600\n  checkout: main\n`);
    const loop = await startOps();
    expect(loop).toMatchObject({ checkout: 'main', path: main, head: headOf(main) });
    await expect.poll(() => existsSync(`${pwd}.tried`)).toBe(true);
    const agent = await agentNow(loop.agentId!);
    expect(agent).toMatchObject({ lanePath: main, isOpsLoop: true, supervision: { kind: 'running' } });
    if (canConfine) {
      expect(agent!.confinement).toMatchObject({ confined: true, mechanism: 'bwrap' });
      expect(lines(pwd)).toEqual([main]);
      expect(existsSync(join(main, 'ops-was-here'))).toBe(false);
    }
    expect(git(main, 'worktree', 'list')).not.toContain('.ops');

    expect(await call('ops.stop', { repoId })).toEqual({ removed: true, checkoutKept: null });
    expect(await agentNow(loop.agentId!)).toBeUndefined();
    expect(existsSync(join(main, 'README.md'))).toBe(true);
    expect(existsSync(loop.statusFile)).toBe(false);
  });

  it('ops.stop removes a clean worktree and keeps one that holds an edit', async () => {
    commitIn(main, '.gitignore', '*.log\n');
    await setUp('ops:\n  command: exec sleep 600\n');
    const clean = await startOps();
    writeFileSync(join(clean.path, 'agent.log'), 'ignored files are nothing to keep\n');
    expect(await call('ops.stop', { repoId })).toEqual({ removed: true, checkoutKept: null });
    expect(existsSync(clean.path)).toBe(false);
    expect(git(main, 'worktree', 'list')).not.toContain('.ops');
    expect(await loopNow()).toBeUndefined();
    expect(await agentNow(clean.agentId!)).toBeUndefined();

    const dirty = await startOps();
    writeFileSync(join(dirty.path, 'notes.md'), 'what the ops agent found\n');
    expect(await call('ops.stop', { repoId })).toEqual({ removed: true, checkoutKept: dirty.path });
    expect(readFileSync(join(dirty.path, 'notes.md'), 'utf8')).toBe('what the ops agent found\n');
    expect(await loopNow()).toBeUndefined();

    // Starting again takes the kept worktree back, edit and all.
    const again = await startOps();
    expect(again.path).toBe(dirty.path);
    expect(existsSync(join(again.path, 'notes.md'))).toBe(true);
    expect((await api(host, 'ops.stop', { repoId: 'no-such-repo' })).body.error?.code).toBe('ops_unknown');
  });

  it('is refused without a command, and comes back after a host restart with its status file', async () => {
    await setUp('lanes:\n  keyless: false\n');
    const refused = await api(host, 'ops.start', { repoId });
    expect(refused.body.error?.code).toBe('ops_not_configured');
    expect(refused.body.error?.message).toContain('ops.command');

    const starts = join(notes, 'starts');
    const loop = await startOps(`echo start >> ${starts}; exec sleep 600`);
    await expect.poll(() => lines(starts)).toHaveLength(1);
    await host.stop();
    rmSync(loop.statusFile);

    host = await startHostProcess({ home: host.home });
    await expect.poll(() => lines(starts)).toHaveLength(2);
    await expect.poll(async () => (await agentNow(loop.agentId!))?.supervision.kind).toBe('running');
    expect(await loopNow()).toMatchObject({ agentId: loop.agentId, path: loop.path });
    await expect.poll(() => readStatus(loop.statusFile)?.checkout.head).toBe(headOf(main));
  });

  /** A loop whose agent (it notes each start in `starts`) ran once, then was stopped on its tab. */
  async function loopStoppedOnItsTab() {
    await setUp('lanes:\n  keyless: false\n');
    const starts = join(notes, 'starts');
    const loop = await startOps(`echo start >> ${starts}; exec sleep 600`);
    await expect.poll(() => lines(starts)).toHaveLength(1);
    expect((await api(host, 'agents.stop', { id: loop.agentId })).body.ok).toBe(true);
    await expect.poll(async () => (await agentNow(loop.agentId!))?.supervision.kind).toBe('exited');
    return { loop, starts };
  }

  it('its agent stopped on its tab stays stopped across a host restart; ops start starts it again', async () => {
    const { loop, starts } = await loopStoppedOnItsTab();
    await host.stop();

    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await loopNow())?.agentId).toBe(loop.agentId);
    await new Promise((r) => setTimeout(r, 1500)); // the host's reconcile has had its time
    expect(lines(starts)).toHaveLength(1);
    expect((await agentNow(loop.agentId!))?.supervision.kind).toBe('exited');
    expect((await api(host, 'ops.start', { repoId })).body.ok).toBe(true);
    await expect.poll(() => lines(starts)).toHaveLength(2);
  });

  it('its checkout deleted by hand while the host runs: ops start makes it again, then starts the agent', async () => {
    const { loop, starts } = await loopStoppedOnItsTab();
    rmSync(loop.path, { recursive: true, force: true });
    // Its tab's Start says what makes it again.
    const resumed = await api(host, 'agents.resume', { id: loop.agentId });
    expect(resumed.body.error).toMatchObject({ code: 'agent_lane_invalid', message: `ops-flower cannot start: its checkout ${loop.path} is gone. Run grove ops start, which makes it again.` });
    const started = await api(host, 'ops.start', { repoId });
    expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
    expect(existsSync(join(loop.path, '.git'))).toBe(true);
    await expect.poll(() => lines(starts)).toHaveLength(2);
    await expect.poll(async () => (await agentNow(loop.agentId!))?.supervision.kind).toBe('running');
  });

  it('the agent reads its status with its own token: no GROVE_HOME, no operator token or token file in its environment', async () => {
    await setUp(`health:\n  probes:\n    - name: boot\n      command: 'true'\n`);
    const envFile = join(notes, 'env');
    const fromAgent = join(notes, 'from-agent.json');
    const errFile = join(notes, 'from-agent.err');
    // The CLI is run with the agent's environment only: no --home, nothing the host did not give it.
    const command = `env -0 > ${envFile}; "${process.execPath}" "${cliEntry}" ops status --json --repo "$GROVE_REPO" > ${fromAgent} 2> ${errFile}; exec sleep 600`;
    await startOps(command);
    await expect.poll(() => existsSync(fromAgent) && readFileSync(fromAgent, 'utf8').length > 0, { timeout: 15_000 }).toBe(true);
    const env = new Map(readFileSync(envFile, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    expect(env.has('GROVE_HOME')).toBe(false);
    expect(env.has('GROVE_TOKEN')).toBe(false);
    expect([...env].filter(([, v]) => v.includes(join(host.home, 'token')) || v.includes(host.token) || v === host.home)).toEqual([]);
    expect({ url: env.get('GROVE_URL'), token: env.get('GROVE_AGENT_TOKEN')?.slice(0, 4), repo: env.get('GROVE_REPO') }).toEqual({ url: host.url, token: 'agt_', repo: 'flower' });

    expect(readFileSync(errFile, 'utf8')).toBe('');
    const seen = JSON.parse(readFileSync(fromAgent, 'utf8')) as { loops: { loop: OpsLoop; repoName: string; agent: AgentInfo | null; status: OpsStatus | null }[] };
    expect(seen.loops.map((v) => ({ repo: v.loop.repoId, name: v.repoName, agent: v.agent?.name, status: v.status?.repo.name }))).toEqual([
      { repo: repoId, name: 'flower', agent: 'ops-flower', status: 'flower' },
    ]);
  });

  it('grove ops start / status --json / stop', async () => {
    await setUp(`health:\n  probes:\n    - name: boot\n      command: 'true'\n`);
    // The agent reads MAIN's state through the CLI too.
    const fromAgent = join(notes, 'from-agent.json');
    const command = `"${process.execPath}" "${cliEntry}" ops status --json --repo "$GROVE_REPO" > ${fromAgent}; exec sleep 600`;
    const started = await grove(['ops', 'start', '--command', command]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`The ops loop of flower runs \`${command}\` in ${main}.ops`);
    await expect.poll(() => existsSync(fromAgent) && (JSON.parse(readFileSync(fromAgent, 'utf8')) as { loops: { status: OpsStatus }[] }).loops[0]?.status.repo.name, { timeout: 15_000 }).toBe('flower');

    await expect.poll(async () => {
      const status = await grove(['ops', 'status', '--json']);
      const parsed = JSON.parse(status.stdout) as { loops: { loop: OpsLoop; agent: AgentInfo | null; status: OpsStatus | null }[] };
      const v = parsed.loops[0];
      return v && { repo: v.loop.repoId, agent: v.agent?.supervision.kind, main: v.status?.main.head, health: v.status?.health.state, incident: v.status?.incident };
    }).toEqual({ repo: repoId, agent: 'running', main: headOf(main), health: 'healthy', incident: null });

    const human = await grove(['ops', 'status']);
    expect(human.stdout).toContain('flower: ops loop');
    expect(human.stdout).toMatch(/agent\s+ops-flower: running \(pid \d+\), 0 restarts/);
    expect(human.stdout).toMatch(/MAIN\s+main at [0-9a-f]{12}, healthy/);
    expect(human.stdout).toMatch(/incident\s+none/);

    const stopped = await grove(['ops', 'stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('Stopped the ops loop of flower.');
    expect((await grove(['ops', 'status'])).stdout).toContain('No ops loop');
    expect((await grove(['ops', 'stop', '--command', 'x'])).code).toBe(2);
  });
});
