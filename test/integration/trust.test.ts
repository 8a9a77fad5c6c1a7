import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/host/db/migrations';
import type { GroveConfig } from '../../src/shared/config';
import type { EventEnvelope } from '../../src/shared/events';
import type { Notification } from '../../src/shared/notifications';
import type { Repo } from '../../src/shared/repo';
import type { RepoCommands } from '../../src/shared/trust';
import { makeRepo } from '../fixtures/git-repo';
import { eventsSince } from '../fixtures/host-events';
import { groveEnv, runGrove } from '../fixtures/grove-cli';
import { api, cliEntry, startHostProcess, stopAllHosts, trustRepo, type HostProcess } from '../fixtures/host-process';
import { commitIn } from '../fixtures/lane-repo';
import { mainHealth, makeProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * Trust before running a repository's commands, against a real host and real git: a
 * repository is registered untrusted and runs nothing of its grove.yaml (each command would
 * leave a marker file); trusting runs them; a commit that changes a command stops them with
 * one alert showing the difference, and trusting again resumes; repositories registered
 * before trust existed are trusted once, and told once.
 */

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function call<T>(host: { url: string; token: string }, method: string, params: object = {}): Promise<T> {
  const r = await api(host, method, params);
  if (!r.body.ok) throw new Error(`${method}: ${JSON.stringify(r.body)}`);
  return r.body.result as T;
}

const repoOf = async (host: HostProcess, id: string): Promise<Repo> => (await call<{ repos: Repo[] }>(host, 'repos.list')).repos.find((r) => r.id === id)!;

async function addUntrusted(host: HostProcess, main: string): Promise<Repo> {
  return (await call<{ repo: Repo }>(host, 'repos.add', { path: main })).repo;
}

async function notificationsOf(host: HostProcess, kind: Notification['kind']): Promise<Notification[]> {
  return (await call<{ notifications: Notification[] }>(host, 'notifications.list')).notifications.filter((n) => n.kind === kind);
}

async function alertsOf(host: HostProcess, repoId: string): Promise<string[]> {
  const out: string[] = [];
  for (let since = 0; ; ) {
    const page = await call<{ events: EventEnvelope[]; latestSeq: number }>(host, 'events.since', { since });
    for (const { event } of page.events) if (event.type === 'alert' && event.repoId === repoId) out.push(event.message);
    if (page.events.length === 0) return out;
    since = page.events.at(-1)!.seq;
  }
}

/** flower with a probe, a setup command, a gate and an ops command, each touching its own marker. */
function flowerTouching(markers: string): { main: string; config: GroveConfig; marker: (name: string) => string } {
  mkdirSync(markers, { recursive: true });
  const marker = (name: string) => join(markers, name);
  const config: GroveConfig = {
    setup: { postCreate: [`touch ${marker('setup')}`], teardown: [`touch ${marker('teardown')}`] },
    merge: { gate: `touch ${marker('gate')}` },
    health: { debounceMs: 100, probes: [{ name: 'artisan', command: `touch ${marker('probe')}`, intervalSeconds: 1 }] },
    ops: { command: `touch ${marker('ops')}; sleep 30` },
  };
  return { main: makeProbedRepo(config), config, marker };
}

describe('an untrusted repository', () => {
  it('runs nothing from grove.yaml: probes read untrusted, lane create and the ops loop are refused, until trusted', async () => {
    const host = await startHostProcess();
    const { main, marker } = flowerTouching(join(realpathSync(makeTempDir()), 'markers'));
    const repo = await addUntrusted(host, main);
    expect(repo).toMatchObject({ name: 'flower', trusted: false, trust: 'untrusted', trustedDigest: null });

    // The host has looked at MAIN's probes: it says why none runs.
    await expect.poll(async () => (await mainHealth(host, repo.id)).state).toBe('untrusted');

    const refused = await api(host, 'lanes.create', { repoId: repo.id, name: 'design' });
    expect(refused.body.error?.code).toBe('repo_untrusted');
    expect(refused.body.error?.message).toContain('grove repo trust flower');
    expect(refused.body.error?.message).toContain('grove lane create design --without-recipes');
    const ops = await api(host, 'ops.start', { repoId: repo.id });
    expect(ops.body.error?.code).toBe('repo_untrusted');

    // Explicitly without the recipe: a plain worktree, and its setup command does not run.
    const plain = await call<{ lane: { id: string; path: string } }>(host, 'lanes.create', { repoId: repo.id, name: 'plain', withoutRecipes: true });
    expect(existsSync(join(plain.lane.path, '.git'))).toBe(true);
    // Its merge is refused (no check, no gate runs); it can be removed, without its teardown command.
    commitIn(plain.lane.path, 'page.txt', 'a page\n');
    const merge = await api(host, 'lanes.merge', { id: plain.lane.id });
    expect(merge.body.error?.code).toBe('repo_untrusted');
    await call(host, 'lanes.remove', { id: plain.lane.id, archive: true });
    expect(existsSync(plain.lane.path)).toBe(false);

    // A second look, a round later, still ran nothing.
    const shown = await call<RepoCommands>(host, 'repos.commands', { repoId: repo.id });
    expect(shown.state).toBe('untrusted');
    expect(shown.commands.map((c) => c.key)).toEqual(['health.probes[artisan].command', 'merge.gate', 'ops.command', 'setup.postCreate[0]', 'setup.teardown[0]']);
    expect(shown.commands.find((c) => c.key === 'merge.gate')?.value).toBe(`touch ${marker('gate')}`);
    expect(shown.digest).toMatch(/^[0-9a-f]{64}$/);
    for (const m of ['probe', 'setup', 'teardown', 'gate', 'ops']) expect(existsSync(marker(m)), m).toBe(false);

    await trustRepo(host, repo.id);
    expect(await repoOf(host, repo.id)).toMatchObject({ trusted: true, trust: 'trusted', trustedDigest: shown.digest });
    await expect.poll(() => existsSync(marker('probe')), { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => (await mainHealth(host, repo.id)).state).toBe('healthy');
    await call(host, 'lanes.create', { repoId: repo.id, name: 'design' });
    expect(existsSync(marker('setup'))).toBe(true);
  });

  it('refuses a trust whose digest is not the commands shown', async () => {
    const host = await startHostProcess();
    const { main } = flowerTouching(join(realpathSync(makeTempDir()), 'markers'));
    const repo = await addUntrusted(host, main);
    const r = await api(host, 'repos.trust', { repoId: repo.id, digest: '0'.repeat(64) });
    expect(r.body.error?.code).toBe('trust_digest_mismatch');
    expect(r.body.error?.message).toContain('grove repo trust flower');
    expect((await repoOf(host, repo.id)).trusted).toBe(false);
  });
});

describe('trusted commands that change', () => {
  it('stop running on a commit that changes one, with one alert showing the difference, and run again once trusted', async () => {
    const host = await startHostProcess();
    const markers = join(realpathSync(makeTempDir()), 'markers');
    const { main, config, marker } = flowerTouching(markers);
    const repo = await addUntrusted(host, main);
    await trustRepo(host, repo.id);
    await expect.poll(() => existsSync(marker('probe')), { timeout: 15_000 }).toBe(true);

    // A pull brings a probe that would do something else.
    const changed: GroveConfig = { ...config, health: { debounceMs: 100, probes: [{ name: 'artisan', command: `touch ${marker('pulled')}`, intervalSeconds: 1 }] } };
    commitIn(main, 'grove.yaml', stringify(changed), 'a pulled change');

    await expect.poll(async () => (await mainHealth(host, repo.id)).state, { timeout: 15_000 }).toBe('untrusted');
    await expect.poll(async () => (await notificationsOf(host, 'repo.commands-changed')).length, { timeout: 15_000 }).toBe(1);
    const [told] = await notificationsOf(host, 'repo.commands-changed');
    expect(told!.title).toBe("flower's commands changed: Grove stopped running them");
    expect(told!.body).toBe(
      [`Review and trust them again (grove repo trust flower):`, `- health.probes[artisan].command: touch ${marker('probe')}`, `+ health.probes[artisan].command: touch ${marker('pulled')}`].join('\n'),
    );
    const lanes = await api(host, 'lanes.create', { repoId: repo.id, name: 'later' });
    expect(lanes.body.error?.code).toBe('commands_changed');
    expect((await repoOf(host, repo.id)).trust).toBe('changed');

    // More of MAIN's events and a host restart: still the one alert for these commands.
    writeFileSync(join(main, 'scratch.txt'), 'an edit\n');
    await host.stop();
    const again = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mainHealth(again, repo.id)).state).toBe('untrusted');
    const shown = await call<RepoCommands>(again, 'repos.commands', { repoId: repo.id });
    expect(shown.state).toBe('changed');
    expect(shown.changes).toEqual([{ key: 'health.probes[artisan].command', role: 'probe, run in MAIN', before: `touch ${marker('probe')}`, after: `touch ${marker('pulled')}` }]);
    expect(await notificationsOf(again, 'repo.commands-changed')).toHaveLength(1);
    const alerts = (await alertsOf(again, repo.id)).filter((m) => m.includes('commands changed'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`+ health.probes[artisan].command: touch ${marker('pulled')}`);
    expect(existsSync(marker('pulled'))).toBe(false);

    // The change undone (a revert), then made again: told again, not taken for the one told before.
    const beforeRevert = (await eventsSince(again)).at(-1)?.seq ?? 0;
    commitIn(main, 'grove.yaml', stringify(config), 'revert the pulled change');
    // The host saw it back to trusted (it says so with repo.updated), before the change comes again.
    await expect
      .poll(async () => (await eventsSince(again, beforeRevert)).some((e) => e.event.type === 'repo.updated' && e.event.repo.id === repo.id && e.event.repo.trust === 'trusted'), { timeout: 15_000 })
      .toBe(true);
    commitIn(main, 'grove.yaml', stringify(changed), 'the pulled change again');
    await expect.poll(async () => (await alertsOf(again, repo.id)).filter((m) => m.includes('commands changed')).length, { timeout: 15_000 }).toBe(2);

    await trustRepo(again, repo.id);
    await expect.poll(() => existsSync(marker('pulled')), { timeout: 15_000 }).toBe(true);
  });

  it('stop what already runs them: the lane server and the ops loop end, and are not restarted', async () => {
    const host = await startHostProcess();
    const config: GroveConfig = { serve: { command: 'exec sleep 600', url: 'http://127.0.0.1:{{port}}' }, ops: { command: 'exec sleep 600' } };
    const main = makeProbedRepo(config);
    const repo = await addUntrusted(host, main);
    await trustRepo(host, repo.id);
    const { lane } = await call<{ lane: { id: string } }>(host, 'lanes.create', { repoId: repo.id, name: 'design' });
    await call(host, 'lanes.serve', { id: lane.id, on: true });
    await call(host, 'ops.start', { repoId: repo.id });
    type Agent = { name: string; supervision: { kind: string } };
    const agents = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await call<{ agents: Agent[] }>(host, 'agents.list')).agents.map((a) => [a.name, a.supervision.kind]));
    await expect.poll(agents).toEqual({ 'serve-design': 'running', 'ops-flower': 'running' });

    commitIn(main, 'grove.yaml', stringify({ ...config, ops: { command: 'exec sleep 601' } }), 'a pulled change');
    const told = "flower's commands changed, so Grove stopped what ran them: the server of lane design (start it again once trusted: grove lane serve design); the ops loop (start it again once trusted: grove ops start).";
    await expect.poll(async () => (await alertsOf(host, repo.id)).filter((m) => m.includes('stopped what ran them')), { timeout: 15_000 }).toEqual([told]);
    expect(await agents()).toEqual({ 'serve-design': 'exited', 'ops-flower': 'exited' });
  });

  it('reformatting grove.yaml or changing only a timing keeps the trust; the user override is bound too', async () => {
    const host = await startHostProcess();
    const { main, config } = flowerTouching(join(realpathSync(makeTempDir()), 'markers'));
    const repo = await addUntrusted(host, main);
    await trustRepo(host, repo.id);
    const reformatted = `# a comment\nops: {command: ${JSON.stringify(config.ops!.command)}}\n${stringify({ ...config, ops: undefined, health: { ...config.health!, debounceMs: 900 } }, { indent: 4 })}`;
    writeFileSync(join(main, 'grove.yaml'), reformatted);
    expect(await repoOf(host, repo.id)).toMatchObject({ trusted: true, trust: 'trusted' });

    mkdirSync(join(host.home, 'overrides'), { recursive: true });
    writeFileSync(join(host.home, 'overrides', 'flower.yaml'), 'merge:\n  gate: echo mine\n');
    const shown = await call<RepoCommands>(host, 'repos.commands', { repoId: repo.id });
    expect(shown.state).toBe('changed');
    expect(shown.changes.map((c) => [c.key, c.after])).toEqual([['merge.gate', 'echo mine']]);
  });

  it('two repositories of one name each read their own override: the second registered reads <name>-2.yaml', async () => {
    const host = await startHostProcess();
    const root = realpathSync(makeTempDir());
    const first = await addUntrusted(host, makeRepo(join(root, 'work', 'api')));
    const second = await addUntrusted(host, makeRepo(join(root, 'oss', 'api')));
    expect([first.name, second.name]).toEqual(['api', 'api']);
    expect([first.overrideName, second.overrideName]).toEqual(['api', 'api-2']);
    mkdirSync(join(host.home, 'overrides'), { recursive: true });
    writeFileSync(join(host.home, 'overrides', 'api.yaml'), 'merge:\n  gate: echo work-only\n');
    writeFileSync(join(host.home, 'overrides', 'api-2.yaml'), 'merge:\n  gate: echo oss-only\n');
    const gateOf = async (repoId: string) => (await call<RepoCommands>(host, 'repos.commands', { repoId })).commands.filter((c) => c.key === 'merge.gate').map((c) => c.value);
    expect(await gateOf(first.id)).toEqual(['echo work-only']);
    expect(await gateOf(second.id)).toEqual(['echo oss-only']);
    // `grove repo config` names the file each one read.
    const shown = await call<{ files: { path: string; role: string }[] }>(host, 'repos.config', { repoId: second.id });
    expect(shown.files.find((f) => f.role === 'user')!.path).toBe(join(host.home, 'overrides', 'api-2.yaml'));
  });
});

describe('grove repo on the command line', () => {
  it('add says it is untrusted; trust shows every command with the digest and trusts; list --json says trusted', async () => {
    const host = await startHostProcess();
    const { main, marker } = flowerTouching(join(realpathSync(makeTempDir()), 'markers'));
    const added = await runGrove(host, ['repo', 'add', main]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('flower is untrusted: nothing from its grove.yaml runs');
    expect(added.stdout).toContain('grove repo trust flower');
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ name: 'flower', trusted: false });
    expect((await runGrove(host, ['repo', 'list'])).stdout).toContain('untrusted (grove repo trust flower)');
    const refused = await runGrove(host, ['lane', 'create', 'design']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('grove repo trust flower');

    // Off a terminal, without --yes: shown, and not trusted.
    const shownOnly = await runGrove(host, ['repo', 'trust', 'flower']);
    expect(shownOnly.code).toBe(1);
    expect(shownOnly.stdout).toContain(`      touch ${marker('gate')}`);
    expect(shownOnly.stderr).toContain("Not trusted: nothing changed, and flower's commands do not run. To trust exactly these, run it again with --yes (or in a terminal, and answer y).");
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ name: 'flower', trusted: false });

    // --show: the same listing, nothing trusted, and a success (a review, a script reading it).
    const show = await runGrove(host, ['repo', 'trust', 'flower', '--show']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`      touch ${marker('gate')}`);
    expect(show.stdout).toContain('Shown only: nothing was trusted. To trust exactly these: grove repo trust flower');
    const showJson = await runGrove(host, ['repo', 'trust', 'flower', '--show', '--json']);
    expect(showJson.code, showJson.stderr).toBe(0);
    expect(showJson.stderr).toContain(`      touch ${marker('gate')}`);
    expect(JSON.parse(showJson.stdout)).toMatchObject({ ok: true, repo: { name: 'flower', trusted: false }, commands: { digest: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ name: 'flower', trusted: false });
    const both = await runGrove(host, ['repo', 'trust', 'flower', '--show', '--yes']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--show trusts nothing and --yes trusts what is shown: give one of them.');

    const trusted = await runGrove(host, ['repo', 'trust', 'flower', '--yes']);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain("flower's grove.yaml (with your override) would run or use:");
    expect(trusted.stdout).toContain(`  merge.gate  (run in MAIN after a merge)\n      touch ${marker('gate')}`);
    expect(trusted.stdout).toContain(`      touch ${marker('probe')}`);
    expect(trusted.stdout).toContain(`      touch ${marker('setup')}`);
    expect(trusted.stdout).toMatch(/digest sha256:[0-9a-f]{64}/);
    expect(trusted.stdout).toContain("Trusted flower's commands");
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ name: 'flower', trusted: true });

    // For scripts: --trust on add trusts at once, printing what it trusted.
    const api = makeRepo(join(realpathSync(makeTempDir()), 'api'));
    commitIn(api, 'grove.yaml', 'merge:\n  gate: make test\n', 'recipe');
    const scripted = await runGrove(host, ['repo', 'add', '--trust', api]);
    expect(scripted.code, scripted.stderr).toBe(0);
    expect(scripted.stdout).toContain('  merge.gate  (run in MAIN after a merge)\n      make test');
    expect(scripted.stdout).toMatch(/digest sha256:[0-9a-f]{64}/);
    expect(scripted.stdout).toContain('Registered api: MAIN is');
    expect(scripted.stdout).toContain('its commands are trusted');
    const listed = JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout) as { repos: Repo[] };
    expect(listed.repos.map((r) => [r.name, r.trusted])).toEqual([['api', true], ['flower', true]]);
  });
});

describe('what withholds from agents', () => {
  it('a pulled change that only withholds more keeps the trust; one that stops withholding a key stops the commands until trusted again; a trust from before they were covered carries over', async () => {
    const host = await startHostProcess({ env: { APP_SECRET: 'from-the-host-env' } });
    const config: GroveConfig = { lanes: { keyless: true }, setup: { copy: ['.env'], stripKeys: ['*_SECRET'] } };
    const main = makeProbedRepo(config);
    writeFileSync(join(main, '.env'), 'APP_SECRET=s3cr3t-value\nAPP_NAME=flower\n');
    const repo = await addUntrusted(host, main);
    await trustRepo(host, repo.id);
    const before = await call<{ lane: { path: string } }>(host, 'lanes.create', { repoId: repo.id, name: 'kept-from' });
    expect(readFileSync(join(before.lane.path, '.env'), 'utf8')).not.toContain('s3cr3t-value');

    // A pull that withholds one more key: nothing to review, and the next lane goes without it.
    writeFileSync(join(main, '.env'), 'APP_SECRET=s3cr3t-value\nAPP_TOKEN=t0ken-value\nAPP_NAME=flower\n');
    commitIn(main, 'grove.yaml', stringify({ ...config, setup: { copy: ['.env'], stripKeys: ['*_SECRET', '*_TOKEN'] } }), 'withhold tokens too');
    expect(await repoOf(host, repo.id)).toMatchObject({ trusted: true, trust: 'trusted' });
    const tighter = await call<{ lane: { path: string } }>(host, 'lanes.create', { repoId: repo.id, name: 'tighter' });
    expect(readFileSync(join(tighter.lane.path, '.env'), 'utf8')).toBe('APP_NAME=flower\n');

    // A pull that would hand the next lane the key: nothing key-less, nothing stripped.
    commitIn(main, 'grove.yaml', stringify({ setup: { copy: ['.env'] } }), 'a pulled change');
    await expect.poll(async () => (await repoOf(host, repo.id)).trust, { timeout: 15_000 }).toBe('changed');
    const shown = await call<RepoCommands>(host, 'repos.commands', { repoId: repo.id });
    expect(shown.changes).toEqual([
      { key: 'lanes.keyless', role: 'new lanes are key-less (their copies lose setup.stripKeys)', before: 'true', after: null },
      { key: 'setup.stripKeys[0]', role: 'withheld from key-less lanes', before: '*_SECRET', after: null },
    ]);
    expect((await api(host, 'lanes.create', { repoId: repo.id, name: 'handed' })).body.error?.code).toBe('commands_changed');
    await expect.poll(async () => (await alertsOf(host, repo.id)).filter((m) => m.includes('- setup.stripKeys[0]: *_SECRET')).length, { timeout: 15_000 }).toBe(1);
    // Untrusted, the change loosens nothing: a lane made without recipes is key-less as
    // trusted, and its agent does not get the key from the host's environment.
    const plain = await call<{ lane: { path: string; keyless: boolean } }>(host, 'lanes.create', { repoId: repo.id, name: 'plain', withoutRecipes: true });
    expect(plain.lane.keyless).toBe(true);
    const printed = await call<{ agent: { id: string } }>(host, 'agents.start', { lanePath: plain.lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', 'echo "secret=[${APP_SECRET:-none}]"; exec sleep 60'], name: 'env' });
    await expect.poll(async () => (await call<{ text: string }>(host, 'agents.screen', { id: printed.agent.id })).text, { timeout: 15_000 }).toContain('secret=[none]');

    // Undone; then the host's data as a Grove whose digest left withholding out stored it:
    // the same commands, so the trust is carried over at the next start, without an alert.
    commitIn(main, 'grove.yaml', stringify(config), 'revert');
    await expect.poll(async () => (await repoOf(host, repo.id)).trust, { timeout: 15_000 }).toBe('trusted');
    await host.stop();
    const entries = (await import('../../src/host/trust/command-digest')).commandEntries(config);
    const firstVersion = (await import('../../src/host/trust/command-digest')).firstVersionDigest(entries);
    const db = new Database(join(host.home, 'grove.db'));
    db.prepare('UPDATE repos SET trusted_digest = ?, trusted_commands = ? WHERE id = ?').run(firstVersion, JSON.stringify(entries.filter((e) => e.key.startsWith('setup.copy'))), repo.id);
    db.close();
    const again = await startHostProcess({ home: host.home });
    expect(await repoOf(again, repo.id)).toMatchObject({ trusted: true, trust: 'trusted' });
    const lane = await call<{ lane: { path: string } }>(again, 'lanes.create', { repoId: repo.id, name: 'after-upgrade' });
    expect(readFileSync(join(lane.lane.path, '.env'), 'utf8')).toBe('APP_TOKEN=t0ken-value\nAPP_NAME=flower\n');
    // One alert in all: the loosening, not the tightening.
    expect((await alertsOf(again, repo.id)).filter((m) => m.includes('commands changed'))).toHaveLength(1);
  });
});

describe('repositories registered before trust existed', () => {
  it('are trusted at the first start of this Grove, and told once', async () => {
    const home = realpathSync(makeTempDir());
    const { main, marker } = flowerTouching(join(realpathSync(makeTempDir()), 'markers'));
    // A data dir as the previous Grove left it (schema 7, the last before trust), with flower registered.
    const db = new Database(join(home, 'grove.db'));
    migrate(db, 7);
    db.prepare("INSERT INTO repos VALUES ('r1', 'flower', ?, '2026-01-01T00:00:00Z')").run(main);
    db.close();

    const host = await startHostProcess({ home });
    expect(await repoOf(host, 'r1')).toMatchObject({ trusted: true, trust: 'trusted' });
    await expect.poll(() => existsSync(marker('probe')), { timeout: 15_000 }).toBe(true);
    const told = (await alertsOf(host, 'r1')).filter((m) => m.includes('registered before'));
    expect(told).toEqual([expect.stringContaining('flower was registered before Grove asked to trust')]);
    expect(readFileSync(marker('probe'), 'utf8')).toBe('');

    await host.stop();
    const again = await startHostProcess({ home });
    await expect.poll(async () => (await mainHealth(again, 'r1')).state).toBe('healthy');
    expect((await alertsOf(again, 'r1')).filter((m) => m.includes('registered before'))).toHaveLength(1);
  });

  it('in a terminal, asks before trusting what it showed: no (or Enter) trusts nothing, y trusts', async () => {
    const host = await startHostProcess();
    const { main, marker } = flowerTouching(join(realpathSync(makeTempDir()), 'markers'));
    expect((await runGrove(host, ['repo', 'add', main])).code).toBe(0);
    const inTerminal = async (answer: string): Promise<{ code: number; screen: string }> => {
      const term = spawnPty(process.execPath, [cliEntry, 'repo', 'trust', 'flower'], { cols: 200, rows: 50, env: { ...groveEnv(host), GROVE_AGENT_TOKEN: '', GROVE_URL: '' } as Record<string, string> });
      let screen = '';
      term.onData((d) => (screen += d));
      const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
      await expect.poll(() => screen).toContain('Trust exactly these? Grove will run them as you. [y/N]');
      expect(screen).toContain(`      touch ${marker('gate')}`);
      term.write(answer);
      return { code: await exited, screen };
    };
    const declined = await inTerminal('\r');
    expect(declined.code).toBe(1);
    expect(declined.screen).toContain('Not trusted: nothing changed');
    expect(declined.screen).toContain('To trust exactly these, answer y.');
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ trusted: false });
    expect((await inTerminal('\x04')).code).toBe(1); // Ctrl-D
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ trusted: false });

    const agreed = await inTerminal('y\r');
    expect(agreed.code).toBe(0);
    expect(agreed.screen).toContain("Trusted flower's commands");
    expect(JSON.parse((await runGrove(host, ['repo', 'list', '--json'])).stdout).repos[0]).toMatchObject({ trusted: true });
  });
});
