import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installPreCommitGuard,
  isPreCommitGuardInstalled,
  updatePreCommitGuard,
  MAIN_COMMIT_REFUSAL,
  removePreCommitGuard,
} from '../../../../src/host/health/pre-commit-guard';
import { addWorktree, git, makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * The guard refuses commits in MAIN only: lanes (linked worktrees of the same repository)
 * commit as before, the repository's own hooks keep running everywhere, and removing the
 * guard leaves the repository's config exactly as it was.
 */
let root: string;
let main: string;
let lane: string;
let hookLog: string;

beforeEach(() => {
  root = realpathSync(makeTempDir());
  main = makeRepo(join(root, 'app'));
  lane = addWorktree(main, join(root, 'app-lane'), 'lane');
  hookLog = join(root, 'hooks.log');
});
afterEach(() => removeTempDirs());

/** A commit the way a person types it; GROVE_ALLOW_MAIN_COMMIT only when asked. */
function commit(dir: string, o: { allow?: boolean } = {}): { ok: boolean; stderr: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Grove Test',
    GIT_AUTHOR_EMAIL: 'test@grove.invalid',
    GIT_COMMITTER_NAME: 'Grove Test',
    GIT_COMMITTER_EMAIL: 'test@grove.invalid',
  };
  delete env.GROVE_ALLOW_MAIN_COMMIT;
  if (o.allow) env.GROVE_ALLOW_MAIN_COMMIT = '1';
  const r = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'typed by hand'], { cwd: dir, env, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

/** An executable hook that notes its name and the worktree it ran in. */
function writeLoggingHook(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $(basename "$PWD")" >> '${hookLog}'\n`);
  chmodSync(join(dir, name), 0o755);
}

const hookRuns = (): string[] => (existsSync(hookLog) ? readFileSync(hookLog, 'utf8').trim().split('\n') : []);
const configOf = (): { shared: string; worktree: string | null } => ({
  shared: readFileSync(join(main, '.git', 'config'), 'utf8'),
  worktree: existsSync(join(main, '.git', 'config.worktree')) ? readFileSync(join(main, '.git', 'config.worktree'), 'utf8') : null,
});

describe('MAIN pre-commit guard', () => {
  it('refuses commits in MAIN, lets lanes and GROVE_ALLOW_MAIN_COMMIT=1 through, keeps the repository hooks, and removes cleanly', async () => {
    writeLoggingHook(join(main, '.git', 'hooks'), 'pre-commit');
    writeLoggingHook(join(main, '.git', 'hooks'), 'commit-msg');
    writeFileSync(join(main, '.git', 'hooks', 'post-commit.sample'), '#!/bin/sh\nexit 1\n');
    const before = configOf();
    expect(await isPreCommitGuardInstalled(main)).toBe(false);

    const installed = await installPreCommitGuard(main);
    expect(installed).toEqual({ ok: true, value: { hooksDir: join(main, '.git', 'grove-hooks'), wrapped: ['commit-msg', 'pre-commit'] } });
    expect(await isPreCommitGuardInstalled(main)).toBe(true);
    expect(await isPreCommitGuardInstalled(lane)).toBe(false);

    const refused = commit(main);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain(MAIN_COMMIT_REFUSAL);
    expect(hookRuns()).toEqual([]);

    expect(commit(main, { allow: true }).ok).toBe(true);
    expect(hookRuns()).toEqual(['pre-commit app', 'commit-msg app']);

    expect(commit(lane).ok).toBe(true);
    expect(hookRuns().slice(2)).toEqual(['pre-commit app-lane', 'commit-msg app-lane']);

    expect(await removePreCommitGuard(main)).toEqual({ ok: true, value: { removed: true, worktreeConfigKept: false } });
    expect(configOf()).toEqual(before);
    expect(existsSync(join(main, '.git', 'grove-hooks'))).toBe(false);
    expect(await isPreCommitGuardInstalled(main)).toBe(false);
    expect(commit(main).ok).toBe(true);
    expect(hookRuns().slice(4)).toEqual(['pre-commit app', 'commit-msg app']);
  });

  it('refuses a merge commit typed in MAIN (git merge, a pull that merges) too; the repository\'s own pre-merge-commit still runs for Grove\'s', async () => {
    writeLoggingHook(join(main, '.git', 'hooks'), 'pre-merge-commit');
    git(lane, 'commit', '-q', '--allow-empty', '-m', 'work in the lane');
    git(main, 'commit', '-q', '--allow-empty', '-m', 'MAIN moved on');
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_AUTHOR_NAME: 'Grove Test', GIT_AUTHOR_EMAIL: 'test@grove.invalid', GIT_COMMITTER_NAME: 'Grove Test', GIT_COMMITTER_EMAIL: 'test@grove.invalid' };
    delete env.GROVE_ALLOW_MAIN_COMMIT;
    const before = git(main, 'rev-parse', 'HEAD');
    const typed = spawnSync('git', ['merge', '--no-ff', '--no-edit', '-m', 'merged by hand', 'lane'], { cwd: main, env, encoding: 'utf8' });
    expect(typed.status).not.toBe(0);
    expect(typed.stderr).toContain(MAIN_COMMIT_REFUSAL);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
    expect(hookRuns()).toEqual([]);
    spawnSync('git', ['merge', '--abort'], { cwd: main, env });
    // Grove's own merge (it sets GROVE_ALLOW_MAIN_COMMIT=1) goes through, with the repository's hook.
    const grove = spawnSync('git', ['merge', '--no-ff', '--no-edit', '-m', 'merged through Grove', 'lane'], { cwd: main, env: { ...env, GROVE_ALLOW_MAIN_COMMIT: '1' }, encoding: 'utf8' });
    expect(grove.status, grove.stderr).toBe(0);
    expect(hookRuns()).toEqual(['pre-merge-commit app']);
  });

  it('a guard an earlier Grove installed (commits only) is brought up to date once; none, or a current one, is left alone', async () => {
    expect(await updatePreCommitGuard(main)).toBe(false);
    expect(await isPreCommitGuardInstalled(main)).toBe(false);
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    rmSync(join(main, '.git', 'grove-hooks', 'pre-merge-commit'));
    expect(await isPreCommitGuardInstalled(main, 'pre-merge-commit')).toBe(false);
    expect(await updatePreCommitGuard(main)).toBe(true);
    expect(await isPreCommitGuardInstalled(main, 'pre-merge-commit')).toBe(true);
    expect(await updatePreCommitGuard(main)).toBe(false);
  });

  it('wraps the hooks of a configured core.hooksPath (husky & co.) and restores the setting', async () => {
    git(main, 'config', 'core.hooksPath', '.husky');
    writeLoggingHook(join(main, '.husky'), 'pre-commit');
    writeLoggingHook(join(main, '.husky'), 'pre-push');
    const before = configOf();

    const installed = await installPreCommitGuard(main);
    expect(installed.ok && installed.value.wrapped).toEqual(['pre-commit', 'pre-push']);
    expect(git(main, 'config', 'core.hooksPath')).toBe(join(main, '.git', 'grove-hooks'));
    expect(git(lane, 'config', 'core.hooksPath')).toBe('.husky');
    expect(commit(main).ok).toBe(false);
    expect(commit(main, { allow: true }).ok).toBe(true);
    expect(hookRuns()).toEqual(['pre-commit app']);

    await removePreCommitGuard(main);
    expect(configOf()).toEqual(before);
  });

  it('is idempotent, and keeps MAIN\'s own worktree config when it had some', async () => {
    git(main, 'config', 'extensions.worktreeConfig', 'true');
    git(main, 'config', '--worktree', 'core.sparseCheckout', 'false');
    const before = configOf();
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    expect(commit(main).ok).toBe(false);
    expect(commit(lane).ok).toBe(true);
    expect(await removePreCommitGuard(main)).toEqual({ ok: true, value: { removed: true, worktreeConfigKept: false } });
    expect(configOf()).toEqual(before);
    expect(await removePreCommitGuard(main)).toEqual({ ok: true, value: { removed: false, worktreeConfigKept: false } });
  });

  it('a pre-commit without its exec bit (a stop between write and chmod) reads as not installed, and installing again leaves no temp file and no stale wrapper', async () => {
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    const dir = join(main, '.git', 'grove-hooks');
    chmodSync(join(dir, 'pre-commit'), 0o644);
    expect(await isPreCommitGuardInstalled(main)).toBe(false);
    writeFileSync(join(dir, '.grove-tmp-pre-commit-1'), 'half');
    writeFileSync(join(dir, 'post-merge'), '#!/bin/sh\n'); // a wrapper of a hook the repository no longer has
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    expect(await isPreCommitGuardInstalled(main)).toBe(true);
    expect(existsSync(join(dir, '.grove-tmp-pre-commit-1'))).toBe(false);
    expect(existsSync(join(dir, 'post-merge'))).toBe(false);
    expect(commit(main).ok).toBe(false);
  });

  it('installs again over an install undone by hand, and still restores the original', async () => {
    const before = configOf();
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    git(main, 'config', '--worktree', '--unset', 'core.hooksPath');
    expect(await isPreCommitGuardInstalled(main)).toBe(false);
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    expect(commit(main).ok).toBe(false);
    await removePreCommitGuard(main);
    expect(configOf()).toEqual(before);
  });

  it('moves a shared core.worktree into MAIN\'s worktree config so lanes do not inherit it', async () => {
    git(main, 'config', 'core.worktree', main);
    const before = configOf();
    expect((await installPreCommitGuard(main)).ok).toBe(true);
    expect(git(lane, 'rev-parse', '--show-toplevel')).toBe(lane);
    expect(git(main, 'rev-parse', '--show-toplevel')).toBe(main);
    expect(configOf().shared).not.toContain('worktree = ');
    expect(commit(lane).ok).toBe(true);
    expect(commit(main).ok).toBe(false);
    await removePreCommitGuard(main);
    expect(configOf()).toEqual(before);
  });

  it('refuses a lane, and a repository whose shared config says core.bare=true', async () => {
    const onLane = await installPreCommitGuard(lane);
    expect(onLane.ok || onLane.error.code).toBe('repo_is_linked_worktree');

    // With worktree config on, a shared core.bare=true would make every worktree bare.
    git(main, 'config', 'extensions.worktreeConfig', 'true');
    git(main, 'config', '--worktree', 'core.bare', 'false');
    git(main, 'config', 'core.bare', 'true');
    const bare = await installPreCommitGuard(main);
    expect(bare.ok || bare.error.code).toBe('repo_is_bare');
    expect(bare.ok || bare.error.message).toContain('core.bare=true');
  });
});
