import type { Repo } from '../../shared/repo';
import { describeLoss, laneLosses } from '../lanes/git/lane-losses';
import { listWorktrees, type Worktree } from '../lanes/git/worktree-list';
import type { LaneStore } from '../lanes/lane-store';
import { runGit } from '../lanes/git/run-git';
import type { MergeStore } from '../lanes/merge-store';

export interface RepoInUseDeps {
  lanes: LaneStore;
  /** Names of live agents whose directory is `path` or inside it. */
  liveAgentsIn(path: string): string[];
  /** Where the repository's ops loop runs, if it has one. */
  opsLoopPath(repoId: string): string | null;
  merges: Pick<MergeStore, 'list'>;
}

/** Merges looked at for one whose rollback is pending: more than a day's worth of merges in any repository. */
const RECENT_MERGES = 50;

/**
 * What stands in the way of unregistering a repository, one line each: lanes that hold
 * work (what `lanes.remove` would refuse to lose), live agents in MAIN or a lane, an ops
 * loop, a merge whose gate failed and whose rollback MAIN still waits for (unregistering
 * forgets the merge, and with it the rollback Grove offers). Unregistering forgets the lanes'
 * records, so a lane with work must be merged, removed or archived first: Grove never drops
 * work implicitly. Empty when it may go.
 */
export async function repoBlockers(repo: Repo, deps: RepoInUseDeps): Promise<string[]> {
  const blockers: string[] = [];
  const ops = deps.opsLoopPath(repo.id);
  if (ops !== null) blockers.push(`its ops loop runs in ${ops} (stop it: grove ops stop --repo ${repo.name})`);
  const main = deps.liveAgentsIn(repo.mainPath);
  if (main.length) blockers.push(`live agents in MAIN: ${main.join(', ')}`);
  const awaiting = deps.merges.list(repo.id, RECENT_MERGES).filter((m) => m.state === 'awaiting-rollback');
  if (awaiting.length) {
    // Only while MAIN is where that merge left it: once it moved on, no rollback is possible and nothing is lost.
    const head = (await runGit(repo.mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1, 128, -1] }).catch(() => null))?.stdout.trim();
    const pending = awaiting.find((m) => m.mainAfter === head);
    if (pending) blockers.push(`MAIN still holds the merge of ${pending.laneName}, whose gate failed: roll it back first (grove merge --rollback ${pending.id}, or Roll back in the cockpit)`);
  }
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
