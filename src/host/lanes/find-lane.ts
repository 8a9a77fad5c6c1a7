import { apiError, type ApiError } from '../../shared/errors';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { RepoStore } from '../repos/repo-store';
import type { LaneRecord, LaneStore } from './lane-store';

/** A recorded lane and its repository, or the error a caller answers with. */
export function findLane(lanes: LaneStore, repos: RepoStore, id: string): Result<{ lane: LaneRecord; repo: Repo }, ApiError> {
  const lane = lanes.get(id);
  if (!lane) return err(apiError('lane_unknown', `No lane with id ${id}.`, { id }));
  const repo = repos.get(lane.repoId);
  if (!repo) return err(apiError('repo_unknown', `The lane's repository is no longer registered.`, { id }));
  return ok({ lane, repo });
}
