import { apiError, type ApiError } from '../../shared/errors';
import type { LaneDiff, ResolvedLanePath } from '../../shared/lanes';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import { resolveInside } from '../fs/resolve-inside';
import type { LaneRecord, LaneStore } from './lane-store';

/**
 * `lanes.resolvePath`: what a path printed in a lane's terminal names, for the cockpit's
 * Ctrl+click on file paths. The lane is named by id or by its directory (a terminal knows its
 * agent's lane path). The answer is about existence, type and the lane's diff only; a path
 * resolving outside the lane is refused, so the method cannot be used to probe the disk.
 */
export interface ResolveLanePathDeps {
  lanes: LaneStore;
  /** The lane's changes against MAIN (LaneHistory.diff). */
  diff: (laneId: string) => Promise<Result<LaneDiff, ApiError>>;
}

export async function resolveLanePath(
  deps: ResolveLanePathDeps,
  params: { laneId?: string; lanePath?: string; path: string },
): Promise<Result<ResolvedLanePath, ApiError>> {
  const lane = laneOf(deps.lanes, params);
  if (!lane.ok) return lane;
  const { path: lanePath, name } = lane.value;
  let answer: Awaited<ReturnType<typeof resolveInside>>;
  try {
    answer = await resolveInside(lanePath, params.path);
  } catch {
    return err(apiError('lane_missing', `The directory of lane ${name} (${lanePath}) is gone; there is nothing to resolve ${params.path} against.`, { lanePath }));
  }
  if (!answer.inside) {
    return err(
      apiError('path_outside_lane', `${params.path} is outside lane ${name} (it resolves to ${answer.realPath}); only files inside the lane's directory ${lanePath} can be opened from its terminal.`, {
        path: params.path,
        lanePath,
      }),
    );
  }
  let changed = false;
  if (answer.isFile) {
    const diff = await deps.diff(lane.value.id);
    changed = diff.ok && diff.value.files.some((f) => f.path === answer.relative);
  }
  return ok({ relative: answer.relative, exists: answer.exists, isFile: answer.isFile, changed });
}

function laneOf(lanes: LaneStore, params: { laneId?: string; lanePath?: string }): Result<LaneRecord, ApiError> {
  if (params.laneId !== undefined) {
    const lane = lanes.get(params.laneId);
    return lane ? ok(lane) : err(apiError('lane_unknown', `No lane with id ${params.laneId}.`, { id: params.laneId }));
  }
  const lane = lanes.list().find((l) => l.path === params.lanePath);
  return lane
    ? ok(lane)
    : err(apiError('lane_unknown', `No lane at ${params.lanePath}: file paths resolve in lanes only (not in MAIN or another directory).`, { lanePath: params.lanePath }));
}

export function resolveLanePathHandlers(deps: ResolveLanePathDeps): Pick<Handlers, 'lanes.resolvePath'> {
  return { 'lanes.resolvePath': (params) => resolveLanePath(deps, params) };
}
