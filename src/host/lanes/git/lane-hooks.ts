import { isAbsolute, join } from 'node:path';
import { runGit } from './run-git';

/**
 * The `-c` arguments for a git command the host runs in a lane (a commit, a rebase, a
 * worktree's first checkout) that runs hooks. Hooks from MAIN's git folder run as they are:
 * an agent cannot write them. But a repository whose `core.hooksPath` is relative (husky's
 * `.husky/_`) has git look for its hooks in the lane's own files, which the lane's agent
 * writes; run by the host, they would run as the operator, outside the lane's confinement.
 * Those commands take MAIN's hooks folder instead (in such a repository, its sample hooks:
 * none run). Read where the lane reads its config: MAIN's, which agents cannot change.
 */
export async function laneHookArgs(repoPath: string): Promise<string[]> {
  const configured = (await runGit(repoPath, ['config', '--get', 'core.hooksPath'], { okCodes: [1] })).stdout.trim();
  if (configured === '' || isAbsolute(configured) || configured.startsWith('~')) return [];
  const common = (await runGit(repoPath, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).stdout.trim();
  return ['-c', `core.hooksPath=${join(common, 'hooks')}`];
}
