import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncStatus } from '../../src/shared/sync';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';
import { runGroveWith, type CliRun } from '../fixtures/grove-cli';

/**
 * `grove sync status|set|now|off` as an operator types them: the built CLI against a real
 * host. With no shared MySQL configured the host says sync is off; a URL with a password in
 * it is refused by the CLI before anything reaches the host (the host's log never sees it);
 * a wrong line is a usage error naming what was wrong. `set`, `now` and `off` print the
 * host's answer as it is: where the engine is not wired, its error, exit 1.
 */
let host: HostProcess;

const grove = (args: string[]): Promise<CliRun> => runGroveWith(host, args);

/** The one JSON document a `--json` run printed (JSON.parse throws on anything more). */
const doc = <T = Record<string, unknown>>(r: CliRun): T => JSON.parse(r.stdout) as T;

const SECRET = 'hunter2-s3cret';

beforeAll(async () => {
  host = await startHostProcess();
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('grove sync status', () => {
  it('says sync is off and how to turn it on', async () => {
    const r = await grove(['sync', 'status']);
    expect(r.code, r.stderr).toBe(0);
    const [first, second] = r.stdout.trimEnd().split('\n');
    expect(first).toBe('Sync is off: the briefs stay on this machine.');
    expect(second).toContain('grove sync set mysql://USER@HOST:PORT/DB');
    expect(second).toContain(`GROVE_SYNC_PASSWORD or ${host.home}/sync-password (chmod 600)`);
    expect(r.stderr).toBe('');
  });

  it('--json prints one document, { ok, status } with the status as the host has it', async () => {
    const r = await grove(['sync', 'status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = doc<{ ok: boolean; status: unknown }>(r);
    expect(d.ok).toBe(true);
    expect(SyncStatus.parse(d.status)).toEqual({ state: 'off', url: null, tls: null, passwordFrom: 'none', passwordProblem: null, lastPushAt: null, lastPullAt: null, waiting: 0, redactedWaiting: 0, lastError: null });
    expect(d.status).toEqual((await api(host, 'sync.status', {})).body.result);
  });

  it('takes no arguments', async () => {
    const r = await grove(['sync', 'status', 'now']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('grove: Unexpected argument "now".\nUsage: grove sync status [--json]\n');
  });
});

describe('grove sync set', () => {
  it('refuses a URL with a password before asking the host, never repeating the password', async () => {
    const before = host.output();
    // A password holding what ends a URL's authority (/, ?, #), and one typed without the scheme, too.
    for (const url of [`mysql://grove:${SECRET}@db.example:3306/grove`, `mysql://grove:${SECRET}@db.example/grove?x=1`, `mysql://grove:${SECRET}/x#y@db.example/grove`, `grove:${SECRET}?z@db.example:3306/grove`]) {
      for (const json of [false, true]) {
        const r = await grove(['sync', 'set', url, '--tls', 'require', ...(json ? ['--json'] : [])]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('The URL holds a password; Grove never takes one on the command line');
        expect(r.stderr).toContain(`GROVE_SYNC_PASSWORD or in ${host.home}/sync-password (chmod 600)`);
        expect(r.stderr + r.stdout).not.toContain(SECRET);
        if (json) expect(doc(r)).toEqual({ ok: false, error: { code: 'usage', message: expect.stringContaining('The URL holds a password') } });
        else expect(r.stdout).toBe('');
      }
    }
    // Wherever it stands, even with the verb forgotten: refused, not quoted back as an unknown verb.
    const forgot = await grove(['sync', `mysql://grove:${SECRET}@db.example/grove`]);
    expect(forgot.code).toBe(2);
    expect(forgot.stderr).toContain('The URL holds a password');
    expect(forgot.stderr).not.toContain(SECRET);
    // Nothing reached the host: its log has no request with it, and sync is still off.
    expect(host.output().slice(before.length)).not.toContain(SECRET);
    expect((await api(host, 'sync.status', {})).body.result).toMatchObject({ state: 'off', url: null });
  });

  it('names what is wrong in the line: no URL, not a MySQL URL, a wrong --tls, an unknown option', async () => {
    const cases: [string[], string][] = [
      [['sync', 'set'], 'grove: the URL (mysql://USER@HOST:PORT/DB) is missing.'],
      [['sync', 'set', 'postgres://grove@db/grove'], 'grove: "postgres://grove@db/grove" is not a URL sync takes: give mysql://USER@HOST[:PORT]/DATABASE'],
      [['sync', 'set', 'mysql://db.example/grove'], 'grove: "mysql://db.example/grove" is not a URL sync takes'],
      [['sync', 'set', 'mysql://grove@db/grove', '--tls', 'maybe'], 'grove: --tls takes off, require, verify, not "maybe".'],
      [['sync', 'set', 'mysql://grove@db/grove', '--port', '3306'], 'grove: Unknown option --port.'],
      [['sync', 'set', 'mysql://grove@db/grove', 'extra'], 'grove: Unexpected argument "extra".'],
    ];
    for (const [args, message] of cases) {
      const r = await grove(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.startsWith(message), `${args.join(' ')}: ${r.stderr}`).toBe(true);
      expect(r.stderr).toContain('Usage: grove sync set mysql://USER@HOST:PORT/DB [--tls off|require|verify]');
    }
    const json = await grove(['sync', 'set', 'mysql://grove@db/grove', '--tls', 'maybe', '--json']);
    expect(doc(json)).toEqual({ ok: false, error: { code: 'usage', message: '--tls takes off, require, verify, not "maybe".' } });
  });

  it("sends a good URL to the host and prints the host's answer; a refusal is printed as the host said it, exit 1", async () => {
    const url = 'mysql://grove@127.0.0.1:1/grove';
    const asked = await api(host, 'sync.set', { url, tls: 'off' });
    const r = await grove(['sync', 'set', url, '--tls', 'off']);
    const j = await grove(['sync', 'set', url, '--tls', 'off', '--json']);
    if (asked.body.ok) {
      // The engine is wired: the answer is the status, as `status` prints it.
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Sync is set to ${url}.`);
      expect(doc(j)).toMatchObject({ ok: true, status: { url, tls: 'off' } });
      await api(host, 'sync.off', {});
    } else {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toBe(asked.body.error!.message);
      expect(j.code).toBe(1);
      expect(doc(j)).toEqual({ ok: false, error: asked.body.error });
    }
  });
});

describe('grove sync now / off', () => {
  for (const verb of ['now', 'off'] as const) {
    it(`${verb}: the host's answer, or its error printed clearly with exit 1; --json one document`, async () => {
      const asked = await api(host, `sync.${verb}`, {});
      const r = await grove(['sync', verb]);
      const j = await grove(['sync', verb, '--json']);
      if (asked.body.ok) {
        const status = SyncStatus.parse(asked.body.result);
        expect(r.stdout.split('\n')[0]).toMatch(/^Sync is /);
        expect(doc(j)).toMatchObject({ ok: true, status: { state: status.state } });
      } else {
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr.trim()).toBe(asked.body.error!.message);
        expect(j.code).toBe(1);
        expect(doc(j)).toEqual({ ok: false, error: asked.body.error });
      }
      const extra = await grove(['sync', verb, 'please']);
      expect(extra.code).toBe(2);
      expect(extra.stderr).toBe(`grove: Unexpected argument "please".\nUsage: grove sync ${verb}${verb === 'off' ? ' [--force]\n        --force: turn off even though redacted entries are not yet rewritten in the store (their text may stay there)' : ''}\n`);
    });
  }
});

describe('grove sync', () => {
  it('takes --force only where it means something (off, set), saying where it belongs', async () => {
    for (const verb of ['now', 'status']) {
      const r = await grove(['sync', verb, '--force']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--force is for sync off and sync set, not sync ${verb}.`);
    }
  });

  it('without a verb, or with an unknown one, lists the forms', async () => {
    const none = await grove(['sync']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('grove: Say what: grove sync status|set|now|off.');
    const unknown = await grove(['sync', 'push']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('grove: Unknown sync command "push"; it takes status, set, now, off.');
    for (const r of [none, unknown]) for (const verb of ['status', 'set', 'now', 'off']) expect(r.stderr).toContain(`grove sync ${verb}`);
  });

  it('without a host: says none runs and how to start one, exit 3', async () => {
    const r = await runGroveWith(host, ['sync', 'status'], { home: '/nonexistent/grove-home' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Start one with `grove host` or `grove open`.');
  });
});
