import { realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { apiError, type ApiError } from '../../shared/errors';
import { isAbsolutePath } from '../../shared/methods';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';

/**
 * Where an agent may run. A lane is a directory (a worktree once lanes land); it must
 * exist, and it must not be a registered MAIN checkout or inside one: active work happens
 * in lanes. Only the ops loop, which watches MAIN, may run there.
 */
export function checkLane(lanePath: string, repos: readonly Repo[], isOpsLoop: boolean): Result<string, ApiError> {
  if (!isAbsolutePath(lanePath)) {
    return err(apiError('agent_lane_invalid', `The lane "${lanePath}" is not an absolute path.`, { lanePath }));
  }
  let real: string;
  try {
    real = realpathSync(lanePath);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
  } catch {
    return err(apiError('agent_lane_invalid', `The lane ${lanePath} does not exist or is not a directory.`, { lanePath }));
  }
  const main = repos.find((r) => real === r.mainPath || real.startsWith(r.mainPath + sep));
  if (main && !isOpsLoop) {
    return err(
      apiError(
        'agent_lane_invalid',
        `${lanePath} is inside MAIN of ${main.name} (${main.mainPath}). Agents work in lanes, so MAIN only ever receives merged code; start the agent in a worktree of ${main.name}, or mark it as the ops loop.`,
        { lanePath, repo: main.id },
      ),
    );
  }
  return ok(real);
}
