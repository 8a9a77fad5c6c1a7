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
 * in lanes. Only the ops loop, which watches MAIN, may run there. Nor may it hold a MAIN
 * (confined there, the agent could write MAIN and the hooks Grove's merge runs), nor lie
 * inside a lane (`lanePaths`: its confinement, network and keys are the lane's, found by the
 * lane's own folder).
 */
export function checkLane(lanePath: string, repos: readonly Repo[], isOpsLoop: boolean, lanePaths: readonly string[] = []): Result<string, ApiError> {
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
  const held = repos.find((r) => r.mainPath.startsWith(real + sep));
  if (held) {
    return err(
      apiError(
        'agent_lane_invalid',
        `${lanePath} holds MAIN of ${held.name} (${held.mainPath}): an agent there could write MAIN, which only ever receives merged code. Start it in a lane of ${held.name}, or in a folder that does not hold a MAIN checkout.`,
        { lanePath, repo: held.id },
      ),
    );
  }
  const lane = lanePaths.find((p) => real.startsWith(p + sep));
  if (lane) {
    return err(
      apiError(
        'agent_lane_invalid',
        `${lanePath} is inside the lane ${lane}: start the agent in the lane itself (its confinement, network and keys are the lane's), and let it work in that folder from there.`,
        { lanePath, lane },
      ),
    );
  }
  return ok(real);
}
