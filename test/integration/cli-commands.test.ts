import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../src/host-client/find-host';
import { git, makeRepo } from '../fixtures/git-repo';
import { runGrove } from '../fixtures/grove-cli';
import { addTrustedRepo, browserSession, readDiscoveryOf, repoRoot, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The `grove` verbs an operator reaches for after the first day: resume, restart and remove
 * an agent, a custom command as an agent, its screen as text, the alerts, unregistering a
 * repository, stopping the host, and help and usage errors that point at one form.
 */
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const grove = (host: { home: string }, ...args: string[]) => runGrove(host, args);

/** The lines of stderr that show a usage form. */
const usageForms = (stderr: string): string[] => stderr.split('\n').filter((l) => /^(Usage: )?\s*grove [a-z]/.test(l));

describe('help and usage errors', () => {
  it('prints one command’s usage for help CMD and CMD --help, exit 0', async () => {
    const home = { home: makeTempDir() };
    const help = await grove(home, 'help', 'agent', 'resume');
    expect(help).toMatchObject({ code: 0, stdout: 'Usage: grove agent resume AGENT\n' });
    const flag = await grove(home, 'lane', 'create', '--help');
    expect(flag.code).toBe(0);
    expect(flag.stdout).toBe('Usage: grove lane create NAME [--branch B] [--ephemeral] [--keyless | --with-keys] [--without-recipes] [--network open|loopback|none] [--repo REPO]\n');
    // Another name for a command has that command's help.
    for (const line of [['briefs', '--help'], ['help', 'briefs']]) {
      const alias = await grove(home, ...line);
      expect(alias.code, line.join(' ')).toBe(0);
      expect(alias.stdout).toContain('grove brief new TITLE');
    }
    const whole = await grove(home, 'repo', '-h');
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('grove repo remove NAME');
    expect(whole.stdout).toContain('grove repo add PATH');
    expect(whole.stdout).not.toContain('grove lane');
    const alerts = await grove(home, 'help', 'alerts');
    expect(alerts.code).toBe(0);
    expect(alerts.stdout).toContain('grove alerts [--limit N] [--json]');
    const unknown = await grove(home, 'help', 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No command "frobnicate"');
  });

  it('prints the version', async () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await grove({ home: makeTempDir() }, '--version')).toMatchObject({ code: 0, stdout: `grove ${version}\n` });
  });

  it('names the missing argument and shows that one form, exit 2, host or not', async () => {
    const home = { home: makeTempDir() };
    const cases: [string[], string, string][] = [
      [['agent', 'resume'], 'AGENT (its id, an id prefix or its name) is missing.', 'Usage: grove agent resume AGENT'],
      [['agent', 'remove', 'a', 'b'], 'Unexpected argument "b".', 'Usage: grove agent remove AGENT'],
      [['repo', 'remove'], 'NAME (the repository, as grove repo list shows it) is missing.', 'Usage: grove repo remove NAME [--json]'],
      [['lane', 'create'], 'NAME is missing.', 'Usage: grove lane create NAME [--branch B] [--ephemeral] [--keyless | --with-keys] [--without-recipes] [--network open|loopback|none] [--repo REPO]'],
      [['lane', 'create', 'x', '--branch'], '--branch takes a value.', 'Usage: grove lane create NAME [--branch B] [--ephemeral] [--keyless | --with-keys] [--without-recipes] [--network open|loopback|none] [--repo REPO]'],
      [['lane', 'create', 'x', '--network', 'local'], '--network takes open, loopback or none, not "local".', 'Usage: grove lane create NAME'],
      [['lane', 'network', 'x'], 'The network (open, loopback, none or default) is missing.', 'Usage: grove lane network NAME open|loopback|none|default [--repo REPO]'],
      [['lane', 'network', 'x', 'local'], 'The network is open, loopback, none or default (grove.yaml\'s lanes.network), not "local".', 'Usage: grove lane network NAME open|loopback|none|default [--repo REPO]'],
      [['lane', 'serve', 'x', '--network', 'none'], '--network is for lane create', 'Usage: grove lane serve NAME'],
      [['merge'], 'NAME (the lane to merge) is missing.', 'Usage: grove merge NAME [--dry-run] [--commit MESSAGE] [--repo REPO]'],
      [['alerts', '--limit'], '--limit takes a value.', 'Usage: grove alerts [--limit N] [--json]'],
      [['host', 'stop', 'now'], 'host stop takes no arguments, not now.', 'Usage: grove host stop'],
      [['status', '--verbose'], 'status takes no arguments but --json, not --verbose.', 'Usage: grove status [--json]'],
      [['health', 'now'], 'Unexpected argument "now".', 'Usage: grove health [--repo R] [--json]'],
      [['notifications', 'pause', '2h'], 'Unexpected argument "2h".', 'Usage: grove notifications pause [--for 30m|2h|1d]'],
      [['ops', 'start', '--command'], '--command takes a value.', 'Usage: grove ops start [--repo REPO] [--command CMD]'],
    ];
    for (const [args, message, form] of cases) {
      const r = await grove(home, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(usageForms(r.stderr), args.join(' ')).toEqual([expect.stringContaining(form)]);
      // With --json, a script also reads it: one document on stdout, the same words.
      const json = await grove(home, ...args, '--json');
      expect(json.code, `${args.join(' ')} --json`).toBe(2);
      expect(JSON.parse(json.stdout), `${args.join(' ')} --json`).toEqual({ ok: false, error: { code: 'usage', message: expect.stringContaining(message) } });
    }
  });

  it('says which option agent start lacks, with a host running', async () => {
    const host = await startHostProcess();
    const r = await grove(host, 'agent', 'start', '--preset', 'shell');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--lane PATH is missing');
    expect(usageForms(r.stderr)).toEqual([expect.stringContaining('grove agent start --lane PATH --preset')]);
    const noPreset = await grove(host, 'agent', 'start', '--lane', '/tmp');
    expect(noPreset.code).toBe(2);
    expect(noPreset.stderr).toContain('--preset is missing');
    expect(noPreset.stderr).toContain('-- CMD ARGS');
  });
});

describe('grove agent resume, restart, remove and a custom command', () => {
  it('runs `-- CMD ARGS` as a custom agent, restarts it, and removes it only once stopped', async () => {
    const host = await startHostProcess();
    const lane = realpathSync(makeTempDir('grove-lane-'));
    const started = await grove(host, 'agent', 'start', '--lane', lane, '--name', 'c1', '--json', '--', '/bin/sh', '-c', 'echo custom-$((6*7)); exec sleep 60');
    expect(started.code, started.stderr).toBe(0);
    const agent = JSON.parse(started.stdout).agent;
    expect(agent).toMatchObject({ name: 'c1', preset: 'custom', command: '/bin/sh', lanePath: lane, supervision: { kind: 'running' } });
    await expect.poll(async () => (await grove(host, 'agent', 'tail', 'c1')).stdout).toContain('custom-42');
    // With --preset custom, the same: the program is the first word after --.
    const named = await grove(host, 'agent', 'start', '--lane', lane, '--name', 'c2', '--preset', 'custom', '--json', '--', '/bin/sh', '-c', 'exec sleep 60');
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout).agent).toMatchObject({ name: 'c2', preset: 'custom', command: '/bin/sh', args: ['-c', 'exec sleep 60'] });
    expect((await grove(host, 'agent', 'stop', 'c2')).code).toBe(0);
    expect((await grove(host, 'agent', 'remove', 'c2')).code).toBe(0);
    const firstPid = agent.supervision.pid as number;

    const restarted = await grove(host, 'agent', 'restart', 'c1', '--json');
    expect(restarted.code, restarted.stderr).toBe(0);
    const after = JSON.parse(restarted.stdout).agent;
    expect(after.supervision.kind).toBe('running');
    expect(after.supervision.pid).not.toBe(firstPid);
    expect(isPidAlive(firstPid)).toBe(false);

    const refused = await grove(host, 'agent', 'remove', 'c1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('c1 is running; stop it first.');

    expect((await grove(host, 'agent', 'stop', 'c1')).code).toBe(0);
    const resumed = await grove(host, 'agent', 'resume', 'c1');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Resumed c1 (running) in ${lane}.`);
    const again = await grove(host, 'agent', 'resume', 'c1');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('c1 is running; stop it first.');

    expect((await grove(host, 'agent', 'stop', 'c1')).code).toBe(0);
    const removed = await grove(host, 'agent', 'remove', 'c1');
    expect(removed).toMatchObject({ code: 0, stdout: 'Removed c1 and its scrollback.\n' });
    expect(JSON.parse((await grove(host, 'agent', 'list', '--json')).stdout).agents).toEqual([]);
    const gone = await grove(host, 'agent', 'resume', 'c1');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No agent "c1"');
  });

  it('prints the rendered screen with tail --screen, not the raw bytes', async () => {
    const host = await startHostProcess();
    const lane = realpathSync(makeTempDir('grove-lane-'));
    // Writes a line, clears the screen, homes the cursor and overwrites part of a second line.
    const script = "printf 'stale-line\\n\\033[2J\\033[Hfresh-screen\\nabcdef\\rXY\\n'; exec sleep 60";
    expect((await grove(host, 'agent', 'start', '--lane', lane, '--name', 'painter', '--', '/bin/sh', '-c', script)).code).toBe(0);
    await expect.poll(async () => (await grove(host, 'agent', 'tail', 'painter')).stdout).toContain('XY');
    const raw = (await grove(host, 'agent', 'tail', 'painter')).stdout;
    expect(raw).toContain('stale-line');
    expect(raw).toContain('\x1b[2J');
    const screen = await grove(host, 'agent', 'tail', 'painter', '--screen');
    expect(screen.code, screen.stderr).toBe(0);
    expect(screen.stdout).toBe('fresh-screen\nXYcdef\n');
    const json = JSON.parse((await grove(host, 'agent', 'tail', 'painter', '--screen', '--json')).stdout);
    expect(json.screen).toMatchObject({ text: 'fresh-screen\nXYcdef', cols: expect.any(Number), rows: expect.any(Number) });
    expect((await grove(host, 'agent', 'tail', 'nobody', '--screen')).code).toBe(1);
  });
});

describe('grove alerts', () => {
  it('lists what the host raised, newest first, naming the repository', async () => {
    const host = await startHostProcess();
    expect(await grove(host, 'alerts')).toMatchObject({ code: 0, stdout: 'No alerts.\n' });
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    expect((await grove(host, 'repo', 'add', main, '--trust')).code).toBe(0);
    expect((await grove(host, 'lane', 'create', 'design')).code).toBe(0);
    git(`${main}-design`, 'checkout', '-q', '-b', 'elsewhere');
    const message = 'Lane design was switched from design to elsewhere outside Grove.';
    await expect.poll(async () => JSON.parse((await grove(host, 'alerts', '--json')).stdout).alerts, { timeout: 15_000 }).toEqual([
      expect.objectContaining({ message, agentId: null, repoId: expect.any(String), seq: expect.any(Number), at: expect.any(String) }),
    ]);
    const text = await grove(host, 'alerts');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  \\[flower\\] ${message.replace(/\./g, '\\.')}\\n$`));
    git(`${main}-design`, 'checkout', '-q', '--detach');
    await expect.poll(async () => JSON.parse((await grove(host, 'alerts', '--json', '--limit', '1')).stdout).alerts.map((a: { message: string }) => a.message), { timeout: 15_000 }).toEqual([
      'Lane design was switched from design to a detached HEAD outside Grove.',
    ]);
  });
});

describe('grove repo remove', () => {
  it('refuses while a lane holds work or an agent runs, naming them, then unregisters and leaves the files', async () => {
    const host = await startHostProcess();
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    expect((await grove(host, 'repo', 'add', main, '--trust')).code).toBe(0);
    expect((await grove(host, 'lane', 'create', 'design')).code).toBe(0);
    const lane = `${main}-design`;
    writeFileSync(join(lane, 'wip.txt'), 'not committed\n');
    expect((await grove(host, 'agent', 'start', '--lane', lane, '--name', 'worker', '--', '/bin/sh', '-c', 'exec sleep 60')).code).toBe(0);

    const refused = await grove(host, 'repo', 'remove', 'flower');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('flower is still in use, so it stays registered:');
    expect(refused.stderr).toContain('lane design has live agents: worker');
    expect(refused.stderr).toContain('lane design holds work: 1 untracked file: wip.txt');
    const asJson = JSON.parse((await grove(host, 'repo', 'remove', 'flower', '--json')).stdout);
    expect(asJson).toMatchObject({ ok: false, error: { code: 'repo_in_use', details: { blockers: ['lane design has live agents: worker', 'lane design holds work: 1 untracked file: wip.txt'] } } });
    expect(JSON.parse((await grove(host, 'repo', 'list', '--json')).stdout).repos.map((r: { name: string }) => r.name)).toEqual(['flower']);

    expect((await grove(host, 'agent', 'stop', 'worker')).code).toBe(0);
    const stillWork = await grove(host, 'repo', 'remove', 'flower');
    expect(stillWork.code).toBe(1);
    expect(stillWork.stderr).not.toContain('live agents');
    expect(stillWork.stderr).toContain('wip.txt');

    git(lane, 'add', 'wip.txt');
    git(lane, 'commit', '-q', '-m', 'wip');
    const unmerged = await grove(host, 'repo', 'remove', 'flower');
    expect(unmerged.code).toBe(1);
    expect(unmerged.stderr).toContain('lane design holds work: 1 commit neither in MAIN nor pushed');

    expect((await grove(host, 'lane', 'remove', 'design', '--archive')).code).toBe(0);
    const removed = await grove(host, 'repo', 'remove', 'flower');
    expect(removed).toMatchObject({ code: 0, stdout: `Unregistered flower; ${main} and its files are untouched.\n` });
    expect(JSON.parse((await grove(host, 'repo', 'list', '--json')).stdout).repos).toEqual([]);
    expect(existsSync(join(main, 'README.md'))).toBe(true);
    expect(git(main, 'log', '--format=%s', '-1')).toBe('initial');
    const unknown = await grove(host, 'repo', 'remove', 'flower');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No repository is registered');
  });
});

describe('repos.remove', () => {
  it('refuses over the API too while a lane holds work, and keeps the lane’s record', async () => {
    const host = await startHostProcess();
    const call = async (method: string, params: unknown) => {
      const res = await fetch(`${host.url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify(params) });
      return { status: res.status, body: (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string; details?: unknown } } };
    };
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    const repo = { id: await addTrustedRepo(host, main) };
    expect((await call('lanes.create', { repoId: repo.id, name: 'design' })).body.ok).toBe(true);
    writeFileSync(join(`${main}-design`, 'wip.txt'), 'not committed\n');
    const refused = await call('repos.remove', { id: repo.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'repo_in_use', details: { blockers: ['lane design holds work: 1 untracked file: wip.txt'] } });
    const lanes = (await call('lanes.list', { repoId: repo.id })).body.result as { lanes: { name: string }[] };
    expect(lanes.lanes.map((l) => l.name)).toEqual(['design']);
  });
});

describe('grove host stop', () => {
  it('answers, stops the host and its agents cleanly, and exits 0 once it is gone', async () => {
    const host = await startHostProcess();
    const lane = realpathSync(makeTempDir('grove-lane-'));
    const started = await grove(host, 'agent', 'start', '--lane', lane, '--json', '--', '/bin/sh', '-c', 'exec sleep 60');
    const agentPid = JSON.parse(started.stdout).agent.supervision.pid as number;
    const stopped = await grove(host, 'host', 'stop');
    expect(stopped).toMatchObject({ code: 0, stdout: `Stopped the host (pid ${host.pid}).\n` });
    expect(await host.exited).toBe(0);
    expect(isPidAlive(agentPid)).toBe(false);
    expect(readDiscoveryOf(host.home)).toBeNull();
    expect(host.output()).toContain('"reason":"host.stop"');
    const none = await grove(host, 'host', 'stop');
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('No Grove host is running');
    // The lock was released: a new host starts on the same data dir.
    const next = await startHostProcess({ home: host.home });
    expect(next.pid).not.toBe(host.pid);
  });
});

describe('grove host log-out-browsers', () => {
  it("ends every browser's session: its page key opens the API no more, and the CLI's token still does", async () => {
    const host = await startHostProcess();
    const { key } = await browserSession(host);
    const asPage = () => fetch(`${host.url}/api/host.status`, { method: 'POST', headers: { 'x-grove-session': key, 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
    expect(await asPage()).toBe(200);
    const out = await grove(host, 'host', 'log-out-browsers', '--json');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ ok: true, loggedOut: true });
    expect(await asPage()).toBe(401);
    expect((await grove(host, 'status')).code).toBe(0);
    expect((await grove(host, 'host', 'log-out-browsers', 'now')).code).toBe(2);
  });
});
