import { fallbackIdentityArgs } from './commit-identity';
import { refuseLinkedReflogs } from './reflog-links';
import { requireWorktree } from './require-worktree';
import { runGit } from './run-git';

/**
 * Commits everything in a lane (changes, deletions and untracked files that are not
 * ignored) and returns the new HEAD. With nothing to commit it returns HEAD as it is, so
 * "make the lane clean" is one call. The repository's hooks run (never ones the lane's files
 * hold: run-git.ts): a refusing pre-commit hook throws a GitError carrying its output, with the
 * lane's files untouched (only staged).
 */
export async function commitAll(lanePath: string, message: string): Promise<string> {
  await requireWorktree(lanePath, 'lane');
  refuseLinkedReflogs(lanePath);
  await runGit(lanePath, ['add', '-A', '--', '.']);
  const staged = await runGit(lanePath, ['diff', '--cached', '--quiet'], { okCodes: [1] });
  if (staged.code === 1) {
    const identity = await fallbackIdentityArgs(lanePath);
    await runGit(lanePath, [...identity, 'commit', '--quiet', '--no-edit', '-m', message]);
  }
  return (await runGit(lanePath, ['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();
}
