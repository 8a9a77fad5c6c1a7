import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../../src/host/lanes/git/run-git';
import { makeRepo } from '../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

afterEach(removeTempDirs);

/**
 * A git run that never finishes (a hook waiting on a server) is ended after its time, its
 * hooks with it, rather than hold the repository's lock for ever: real git, a real hook.
 */
function hook(repo: string, name: string, body: string): void {
  const path = join(repo, '.git', 'hooks', name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** The working directory of a process, or null once it is gone. */
const readCwd = (pid: string): string | null => {
  try {
    return realpathSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
};

/** Processes whose command line holds `mark`, this test's own. */
const running = (mark: string): string[] => {
  try {
    return execFileSync('pgrep', ['-f', mark], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

describe('a git run past its time', () => {
  it('is ended with its hook, leaves no lock behind, and says which command and why', async () => {
    const repo = makeRepo(join(makeTempDir(), 'r'));
    hook(repo, 'pre-commit', 'exec sleep 613.25');
    const failed = await runGit(repo, ['commit', '--allow-empty', '-m', 'never'], { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GitError);
    expect((failed as GitError).output).toMatchObject({ code: -1, timedOutAfterMs: 400 });
    expect((failed as GitError).message).toMatch(/^git commit --allow-empty -m never did not finish within 400 ms in .*, so Grove ended it and the hooks it ran \(a hook waiting on a server or a prompt\?\); check the repository's hooks/);
    expect(running('sleep 613.25')).toEqual([]);
    // git took its index lock before the hook, and let it go on SIGTERM: the next commit goes through.
    expect(existsSync(join(repo, '.git', 'index.lock'))).toBe(false);
    rmSync(join(repo, '.git', 'hooks', 'pre-commit'));
    expect((await runGit(repo, ['commit', '--allow-empty', '-m', 'then'])).code).toBe(0);
  });

  it('kills a hook that shrugs off SIGTERM: at the latest once its grace is over, or once git has answered', async () => {
    const repo = realpathSync(makeRepo(join(makeTempDir(), 'r')));
    hook(repo, 'pre-commit', "trap '' TERM; while :; do sleep 0.127; done");
    const failed = await runGit(repo, ['commit', '--allow-empty', '-m', 'never'], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((failed as GitError).output).toMatchObject({ code: -1, timedOutAfterMs: 300 });
    // Killed as the answer comes (signals land a moment later).
    await expect.poll(() => running(`${repo}/.git/hooks/pre-commit|^/bin/sh .git/hooks/pre-commit`).filter((pid) => readCwd(pid) === repo), { timeout: 2000 }).toEqual([]);
    await expect.poll(() => running('sleep 0.127'), { timeout: 2000 }).toEqual([]);
  }, 15_000);

  it('answers once git ends even when a process a hook left (setsid) holds its output open: timed out, or done', async () => {
    // Ends a process this test started, by its pid (found by its unique command line).
    const endOurs = (mark: string) => {
      for (const pid of running(mark)) process.kill(Number(pid), 'SIGKILL');
    };
    try {
      const stuck = makeRepo(join(makeTempDir(), 'r'));
      hook(stuck, 'pre-commit', 'setsid sleep 37.25 & sleep 1000');
      const failed = await runGit(stuck, ['commit', '--allow-empty', '-m', 'never'], { timeoutMs: 300 }).catch((e: unknown) => e);
      expect((failed as GitError).output).toMatchObject({ code: -1, timedOutAfterMs: 300 });

      // git itself done, a post-commit hook's server still holding the pipes: the commit counts.
      const served = makeRepo(join(makeTempDir(), 'r'));
      hook(served, 'post-commit', 'setsid sleep 38.25 &');
      const done = await runGit(served, ['commit', '--allow-empty', '-m', 'served'], { timeoutMs: 60_000 });
      expect(done).toMatchObject({ code: 0 });
      expect(done.timedOutAfterMs).toBeUndefined();
      expect(running('sleep 38.25')).toHaveLength(1); // left alone: a hook's server is the repository's business
    } finally {
      endOurs('sleep 37.25');
      endOurs('sleep 38.25');
    }
  }, 20_000);

  it("on record (Grove's own merge): ends with it what its hooks started in sessions of their own, and then forgets the record", async () => {
    const repo = makeRepo(join(makeTempDir(), 'r'));
    hook(repo, 'pre-commit', 'setsid sleep 39.25 & sleep 1000');
    const records = new Map<string, number>();
    const groups = { started: (marker: string, pgid: number) => void records.set(marker, pgid), ended: (marker: string) => void records.delete(marker) };
    try {
      const failed = await runGit(repo, ['commit', '--allow-empty', '-m', 'never'], { timeoutMs: 300, group: { marker: 'merge-t1', groups, what: 'git merge of a test' } }).catch((e: unknown) => e);
      expect((failed as GitError).output).toMatchObject({ code: -1, timedOutAfterMs: 300 });
      expect(running('sleep 39.25')).toEqual([]);
      expect(records.size).toBe(0);
    } finally {
      for (const pid of running('sleep 39.25')) process.kill(Number(pid), 'SIGKILL');
    }
  }, 20_000);

  it('leaves a run that finishes in time alone', async () => {
    const repo = makeRepo(join(makeTempDir(), 'r'));
    hook(repo, 'pre-commit', 'sleep 0.2');
    const out = await runGit(repo, ['commit', '--allow-empty', '-m', 'in time'], { timeoutMs: 5_000 });
    expect(out.code).toBe(0);
    expect(out.timedOutAfterMs).toBeUndefined();
  });
});
