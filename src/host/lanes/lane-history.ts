import { apiError, type ApiError } from '../../shared/errors';
import type { LaneDiff } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import type { RepoStore } from '../repos/repo-store';
import { laneDiff } from './git/lane-diff';
import { rebaseLane } from './git/rebase-lane';
import { runGit } from './git/run-git';
import { withJobs } from './job-reporter';
import { findLane } from './find-lane';
import { gitFailure } from './lane-service';
import type { LaneRecord, LaneStore } from './lane-store';
import type { RepoLocks } from './repo-lock';

/**
 * A lane against MAIN: its diff (read without touching the lane's index) and a rebase onto
 * MAIN's branch (after a recovery ref, aborted by itself on a conflict).
 */
export interface LaneHistoryDeps {
  lanes: LaneStore;
  repos: RepoStore;
  events: EventLog;
  locks: RepoLocks;
  /**
   * Tells the lane's HEAD watcher that Grove itself works in the lane until the returned
   * function is called: a rebase detaches HEAD while it runs, which is not a switch made
   * outside Grove.
   */
  holdLane?: (lanePath: string) => () => void;
}

export class LaneHistory {
  constructor(private readonly deps: LaneHistoryDeps) {}

  private find(id: string): Result<{ lane: LaneRecord; repo: Repo }, ApiError> {
    return findLane(this.deps.lanes, this.deps.repos, id);
  }

  async diff(id: string): Promise<Result<LaneDiff, ApiError>> {
    const found = this.find(id);
    if (!found.ok) return found;
    try {
      const main = await mainBranchOf(found.value.repo);
      if (!main.ok) return main;
      return ok(await laneDiff(found.value.repo.mainPath, found.value.lane.path, main.value));
    } catch (e) {
      return err(gitFailure(e, found.value.lane.name));
    }
  }

  async rebase(id: string): Promise<Result<{ head: string; recoveryRef: string }, ApiError>> {
    const found = this.find(id);
    if (!found.ok) return found;
    const { lane, repo } = found.value;
    return withJobs(this.deps.events, undefined, (startJob) => this.deps.locks.run(repo.id, async () => {
      const job = startJob({ kind: 'lane.rebase', repoId: repo.id, laneName: lane.name, title: `Rebase ${lane.name} onto MAIN` });
      try {
        const main = await mainBranchOf(repo);
        if (!main.ok) {
          job.finish(false, main.error.message);
          return main;
        }
        job.step(1, 1, `git rebase ${main.value}`);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const release = this.deps.holdLane?.(lane.path);
        let r: Awaited<ReturnType<typeof rebaseLane>>;
        try {
          r = await rebaseLane(lane.path, { laneName: lane.name, onto: main.value, stamp });
        } finally {
          release?.();
        }
        if (!r.ok) {
          job.finish(false, r.error.message);
          return err(apiError('lane_rebase_conflict', r.error.message, { kind: r.error.kind, files: r.error.files }));
        }
        job.finish(true, `${lane.name} is now on top of ${main.value} (${r.value.head.slice(0, 12)}); the old head is kept in ${r.value.recoveryRef}`);
        return ok(r.value);
      } catch (e) {
        const failure = gitFailure(e, lane.name);
        job.finish(false, failure.message);
        return err(failure);
      }
    }));
  }

  handlers(): Pick<Handlers, 'lanes.diff' | 'lanes.rebase'> {
    return {
      'lanes.diff': async ({ id }) => {
        const r = await this.diff(id);
        return r.ok ? ok({ diff: r.value }) : r;
      },
      'lanes.rebase': ({ id }) => this.rebase(id),
    };
  }
}

/** MAIN's current branch; a detached MAIN has nothing to compare against. */
export async function mainBranchOf(repo: Repo): Promise<Result<string, ApiError>> {
  const r = await runGit(repo.mainPath, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okCodes: [1] });
  if (r.code === 0) return ok(r.stdout.trim());
  return err(apiError('git_failed', `MAIN (${repo.mainPath}) is not on a branch (detached HEAD); check out its branch first.`, { path: repo.mainPath }));
}
