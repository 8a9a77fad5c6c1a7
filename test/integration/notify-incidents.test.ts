import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/shared/events';
import type { MainHealth } from '../../src/shared/health';
import type { HealthTimeline } from '../../src/shared/incidents';
import type { Lane } from '../../src/shared/lanes';
import type { Notification } from '../../src/shared/notifications';
import { git, makeRepo } from '../fixtures/git-repo';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * One notification per incident, not per probe run: a bad merge breaks MAIN and the probe
 * keeps failing run after run, yet the operator hears "MAIN is broken" once; the fix
 * brings one "works again"; a host restart tells neither again. Real host, real git, the
 * probe dying the way `php artisan` did.
 */
let host: HostProcess;
let main: string;
let repoId: string;

beforeEach(async () => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  // The gate checks something else, so the bad merge lands and the probes must notice.
  writeFileSync(
    join(main, 'grove.yaml'),
    `merge:
  gate: 'true'
health:
  debounceMs: 200
  probes:
    - name: artisan
      command: 'if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi'
      intervalSeconds: 1
      failureThreshold: 1
`,
  );
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'probes');
  host = await startHostProcess();
  repoId = ((await api(host, 'repos.add', { path: main })).body.result as { repo: { id: string } }).repo.id;
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const health = async (): Promise<MainHealth> => ((await api(host, 'health.get', { repoId })).body.result as { repos: { health: MainHealth }[] }).repos[0]!.health;
const told = async (): Promise<Notification[]> => ((await api(host, 'notifications.list', {})).body.result as { notifications: Notification[] }).notifications;
const ofKind = async (kind: Notification['kind']): Promise<Notification[]> => (await told()).filter((n) => n.kind === kind);
const failedRuns = async (): Promise<number> => {
  const r = await api(host, 'health.history', { repoId, runs: 200 });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { timeline: HealthTimeline }).timeline.runs.filter((run) => !run.ok).length;
};

async function mergeLaneWith(name: string, change: (dir: string) => void): Promise<void> {
  const lane = ((await api(host, 'lanes.create', { repoId, name })).body.result as { lane: Lane }).lane;
  change(lane.path);
  git(lane.path, 'add', '-A');
  git(lane.path, 'commit', '-q', '-m', name);
  const merged = await api(host, 'lanes.merge', { id: lane.id });
  expect(merged.body.ok, JSON.stringify(merged.body)).toBe(true);
}

describe('notifications about MAIN', () => {
  it('a bad merge: exactly one main.broken while the probe keeps failing; the fix: exactly one main.recovered', async () => {
    await expect.poll(async () => (await health()).state).toBe('healthy');

    await mergeLaneWith('bad', (dir) => writeFileSync(join(dir, 'BROKEN'), 'public function dispatch() {}\n'));
    await expect.poll(async () => (await ofKind('main.broken')).length).toBe(1);
    const [broken] = await ofKind('main.broken');
    expect(broken).toMatchObject({ severity: 'critical', title: 'MAIN of flower is broken', quiet: null, target: { kind: 'incident', repoId } });
    expect(broken!.body).toContain('artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch()');

    // The probe fails again and again (every second): no new notification.
    await expect.poll(failedRuns).toBeGreaterThanOrEqual(4);
    expect(await ofKind('main.broken')).toHaveLength(1);

    await mergeLaneWith('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
    await expect.poll(async () => (await ofKind('main.recovered')).length).toBe(1);
    const [recovered] = await ofKind('main.recovered');
    expect(recovered).toMatchObject({ severity: 'info', title: 'MAIN of flower works again', target: broken!.target });
    expect(await ofKind('main.broken')).toHaveLength(1);

    // The stream said the same, once each.
    const events = ((await api(host, 'events.since', { since: 0 })).body.result as { events: EventEnvelope[] }).events;
    expect(events.flatMap((e) => (e.event.type === 'notification' ? [e.event.notification.kind] : []))).toEqual(['main.broken', 'main.recovered']);

    // A restarted host runs the probes again and tells neither again.
    const before = await told();
    await host.stop();
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await health()).state).toBe('healthy');
    expect(await told()).toEqual(before);
  });
});
