import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroveConfig } from '../../src/shared/config';
import type { Incident } from '../../src/shared/incidents';
import { makeRepo } from '../fixtures/git-repo';
import { runGrove } from '../fixtures/grove-cli';
import { alertsOf, notificationsOf } from '../fixtures/host-events';
import { api, startHostProcess, stopAllHosts, trustRepo, type HostProcess } from '../fixtures/host-process';
import { commitIn } from '../fixtures/lane-repo';
import { addRepo, ARTISAN_COMMAND, breakMain, mainHealth, startHostWithProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * MAIN watched from the first minute, by a real host on real repositories: probes added
 * after registration run without a restart, an invalid grove.yaml says so (UI state and
 * `grove health`'s exit code), an uncommitted edit in MAIN is part of the incident it
 * causes, and every probe that fails in the round that breaks MAIN belongs to the incident.
 */
let host: HostProcess;
let server: Server | null = null;

afterEach(async () => {
  await stopAllHosts();
  if (server) await new Promise((r) => server!.close(r));
  server = null;
  removeTempDirs();
});

const yaml = (config: GroveConfig): string => stringify(config, { lineWidth: 0 });
/** A probe that only runs when MAIN changes (or right after it is declared): an hour's interval. */
const probe = (name: string, command = 'true') => ({ name, command, intervalSeconds: 3600, failureThreshold: 1 });
const incidentsOf = async (repoId: string): Promise<Incident[]> => {
  const r = await api(host, 'incidents.list', { repoId });
  if (!r.body.ok) throw new Error(JSON.stringify(r.body));
  return (r.body.result as { incidents: Incident[] }).incidents;
};

/**
 * Resolves once MAIN's guard watches `main`: a scratch file's alert proves its watchers are
 * up (its first look is taken before them). The file is removed again.
 */
async function guardWatching(main: string): Promise<void> {
  writeFileSync(join(main, 'guard-marker.txt'), 'x\n');
  await expect.poll(async () => (await alertsOf(host)).some((a) => a.includes('has uncommitted edits: guard-marker.txt')), { timeout: 10_000 }).toBe(true);
  rmSync(join(main, 'guard-marker.txt'));
}

describe('probes added after registration', () => {
  it('run without a host restart: committed, then edited (twice) in MAIN', async () => {
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    host = await startHostProcess();
    const repoId = await addRepo(host, main);
    expect((await mainHealth(host, repoId)).probes).toEqual([]);
    await guardWatching(main);

    // Each new probe is a new command: the host notices it (a file event, no round is due),
    // stops until the operator trusts it, then runs it, all without a restart.
    const noticedAndTrusted = async (): Promise<void> => {
      await expect.poll(async () => (await mainHealth(host, repoId)).state, { timeout: 10_000 }).toBe('untrusted');
      await trustRepo(host, repoId);
    };
    commitIn(main, 'grove.yaml', yaml({ health: { debounceMs: 200, probes: [probe('first')] } }), 'probes');
    await noticedAndTrusted();
    await expect.poll(async () => (await mainHealth(host, repoId)).probes.map((p) => [p.name, p.state]), { timeout: 10_000 }).toEqual([['first', 'passing']]);

    // An uncommitted edit (MAIN gets dirty: a state change), then another one (MAIN stays
    // just as dirty: only the file event tells).
    writeFileSync(join(main, 'grove.yaml'), yaml({ health: { debounceMs: 200, probes: [probe('first'), probe('second')] } }));
    await noticedAndTrusted();
    await expect.poll(async () => (await mainHealth(host, repoId)).probes.map((p) => [p.name, p.state]), { timeout: 10_000 }).toEqual([
      ['first', 'passing'],
      ['second', 'passing'],
    ]);
    writeFileSync(join(main, 'grove.yaml'), yaml({ health: { debounceMs: 200, probes: [probe('first'), probe('second'), probe('third', 'exit 3')] } }));
    await noticedAndTrusted();
    await expect.poll(async () => (await mainHealth(host, repoId)).probes.map((p) => [p.name, p.state]), { timeout: 10_000 }).toEqual([
      ['first', 'passing'],
      ['second', 'passing'],
      ['third', 'failing'],
    ]);
    expect((await mainHealth(host, repoId)).state).toBe('broken');
  });
});

describe('an invalid grove.yaml', () => {
  it('shows as config invalid with its problems, one per line, and grove health exits 1 until it is fixed', async () => {
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    commitIn(main, 'grove.yaml', 'health:\n  probes:\n    - name: artisan\n      comand: php artisan about\n  debounce: 5\n', 'a typo');
    host = await startHostProcess();
    // Registered, not trusted: commands that cannot be read cannot be shown, so cannot be trusted.
    const repoId = ((await api(host, 'repos.add', { path: main })).body.result as { repo: { id: string } }).repo.id;

    await expect.poll(async () => (await mainHealth(host, repoId)).configProblems?.length ?? 0).toBeGreaterThan(0);
    const problems = (await mainHealth(host, repoId)).configProblems!;
    expect(problems.every((p) => p.startsWith(`${main}/grove.yaml:`))).toBe(true);
    expect(problems.join('\n')).toMatch(/health\.probes\[0\]/);
    expect(problems.join('\n')).toMatch(/debounce/);

    const cli = await runGrove(host, ['health']);
    expect(cli.code).toBe(1);
    const lines = cli.stdout.split('\n');
    expect(lines[0]).toBe('flower: config invalid (fix grove.yaml):');
    for (const p of problems) expect(lines).toContain(`  ${p}`);
    expect(cli.stdout).not.toContain('no probes');

    await guardWatching(main);
    commitIn(main, 'grove.yaml', yaml({ health: { debounceMs: 200, probes: [probe('artisan')] } }), 'fixed');
    await expect.poll(async () => (await mainHealth(host, repoId)).state, { timeout: 10_000 }).toBe('untrusted');
    expect((await mainHealth(host, repoId)).configProblems).toBeUndefined();
    await trustRepo(host, repoId);
    await expect.poll(async () => (await mainHealth(host, repoId)).state, { timeout: 10_000 }).toBe('healthy');
    expect((await mainHealth(host, repoId)).configProblems).toBeUndefined();
    const fixed = await runGrove(host, ['health']);
    expect(fixed).toMatchObject({ code: 0, stdout: 'flower: MAIN is healthy\n  passing  artisan          ' + fixed.stdout.split('artisan          ')[1] });
  });
});

describe('an uncommitted edit in MAIN', () => {
  it('is recorded by the incident it causes, when it opens and when it closes, secrets masked; grove incidents shows it', async () => {
    let repoId: string;
    let main: string;
    ({ host, main, repoId } = await startHostWithProbedRepo({ health: { debounceMs: 200, probes: [probe('artisan', ARTISAN_COMMAND)] } }));
    await guardWatching(main);
    const committedAt = Date.now();
    commitIn(main, 'config.env', 'APP_NAME=flower\nDB_PASSWORD=\n', 'env template');
    // Healthy AT this commit (a probe run after it), so the incident below has no commit to name.
    await expect.poll(async () => Date.parse((await mainHealth(host, repoId)).probes[0]?.last?.at ?? '1970-01-01')).toBeGreaterThan(committedAt);
    await expect.poll(async () => (await mainHealth(host, repoId)).state).toBe('healthy');

    // The origin story: someone edits MAIN by hand.
    writeFileSync(join(main, 'config.env'), 'APP_NAME=flower\nDB_PASSWORD=s3cret-hunter2-value\n');
    breakMain(main);
    await expect.poll(async () => (await incidentsOf(repoId))[0]?.editsAtOpen ?? null, { timeout: 10_000 }).not.toBeNull();
    const [opened] = await incidentsOf(repoId);
    expect(opened!.commits).toEqual([]);
    expect(opened!.editsAtOpen!.files).toEqual([
      { path: 'config.env', added: 1, removed: 1, untracked: false },
      { path: 'BROKEN', added: 1, removed: 0, untracked: true },
    ]);
    expect(opened!.editsAtOpen!.diffTail).toContain('+public function dispatch() {}');
    expect(opened!.editsAtOpen!.diffTail).toContain('+DB_PASSWORD=…(masked)');
    expect(JSON.stringify(opened)).not.toContain('hunter2');

    rmSync(join(main, 'BROKEN'));
    await expect.poll(async () => (await incidentsOf(repoId))[0]?.closedAt ?? null, { timeout: 10_000 }).not.toBeNull();
    const [closed] = await incidentsOf(repoId);
    expect(closed!.recovery!.how).toBe("the uncommitted edits in MAIN changed (now config.env); MAIN's HEAD did not change");
    expect(closed!.recovery!.edits!.files).toEqual([{ path: 'config.env', added: 1, removed: 1, untracked: false }]);

    const cli = await runGrove(host, ['incidents']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('  uncommitted edits in MAIN when it broke:\n    +1 -1  config.env\n    +1 -0  BROKEN (new)\n');
    expect(cli.stdout).toContain('  uncommitted edits in MAIN when it recovered:\n    +1 -1  config.env\n');
    expect(cli.stdout).not.toContain('hunter2');
  });
});

describe('every probe failing in the round that breaks MAIN', () => {
  it('belongs to the incident, its alert and its notification: a command exiting 255 and an HTTP 500', async () => {
    let status = 200;
    server = createServer((_q, s) => {
      s.statusCode = status;
      s.end(status === 200 ? 'up' : 'Server Error');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/up`;
    let repoId: string;
    let main: string;
    ({ host, main, repoId } = await startHostWithProbedRepo({
      health: { debounceMs: 200, probes: [probe('artisan', ARTISAN_COMMAND), { name: 'site', http: { url }, intervalSeconds: 3600, failureThreshold: 1 }] },
    }));
    await expect.poll(async () => (await mainHealth(host, repoId)).state).toBe('healthy');
    await guardWatching(main);

    status = 500;
    breakMain(main);
    await expect.poll(async () => (await incidentsOf(repoId)).length, { timeout: 10_000 }).toBe(1);
    const [incident] = await incidentsOf(repoId);
    expect(incident!.probes.map((p) => [p.name, p.detail])).toEqual([
      ['artisan', 'exit 255'],
      ['site', 'HTTP 500 Internal Server Error (expected 200)'],
    ]);
    await expect.poll(async () => (await alertsOf(host)).filter((a) => a.includes('is broken'))).toEqual([
      'MAIN of flower is broken (artisan: exit 255; site: HTTP 500 Internal Server Error (expected 200)).',
    ]);
    await expect.poll(async () => (await notificationsOf(host)).filter((n) => n.kind === 'main.broken').map((n) => n.body)).toEqual([
      expect.stringMatching(/^artisan: exit 255.*; site: HTTP 500 Internal Server Error \(expected 200\)/),
    ]);
  });
});

describe('commits made in MAIN outside Grove', () => {
  it('are alerted once each, ever: a host restart neither repeats the alert nor lists them again', async () => {
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    host = await startHostProcess();
    await addRepo(host, main);
    const foreign = async (): Promise<string[]> => (await alertsOf(host)).filter((a) => a.includes("did not come through Grove's merge"));

    // The guard's first look trusts MAIN's HEAD as Grove's: commit only once it watches.
    await guardWatching(main);
    const first = commitIn(main, 'hotfix.txt', 'fix\n', 'hotfix typed in MAIN');
    await expect.poll(foreign, { timeout: 10_000 }).toEqual([`MAIN got 1 commit that did not come through Grove's merge: ${first.slice(0, 12)} hotfix typed in MAIN`]);

    // The restarted host looks at MAIN before it answers (its guard's first check): by the
    // time it is up, a repeated alert would be there.
    const home = host.home;
    await host.stop();
    host = await startHostProcess({ home });
    const mainState = await api(host, 'repos.list', {});
    expect(mainState.body.ok).toBe(true);
    expect(await foreign()).toHaveLength(1);

    const second = commitIn(main, 'hotfix2.txt', 'fix\n', 'another hotfix');
    await expect.poll(foreign, { timeout: 10_000 }).toHaveLength(2);
    expect((await foreign())[1]).toBe(`MAIN got 1 commit that did not come through Grove's merge: ${second.slice(0, 12)} another hotfix`);
  });
});
