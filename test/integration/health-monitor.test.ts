import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/shared/events';
import type { MainHealth } from '../../src/shared/health';
import type { Lane } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { api, cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

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
/** A gate that checks something else, so a bad merge lands and the probes must notice. */
let gate = "merge:\n  gate: 'true'\n";

beforeEach(async (ctx) => {
  gate = ctx.task.name.startsWith('without merge.gate') ? '' : "merge:\n  gate: 'true'\n";
  server = createServer((_q, s) => {
    s.statusCode = status;
    s.end(status === 200 ? 'up' : 'down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  writeFileSync(
    join(main, 'grove.yaml'),
    `${gate}health:
  debounceMs: 200
  probes:
    - name: artisan
      command: 'if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi'
      intervalSeconds: 3600
      failureThreshold: 1
    - name: site
      http: { url: "http://127.0.0.1:${port}/up" }
      intervalSeconds: 3600
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
  await new Promise((r) => server.close(r));
  removeTempDirs();
});

const health = async (): Promise<MainHealth> => ((await api(host, 'health.get', { repoId })).body.result as { repos: { health: MainHealth }[] }).repos[0]!.health;
const alerts = async (): Promise<string[]> =>
  ((await api(host, 'events.since', { since: 0 })).body.result as { events: EventEnvelope[] }).events.flatMap((e) => (e.event.type === 'alert' ? [e.event.message] : []));

async function mergeLaneWith(name: string, change: (dir: string) => void): Promise<void> {
  const lane = ((await api(host, 'lanes.create', { repoId, name })).body.result as { lane: Lane }).lane;
  change(lane.path);
  git(lane.path, 'add', '-A');
  git(lane.path, 'commit', '-q', '-m', name);
  const merged = await api(host, 'lanes.merge', { id: lane.id });
  expect(merged.body.ok, JSON.stringify(merged.body)).toBe(true);
}

describe('MAIN health', () => {
  it('is healthy at start, broken right after a bad merge (no interval wait), one alert, and recovers', async () => {
    await expect.poll(async () => (await health()).state).toBe('healthy');

    await mergeLaneWith('bad', (dir) => writeFileSync(join(dir, 'BROKEN'), 'public function dispatch() {}\n'));
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('broken');
    const h = await health();
    const artisan = h.probes.find((p) => p.name === 'artisan')!;
    expect(artisan.last!.outputTail).toContain('Cannot redeclare dispatch()');
    expect(h.probes.find((p) => p.name === 'site')!.state).toBe('passing');
    expect((await alerts()).filter((a) => a.includes('is broken'))).toHaveLength(1);

    await mergeLaneWith('fix', (dir) => git(dir, 'rm', '-q', 'BROKEN'));
    await expect.poll(async () => (await health()).state, { timeout: 5000 }).toBe('healthy');
    expect((await alerts()).filter((a) => a.includes('recovered'))).toHaveLength(1);
    expect((await alerts()).filter((a) => a.includes('is broken'))).toHaveLength(1);
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
    const cli = spawnSync(process.execPath, [cliEntry, 'health'], { encoding: 'utf8', env: { ...process.env, GROVE_HOME: host.home } });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('flower: MAIN is broken');
    expect(cli.stdout).toMatch(/failing\s+site\s+HTTP 500/);
  });
});
