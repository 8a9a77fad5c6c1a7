import { spawn } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, makeRepo } from '../fixtures/git-repo';
import { api, cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The lane verbs of `grove` against a real host: a create whose setup streams to stderr, a
 * diff, a dry run and a merge through the gate, and MAIN's pre-commit guard.
 */
let host: HostProcess;
let main: string;

/** Runs the CLI asynchronously (the host answers on this process's event loop's behalf). */
function grove(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { cwd, env: { ...process.env, GROVE_HOME: host.home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeEach(async () => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  writeFileSync(join(main, 'grove.yaml'), `setup:\n  postCreate:\n    - echo "composer install for $GROVE_LANE_NAME"\nmerge:\n  gate: test ! -e BROKEN\n`);
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'recipe');
  host = await startHostProcess();
  expect((await grove(['repo', 'add', '--trust', main])).code).toBe(0);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('grove lane / diff / merge', () => {
  it('creates a lane with its setup streamed, shows its diff, and merges it through the gate', async () => {
    const created = await grove(['lane', 'create', 'design']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('composer install for design');
    expect(created.stderr).toMatch(/\[\d\/\d\] git worktree add/);
    expect(created.stdout).toMatch(/Created lane design on branch design at .*flower-design, ports \d+-\d+/);

    const lane = `${main}-design`;
    writeFileSync(join(lane, 'tokens.css'), ':root { --bloom: #c8a; }\n');
    const diff = await grove(['diff', 'design']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('with uncommitted edits');
    expect(diff.stdout).toMatch(/added\s+tokens\.css\s+\+1 -0/);
    expect(diff.stdout).toContain('+:root { --bloom: #c8a; }');

    const dry = await grove(['merge', 'design', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/FAIL lane-clean/);
    // A dry run with a commit message would commit the lane's edits: refused, the lane untouched (CLI and API alike).
    const dryCommit = await grove(['merge', 'design', '--dry-run', '--commit', 'Bloom tokens']);
    expect(dryCommit.code).toBe(2);
    expect(dryCommit.stderr).toContain('--dry-run is the preflight only and commits nothing');
    const laneId = (((await api(host, 'lanes.list', {})).body.result as { lanes: { id: string; name: string }[] }).lanes.find((l) => l.name === 'design'))!.id;
    const viaApi = await api(host, 'lanes.merge', { id: laneId, dryRun: true, commitMessage: 'Bloom tokens' });
    expect(viaApi.body).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('A dry run is the preflight only and commits nothing') } });
    const empty = await grove(['merge', 'design', '--commit', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--commit needs the commit message');
    expect(git(lane, 'status', '--porcelain')).toContain('tokens.css');

    const merged = await grove(['merge', 'design', '--commit', 'Bloom tokens']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/Merged design into MAIN \(fast-forward/);
    expect(git(main, 'log', '-1', '--format=%s')).toBe('Bloom tokens');

    const merges = await grove(['merges', '--json']);
    expect(JSON.parse(merges.stdout).merges[0]).toMatchObject({ laneName: 'design', state: 'merged' });
  });

  it('rolls a merge back by its id, and accepts MAIN after a commit made outside Grove', async () => {
    await grove(['lane', 'create', 'tint']);
    const lane = `${main}-tint`;
    writeFileSync(join(lane, 'tint.css'), 'a { color: teal; }\n');
    git(lane, 'add', 'tint.css');
    git(lane, 'commit', '-q', '-m', 'tint');
    const before = git(main, 'rev-parse', 'HEAD');
    expect((await grove(['merge', 'tint'])).code).toBe(0);
    const merged = git(main, 'rev-parse', 'HEAD');
    const id = (JSON.parse((await grove(['merges', '--json'])).stdout) as { merges: { id: string }[] }).merges[0]!.id;
    // A dry run of a rollback does not exist: refused, MAIN untouched.
    const dry = await grove(['merge', '--rollback', id, '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain("--rollback takes only the merge's id, not --dry-run");
    expect(git(main, 'rev-parse', 'HEAD')).not.toBe(before);
    const rolled = await grove(['merge', '--rollback', id]);
    expect(rolled.code, rolled.stderr).toBe(0);
    const kept = /kept at (refs\/grove\/rolled-back\/\S+):/.exec(rolled.stdout)?.[1];
    expect(rolled.stdout).toBe(`Rolled MAIN back to ${before.slice(0, 12)} (before tint).\nThe merged work is kept at ${kept}: git branch NAME ${kept} brings it back.\n`);
    expect(git(main, 'rev-parse', kept!)).toBe(merged);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);

    writeFileSync(join(main, 'hotfix.txt'), 'by hand\n');
    git(main, 'add', 'hotfix.txt');
    git(main, 'commit', '-q', '-m', 'hotfix by hand');
    await expect.poll(async () => (JSON.parse((await grove(['repo', 'main', '--json'])).stdout) as { state: { unexpectedCommits: unknown[] } }).state.unexpectedCommits.length).toBe(1);
    const accepted = await grove(['repo', 'accept-main', '--json']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect((JSON.parse(accepted.stdout) as { state: { head: string; unexpectedCommits: unknown[] } }).state).toMatchObject({ head: git(main, 'rev-parse', 'HEAD'), unexpectedCommits: [] });
  });

  it('says why a merge whose gate fails was rolled back, and exits 1', async () => {
    await grove(['lane', 'create', 'bad']);
    const lane = `${main}-bad`;
    writeFileSync(join(lane, 'BROKEN'), '1\n');
    git(lane, 'add', 'BROKEN');
    git(lane, 'commit', '-q', '-m', 'break it');
    const before = git(main, 'rev-parse', 'HEAD');
    const r = await grove(['merge', 'bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rolled back');
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
  });

  it('guards MAIN against direct commits, leaving lanes alone', async () => {
    const on = await grove(['repo', 'guard', 'on']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('pre-commit guard on');
    writeFileSync(join(main, 'hotfix.txt'), 'x\n');
    git(main, 'add', 'hotfix.txt');
    expect(() => git(main, 'commit', '-q', '-m', 'straight into MAIN')).toThrow(/MAIN only receives merged code/);

    await grove(['lane', 'create', 'fix']);
    writeFileSync(join(`${main}-fix`, 'fix.txt'), 'y\n');
    git(`${main}-fix`, 'add', 'fix.txt');
    git(`${main}-fix`, 'commit', '-q', '-m', 'in a lane');
    expect(git(`${main}-fix`, 'log', '-1', '--format=%s')).toBe('in a lane');

    const state = await grove(['repo', 'main', '--json']);
    expect(JSON.parse(state.stdout).state).toMatchObject({ preCommitGuard: true, dirty: ['hotfix.txt'] });
    expect((await grove(['repo', 'guard', 'off'])).code).toBe(0);
    git(main, 'commit', '-q', '-m', 'allowed again');
  });

  it('refuses bad lines with the usage (exit 2)', async () => {
    expect((await grove(['merge'])).code).toBe(2);
    expect((await grove(['lane', 'create'])).code).toBe(2);
    expect((await grove(['diff', 'a', 'b'])).code).toBe(2);
  });

  it('Ctrl-C during a merge stops following it, says the host goes on and where to see how it ended; the merge lands', async () => {
    const slow = makeRepo(join(realpathSync(makeTempDir()), 'slow'));
    writeFileSync(join(slow, 'grove.yaml'), 'merge:\n  gate: sleep 2\n');
    git(slow, 'add', 'grove.yaml');
    git(slow, 'commit', '-q', '-m', 'recipe');
    expect((await grove(['repo', 'add', '--trust', slow])).code).toBe(0);
    expect((await grove(['lane', 'create', 'tint', '--repo', 'slow'])).code).toBe(0);
    writeFileSync(join(`${slow}-tint`, 'tint.css'), 'a { color: teal; }\n');
    git(`${slow}-tint`, 'add', 'tint.css');
    git(`${slow}-tint`, 'commit', '-q', '-m', 'tint');

    const child = spawn(process.execPath, [cliEntry, 'merge', 'tint', '--repo', 'slow'], { env: { ...process.env, GROVE_HOME: host.home } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await expect.poll(() => stderr).toMatch(/gate/i);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Stopped following lanes.merge; the host goes on with it. See how it ended: grove merges');
    await expect.poll(async () => JSON.parse((await grove(['merges', '--repo', 'slow', '--json'])).stdout).merges[0]?.state).toBe('merged');
  });
});
