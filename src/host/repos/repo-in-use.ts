import type { Repo } from '../../shared/repo';
import { describeLoss, laneLosses } from '../lanes/git/lane-losses';
import { listWorktrees, type Worktree } from '../lanes/git/worktree-list';
import type { LaneStore } from '../lanes/lane-store';

export interface RepoInUseDeps {
  lanes: LaneStore;
  /** Names of live agents whose directory is `path` or inside it. */
  liveAgentsIn(path: string): string[];
  /** Where the repository's ops loop runs, if it has one. */
  opsLoopPath(repoId: string): string | null;
}

/**
 * What stands in the way of unregistering a repository, one line each: lanes that hold
 * work (what `lanes.remove` would refuse to lose), live agents in MAIN or a lane, an ops
 * loop. Unregistering forgets the lanes' records, so a lane with work must be merged,
 * removed or archived first: Grove never drops work implicitly. Empty when it may go.
 */
export async function repoBlockers(repo: Repo, deps: RepoInUseDeps): Promise<string[]> {
  const blockers: string[] = [];
  const ops = deps.opsLoopPath(repo.id);
  if (ops !== null) blockers.push(`its ops loop runs in ${ops} (stop it: grove ops stop --repo ${repo.name})`);
  const main = deps.liveAgentsIn(repo.mainPath);
  if (main.length) blockers.push(`live agents in MAIN: ${main.join(', ')}`);
  let trees: Worktree[] = [];
  try {
    trees = await listWorktrees(repo.mainPath);
  } catch {
    /* MAIN is gone or broken: each lane's check below reports what it cannot read */
  }
  for (const lane of deps.lanes.list(repo.id)) {
    // Lanes outside MAIN's directory were not covered by MAIN's check above.
    const live = lane.path.startsWith(repo.mainPath + '/') ? [] : deps.liveAgentsIn(lane.path);
    if (live.length) blockers.push(`lane ${lane.name} has live agents: ${live.join(', ')}`);
    const tree = trees.find((t) => t.path === lane.path);
    const losses = await laneLosses(repo.mainPath, { lanePath: lane.path, head: tree?.head ?? null, locked: tree?.locked ? { reason: '' } : null });
    if (losses.length) blockers.push(`lane ${lane.name} holds work: ${losses.map(describeLoss).join('; ')}`);
  }
  return blockers;
}
