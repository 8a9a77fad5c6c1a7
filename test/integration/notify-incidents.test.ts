import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MainHealth } from '../../src/shared/health';
import type { HealthTimeline, Incident } from '../../src/shared/incidents';
import type { Notification } from '../../src/shared/notifications';
import { git } from '../fixtures/git-repo';
import { notificationsOf } from '../fixtures/host-events';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, mainHealth, mergeLaneWith, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * One notification per incident, not per probe run: a bad merge breaks MAIN and the probe
 * keeps failing run after run, yet the operator hears "MAIN is broken" once; the fix
 * brings one "works again"; a host restart tells neither again. Real host, real git, the
 * probe dying the way `php artisan` did.
 */
let host: HostProcess;
let repoId: string;

beforeEach(async () => {
  ({ host, repoId } = await startHostWithProbedRepo({
    // The gate checks something else, so the bad merge lands and the probes must notice.
    merge: { gate: 'true' },
    health: { debounceMs: 200, probes: [{ name: 'artisan', command: ARTISAN_COMMAND, intervalSeconds: 1, failureThreshold: 1 }] },
  }));
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const health = (): Promise<MainHealth> => mainHealth(host, repoId);
const told = async (): Promise<Notification[]> => ((await api(host, 'notifications.list', {})).body.result as { notifications: Notification[] }).notifications;
const ofKind = async (kind: Notification['kind']): Promise<Notification[]> => (await told()).filter((n) => n.kind === kind);
const incidents = async (): Promise<Incident[]> => ((await api(host, 'incidents.list', { repoId })).body.result as { incidents: Incident[] }).incidents;
const failedRuns = async (): Promise<number> => {
  const r = await api(host, 'health.history', { repoId, runs: 200 });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { timeline: HealthTimeline }).timeline.runs.filter((run) => !run.ok).length;
};

describe('notifications about MAIN', () => {
  it('a bad merge: exactly one main.broken while the probe keeps failing; the fix: exactly one main.recovered', async () => {
    await expect.poll(async () => (await health()).state).toBe('healthy');

    await mergeLaneWith(host, repoId, 'bad', breakMain);
    await expect.poll(async () => (await ofKind('main.broken')).length).toBe(1);
    const [broken] = await ofKind('main.broken');
    const [incident] = await incidents();
    expect(broken).toMatchObject({ severity: 'critical', title: 'MAIN of flower is broken', quiet: null, target: { kind: 'incident', repoId, incidentId: incident!.id } });
    // What failed, its last words, and the merge that brought it.
    expect(broken!.body).toBe('artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch() (after the merge of lane bad)');

    // The probe fails again and again (every second): no new notification.
    await expect.poll(failedRuns).toBeGreaterThanOrEqual(4);
    expect(await ofKind('main.broken')).toHaveLength(1);

    await mergeLaneWith(host, repoId, 'fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
    await expect.poll(async () => (await ofKind('main.recovered')).length).toBe(1);
    const [recovered] = await ofKind('main.recovered');
    expect(recovered).toMatchObject({ severity: 'info', title: 'MAIN of flower works again', quiet: null, target: broken!.target });
    // How it came back (as the closed incident records it) and for how long it was broken.
    const closed = (await incidents()).find((i) => i.id === incident!.id)!;
    const how = closed.recovery!.how;
    expect(recovered!.body.startsWith(`${how.charAt(0).toUpperCase()}${how.slice(1)}; it was broken for `)).toBe(true);
    expect(recovered!.body).toMatch(/; it was broken for \d+ (ms|s|min|h)[^;]*\.$/);
    expect(how).toContain('fix');
    expect(await ofKind('main.broken')).toHaveLength(1);

    // The stream said the same, once each.
    expect((await notificationsOf(host)).map((n) => n.kind)).toEqual(['main.broken', 'main.recovered']);

    // A restarted host runs the probes again and tells neither again.
    const before = await told();
    await host.stop();
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await health()).state).toBe('healthy');
    expect(await told()).toEqual(before);
  });
});
