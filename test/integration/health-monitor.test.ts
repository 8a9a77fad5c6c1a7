import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MainHealth } from '../../src/shared/health';
import type { Lane } from '../../src/shared/lanes';
import { git } from '../fixtures/git-repo';
import { groveEnv } from '../fixtures/grove-cli';
import { alertsOf } from '../fixtures/host-events';
import { api, cliEntry, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, breakMain, mainHealth, mergeLaneWith, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * MAIN's probes, run by a real host: a bad merge breaks MAIN (a command probe that dies the
 * way `php artisan` did) and is noticed after one debounce, not an interval later; one alert
 * per incident; recovery closes it. An HTTP probe talks to a server this test runs.
 */
let host: HostProcess;
let main: string;
let repoId: string;
let server: Server;
let status = 200;

beforeEach(async (ctx) => {
  server = createServer((_q, s) => {
    s.statusCode = status;
    s.end(status === 200 ? 'up' : 'down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  ({ host, main, repoId } = await startHostWithProbedRepo({
    // A gate that checks something else, so a bad merge lands and the probes must notice.
    ...(ctx.task.name.startsWith('without merge.gate') ? {} : { merge: { gate: 'true' } }),
    health: {
      debounceMs: 200,
      probes: [
        { name: 'artisan', command: ARTISAN_COMMAND, intervalSeconds: 3600, failureThreshold: 1 },
        { name: 'site', http: { url: `http://127.0.0.1:${port}/up` }, intervalSeconds: 3600, failureThreshold: 1 },
      ],
    },
  }));
});
afterEach(async () => {
  await stopAllHosts();
  await new Promise((r) => server.close(r));
  removeTempDirs();
});

const health = (): Promise<MainHealth> => mainHealth(host, repoId);
/** How many probe runs MAIN's history holds. */
const runs = async (): Promise<number> => ((await api(host, 'health.history', { repoId, runs: 100 })).body.result as { timeline: { runs: unknown[] } }).timeline.runs.length;

/** The host started again on a repository with one command probe (an hour's interval, a 200 ms debounce), once MAIN is healthy. */
async function withOneProbe(name: string, command: string): Promise<void> {
  await stopAllHosts();
  ({ host, main, repoId } = await startHostWithProbedRepo({ health: { debounceMs: 200, probes: [{ name, command, intervalSeconds: 3600, failureThreshold: 1 }] } }));
  await expect.poll(async () => (await health()).state).toBe('healthy');
}
const alerts = (): Promise<string[]> => alertsOf(host);

describe('MAIN health', () => {
  it('is healthy at start, broken right after a bad merge (no interval wait), one alert, and recovers', async () => {
    await expect.poll(async () => (await health()).state).toBe('healthy');

    await mergeLaneWith(host, repoId, 'bad', breakMain);
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('broken');
    const h = await health();
    const artisan = h.probes.find((p) => p.name === 'artisan')!;
    expect(artisan.last!.outputTail).toContain('Cannot redeclare dispatch()');
    expect(h.probes.find((p) => p.name === 'site')!.state).toBe('passing');
    const aboutMain = async (): Promise<string[]> => (await alerts()).filter((a) => a.startsWith('MAIN of flower '));
    await expect.poll(aboutMain).toEqual(['MAIN of flower is broken (artisan: exit 255).']);

    await mergeLaneWith(host, repoId, 'fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('healthy');
    // The state shows each probe as it passes; the alert waits for the round's end (judge).
    await expect.poll(aboutMain).toEqual(['MAIN of flower is broken (artisan: exit 255).', 'MAIN of flower recovered: every probe passes again.']);
  });

  it('without merge.gate, the probes are the gate: a merge that breaks one is rolled back', async () => {
    await expect.poll(async () => (await health()).state).toBe('healthy');
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'bad' })).body.result as { lane: Lane }).lane;
    writeFileSync(join(lane.path, 'BROKEN'), 'x\n');
    git(lane.path, 'add', '-A');
    git(lane.path, 'commit', '-q', '-m', 'break');
    const before = git(main, 'rev-parse', 'HEAD');
    const merged = await api(host, 'lanes.merge', { id: lane.id });
    expect(merged.body.error!.code).toBe('merge_gate_failed');
    expect(merged.body.error!.message).toContain('probe artisan');
    expect(merged.body.error!.message).toContain('Cannot redeclare dispatch()');
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
  });

  it('an HTTP probe that answers 500 breaks MAIN', async () => {
    await expect.poll(async () => (await health()).state).toBe('healthy');
    status = 500;
    writeFileSync(join(main, 'touch.txt'), 'MAIN changed\n'); // any change in MAIN runs the probes
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('broken');
    expect((await health()).probes.find((p) => p.name === 'site')!.last!.detail).toContain('HTTP 500');
    const cli = spawnSync(process.execPath, [cliEntry, 'health'], { encoding: 'utf8', env: groveEnv(host) });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('flower: MAIN is broken');
    expect(cli.stdout).toMatch(/failing\s+site\s+HTTP 500/);
  });
});

describe('MAIN health, edits to files already changed', () => {
  it('an edit to a file in MAIN that is already edited runs the probes again: broken at once, and fixed the same way', async () => {
    await withOneProbe('app', 'if grep -qs bad app.txt; then echo "app.txt says bad"; exit 1; fi');
    writeFileSync(join(main, 'app.txt'), 'good\n'); // MAIN turns dirty: a new state, the probes run
    await expect.poll(runs, { timeout: 5000 }).toBe(2);
    await expect.poll(async () => (await health()).state).toBe('healthy');
    // The same file again, now breaking: the list of changed files is the same as before.
    writeFileSync(join(main, 'app.txt'), 'bad\n');
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('broken');
    writeFileSync(join(main, 'app.txt'), 'good again\n');
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('healthy');
    // Written again with the same bytes (as a build step in a probe might): nothing to run.
    const settled = await runs();
    writeFileSync(join(main, 'app.txt'), 'good again\n');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await runs()).toBe(settled);
  });
});

describe('MAIN health, probes that write into MAIN', () => {
  it('a probe that writes a report into MAIN each run (other bytes each time) does not make the probes run back to back', async () => {
    await withOneProbe('report', 'date +%s%N > probe-report.txt');
    // Its first report made MAIN dirty (a new state: the probes ran again); from then on, each
    // run only rewrites the report, and no run follows (back to back, 9 came in 4 s).
    await expect.poll(runs, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 3000));
    const settled = await runs();
    expect(settled).toBeLessThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runs()).toBe(settled);
    // An edit by hand, later, still runs them.
    writeFileSync(join(main, 'probe-report.txt'), 'edited by hand\n');
    await expect.poll(runs, { timeout: 5000 }).toBe(settled + 1);
  });
});

