import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confineLaunch, type ConfinementDeps } from '../../../../src/host/confine/agent-confinement';
import { confinePolicy, type ConfineInputs } from '../../../../src/host/confine/confine-policy';
import { probeConfinement, SANDBOX_EXEC, type ProbeSystem, type TrialRun } from '../../../../src/host/confine/confine-probe';
import { sandboxExecArgs, sandboxProfile } from '../../../../src/host/confine/sandbox-profile';
import { PRESETS } from '../../../../src/host/terminals/presets';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * macOS's sandbox profile for a policy. This machine is Linux: sandbox-exec cannot run here,
 * so the profiles are read back by a small SBPL reader below that decides as Seatbelt is
 * documented to (allow or deny by the LAST rule whose operation and filter match), and
 * asked what a confined agent may do. Whether a real Mac agrees is untested by these tests.
 */
afterEach(removeTempDirs);

type Sexp = string | { str: string } | { re: string } | Sexp[];

/** SBPL's syntax as the profile uses it: lists, symbols, "strings" with \-escapes, #"regexes". */
function parse(text: string): Sexp[] {
  let i = 0;
  const quoted = (): string => {
    let s = '';
    for (i++; text[i] !== '"'; i++) {
      if (i >= text.length) throw new Error('unterminated string');
      s += text[i] === '\\' ? text[++i] : text[i];
    }
    i++;
    return s;
  };
  const item = (): Sexp => {
    while (/\s/.test(text[i]!)) i++;
    if (text[i] === '(') {
      i++;
      const list: Sexp[] = [];
      for (;;) {
        while (/\s/.test(text[i]!)) i++;
        if (text[i] === ')') return i++, list;
        list.push(item());
      }
    }
    if (text[i] === '"') return { str: quoted() };
    if (text.startsWith('#"', i)) {
      let re = '';
      for (i += 2; text[i] !== '"'; i++) re += text[i] === '\\' && text[i + 1] === '"' ? text[++i] : text[i];
      i++;
      return { re };
    }
    const start = i;
    while (i < text.length && !/[\s()]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const out: Sexp[] = [];
  for (;;) {
    while (i < text.length && (/\s/.test(text[i]!) || text[i] === ';')) {
      if (text[i] === ';') while (i < text.length && text[i] !== '\n') i++;
      else i++;
    }
    if (i >= text.length) return out;
    out.push(item());
  }
}

const str = (x: Sexp | undefined): string => (x && typeof x === 'object' && 'str' in x ? x.str : '');

/** Does one filter match? Paths: literal, subpath, regex; network: remote ip / unix-socket; mach: global-name. */
function filterMatches(f: Sexp, target: string): boolean {
  if (!Array.isArray(f)) throw new Error(`not a filter: ${JSON.stringify(f)}`);
  const [kind, arg, arg2] = f;
  if (kind === 'literal') return target === str(arg);
  if (kind === 'subpath') return target === str(arg) || target.startsWith(str(arg) + '/');
  if (kind === 'regex') return new RegExp((arg as { re: string }).re).test(target);
  if (kind === 'global-name') return target === `mach:${str(arg)}`;
  if ((kind === 'remote' || kind === 'local') && arg === 'ip') {
    // "HOST:PORT", the port may be * (every port of that host), as Seatbelt reads it.
    const [host, port] = str(arg2).split(':');
    const [, tHost, tPort] = target.split(':');
    return target.startsWith('ip:') && tHost === host && (port === '*' || tPort === port);
  }
  if ((kind === 'remote' || kind === 'local') && arg === 'unix-socket') return target.startsWith('unix:');
  throw new Error(`a filter this reader does not know: ${JSON.stringify(f)}`);
}

/** Does a rule's operation cover the one asked about (`file-write*` covers `file-write-create`)? */
const covers = (ruleOp: string, op: string): boolean => ruleOp === 'default' || ruleOp === op || (ruleOp.endsWith('*') && op.startsWith(ruleOp.slice(0, -1)));

/** Seatbelt's verdict: the last matching rule decides. */
function decide(profile: string, op: string, target: string): 'allow' | 'deny' {
  let verdict: 'allow' | 'deny' | null = null;
  for (const form of parse(profile)) {
    if (!Array.isArray(form) || (form[0] !== 'allow' && form[0] !== 'deny')) continue;
    const ops = form.slice(1).filter((x): x is string => typeof x === 'string');
    const filters = form.slice(1).filter((x) => Array.isArray(x));
    if (!ops.some((o) => covers(o, op))) continue;
    if (filters.length === 0 || filters.some((f) => filterMatches(f, target))) verdict = form[0];
  }
  if (verdict === null) throw new Error('no rule decides: a profile must start from a default');
  return verdict;
}

/** What the agent may do to a path: write it, only read it, or nothing. */
function access(profile: string, path: string): 'writable' | 'read-only' | 'hidden' {
  const write = decide(profile, 'file-write-create', path) === 'allow' && decide(profile, 'file-write-data', path) === 'allow';
  if (decide(profile, 'file-read-data', path) === 'deny') return 'hidden';
  return write ? 'writable' : 'read-only';
}

const lane: ConfineInputs = {
  lanePath: '/Users/mike/src/flower-design',
  mainPath: '/Users/mike/src/flower',
  gitDir: '/Users/mike/src/flower/.git/worktrees/flower-design',
  commonDir: '/Users/mike/src/flower/.git',
  pinned: [],
  dataDir: '/Users/mike/.grove',
  agentDir: '/Users/mike/.grove/agents/a1',
  tmpDir: '/Users/mike/.grove/agents/a1/tmp',
  writable: ['/Users/mike/.claude', '/Users/mike/.claude.json', '/Users/mike/.npm'],
  hidden: [{ path: '/Users/mike/src/flower/.env', kind: 'file' }, { path: '/Users/mike/.aws', kind: 'dir' }],
  scratch: [{ path: '/Users/mike', entries: [{ path: '/Users/mike/.zshrc', linkTo: null }, { path: '/Users/mike/.claude.json', linkTo: null }, { path: '/Users/mike/dotfiles', linkTo: 'src/dotfiles' }] }],
  network: 'open',
  bridgeDir: null,
  shown: [],
};
const open = { hostPort: 4477 };
const profileOf = (i: ConfineInputs): string => sandboxProfile(confinePolicy(i), open);

describe('the sandbox-exec profile of a lane', () => {
  const p = profileOf(lane);

  it('starts from everything allowed and takes writing away, as bwrap starts from a read-only root', () => {
    expect(p.startsWith('(version 1)\n(allow default)\n')).toBe(true);
    expect(access(p, '/etc/hosts')).toBe('read-only');
    expect(access(p, '/private/tmp/x')).toBe('read-only');
    expect(decide(p, 'process-exec', '/bin/sh')).toBe('allow');
    for (const dev of ['/dev/null', '/dev/tty', '/dev/ttys004', '/dev/fd/1', '/dev/ptmx']) expect(decide(p, 'file-write-data', dev), dev).toBe('allow');
    expect(decide(p, 'file-write-data', '/dev/disk0')).toBe('deny');
  });

  it('writes the lane, its own git dir and the shared objects, refs and logs; MAIN and its index, HEAD, config, hooks stay read-only', () => {
    expect(access(p, '/Users/mike/src/flower-design/src/app.ts')).toBe('writable');
    expect(access(p, '/Users/mike/src/flower/.git/worktrees/flower-design/index')).toBe('writable');
    for (const part of ['objects/ab/cdef', 'refs/heads/design', 'logs/refs/heads/design']) expect(access(p, `/Users/mike/src/flower/.git/${part}`), part).toBe('writable');
    for (const path of ['/Users/mike/src/flower/README.md', '/Users/mike/src/flower/.git/index', '/Users/mike/src/flower/.git/HEAD', '/Users/mike/src/flower/.git/config', '/Users/mike/src/flower/.git/hooks/post-merge']) {
      expect(access(p, path), path).toBe('read-only');
    }
  });

  it('no hard link to a file of MAIN or a hidden one (a new name in the lane would be written through); within the lane, yes', () => {
    expect(decide(p, 'file-link', '/Users/mike/src/flower/README.md')).toBe('deny');
    expect(decide(p, 'file-link', '/Users/mike/src/flower/.git/config')).toBe('deny');
    expect(decide(p, 'file-link', '/Users/mike/.grove/token')).toBe('deny');
    expect(decide(p, 'file-link', '/Users/mike/.grove/agents/a1/hook-settings.json')).toBe('deny');
    expect(decide(p, 'file-link', '/Users/mike/src/flower-design/a.txt')).toBe('allow');
    expect(decide(p, 'file-link', '/Users/mike/src/flower/.git/objects/ab/tmp_obj_x')).toBe('allow');
  });

  it('hides the data dir and what is hidden, but shows the agent its own files and temp dir, and the dirs on the way to them', () => {
    expect(access(p, '/Users/mike/.grove/token')).toBe('hidden');
    expect(access(p, '/Users/mike/.grove/agents/a2/hook-settings.json')).toBe('hidden');
    expect(access(p, '/Users/mike/.grove/agents/a1/hook-settings.json')).toBe('read-only');
    expect(access(p, '/Users/mike/.grove/agents/a1/tmp/x')).toBe('writable');
    expect(access(p, '/Users/mike/src/flower/.env')).toBe('hidden');
    expect(access(p, '/Users/mike/.aws/credentials')).toBe('hidden');
    // stat (and realpath) of the dirs down to the agent's own: allowed; listing them: not.
    expect(decide(p, 'file-read-metadata', '/Users/mike/.grove')).toBe('allow');
    expect(decide(p, 'file-read-metadata', '/Users/mike/.grove/agents')).toBe('allow');
    expect(decide(p, 'file-read-data', '/Users/mike/.grove/agents')).toBe('deny');
    expect(decide(p, 'file-read-metadata', '/Users/mike/.grove/token')).toBe('deny');
  });

  it("scratch $HOME: the state file, its lock and its temp files are written; nothing else new in $HOME is, and what is there stays", () => {
    expect(access(p, '/Users/mike/.claude.json')).toBe('writable');
    expect(access(p, '/Users/mike/.claude.json.lock')).toBe('writable');
    expect(access(p, '/Users/mike/.claude.json.tmp.1196.d9cf4d9fd31c')).toBe('writable');
    expect(access(p, '/Users/mike/.claude/settings.json')).toBe('writable');
    expect(access(p, '/Users/mike/.zshenv')).toBe('read-only');
    expect(access(p, '/Users/mike/.zshrc')).toBe('read-only');
    expect(access(p, '/Users/mike/.claude.json.tmp.1/x')).toBe('read-only');
    expect(access(p, '/Users/mike/.claude.jsonXlock')).toBe('read-only');
    // A symlink stays itself: not removed, not replaced.
    expect(decide(p, 'file-write-unlink', '/Users/mike/dotfiles')).toBe('deny');
  });

  it('the dirs above MAIN and above hidden paths cannot be renamed away from their rules, even inside a writable place', () => {
    const p2 = profileOf({ ...lane, writable: [...lane.writable, '/Users/mike/src'] });
    expect(access(p2, '/Users/mike/src/new-file')).toBe('writable');
    expect(decide(p2, 'file-write-unlink', '/Users/mike/src')).toBe('deny');
    expect(access(p2, '/Users/mike/src/flower/README.md')).toBe('read-only');
    expect(decide(p2, 'file-write-unlink', '/Users/mike/src/flower')).toBe('deny');
    expect(decide(p2, 'file-write-unlink', '/Users/mike')).toBe('deny');
  });

  it('with network open, says nothing of the network', () => {
    expect(decide(p, 'network-outbound', 'ip:*:443')).toBe('allow');
    expect(p).not.toContain('network');
  });
});

describe('the profile of MAIN itself (the ops loop, checkout: main)', () => {
  const ops = { ...lane, lanePath: lane.mainPath!, gitDir: null, shown: ['/Users/mike/.grove/ops/r1'] };
  const p = profileOf(ops);

  it('writes nothing of the repository; reads its status file from the data dir', () => {
    expect(access(p, '/Users/mike/src/flower/a.txt')).toBe('read-only');
    expect(access(p, '/Users/mike/src/flower/.git/objects/ab/cd')).toBe('read-only');
    expect(access(p, '/Users/mike/src/flower/.git/refs/heads/main')).toBe('read-only');
    expect(access(p, '/Users/mike/.grove/ops/r1/status.json')).toBe('read-only');
    expect(decide(p, 'file-read-metadata', '/Users/mike/.grove/ops')).toBe('allow');
    expect(access(p, '/Users/mike/.grove/agents/a1/tmp/x')).toBe('writable');
    expect(access(profileOf(lane), '/Users/mike/.grove/ops/r1/status.json')).toBe('hidden');
  });
});

describe('network none under sandbox-exec', () => {
  const p = sandboxProfile(confinePolicy({ ...lane, network: 'none' }), open);

  it("reaches Grove's host on its loopback port and nothing else; names are not resolved", () => {
    expect(decide(p, 'network-outbound', 'ip:localhost:4477')).toBe('allow');
    expect(decide(p, 'network-outbound', 'ip:localhost:5432')).toBe('deny');
    expect(decide(p, 'network-outbound', 'ip:*:443')).toBe('deny');
    expect(decide(p, 'network-bind', 'ip:*:8080')).toBe('deny');
    expect(decide(p, 'mach-lookup', 'mach:com.apple.dnssd.service')).toBe('deny');
    expect(decide(p, 'mach-lookup', 'mach:com.apple.system.opendirectoryd.libinfo')).toBe('allow');
    // Unix sockets are files: reachable as in bwrap's network namespace.
    expect(decide(p, 'network-outbound', 'unix:/Users/mike/src/flower-design/.git/fsmonitor')).toBe('allow');
  });

  it('without a port, reaches nothing', () => {
    const none = sandboxProfile(confinePolicy({ ...lane, network: 'none' }), { hostPort: null });
    expect(decide(none, 'network-outbound', 'ip:localhost:4477')).toBe('deny');
  });

  it('refuses a port that is not one, rather than write it into the profile', () => {
    expect(() => sandboxProfile(confinePolicy({ ...lane, network: 'none' }), { hostPort: 0 })).toThrow(/not a port/);
  });
});

describe('network loopback under sandbox-exec', () => {
  const p = sandboxProfile(confinePolicy({ ...lane, network: 'loopback' }), { hostPort: null });

  it("reaches every port of this machine's loopback, serves on it, and nothing beyond; names are not resolved", () => {
    expect(decide(p, 'network-outbound', 'ip:localhost:4477')).toBe('allow');
    expect(decide(p, 'network-outbound', 'ip:localhost:5432')).toBe('allow');
    expect(decide(p, 'network-bind', 'ip:localhost:8080')).toBe('allow');
    expect(decide(p, 'network-outbound', 'ip:*:443')).toBe('deny');
    expect(decide(p, 'network-bind', 'ip:*:8080')).toBe('deny');
    expect(decide(p, 'mach-lookup', 'mach:com.apple.dnssd.service')).toBe('deny');
    expect(decide(p, 'network-outbound', 'unix:/Users/mike/src/flower-design/.git/fsmonitor')).toBe('allow');
  });
});

describe('odd paths', () => {
  it('a quote, a backslash, spaces and parentheses in a path are quoted, and the rule still names that path', () => {
    const odd = '/Users/mike/src/we"ird\\ (lane) $x';
    const p = profileOf({ ...lane, lanePath: odd, writable: [...lane.writable, '/Users/mike/a"b.json'] });
    expect(p).toContain('(subpath "/Users/mike/src/we\\"ird\\\\ (lane) $x")');
    expect(access(p, `${odd}/file.ts`)).toBe('writable');
    expect(access(p, '/Users/mike/src/we"ird')).toBe('read-only');
    // The scratch regex of a state file with a quote in its name: its lock, not a look-alike.
    expect(access(p, '/Users/mike/a"b.json.lock')).toBe('writable');
    expect(access(p, '/Users/mike/a"bXjson.lock')).toBe('read-only');
  });

  it('a newline in a path stays inside its string: no rule can be smuggled in by a name', () => {
    const home = '/Users/mike\n(allow file-write*)\n;';
    const p = profileOf({ ...lane, writable: [`${home}/.claude.json`], scratch: [{ path: home, entries: [] }] });
    expect(access(p, '/etc/passwd')).toBe('read-only');
    expect(access(p, `${home}/.claude.json.lock`)).toBe('writable');
  });
});

describe("sandbox-exec's command line", () => {
  it('the profile, then the program and its arguments after --', () => {
    const args = sandboxExecArgs(confinePolicy(lane), open, 'claude', ['--session-id', 'x']);
    expect(args[0]).toBe('-p');
    expect(args[1]).toBe(profileOf(lane));
    expect(args.slice(2)).toEqual(['--', 'claude', '--session-id', 'x']);
  });
});

describe('a launch on a Mac (the probe answers sandbox-exec)', () => {
  function deps(root: string, bridgeOpened: string[]): ConfinementDeps {
    return {
      availability: () => ({ ok: true, mechanism: 'sandbox-exec', program: SANDBOX_EXEC }),
      placeOf: () => ({ mainPath: null, config: { lanes: { network: 'none' } }, keyless: false }),
      dataDir: join(root, 'data'),
      home: join(root, 'home'),
      bridge: { socketPath: join(root, 'data', 'run', 'host.sock'), open: () => (bridgeOpened.push('opened'), null), forwarder: ['node', 'net-forward.js'], port: () => 4477 },
      hostPort: () => 4477,
    };
  }

  it("wraps the program in sandbox-exec with the profile; network none needs no forwarder nor the host's bridge", () => {
    const root = realpathSync(makeTempDir('grove-mac-'));
    const lanePath = join(root, 'lane');
    const agentDir = join(root, 'data', 'agents', 'a1');
    for (const d of [lanePath, agentDir, join(root, 'home')]) mkdirSync(d, { recursive: true });
    const opened: string[] = [];
    const launch = confineLaunch(deps(root, opened), { lanePath, agentDir, unconfined: false, statePaths: PRESETS.claude.statePaths, env: { HOME: join(root, 'home') } });
    expect(launch.info).toEqual({ confined: true, mechanism: 'sandbox-exec', reason: null, network: 'none' });
    const run = launch.wrap('claude', ['--x'], { HOME: join(root, 'home') });
    expect(run.file).toBe('/usr/bin/sandbox-exec');
    expect(run.args.slice(-3)).toEqual(['--', 'claude', '--x']);
    expect(run.args.join(' ')).not.toContain('net-forward');
    expect(opened).toEqual([]);
    expect(run.env.TMPDIR).toBe(join(agentDir, 'tmp'));
    const profile = run.args[1]!;
    expect(decide(profile, 'network-outbound', 'ip:localhost:4477')).toBe('allow');
    expect(access(profile, join(lanePath, 'a.txt'))).toBe('writable');
    expect(access(profile, join(root, 'data', 'token'))).toBe('hidden');
    expect(access(profile, join(root, 'data', 'run', 'host.sock'))).toBe('hidden');
    expect(access(profile, join(root, 'home', '.claude.json.lock'))).toBe('writable');
  });
});

describe("the probe's macOS branch (injected answers: the real sandbox-exec is not run on this Linux machine)", () => {
  const mac = (run: (file: string, args: string[]) => TrialRun, executable = true): { system: ProbeSystem; calls: string[][] } => {
    const calls: string[][] = [];
    return { calls, system: { isExecutable: (p) => executable && p === SANDBOX_EXEC, run: (file, args) => (calls.push([file, ...args]), run(file, args)) } };
  };

  it('answers sandbox-exec when a trial sandbox runs /usr/bin/true', () => {
    const { system, calls } = mac(() => ({ status: 0, stderr: '' }));
    expect(probeConfinement('darwin', {}, system)).toEqual({ ok: true, mechanism: 'sandbox-exec', program: '/usr/bin/sandbox-exec' });
    expect(calls).toEqual([['/usr/bin/sandbox-exec', '-p', '(version 1)(allow default)', '/usr/bin/true']]);
  });

  it('says why not: missing, or refused (a host that itself runs in a sandbox)', () => {
    expect(probeConfinement('darwin', {}, mac(() => ({ status: 0 }), false).system)).toEqual({ ok: false, reason: '/usr/bin/sandbox-exec is missing on this Mac; agents run unconfined' });
    const refused = probeConfinement('darwin', {}, mac(() => ({ status: 71, stderr: 'sandbox-exec: sandbox_apply: Operation not permitted\n' })).system);
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('cannot apply a sandbox here (sandbox-exec: sandbox_apply: Operation not permitted)') });
  });

  it('never looks on PATH for another sandbox-exec, nor for bubblewrap', () => {
    const { system, calls } = mac(() => ({ status: 0 }));
    probeConfinement('darwin', { PATH: '/opt/evil/bin', GROVE_BWRAP: '/opt/bwrap' }, system);
    expect(calls.map((c) => c[0])).toEqual(['/usr/bin/sandbox-exec']);
  });

  it('Windows still runs agents unconfined, and says so', () => {
    expect(probeConfinement('win32', {}, mac(() => ({ status: 0 })).system)).toEqual({ ok: false, reason: 'confinement is not available on win32; agents run unconfined there' });
  });
});
