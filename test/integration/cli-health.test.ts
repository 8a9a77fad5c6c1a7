import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/shared/incidents';
import { git } from '../fixtures/git-repo';
import { groveEnv, runGrove } from '../fixtures/grove-cli';
import { api, cliEntry, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, mergeLaneWith, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * What an operator (or the ops agent) reads in a terminal: `grove health watch` follows
 * MAIN breaking after a bad merge and recovering after the fix, `grove incidents` says
 * which probe failed with its output and which lane brought the commit, and
 * `grove notifications` lists, pauses and resumes.
 */
let host: HostProcess;
let repoId: string;
const watchers = new Set<ChildProcessWithoutNullStreams>();

const grove = (args: string[]) => runGrove(host, args);

/** A `grove health watch` running in the background; `output()` is what it printed so far. */
function watch(): { output: () => string; exit: Promise<number | null>; child: ChildProcessWithoutNullStreams } {
  const child = spawn(process.execPath, [cliEntry, 'health', 'watch'], { env: groveEnv(host) });
  watchers.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { output: () => out, exit, child };
}

beforeEach(async () => {
  ({ host, repoId } = await startHostWithProbedRepo({
    merge: { gate: 'true' },
    health: { debounceMs: 200, probes: [{ name: 'artisan', command: ARTISAN_COMMAND, intervalSeconds: 3600, failureThreshold: 1 }] },
  }));
});
afterEach(async () => {
  for (const w of watchers) w.kill('SIGKILL');
  watchers.clear();
  await stopAllHosts();
  removeTempDirs();
});

describe('grove health watch / incidents / notifications', () => {
  it('follows MAIN breaking and recovering, and tells the incident with the lane that broke it', async () => {
    const w = watch();
    await expect.poll(w.output).toContain('flower: MAIN is healthy');

    await mergeLaneWith(host, repoId, 'bad', breakMain);
    await expect.poll(w.output).toContain('flower: MAIN is broken (artisan: exit 255)');
    await expect.poll(w.output).toMatch(/incident \S+ opened: artisan: exit 255/);

    const open = await grove(['incidents']);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout).toMatch(/flower {2}OPEN since/);
    expect(open.stdout).toContain('artisan: exit 255');
    expect(open.stdout).toContain('| PHP Fatal error: Cannot redeclare dispatch()');
    expect(open.stdout).toMatch(/bad — lane bad \(bad\)/);

    await mergeLaneWith(host, repoId, 'fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
    await expect.poll(w.output).toContain('flower: MAIN is healthy\n');
    await expect.poll(w.output).toMatch(/incident \S+ closed: .*fix/);
    // One line per change: the broken state was printed once although it was seen in several events.
    expect(w.output().split('MAIN is broken').length - 1).toBe(1);

    const closed = JSON.parse((await grove(['incidents', '--json'])).stdout) as { incidents: Incident[] };
    expect(closed.incidents).toHaveLength(1);
    expect(closed.incidents[0]!.closedAt).not.toBeNull();

    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  });

  it('lists notifications, pauses them for a while or until resumed, and refuses a duration it cannot read', async () => {
    await expect.poll(async () => (await grove(['health'])).stdout).toContain('MAIN is healthy');
    await mergeLaneWith(host, repoId, 'bad', (dir) => writeFileSync(join(dir, 'BROKEN'), 'x\n'));
    await expect.poll(async () => (await grove(['notifications'])).stdout).toMatch(/critical\s+.*flower.*broken/i);

    const bad = await grove(['notifications', 'pause', '--for', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--for takes a duration such as 30m, 2h or 1d');

    const paused = await grove(['notifications', 'pause', '--for', '2h']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/Notifications are paused until \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect((await grove(['notifications'])).stdout).toContain('Notifications are paused until');

    const forever = await grove(['notifications', 'pause']);
    expect(forever.stdout).toContain('paused until resumed');
    const resumed = await grove(['notifications', 'resume']);
    expect(resumed.stdout).toContain('Notifications are on.');
    expect(resumed.stdout).toContain('An agent still waiting after 10 min is notified once more.');

    // The escalation's wait: set, turned off, and a wait it cannot read refused.
    const escalate = await grove(['notifications', 'escalate', '--after', '1h']);
    expect(escalate.code, escalate.stderr).toBe(0);
    expect(escalate.stdout).toContain('An agent still waiting after 60 min is notified once more.');
    const off = await grove(['notifications', 'escalate', '--after', 'off']);
    expect(off.stdout).toContain('An agent that keeps waiting is not notified again');
    const settings = (await api(host, 'notifications.list', {})).body.result as { settings: { escalateAfterMinutes: number } };
    expect(settings.settings.escalateAfterMinutes).toBe(0);
    const tooLong = await grove(['notifications', 'escalate', '--after', '3d']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('--after takes a wait such as 10m or 1h (at most a day), or off, not 3d.');
  });
});
