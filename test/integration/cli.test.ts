import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { LATEST_SCHEMA_VERSION } from '../../src/host/db/migrations';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { isPidAlive } from '../../src/host-client/find-host';
import { makeRepo } from '../fixtures/git-repo';
import { cliEntry, readDiscoveryOf, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { killLeftovers, known, type KnownProcess } from '../fixtures/leftover-processes';

/** The `grove` command as a user runs it: a real process, real exit codes, real output. */
const detachedHosts: KnownProcess[] = [];
afterEach(async () => {
  killLeftovers(detachedHosts);
  await stopAllHosts();
  removeTempDirs();
});

function grove(home: string, args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { encoding: 'utf8', timeout: 20_000, cwd, env: { ...process.env, GROVE_HOME: home } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('grove status', () => {
  it('exits 3 and says how to start a host when none runs', () => {
    const home = makeTempDir();
    const r = grove(home, ['status']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('No Grove host is running');
    expect(r.stderr).toContain('grove host');
    const j = grove(home, ['status', '--json']);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ running: false, dataDir: home, error: { kind: 'not-running' } });
  });

  it('reports the running host, in words and in stable JSON', async () => {
    const host = await startHostProcess();
    const r = grove(host.home, ['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is running');
    expect(r.stdout).toContain(host.url);
    expect(r.stdout).toContain(host.home);
    const j = JSON.parse(grove(host.home, ['status', '--json']).stdout);
    expect(j).toMatchObject({ running: true, url: host.url, dataDir: host.home, status: { pid: host.pid, protocolVersion: 1, schemaVersion: LATEST_SCHEMA_VERSION } });
    expect(Object.keys(j.status).sort()).toEqual(['dataDir', 'latestEventSeq', 'pid', 'protocolVersion', 'schemaVersion', 'startedAt', 'uptimeMs', 'version']);
  });

  it('says why with one JSON document on stdout under --json when no host runs, whatever the command', () => {
    const home = makeTempDir();
    for (const args of [['lane', 'list'], ['brief', 'list'], ['sync', 'status'], ['dispatches'], ['repo', 'list']]) {
      const r = grove(home, [...args, '--json']);
      expect(r.code, args.join(' ')).toBe(3);
      expect(JSON.parse(r.stdout), args.join(' ')).toEqual({ ok: false, error: { code: 'host_not_running', message: expect.stringContaining(`No Grove host is running for ${home}.`) } });
    }
    // A wrong line, too: exit 2 and one document, for every command's own checks.
    for (const [args, said] of [
      [['incidents', '--limit', '0'], '--limit takes a whole number from 1 to 500, not 0.'],
      [['notifications', 'escalate', '--after', '2d'], '--after takes a wait such as 10m or 1h (at most a day), or off, not 2d.'],
      [['bogus'], 'Unknown command "bogus".'],
      [['alerts', '--limit', '1e3'], '--limit takes a whole number from 1 to 1000, not 1e3.'],
      [['merges', '--bogus'], 'Unknown option --bogus.'],
    ] as const) {
      const r = grove(home, [...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout), args.join(' ')).toEqual({ ok: false, error: { code: 'usage', message: said } });
    }
  });

  it('takes --home and --json before the command too', () => {
    const home = makeTempDir();
    const j = grove(makeTempDir(), ['--home', home, '--json', 'status']);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ running: false, dataDir: home });
  });

  it('sees through a discovery file left by a killed host', async () => {
    const host = await startHostProcess();
    await host.kill9();
    expect(grove(host.home, ['status']).code).toBe(3);
  });
});

describe('the CLI where it cannot do its work', () => {
  it('ends quietly when whoever read its output has gone (grove … | head)', async () => {
    const child = spawn(process.execPath, [cliEntry, 'help'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GROVE_HOME: makeTempDir() } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('grove host whose output goes nowhere still runs, and stops as a host does (its discovery file removed)', async () => {
    const home = makeTempDir();
    const child = spawn(process.execPath, [cliEntry, 'host'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GROVE_HOME: home } });
    detachedHosts.push(known(child.pid!));
    child.stdout.destroy();
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await expect.poll(() => readDiscoveryOf(home)?.pid, { timeout: 15_000 }).toBe(child.pid);
    // Its login URL went to a closed pipe; it is still up, and answers.
    await new Promise((r) => setTimeout(r, 500));
    expect(isPidAlive(child.pid!)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readDiscoveryOf(home)).toBeNull();
  });

  it('inside an agent, says an operator command is the operator’s instead of sending it to start a host', () => {
    const home = makeTempDir();
    const r = spawnSync(process.execPath, [cliEntry, 'lane', 'list'], { encoding: 'utf8', env: { ...process.env, GROVE_HOME: home, GROVE_URL: 'http://127.0.0.1:9', GROVE_AGENT_TOKEN: 'agent-token' } });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("This is an agent's terminal: this command is the operator's, to run in the operator's own shell.");
    expect(r.stderr).not.toContain('Start one with');
  });

  it('says a wrong command line is wrong (exit 2) before looking for a host, and how to pass text that starts with -', () => {
    const home = makeTempDir();
    expect(grove(home, ['--home', home, 'help', 'lane']).stdout).toContain('grove lane create NAME');
    const bogus = grove(home, ['repo', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('Unknown repo command "bogus"');
    const dashed = grove(home, ['brief', 'note', '4', 'fixed', 'the', '-v', 'flag']);
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain("Unknown option -v. If it is part of your text, put -- before the text (grove brief note 4 -- fixed the -v flag).");
    // An option never takes the next option as its value, nor counts twice (the last silently winning).
    for (const [args, said] of [
      [['agent', 'start', '--lane', '--unconfined', '--preset', 'shell'], '--lane takes a value, and --unconfined is an option: give --lane its value (one that starts with - as --lane=--unconfined).'],
      [['agent', 'start', '--lane', '/tmp', '--preset', 'shell', '--name', 'a', '--name', 'b'], '--name is given twice; give it once.'],
      [['agent', 'start', '--lane', '/tmp', 'vim'], 'Unexpected argument "vim": a program and its arguments go after -- (-- CMD ARGS).'],
      [['--home', '--json', 'status'], '--home takes a directory (a path, not an option).'],
      [['brief', 'new', 'Seeds', '--kind', 'bug', '--kind', 'note'], '--kind is given twice; give it once.'],
      [['merge', 'l3', '--commit', 'x', '--commit', 'y'], '--commit is given twice; give it once.'],
      [['agent', 'list', '--bogus'], 'Unknown option --bogus.'],
      [['brief', 'export', '--since', '99999999999999999999'], "--since takes an entry's sequence number (a whole number), not 99999999999999999999."],
      [['brief', 'link', '1', '--to', 'url:'], '--to url: names no target: give it after the colon'],
      [['agent', 'send'], 'AGENT is missing.'],
      [['agent', 'start', '--lane', '/tmp', '--preset', 'custom'], '--preset custom needs its program: --command PROG, or -- PROG ARGS.'],
      [['agent', 'send', 'sh1', 'hello', 'world'], 'Quote the text as one argument (got 2 words).'],
      [['--home=/tmp/a', 'status', '--home', '/tmp/b'], '--home is given twice; give it once.'],
      [['agent', 'send', 'sh1', '--bogus'], 'Unknown option --bogus. If it is part of your text, put -- before the text'],
      [['agent', 'tail', 'sh1', '--screen', '-f'], '--screen takes no other option: it prints the screen as it is now.'],
      [['--home', '/tmp/a', 'status', '--home', '/tmp/b'], '--home is given twice; give it once.'],
      [['lane', 'create', 'x', '--ephemeral', '--ephemeral'], '--ephemeral is given twice; give it once.'],
      [['agent', 'tail', 'sh1', '--folow'], 'Unknown option --folow.'],
      [['agent', 'tail', 'sh1', '--since', '1e3'], '--since takes a byte offset (a whole number from 0).'],
      [['agent', 'tail', 'sh1', '--json'], "agent tail prints the terminal's raw bytes; --json goes with --screen (the screen as text)."],
      [['repo', 'list', '--bogus'], 'Unknown option --bogus.'],
      [['repo', 'add'], 'PATH is missing.'],
      [['repo', 'guard', 'maybe'], 'repo guard takes on or off, not "maybe".'],
    ] as const) {
      const r = grove(home, [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(said);
    }
    // Wrong before any command is known, under --json too: one document a script can read.
    for (const [args, said] of [
      [['--json'], 'Name a command.'],
      [['--json', 'status', '--home'], '--home takes a directory (a path, not an option).'],
    ] as const) {
      const r = grove(home, [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout), args.join(' ')).toEqual({ ok: false, error: { code: 'usage', message: said } });
    }
    // A verb's own usage, with the global options before it.
    expect(grove(home, ['--home', home, 'lane', 'create', '--help']).stdout).not.toContain('grove lane list');
  });

  it('names a discovery file a crash cut short, and says it may go', () => {
    const home = makeTempDir();
    writeFileSync(join(home, 'host.json'), '{"pid": 12');
    const r = grove(home, ['status']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${join(home, 'host.json')} is not a host's discovery file (cut short by a crash?); if no Grove host runs for ${home}, remove it and start again`);
    // grove open is not stopped by it: the data dir's lock decides whether a host runs.
    const opened = grove(home, ['open', '--no-browser', '--json']);
    expect(opened.code, opened.stderr).toBe(0);
    const { pid } = JSON.parse(opened.stdout) as { pid: number };
    detachedHosts.push(known(pid));
    expect(readDiscoveryOf(home)?.pid).toBe(pid);
    expect(grove(home, ['host', 'stop']).code).toBe(0);
  });

  it('grove mcp config gives no URL from a discovery file a dead host left behind', async () => {
    const host = await startHostProcess();
    await host.kill9();
    const r = grove(host.home, ['mcp', 'config', '--for', 'codex']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`No host is running for ${host.home}, so its URL is unknown`);
    expect(r.stdout).toBe('');
    // With --json, the one document a script reads.
    const json = grove(host.home, ['mcp', 'config', '--for', 'codex', '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: { code: 'host_not_running', message: expect.stringMatching(/^No host is running for .*, so its URL is unknown/) } });
  });
});

describe('grove open', () => {
  it('starts a detached host once and attaches to it after', () => {
    const home = makeTempDir();
    const first = grove(home, ['open', '--no-browser', '--json']);
    expect(first.code).toBe(0);
    const opened = JSON.parse(first.stdout);
    detachedHosts.push(known(opened.pid));
    expect(opened).toMatchObject({ started: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(opened.loginUrl).toContain('/auth?code=');
    expect(opened.loginUrl).not.toContain(readFileSync(join(home, 'token'), 'utf8').trim());
    expect(isPidAlive(opened.pid)).toBe(true);
    const second = JSON.parse(grove(home, ['open', '--no-browser', '--json']).stdout);
    expect(second).toMatchObject({ started: false, pid: opened.pid });
    expect(readDiscoveryOf(home)?.pid).toBe(opened.pid);
  });
});

describe('grove repo', () => {
  it('registers a MAIN checkout given relative to the current directory, and lists it', async () => {
    const host = await startHostProcess();
    const root = realpathSync(makeTempDir());
    makeRepo(join(root, 'flower'));
    const r = grove(host.home, ['repo', 'add', 'flower'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`MAIN is ${join(root, 'flower')}`);
    const list = JSON.parse(grove(host.home, ['repo', 'list', '--json']).stdout);
    expect(list.repos).toEqual([expect.objectContaining({ name: 'flower', mainPath: join(root, 'flower') })]);
  });

  it('exits 1 with the host\'s reason when the path is not a repository', async () => {
    const host = await startHostProcess();
    const dir = makeTempDir();
    mkdirSync(join(dir, 'plain'));
    const r = grove(host.home, ['repo', 'add', join(dir, 'plain')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not inside a git repository');
  });
});

describe('grove host', () => {
  it('runs in the foreground, prints a single-use login URL, and stops on SIGTERM', async () => {
    const home = makeTempDir();
    const child = spawn(process.execPath, [cliEntry, 'host'], { env: { ...process.env, GROVE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    onTestFinished(() => void child.kill('SIGKILL')); // even if an assertion fails first
    await expect.poll(() => out, { timeout: 10_000 }).toContain('Open the UI');
    const login = /Open the UI[^:]*: (\S+)/.exec(out)![1]!;
    expect(login).toContain('/auth?code=');
    const res = await fetch(login, { redirect: 'manual' });
    expect(res.status).toBe(200); // the hand-off page: a cookie, and a page key kept by its script
    expect(res.headers.get('set-cookie')).toMatch(/^grove_session_\d+=/);
    expect((await fetch(login, { redirect: 'manual' })).status).toBe(401); // used up
    expect(grove(home, ['host']).code).toBe(3); // a second one refuses
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('usage', () => {
  it('exits 2 with the usage for an unknown command or bad option', () => {
    const home = makeTempDir();
    const r = grove(home, ['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: grove');
    expect(grove(home, ['status', '--verbose']).code).toBe(2);
    expect(grove(home, ['host', '--port', '0x']).code).toBe(2);
    expect(grove(home, ['--help']).code).toBe(0);
  });
});

describe('grove agent', () => {
  it('starts, lists, sends to, tails and stops an agent', async () => {
    const host = await startHostProcess();
    const lane = realpathSync(makeTempDir('grove-lane-'));
    const started = grove(host.home, ['agent', 'start', '--lane', lane, '--preset', 'shell', '--command', '/bin/sh', '--name', 'sh1', '--json']);
    expect(started.code, started.stderr).toBe(0);
    const agent = JSON.parse(started.stdout).agent;
    expect(agent).toMatchObject({ name: 'sh1', lanePath: lane, supervision: { kind: 'running' } });

    const listed = JSON.parse(grove(host.home, ['agent', 'list', '--json']).stdout);
    expect(listed.agents.map((a: { name: string }) => a.name)).toEqual(['sh1']);
    expect(grove(host.home, ['agent', 'list']).stdout).toContain('sh1');

    expect(grove(host.home, ['agent', 'send', 'sh1', 'echo "cli-$((20+1))"']).code).toBe(0);
    await expect.poll(() => grove(host.home, ['agent', 'tail', agent.id.slice(0, 8)]).stdout).toContain('cli-21');
    const since = Buffer.byteLength(grove(host.home, ['agent', 'tail', 'sh1']).stdout);
    const sent = grove(host.home, ['agent', 'send', 'sh1', 'echo after-$((1+1))', '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ ok: true, id: agent.id, sent: true });
    await expect.poll(() => grove(host.home, ['agent', 'tail', 'sh1', '--since', String(since)]).stdout).toContain('after-2');
    expect(grove(host.home, ['agent', 'tail', 'sh1', '--since', String(since)]).stdout).not.toContain('cli-21');
    // A misspelt option is refused, not taken for a tail that prints once.
    const misspelt = grove(host.home, ['agent', 'tail', 'sh1', '--folow']);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain('Unknown option --folow.');
    // Options of another lane verb are refused too, before the host is asked.
    const adopt = grove(host.home, ['lane', 'adopt', lane, '--keyless']);
    expect(adopt.code).toBe(2);
    expect(adopt.stderr).toContain('lane adopt does not take --keyless; it takes --name, --ephemeral, --repo.');

    const stopped = grove(host.home, ['agent', 'stop', 'sh1']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('Stopped sh1');
  });

  it('follows output live with tail -f until interrupted', async () => {
    const host = await startHostProcess();
    const lane = realpathSync(makeTempDir('grove-lane-'));
    const agent = JSON.parse(grove(host.home, ['agent', 'start', '--lane', lane, '--preset', 'shell', '--command', '/bin/sh', '--json']).stdout).agent;
    const child = spawn(process.execPath, [cliEntry, 'agent', 'tail', agent.id, '-f'], { env: { ...process.env, GROVE_HOME: host.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    onTestFinished(() => void child.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 500));
    grove(host.home, ['agent', 'send', agent.id, 'echo live-$((3*3))']);
    await expect.poll(() => out, { timeout: 10_000 }).toContain('live-9');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('explains what is wrong: unknown agent, missing options, a lane that is MAIN', async () => {
    const host = await startHostProcess();
    const r = grove(host.home, ['agent', 'stop', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No agent "nobody"');
    const json = grove(host.home, ['agent', 'stop', 'nobody', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: { code: 'agent_unknown', message: expect.stringContaining('No agent "nobody"') } });
    expect(grove(host.home, ['agent', 'start', '--preset', 'shell']).code).toBe(2);
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    grove(host.home, ['repo', 'add', main]);
    const inMain = grove(host.home, ['agent', 'start', '--lane', main, '--preset', 'shell']);
    expect(inMain.code).toBe(1);
    expect(inMain.stderr).toContain('inside MAIN');
  });
});

describe('grove lane', () => {
  it('creates, lists and removes lanes, refusing to lose work', async () => {
    const host = await startHostProcess();
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    expect(grove(host.home, ['repo', 'add', '--trust', main]).code).toBe(0);
    const created = grove(host.home, ['lane', 'create', 'design']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`${main}-design`);
    const listed = JSON.parse(grove(host.home, ['lane', 'list', '--json']).stdout);
    expect(listed.lanes).toEqual([expect.objectContaining({ name: 'design', branch: 'design', status: 'ok' })]);
    writeFileSync(join(`${main}-design`, 'wip.txt'), 'not committed\n');
    const refused = grove(host.home, ['lane', 'remove', 'design']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('wip.txt');
    const archived = grove(host.home, ['lane', 'remove', 'design', '--archive']);
    expect(archived.code).toBe(0);
    expect(archived.stdout).toMatch(/refs\/grove\/archive\/design\//);
    expect(grove(host.home, ['lane', 'create', '../escape']).code).toBe(1);
  });
});
