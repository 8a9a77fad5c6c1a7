import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireWorktree, WorktreeMissingError } from '../../../../../src/host/lanes/git/require-worktree';
import { GitError } from '../../../../../src/host/lanes/git/run-git';
import { addWorktree, makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

/**
 * What a write checks first: that its directory is the worktree it was told of. Gone, or not
 * a worktree, is said as such; git that could not run at all is not taken for either.
 */
afterEach(removeTempDirs);

const reasonOf = (e: unknown) => (e instanceof WorktreeMissingError ? e.reason : e instanceof GitError ? `git: ${e.output.notStarted ?? e.output.code}` : String(e));

describe('requireWorktree', () => {
  it('passes a lane and MAIN; says a gone directory is missing, and a folder or a file is not a worktree', async () => {
    const root = realpathSync(makeTempDir());
    const main = makeRepo(join(root, 'flower'));
    const lane = addWorktree(main, join(root, 'flower-design'), 'design');
    await expect(requireWorktree(main, 'MAIN')).resolves.toBeUndefined();
    await expect(requireWorktree(lane, 'lane')).resolves.toBeUndefined();
    expect(await requireWorktree(join(root, 'gone'), 'lane').catch(reasonOf)).toBe('missing');
    // Inside MAIN, but not its top: git would walk up and find MAIN.
    mkdirSync(join(main, 'src'));
    expect(await requireWorktree(join(main, 'src'), 'lane').catch(reasonOf)).toBe('not-a-worktree');
    writeFileSync(join(root, 'a-file'), 'x');
    expect(await requireWorktree(join(root, 'a-file'), 'lane').catch(reasonOf)).toBe('not-a-worktree');
  });

  it('git that cannot start (not on PATH) is said as that, not as a lane that is not a worktree', async () => {
    const root = realpathSync(makeTempDir());
    const main = makeRepo(join(root, 'flower'));
    const path = process.env.PATH;
    process.env.PATH = makeTempDir();
    try {
      const failed = await requireWorktree(main, 'MAIN').catch((e: unknown) => e);
      expect(reasonOf(failed)).toBe('git: ENOENT');
      expect((failed as Error).message).toContain('could not start');
    } finally {
      process.env.PATH = path;
    }
  });
});
