import { execFileSync } from 'node:child_process';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreeGitDir } from '../../../../../src/host/lanes/git/worktree-git-dir';
import { makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

const gitsOwn = (cwd: string): string => realpathSync(resolve(cwd, execFileSync('git', ['rev-parse', '--git-dir'], { cwd, encoding: 'utf8' }).trim()));

describe("a worktree's own git dir", () => {
  it('is the one git names, for a linked worktree (read from its .git file) and for the main checkout', async () => {
    const root = realpathSync(makeTempDir());
    const main = makeRepo(join(root, 'flower'));
    const lane = join(root, 'flower-design');
    execFileSync('git', ['-C', main, 'worktree', 'add', '-q', '-b', 'design', lane]);
    expect(realpathSync(await worktreeGitDir(lane))).toBe(gitsOwn(lane));
    expect(realpathSync(await worktreeGitDir(main))).toBe(gitsOwn(main));
  });

  it('asks git when the .git file is not of the form it knows', async () => {
    const root = realpathSync(makeTempDir());
    const main = makeRepo(join(root, 'flower'));
    const lane = join(root, 'flower-odd');
    execFileSync('git', ['-C', main, 'worktree', 'add', '-q', '-b', 'odd', lane]);
    const own = gitsOwn(lane);
    // A relative gitdir, as `git worktree add --relative-paths` writes: resolved from the worktree.
    writeFileSync(join(lane, '.git'), `gitdir: ${join('..', 'flower', '.git', 'worktrees', 'flower-odd')}\n`);
    expect(realpathSync(await worktreeGitDir(lane))).toBe(own);
    // Not a gitdir line at all: git decides (and refuses), nothing is guessed.
    writeFileSync(join(lane, '.git'), 'something else\n');
    await expect(worktreeGitDir(lane)).rejects.toThrow();
    rmSync(lane, { recursive: true, force: true });
  });
});
