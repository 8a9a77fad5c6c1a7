import { isAbsolute, join } from 'node:path';
import { hooksFolderEnv, runGit } from './run-git';

/**
 * The environment for `git worktree add`, run in MAIN, whose first checkout's hook runs in
 * the new worktree: a repository whose `core.hooksPath` is relative (husky's `.husky/_`) would
 * have it come from the checked-out branch's files, which an agent may have written. It takes
 * MAIN's hooks folder instead (in such a repository, its sample hooks: none run). Git run in a
 * lane gets the same from run-git.ts.
 */
export async function worktreeAddHooksEnv(repoPath: string): Promise<Record<string, string>> {
  const configured = (await runGit(repoPath, ['config', '--get', 'core.hooksPath'], { okCodes: [1] })).stdout.trim();
  if (configured === '' || isAbsolute(configured) || configured.startsWith('~')) return {};
  const common = (await runGit(repoPath, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).stdout.trim();
  return hooksFolderEnv(join(common, 'hooks'));
}
