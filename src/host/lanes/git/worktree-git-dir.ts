import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runGit } from './run-git';

/**
 * A worktree's own git dir (where its `config.worktree` lives), read as git reads it: a
 * linked worktree's `.git` is a file saying `gitdir: PATH`. Reading it costs nothing, where
 * `git rev-parse --git-dir` is a process (milliseconds a new lane, and a dispatch, wait on).
 * Anything else (a `.git` directory, a file of another form) is asked of git.
 */
export async function worktreeGitDir(worktree: string): Promise<string> {
  const dotGit = join(worktree, '.git');
  const info = await stat(dotGit).catch(() => null);
  if (info?.isFile()) {
    const line = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'));
    if (line) return resolve(worktree, line[1]!.trim());
  }
  return resolve(worktree, (await runGit(worktree, ['rev-parse', '--git-dir'])).stdout.trim());
}
