import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Lane } from '../../src/shared/lanes';
import { findAgentProcesses, isProcessRunning, signalAll } from '../../src/host/terminals/process-tree';
import { git, makeBareRepo, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { eventsSince } from '../fixtures/host-events';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { pidWritten } from '../fixtures/pid-file';

/**
 * Lanes against real git repositories. The safety matrix asserts, for every refused or
 * archived removal, that no commit and no file content is lost: every object reachable
 * before is still reachable after (through the branch, a remote, or a refs/grove/ ref).
 */
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

const reachable = (): Set<string> => new Set(git(main, 'rev-list', '--all', '--objects').split('\n').map((l) => l.split(' ')[0]!));

function expectNothingLost(before: Set<string>): void {
  const after = reachable();
  const lost = [...before].filter((o) => !after.has(o));
  expect(lost).toEqual([]);
}

/** MAIN with a submodule `lib`, and a lane whose `lib` is checked out. */
async function laneWithSubmodule(name: string): Promise<Lane> {
  const lib = makeRepo(join(makeTempDir(), 'lib'));
  git(main, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib');
  git(main, 'commit', '-q', '-m', 'add lib');
  const lane = await createLane(name);
  git(lane.path, '-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init');
  return lane;
}

const commitIn = (dir: string, file: string, text: string): void => {
  writeFileSync(join(dir, file), text);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', `change ${file}`);
};

describe('creating lanes', () => {
  it('puts a new branch from MAIN\'s HEAD in a worktree beside MAIN', async () => {
    const lane = await createLane('design');
    expect(lane).toMatchObject({ name: 'design', branch: 'design', kind: 'standing', path: `${main}-design`, status: 'ok' });
    expect(git(lane.path, 'rev-parse', 'HEAD')).toBe(git(main, 'rev-parse', 'HEAD'));
    expect(git(lane.path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('design');
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes.map((l) => l.name)).toEqual(['design']);
  });

  it('uses an existing branch, and refuses one checked out elsewhere', async () => {
    git(main, 'branch', 'ccparse');
    const lane = await createLane('backend', { branch: 'ccparse', ephemeral: true });
    expect(lane).toMatchObject({ branch: 'ccparse', kind: 'ephemeral' });
    const again = await api(host, 'lanes.create', { repoId, name: 'other', branch: 'ccparse' });
    expect(again.body.error).toMatchObject({ code: 'lane_exists' });
    expect(again.body.error!.message).toContain(lane.path);
    const mainBranch = await api(host, 'lanes.create', { repoId, name: 'm', branch: 'main' });
    expect(mainBranch.body.error).toMatchObject({ code: 'lane_exists' });
  });

  it.each(['--upload-pack=evil', '../escape', 'a b', '$(touch pwned)', 'x;y', '.hidden', 'lane.lock', 'a/b', '\u0007bell'])(
    'refuses the name %j without running anything',
    async (name) => {
      const r = await api(host, 'lanes.create', { repoId, name });
      expect(r.body.error).toMatchObject({ code: 'lane_name_invalid' });
      expect(existsSync(join(main, '..', 'pwned'))).toBe(false);
    },
  );

  it.each(['-rf', 'bad..name', 'ends/', 'has space', 'tilde~1'])('refuses the branch %j', async (branch) => {
    const r = await api(host, 'lanes.create', { repoId, name: 'ok', branch });
    expect(r.body.error).toMatchObject({ code: 'lane_name_invalid' });
  });

  it('a creation that fails after git made the worktree (a post-checkout hook failing) leaves no worktree behind, and can be tried again', async () => {
    const hook = join(main, '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, '#!/bin/sh\necho "hook says no" >&2\nexit 1\n', { mode: 0o755 });
    const r = await api(host, 'lanes.create', { repoId, name: 'hooked' });
    expect(r.body.error).toMatchObject({ message: expect.stringContaining(`The half-made worktree at ${main}-hooked was removed; its branch stays.`) });
    expect(existsSync(`${main}-hooked`)).toBe(false);
    expect(git(main, 'worktree', 'list')).not.toContain('hooked');
    rmSync(hook);
    const lane = await createLane('hooked');
    expect(lane).toMatchObject({ name: 'hooked', branch: 'hooked', status: 'ok' });
  });

  it('lanes of two repositories created at once get different port blocks', async () => {
    const other = makeRepo(join(realpathSync(makeTempDir()), 'bloom'));
    const otherId = await addTrustedRepo(host, other);
    const made = await Promise.all([
      ...['a', 'b', 'c'].map((n) => api(host, 'lanes.create', { repoId, name: `f${n}` })),
      ...['a', 'b', 'c'].map((n) => api(host, 'lanes.create', { repoId: otherId, name: `b${n}` })),
    ]);
    for (const m of made) expect(m.body.ok, JSON.stringify(m.body)).toBe(true);
    const ports = made.map((m) => (m.body.result as { lane: Lane }).lane.port);
    expect(new Set(ports).size).toBe(6);
  });

  it('lists a worktree made outside Grove as adoptable, and notices a vanished lane', async () => {
    git(main, 'worktree', 'add', '-q', '-b', 'manual', `${main}-manual`);
    const lane = await createLane('design');
    rmSync(lane.path, { recursive: true, force: true });
    const listed = ((await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] }).lanes;
    expect(listed.find((l) => l.name === 'design')).toMatchObject({ status: 'missing', adoptable: false });
    expect(listed.find((l) => l.path === `${main}-manual`)).toMatchObject({ adoptable: true, branch: 'manual' });
  });
});

describe('removing lanes never loses work', () => {
  it('removes a clean lane and keeps its branch', async () => {
    const lane = await createLane('clean');
    const r = await api(host, 'lanes.remove', { id: lane.id });
    expect(r.body.ok).toBe(true);
    expect(existsSync(lane.path)).toBe(false);
    expect(git(main, 'branch', '--list', 'clean')).toContain('clean');
  });

  it('refuses a dirty lane, listing the files; with archive, snapshots them first', async () => {
    const lane = await createLane('dirty');
    writeFileSync(join(lane.path, 'README.md'), '# edited in the lane\n');
    writeFileSync(join(lane.path, 'notes.txt'), 'untracked but precious\n');
    const before = reachable();
    const refused = await api(host, 'lanes.remove', { id: lane.id });
    expect(refused.body.error).toMatchObject({ code: 'lane_would_lose_work' });
    expect(refused.body.error!.message).toContain('README.md');
    expect(refused.body.error!.message).toContain('notes.txt');
    expect(existsSync(join(lane.path, 'notes.txt'))).toBe(true);

    const archived = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    const ref = (archived.body.result as { archiveRef: string }).archiveRef;
    expect(ref).toMatch(/^refs\/grove\/archive\/dirty\//);
    expect(existsSync(lane.path)).toBe(false);
    expect(git(main, 'show', `${ref}:README.md`)).toBe('# edited in the lane');
    expect(git(main, 'show', `${ref}:notes.txt`)).toBe('untracked but precious');
    expectNothingLost(before);
  });

  it('refuses a lane whose tracked file became a symlink (a type change), naming it', async () => {
    const lane = await createLane('retyped');
    rmSync(join(lane.path, 'README.md'));
    symlinkSync('/etc/hostname', join(lane.path, 'README.md'));
    const refused = await api(host, 'lanes.remove', { id: lane.id });
    expect(refused.body.error).toMatchObject({ code: 'lane_would_lose_work', message: expect.stringContaining('1 file with uncommitted changes: README.md') });
    expect(existsSync(lane.path)).toBe(true);
  });

  it('refuses a lane holding a git repository of its own, even with archive (which could keep only its commit id)', async () => {
    const lane = await createLane('nest');
    const inner = makeRepo(join(lane.path, 'tool'));
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.error).toMatchObject({
      code: 'lane_would_lose_work',
      message: `Removing nest would lose: 1 git repository nested in it, which an archive cannot keep (only its commit's id): tool/. Move the nested repository out of the lane (or delete it yourself), or push a submodule's commits, then remove the lane.`,
    });
    expect(existsSync(join(inner, '.git'))).toBe(true);
  });

  it('refuses a lane whose ignored folder holds a git repository with commits of its own, even with archive; once moved out, the lane goes', async () => {
    // vendor/ ignored for every worktree (the shared info/exclude): git status never looks in it.
    writeFileSync(join(git(main, 'rev-parse', '--path-format=absolute', '--git-common-dir'), 'info', 'exclude'), 'vendor/\n');
    const lane = await createLane('vendored');
    const tool = makeRepo(join(lane.path, 'vendor', 'tool'));
    commitIn(tool, 'patched.txt', 'a fix made in the vendored tool\n');
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work', message: expect.stringContaining('vendor/tool/ (in a folder git ignores: commits no remote has)'), details: { archivable: false } });
    expect(existsSync(join(tool, 'patched.txt'))).toBe(true);
    // Moved out by its owner: the ignored folder goes with the lane, as ignored folders do.
    renameSync(tool, join(makeTempDir(), 'tool'));
    expect((await api(host, 'lanes.remove', { id: lane.id })).body.ok).toBe(true);
    expect(existsSync(lane.path)).toBe(false);
  });

  it('refuses a lane whose submodule has commits of its own, even with archive (they live in the lane\'s git folder)', async () => {
    const lane = await laneWithSubmodule('with-sub');
    commitIn(join(lane.path, 'lib'), 'made-here.txt', 'only in the lane\n');
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work', message: expect.stringContaining('1 git repository nested in it, which an archive cannot keep (only its commit\'s id): lib (a submodule with changes).') });
    expect(existsSync(join(lane.path, 'lib', 'made-here.txt'))).toBe(true);
  });

  it("never runs git in a lane's submodule, whose config the lane's agent writes: a filter it names is not run by removal's checks", async () => {
    const lane = await laneWithSubmodule('filtered');
    const witness = join(makeTempDir(), 'ran-as-the-host');
    const sub = join(lane.path, 'lib');
    git(sub, 'config', 'filter.e.clean', `sh -c 'touch ${witness}; cat'`);
    writeFileSync(join(sub, '.gitattributes'), '* filter=e\n');
    // Same size, new time: git would have to read (and so filter) the file to know what changed.
    const readme = join(sub, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').toUpperCase());
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(existsSync(witness)).toBe(false);
    // The edit in the submodule is seen all the same (read without its config), and kept.
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work', message: expect.stringContaining('lib (a submodule with changes)') });
    expect(readFileSync(readme, 'utf8')).toBe('# APP\n');
  });

  it('refuses a lane with commits that are neither in MAIN nor pushed; archive keeps them reachable', async () => {
    const lane = await createLane('feature');
    commitIn(lane.path, 'a.txt', 'work\n');
    const tip = git(lane.path, 'rev-parse', 'HEAD');
    const before = reachable();
    const refused = await api(host, 'lanes.remove', { id: lane.id });
    expect(refused.body.error!.message).toContain('neither in MAIN nor pushed');
    const done = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    const { recoveryRef } = done.body.result as { recoveryRef: string };
    expect(git(main, 'rev-parse', recoveryRef)).toBe(tip);
    expectNothingLost(before);
  });

  it('treats a squash-merged lane as merged', async () => {
    const lane = await createLane('squashed');
    commitIn(lane.path, 'b.txt', 'one\n');
    commitIn(lane.path, 'c.txt', 'two\n');
    git(main, 'merge', '--squash', 'squashed');
    git(main, 'commit', '-q', '-m', 'squash of squashed');
    const r = await api(host, 'lanes.remove', { id: lane.id });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  });

  it('treats a pushed lane as safe', async () => {
    const remote = makeBareRepo(join(makeTempDir(), 'origin.git'));
    git(main, 'remote', 'add', 'origin', remote);
    const lane = await createLane('pushed');
    commitIn(lane.path, 'd.txt', 'shared\n');
    git(lane.path, 'push', '-q', 'origin', 'pushed');
    const r = await api(host, 'lanes.remove', { id: lane.id });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  });

  it('refuses a locked worktree, even with archive', async () => {
    const lane = await createLane('locked');
    git(main, 'worktree', 'lock', '--reason', 'on a USB disk', lane.path);
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work' });
    expect(r.body.error!.message).toContain('locked (on a USB disk)');
    expect(existsSync(lane.path)).toBe(true);
  });

  it('refuses a detached HEAD with a new commit', async () => {
    const lane = await createLane('detached');
    git(lane.path, 'checkout', '-q', '--detach');
    commitIn(lane.path, 'e.txt', 'floating\n');
    const before = reachable();
    const r = await api(host, 'lanes.remove', { id: lane.id });
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work' });
    expectNothingLost(before);
  });

  it('removes a lane whose directory vanished if its commits are safe, and keeps one whose are not', async () => {
    const safe = await createLane('gone');
    rmSync(safe.path, { recursive: true, force: true });
    expect((await api(host, 'lanes.remove', { id: safe.id })).body.ok).toBe(true);
    expect(git(main, 'worktree', 'list')).not.toContain(safe.path);

    const unsafe = await createLane('gone-with-work');
    commitIn(unsafe.path, 'f.txt', 'only here\n');
    rmSync(unsafe.path, { recursive: true, force: true });
    const r = await api(host, 'lanes.remove', { id: unsafe.id });
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work' });
  });

  it('a lane git has no entry for any more (pruned while its folder was away): removal says what it could not read and how to fix it; done so, the lane goes and its files stay', async () => {
    const lane = await createLane('orphan');
    writeFileSync(join(lane.path, 'notes.txt'), 'written in the lane\n');
    renameSync(lane.path, `${lane.path}-elsewhere`);
    git(main, 'worktree', 'prune');
    renameSync(`${lane.path}-elsewhere`, lane.path);
    for (const archive of [false, true]) {
      const r = await api(host, 'lanes.remove', { id: lane.id, archive });
      expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work', details: { archivable: false } });
      const message = r.body.error!.message;
      expect(message).toMatch(/^Grove could not tell everything removing orphan would lose: could not check the working tree: .*not a git repository/);
      expect(message).toContain(
        `git has no worktree entry for ${lane.path} any more (a \`git worktree prune\` run while its folder was away drops it; \`git worktree repair\` cannot bring it back), so nothing in it can be read through git. Its files are still there: move the folder away to keep them (mv ${lane.path} ${lane.path}.saved), then remove the lane again; its branch orphan stays.`,
      );
      expect(message).not.toContain('remove with archive');
    }
    expect(existsSync(join(lane.path, 'notes.txt'))).toBe(true);
    // As the message says: the folder moved away, then the lane removed.
    renameSync(lane.path, `${lane.path}.saved`);
    expect((await api(host, 'lanes.remove', { id: lane.id })).body.ok).toBe(true);
    expect(readFileSync(join(`${lane.path}.saved`, 'notes.txt'), 'utf8')).toBe('written in the lane\n');
    expect(git(main, 'branch', '--list', 'orphan')).toContain('orphan');
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes.filter((l) => !l.adoptable)).toEqual([]);
  });

  it('a lane whose .git file is broken: removal says to repair it from MAIN; repaired so, it is removed as any lane', async () => {
    const lane = await createLane('broken');
    writeFileSync(join(lane.path, '.git'), 'gitdir: /nowhere\n');
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.error).toMatchObject({ code: 'lane_would_lose_work', details: { archivable: false } });
    expect(r.body.error!.message).toContain(
      `Fix what git says, then remove the lane again: a lane whose .git file is broken, or that was moved by hand, is reconnected by \`git worktree repair ${lane.path}\` run in MAIN (${main}). Or move the folder away to keep its files (mv ${lane.path} ${lane.path}.saved) and remove the lane.`,
    );
    // git 2.39 exits 1 here though it repaired the link: what counts is that the lane reads again.
    spawnSync('git', ['worktree', 'repair', lane.path], { cwd: main });
    expect(git(lane.path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('broken');
    expect((await api(host, 'lanes.remove', { id: lane.id })).body.ok).toBe(true);
    expect(existsSync(lane.path)).toBe(false);
  });

  it('starts no agent in a folder that holds MAIN (it could write MAIN) or inside a lane (the lane\'s confinement is found by its own folder)', async () => {
    const lane = await createLane('packages');
    mkdirSync(join(lane.path, 'web'));
    const holder = join(main, '..');
    const above = await api(host, 'agents.start', { lanePath: holder, preset: 'shell', name: 'above' });
    expect(above.body.error).toMatchObject({ code: 'agent_lane_invalid' });
    expect(above.body.error!.message).toBe(`${holder} holds MAIN of ${main.split('/').at(-1)} (${main}): an agent there could write MAIN, which only ever receives merged code. Start it in a lane of ${main.split('/').at(-1)}, or in a folder that does not hold a MAIN checkout.`);
    const inside = await api(host, 'agents.start', { lanePath: join(lane.path, 'web'), preset: 'shell', name: 'inside' });
    expect(inside.body.error).toMatchObject({ code: 'agent_lane_invalid' });
    expect(inside.body.error!.message).toContain(`is inside the lane ${lane.path}: start the agent in the lane itself`);
    const listed = (await api(host, 'agents.list')).body.result as { agents: unknown[] };
    expect(listed.agents).toEqual([]);
  });

  it('refuses while an agent runs in the lane', async () => {
    const lane = await createLane('busy');
    const started = await api(host, 'agents.start', { lanePath: lane.path, preset: 'shell', command: '/bin/sh', name: 'worker' });
    expect(started.body.ok).toBe(true);
    const r = await api(host, 'lanes.remove', { id: lane.id });
    expect(r.body.error).toMatchObject({ code: 'lane_has_live_agents' });
    expect(r.body.error!.message).toContain('worker');
    expect(readFileSync(join(lane.path, 'README.md'), 'utf8')).toBe('# app\n');
  });

  /**
   * An agent in `lane` that starts a server with setsid and exits: its id, and the processes it
   * left, found as the host finds them, by the agent's marker (the pid the daemon wrote is its
   * own namespace's when the agent is confined). Unconfined: a confined agent's leftovers end
   * with it (its own pid namespace goes when it exits).
   */
  async function agentThatLeftAServer(lane: Lane): Promise<{ id: string; left: number[] }> {
    const marker = join(lane.path, 'daemon.pid');
    const r = await api(host, 'agents.start', { lanePath: lane.path, preset: 'custom', command: '/bin/sh', args: ['-c', `setsid sh -c 'echo $$ > ${marker}; exec sleep 300' < /dev/null > /dev/null 2>&1 & sleep 0.5; exit 0`], name: 'starter', restart: 'never', unconfined: true });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const id = (r.body.result as { agent: { id: string } }).agent.id;
    await expect.poll(async () => ((await api(host, 'agents.list')).body.result as { agents: { id: string; supervision: { kind: string } }[] }).agents.find((a) => a.id === id)?.supervision.kind).toBe('exited');
    await pidWritten(marker);
    const left = findAgentProcesses(id, null);
    expect(left.length).toBeGreaterThan(0);
    onTestFinished(() => signalAll(left.filter(isProcessRunning), 'SIGKILL'));
    return { id, left };
  }

  it('ends what a lane\'s agent left running after it exited (a server it started with setsid) when the lane goes', async () => {
    const lane = await createLane('served');
    const { left } = await agentThatLeftAServer(lane);
    const removed = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(removed.body.ok, JSON.stringify(removed.body)).toBe(true);
    expect(left.filter(isProcessRunning)).toEqual([]);
  });

  it('ends what an agent left running after it exited when the agent is removed: nothing could find it after', async () => {
    const lane = await createLane('served-then-removed');
    const { id, left } = await agentThatLeftAServer(lane);
    const removed = await api(host, 'agents.remove', { id });
    expect(removed.body.ok, JSON.stringify(removed.body)).toBe(true);
    expect(left.filter(isProcessRunning)).toEqual([]);
  });

  it('ends what an agent left running after it exited when the agent is stopped, and when the host stops', async () => {
    const lane = await createLane('served-then-stopped');
    const first = await agentThatLeftAServer(lane);
    const stopped = await api(host, 'agents.stop', { id: first.id });
    expect(stopped.body.ok, JSON.stringify(stopped.body)).toBe(true);
    expect(first.left.filter(isProcessRunning)).toEqual([]);
    const second = await agentThatLeftAServer(await createLane('served-until-the-host-stops'));
    await host.stop();
    expect(second.left.filter(isProcessRunning)).toEqual([]);
  });

  it('removes the lane\'s exited agents with it; archived, their scrollback is kept beside the archive', async () => {
    const agentsOf = async (): Promise<{ id: string; name: string }[]> => ((await api(host, 'agents.list')).body.result as { agents: { id: string; name: string }[] }).agents;
    const runOnce = async (lanePath: string, name: string, text: string): Promise<string> => {
      const r = await api(host, 'agents.start', { lanePath, preset: 'custom', command: '/bin/sh', args: ['-c', `echo ${text}`], name, restart: 'never' });
      expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
      const id = (r.body.result as { agent: { id: string } }).agent.id;
      await expect.poll(async () => ((await api(host, 'agents.list')).body.result as { agents: { id: string; supervision: { kind: string } }[] }).agents.find((a) => a.id === id)?.supervision.kind).toBe('exited');
      return id;
    };
    const plain = await createLane('plain');
    await runOnce(plain.path, 'plain-worker', 'plain-says-hello');
    const kept = await createLane('kept');
    const keptId = await runOnce(kept.path, 'kept-worker', 'kept-says-goodbye');
    writeFileSync(join(kept.path, 'draft.txt'), 'not committed');
    const other = await createLane('other');
    await runOnce(other.path, 'other-worker', 'still-here');

    const removed = await api(host, 'lanes.remove', { id: plain.id });
    expect(removed.body.ok, JSON.stringify(removed.body)).toBe(true);
    expect((await agentsOf()).map((a) => a.name).sort()).toEqual(['kept-worker', 'other-worker']);

    const archived = await api(host, 'lanes.remove', { id: kept.id, archive: true });
    expect(archived.body.ok, JSON.stringify(archived.body)).toBe(true);
    expect((await agentsOf()).map((a) => a.name)).toEqual(['other-worker']);
    const ref = (archived.body.result as { archiveRef: string }).archiveRef;
    const scrollback = join(host.home, 'archives', ...ref.slice('refs/grove/archive/'.length).split('/'), `kept-worker-${keptId}.log`);
    expect(readFileSync(scrollback, 'utf8')).toContain('kept-says-goodbye');
    expect(existsSync(join(host.home, 'agents', keptId))).toBe(false);
    const types = (await eventsSince(host)).flatMap((e) => (e.event.type === 'agent.removed' ? [e.event.id] : []));
    expect(types).toContain(keptId);

    // Archived with its folder already gone (nothing to snapshot): the scrollback is kept all the same.
    const gone = await createLane('gone-folder');
    const goneId = await runOnce(gone.path, 'gone-worker', 'said-before-the-folder-went');
    rmSync(gone.path, { recursive: true, force: true });
    const goneRemoved = await api(host, 'lanes.remove', { id: gone.id, archive: true });
    expect(goneRemoved.body.ok, JSON.stringify(goneRemoved.body)).toBe(true);
    expect(goneRemoved.body.result).toMatchObject({ archiveRef: null });
    const stamps = readdirSync(join(host.home, 'archives', 'gone-folder'));
    expect(stamps).toHaveLength(1);
    expect(readFileSync(join(host.home, 'archives', 'gone-folder', stamps[0]!, `gone-worker-${goneId}.log`), 'utf8')).toContain('said-before-the-folder-went');
  });
});

describe('removing lanes: the files git ignores', () => {
  const jobOutput = async (): Promise<string> => (await eventsSince(host)).flatMap((e) => (e.event.type === 'job.output' ? [e.event.data] : [])).join('');
  /** A lane holding what git ignores: a secrets file, a local config beside tracked files, a link, and whole ignored folders. */
  const laneWithIgnored = async (name: string): Promise<Lane> => {
    const lane = await createLane(name);
    commitIn(lane.path, '.gitignore', '.env\nnode_modules/\ndist/\n*.local.json\n.env.link\n');
    git(main, 'merge', '-q', '--ff-only', name); // merged: only the ignored files are left to lose
    writeFileSync(join(lane.path, '.env'), 'API_KEY=lane-only-value\n', { mode: 0o600 });
    mkdirSync(join(lane.path, 'config'));
    commitIn(lane.path, 'config/app.json', '{}');
    git(main, 'merge', '-q', '--ff-only', name);
    writeFileSync(join(lane.path, 'config', 'dev.local.json'), '{"db": "lane"}');
    symlinkSync('.env', join(lane.path, '.env.link'));
    mkdirSync(join(lane.path, 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(lane.path, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;');
    mkdirSync(join(lane.path, 'dist'));
    writeFileSync(join(lane.path, 'dist', 'app.js'), 'built');
    return lane;
  };

  it('archived, keeps the ignored files (permissions and links as they were), not the folders git ignores whole', async () => {
    const lane = await laneWithIgnored('keeps');
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const { archiveRef, keptIgnored } = r.body.result as { archiveRef: string; keptIgnored: { dir: string; files: string[] } };
    expect(existsSync(lane.path)).toBe(false);
    expect(keptIgnored.dir).toBe(join(host.home, 'archives', ...archiveRef.slice('refs/grove/archive/'.length).split('/'), 'ignored'));
    expect([...keptIgnored.files].sort()).toEqual(['.env', '.env.link', 'config/dev.local.json']);
    expect(readFileSync(join(keptIgnored.dir, '.env'), 'utf8')).toBe('API_KEY=lane-only-value\n');
    expect(statSync(join(keptIgnored.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keptIgnored.dir, 'config', 'dev.local.json'), 'utf8')).toBe('{"db": "lane"}');
    expect(readlinkSync(join(keptIgnored.dir, '.env.link'))).toBe('.env');
    expect(existsSync(join(keptIgnored.dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(keptIgnored.dir, 'dist'))).toBe(false);
    const log = await jobOutput();
    expect(log).toContain(`kept 3 files git ignores in ${keptIgnored.dir}`);
    expect(log).toContain('deleted with the worktree, as git ignores them: dist/, node_modules/');
  });

  it('not archived, deletes them and says which in the job\'s log', async () => {
    const lane = await laneWithIgnored('plain-ignored');
    const r = await api(host, 'lanes.remove', { id: lane.id });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    expect(r.body.result).toMatchObject({ archiveRef: null, keptIgnored: null });
    expect(await jobOutput()).toContain('deleted with the worktree, as git ignores them: dist/, node_modules/, .env, .env.link, config/dev.local.json');
  });

  it('refuses an archive that could not keep an ignored file, before anything runs, and does not offer the archive again', async () => {
    const lane = await laneWithIgnored('dump');
    writeFileSync(join(lane.path, 'dump.local.json'), '');
    truncateSync(join(lane.path, 'dump.local.json'), 65 * 1024 * 1024); // sparse: no disk used
    const r = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(r.body.error).toMatchObject({
      code: 'lane_would_lose_work',
      message: `Removing dump would lose: files git ignores that an archive cannot keep: dump.local.json (65 MiB). Move them out of the lane (or delete them yourself; an unreadable one, make readable), then remove it with archive again.`,
      details: { archivable: false, losses: [{ kind: 'unkeepable-ignored', files: ['dump.local.json (65 MiB)'] }] },
    });
    expect(existsSync(join(lane.path, '.env'))).toBe(true);
    expect(existsSync(join(host.home, 'archives', 'dump'))).toBe(false);
    rmSync(join(lane.path, 'dump.local.json'));
    const again = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(again.body.ok, JSON.stringify(again.body)).toBe(true);
  });
});

describe('reconciling lanes with git and the disk', () => {
  const alerts = async (): Promise<string[]> =>
    ((await api(host, 'events.since', { since: 0 })).body.result as { events: { event: { type: string; message?: string } }[] }).events.flatMap((e) =>
      e.event.type === 'alert' ? [e.event.message!] : [],
    );

  it('notices a branch switched outside Grove, live, with one alert', async () => {
    const lane = await createLane('design');
    git(lane.path, 'switch', '-q', '-c', 'experiment');
    await expect.poll(async () => (await alerts()).filter((a) => a.includes('switched from design to experiment')).length).toBe(1);
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes[0]!.status).toBe('branch-changed');
  });

  it('does not take its own "Rebase onto MAIN" (HEAD detached while it runs) for a switch outside Grove', async () => {
    const lane = await createLane('design');
    commitIn(lane.path, 'lane.txt', 'from the lane');
    commitIn(main, 'main.txt', 'from MAIN');
    // The rebase's post-checkout hook keeps the lane's HEAD detached for a second: long
    // enough for the host's watcher to read it however loaded the machine is.
    writeFileSync(join(main, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\nsleep 1\n', { mode: 0o755 });
    const r = await api(host, 'lanes.rebase', { id: lane.id });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const rebased = git(lane.path, 'rev-parse', 'HEAD');
    expect((r.body.result as { head: string }).head).toBe(rebased);
    // The marker that the watcher has looked at the lane after the rebase: it announced the new HEAD.
    const headEvents = async (): Promise<(string | null)[]> =>
      (await eventsSince(host)).flatMap((e) => (e.event.type === 'lane.head' && e.event.id === lane.id ? [e.event.head] : []));
    await expect.poll(headEvents).toContain(rebased);
    // (MAIN's own commit above is rightly reported as made outside Grove; the lane is not.)
    expect((await alerts()).filter((a) => a.includes('Lane design'))).toEqual([]);
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes[0]!.status).toBe('ok');
  });

  it('removing a lane whose directory vanished drops its worktree entry only, not that of another lane missing just then', async () => {
    const gone = await createLane('gone');
    const away = await createLane('away');
    // One deleted; the other moved away for a while (an unmounted disk, a folder renamed back later).
    rmSync(gone.path, { recursive: true, force: true });
    renameSync(away.path, `${away.path}-elsewhere`);
    const r = await api(host, 'lanes.remove', { id: gone.id });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const worktrees = git(main, 'worktree', 'list', '--porcelain');
    expect(worktrees).not.toContain(`worktree ${gone.path}\n`);
    expect(worktrees).toContain(`worktree ${away.path}\n`);
    renameSync(`${away.path}-elsewhere`, away.path);
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes.map((l) => [l.name, l.status])).toEqual([['away', 'ok']]);
  });

  it('creating a lane clears the stale entry at its own path only: a worktree on its branch whose folder is away keeps its entry, and the branch is refused, saying how to fix it', async () => {
    const away = await createLane('away');
    renameSync(away.path, `${away.path}-elsewhere`); // an unmounted disk, a folder renamed back later
    // A worktree made by hand on the branch the next lane wants, holding what only its git entry keeps (a staged file), away too.
    const byHand = `${main}-by-hand`;
    git(main, 'worktree', 'add', '-q', '-b', 'tint', byHand);
    writeFileSync(join(byHand, 'staged.txt'), 'staged, never committed\n');
    git(byHand, 'add', 'staged.txt');
    renameSync(byHand, `${byHand}-elsewhere`);
    const refused = await api(host, 'lanes.create', { repoId, name: 'tint' });
    expect(refused.body.error).toMatchObject({
      code: 'lane_exists',
      details: { branch: 'tint', path: byHand },
      message: `Branch tint is checked out in the worktree at ${byHand}, whose folder is missing; git's entry for it keeps that worktree's HEAD and index for when the folder is back (a disk not mounted, a folder moved away). If that worktree is gone for good, drop its entry (git -C ${main} worktree remove --force ${byHand}) and create this lane again; else choose another branch.`,
    });
    // Back, it is the worktree it was, staged file and all.
    renameSync(`${byHand}-elsewhere`, byHand);
    expect(git(byHand, 'diff', '--cached', '--name-only')).toBe('staged.txt');
    // The away lane's branch is its own still: a lane for it is refused, saying why.
    const r = await api(host, 'lanes.create', { repoId, name: 'again', branch: 'away' });
    expect(r.body.error).toMatchObject({ code: 'lane_exists', message: `Branch away is checked out in the lane at ${away.path}, whose folder is missing. Bring the folder back, or remove that lane (grove lane remove), then create this one.` });
    // Gone for good: the command the refusal names clears its entry, and the lane can be made.
    rmSync(byHand, { recursive: true, force: true });
    git(main, '-C', main, 'worktree', 'remove', '--force', byHand);
    expect((await createLane('tint')).branch).toBe('tint');
    // A worktree deleted by hand at the new lane's own path is cleared: it is in the way of nothing else.
    git(main, 'worktree', 'add', '-q', '--detach', `${main}-spot`);
    rmSync(`${main}-spot`, { recursive: true, force: true });
    expect((await createLane('spot')).path).toBe(`${main}-spot`);
    expect(git(main, 'worktree', 'list', '--porcelain')).toContain(`worktree ${away.path}\n`);
    renameSync(`${away.path}-elsewhere`, away.path);
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes.map((l) => [l.name, l.status]).sort()).toEqual([['away', 'ok'], ['spot', 'ok'], ['tint', 'ok']]);
  });

  it('an operation on a lane whose directory is gone names the fixes that clear that lane alone, and both work: a lane away meanwhile keeps its entry', async () => {
    const gone = await createLane('gone');
    const deleted = await createLane('deleted');
    const away = await createLane('away');
    commitIn(away.path, 'away.txt', 'committed in the lane that is away\n');
    rmSync(gone.path, { recursive: true, force: true });
    rmSync(deleted.path, { recursive: true, force: true });
    renameSync(away.path, `${away.path}-elsewhere`);
    const r = await api(host, 'lanes.diff', { id: gone.id });
    expect(r.body.error).toMatchObject({
      code: 'lane_missing',
      message: `The lane's directory ${gone.path} does not exist. Restore it (a disk not mounted, a folder moved away), then try again. If it is gone for good, remove the lane (grove lane remove gone, or Remove in the cockpit), which drops git's entry for this worktree alone, or drop that entry yourself with \`git worktree remove --force ${gone.path}\` in MAIN. Nothing was changed.`,
    });
    expect((await api(host, 'lanes.remove', { id: gone.id })).body.ok).toBe(true);
    git(main, 'worktree', 'remove', '--force', deleted.path);
    const worktrees = git(main, 'worktree', 'list', '--porcelain');
    expect(worktrees).not.toContain(`worktree ${gone.path}\n`);
    expect(worktrees).not.toContain(`worktree ${deleted.path}\n`);
    expect(worktrees).toContain(`worktree ${away.path}\n`);
    renameSync(`${away.path}-elsewhere`, away.path);
    expect(git(away.path, 'log', '-1', '--format=%s')).toBe('change away.txt');
  });

  it('on host start, announces a lane whose directory vanished', async () => {
    const lane = await createLane('design');
    await stopAllHosts();
    rmSync(lane.path, { recursive: true, force: true });
    host = await startHostProcess({ home: host.home });
    expect(await alerts()).toEqual(expect.arrayContaining([expect.stringContaining(`Lane design's directory ${lane.path} is gone`)]));
    const listed = (await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] };
    expect(listed.lanes[0]!.status).toBe('missing');
  });
});
