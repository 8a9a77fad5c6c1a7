import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MainHealth } from '../../src/shared/health';
import { HealthTimeline, Incident } from '../../src/shared/incidents';
import type { Lane, MergeRecord } from '../../src/shared/lanes';
import { git } from '../fixtures/git-repo';
import { alertsOf, eventsSince } from '../fixtures/host-events';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, mainHealth, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * MAIN's incident log and timeline, kept by a real host. A lane with an agent working in it
 * merges a change that makes MAIN's command probe die the way `php artisan` did: MAIN turns
 * broken within seconds although the probe's interval is an hour (a failure below the
 * threshold is retried after the debounce), one incident opens naming the probe, its output
 * and the commit with the lane, branch and agent it came through; the fix closes it saying
 * how. The history survives a host restart, and a restart while MAIN is broken keeps the
 * one incident open until MAIN recovers.
 */
let host: HostProcess;
let main: string;
let repoId: string;

beforeEach(async () => {
  ({ host, main, repoId } = await startHostWithProbedRepo({
    // A gate that checks something else, so the bad merge lands and the probes must notice.
    merge: { gate: 'true' },
    health: { debounceMs: 200, probes: [{ name: 'artisan', command: `${ARTISAN_COMMAND}; echo "Laravel 11"`, intervalSeconds: 3600 }] },
  }));
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const r = await api(host, method, params);
  expect(r.body.ok, `${method}: ${JSON.stringify(r.body)}`).toBe(true);
  return r.body.result as T;
}
const healthState = async (): Promise<MainHealth['state']> => (await mainHealth(host, repoId)).state;
const incidents = async (): Promise<Incident[]> => (await call<{ incidents: Incident[] }>('incidents.list', { repoId })).incidents;
const head = (): string => git(main, 'rev-parse', 'HEAD');

/** A lane whose one commit `change` makes, merged through Grove; optionally with an agent working in it. */
async function mergeLane(name: string, change: (dir: string) => void, agent?: string): Promise<MergeRecord> {
  const lane = (await call<{ lane: Lane }>('lanes.create', { repoId, name })).lane;
  if (agent) await call('agents.start', { lanePath: lane.path, preset: 'custom', command: 'sleep', args: ['600'], name: agent });
  change(lane.path);
  git(lane.path, 'add', '-A');
  git(lane.path, 'commit', '-q', '-m', `${name}: the change`);
  return (await call<{ merge: MergeRecord }>('lanes.merge', { id: lane.id })).merge;
}
const fixMain = (dir: string): void => void git(dir, 'rm', '-q', 'BROKEN');

describe('incidents', () => {
  it('a bad merge opens one incident naming the probe, its output and the lane, branch and agent; the fix closes it', async () => {
    await expect.poll(healthState).toBe('healthy');
    const healthyHead = head();

    const bad = await mergeLane('bad', breakMain, 'worker');
    expect(bad.agents).toEqual(['worker']);
    // The probe runs every hour: only the debounce after the merge and the retry below the threshold (2) can break MAIN this soon.
    await expect.poll(healthState).toBe('broken');
    await expect.poll(async () => (await incidents()).length).toBe(1);
    const [opened] = await incidents();
    expect(Incident.parse(opened)).toEqual(opened);
    expect(opened).toMatchObject({ repoId, closedAt: null, recovery: null, headAtOpen: bad.mainAfter, lastHealthyHead: healthyHead });
    expect(opened!.lastHealthyAt).not.toBeNull();
    expect(opened!.probes).toEqual([{ name: 'artisan', detail: 'exit 255', outputTail: expect.stringContaining('Cannot redeclare dispatch()') }]);
    expect(opened!.commits).toEqual([
      { sha: bad.mainAfter, subject: 'bad: the change', author: 'Grove Test', date: expect.any(String), via: { mergeId: bad.id, laneName: 'bad', branch: 'bad', agents: ['worker'] } },
    ]);
    expect((await alertsOf(host)).filter((a) => a.includes('is broken'))).toEqual(['MAIN of flower is broken (artisan: exit 255).']);

    const fix = await mergeLane('fix', fixMain);
    await expect.poll(healthState).toBe('healthy');
    await expect.poll(async () => (await incidents())[0]!.closedAt).not.toBeNull();
    const list = await incidents();
    expect(list).toHaveLength(1);
    const closed = list[0]!;
    expect(closed.id).toBe(opened!.id);
    expect(closed.recovery).toMatchObject({ head: fix.mainAfter, how: `merge of lane fix (${fix.mainAfter.slice(0, 12)})` });
    expect(closed.recovery!.commits.map((c) => [c.sha, c.via?.laneName])).toEqual([[fix.mainAfter, 'fix']]);
    expect((await call<{ incident: Incident }>('incidents.get', { id: closed.id })).incident).toEqual(closed);

    // Told twice: when it opened and when it closed.
    const told = (await eventsSince(host)).flatMap((e) => (e.event.type === 'incident.updated' && e.event.incident.id === closed.id ? [e.event.incident] : []));
    expect(told.map((i) => i.closedAt === null)).toEqual([true, false]);
    expect((await alertsOf(host)).filter((a) => a.includes('recovered'))).toEqual(['MAIN of flower recovered: every probe passes again.']);

    const { timeline } = await call<{ timeline: HealthTimeline }>('health.history', { repoId });
    expect(HealthTimeline.parse(timeline)).toEqual(timeline);
    // `untrusted`: the moments between registering flower and trusting its commands.
    const seen = timeline.segments.map((s) => s.state).filter((s) => s !== 'none' && s !== 'unknown' && s !== 'untrusted');
    expect(seen).toEqual(['healthy', 'degraded', 'broken', 'healthy']);
    const broken = timeline.segments.find((s) => s.state === 'broken')!;
    expect(broken.to).toBe(timeline.segments[timeline.segments.indexOf(broken) + 1]!.from);
    expect(timeline.uptime).toBeGreaterThan(0);
    expect(timeline.uptime).toBeLessThan(1);
    expect(timeline.runs[0]).toMatchObject({ probe: 'artisan', ok: true, outputTail: '' });
    const failed = timeline.runs.filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]!.outputTail).toContain('Cannot redeclare dispatch()');
  });

  it('a restart while MAIN is broken keeps the one incident; a rollback through Grove then closes it, naming the lane', async () => {
    await expect.poll(healthState).toBe('healthy');
    const healthyHead = head();
    const bad = await mergeLane('bad', breakMain);
    await expect.poll(async () => (await incidents()).length).toBe(1);
    const [opened] = await incidents();

    await host.stop();
    host = await startHostProcess({ home: host.home });
    expect(await incidents()).toEqual([opened]);
    // The new host finds MAIN broken again (two failed runs) without opening a second incident or alerting again.
    await expect.poll(healthState).toBe('broken');
    expect((await incidents()).map((i) => [i.id, i.closedAt])).toEqual([[opened!.id, null]]);
    expect((await alertsOf(host)).filter((a) => a.includes('is broken'))).toEqual(['MAIN of flower is broken (artisan: exit 255).']);

    await call('merges.rollback', { id: bad.id });
    expect(head()).toBe(healthyHead);
    await expect.poll(healthState).toBe('healthy');
    await expect.poll(async () => (await incidents())[0]!.closedAt).not.toBeNull();
    const [closed] = await incidents();
    expect(closed!.id).toBe(opened!.id);
    expect(closed!.recovery).toMatchObject({
      head: healthyHead,
      how: `merge of lane bad (${bad.mainAfter.slice(0, 12)}) rolled back; MAIN back at ${healthyHead.slice(0, 12)}`,
      commits: [],
    });

    // The timeline shows the restart as a gap Grove did not watch, between two broken stretches.
    const { timeline } = await call<{ timeline: HealthTimeline }>('health.history', { repoId, runs: 0 });
    const states = timeline.segments.map((s) => s.state);
    const gap = states.indexOf('none', states.indexOf('broken'));
    expect(gap).toBeGreaterThan(0);
    expect(states.slice(gap)).toContain('broken');
    expect(states.at(-1)).toBe('healthy');
    expect(timeline.runs).toEqual([]);
  });

  it('answers plainly about what it does not know', async () => {
    const unknown = await api(host, 'incidents.get', { id: 'no-such-incident' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'incident_unknown', message: expect.stringContaining('incidents.list') });
    expect((await api(host, 'health.history', { repoId: 'nope' })).body.error!.code).toBe('repo_unknown');
    const backwards = await api(host, 'health.history', { repoId, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' });
    expect(backwards.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('must be before') });
    expect(await incidents()).toEqual([]);
  });
});

describe('a merge landing while the probes run', () => {
  it('judges no commit the probes did not all see: the fix that lands mid-round is the one the recovery names', async () => {
    await stopAllHosts();
    // `slow` says when it starts (outside MAIN, so MAIN stays clean) and takes a while.
    const started = join(makeTempDir(), 'slow-started');
    ({ host, main, repoId } = await startHostWithProbedRepo({
      merge: { gate: 'true' },
      health: {
        debounceMs: 200,
        probes: [
          { name: 'slow', command: `touch ${started}; sleep 3`, intervalSeconds: 3600, timeoutSeconds: 30 },
          { name: 'artisan', command: ARTISAN_COMMAND, intervalSeconds: 3600, failureThreshold: 1 },
        ],
      },
    }));
    await expect.poll(healthState, { timeout: 20_000 }).toBe('healthy');
    await mergeLane('bad', breakMain);
    await expect.poll(healthState, { timeout: 20_000 }).toBe('broken');
    await expect.poll(async () => (await incidents()).filter((i) => i.closedAt === null).length).toBe(1);
    rmSync(started, { force: true });
    await mergeLane('noop', (d) => writeFileSync(join(d, 'NOOP'), 'x\n'));
    const noopHead = head();
    // The round for noop's HEAD is in `slow`: the fix lands now, before `artisan` runs.
    await expect.poll(() => existsSync(started), { timeout: 20_000 }).toBe(true);
    await mergeLane('fix', fixMain);
    const fixHead = head();
    await expect.poll(async () => (await incidents())[0]?.closedAt ?? null, { timeout: 30_000 }).not.toBeNull();
    const [incident] = await incidents();
    expect(incident!.recovery).toMatchObject({ head: fixHead, how: expect.stringContaining('fix') });
    expect(incident!.recovery!.head).not.toBe(noopHead);
  });
});
