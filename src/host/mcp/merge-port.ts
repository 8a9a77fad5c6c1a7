import { apiError } from '../../shared/errors';
import { err } from '../../shared/result';
import type { LaneStore } from '../lanes/lane-store';
import type { MergeService } from '../lanes/merge-service';
import type { MergePort } from './mcp-deps';

/**
 * `request_merge` through the one merge path there is (MergeService.merge: preflight, check,
 * merge, MAIN's gate, rollback), never around it. The lane is named by its id or its name;
 * a name two repositories share is refused with their ids rather than guessed.
 */
export function mergePortOver(lanes: Pick<LaneStore, 'get' | 'list'>, merges: Pick<MergeService, 'merge'>): MergePort {
  return {
    requestMerge: (lane) => {
      const byId = lanes.get(lane);
      const named = byId ? [byId] : lanes.list().filter((l) => l.name === lane);
      if (named.length === 1) return merges.merge(named[0]!.id, { dryRun: false });
      return Promise.resolve(
        err(
          named.length === 0
            ? apiError('lane_unknown', `No lane is called ${JSON.stringify(lane)}; give a lane's name or id (\`grove lane list\`).`, { lane })
            : apiError('invalid_request', `${named.length} repositories have a lane called ${JSON.stringify(lane)}; give its id instead.`, { lane, ids: named.map((l) => l.id) }),
        ),
      );
    },
  };
}
