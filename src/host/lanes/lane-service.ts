import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { apiError, type ApiError } from '../../shared/errors';
import type { Lane } from '../../shared/lanes';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { RepoStore } from '../repos/repo-store';
import { archiveLane } from './git/archive-lane';
import { describeLoss, laneLosses } from './git/lane-losses';
import { GitError, runGit } from './git/run-git';
import { listWorktrees, type Worktree } from './git/worktree-list';
import { checkLaneName, preCheckBranchName } from './lane-name';
import type { LaneRecord, LaneStore } from './lane-store';
import { RepoLocks } from './repo-lock';

/**
 * Lanes: worktrees beside MAIN (`<repo>-<lane>` next to the repository). Creation and
 * removal go through one lock per repository; removal refuses, with the list, whenever
 * anything would be lost, and never touches MAIN or the lane's branch.
 */
export interface LaneServiceDeps {
  lanes: LaneStore;
  repos: RepoStore;
  events: EventLog;
  /** Live agents in this directory, which make a lane unremovable. */
  liveAgentsIn(path: string): string[];
}

export class LaneService {
  private readonly locks = new RepoLocks();

  constructor(private readonly deps: LaneServiceDeps) {}

  async list(repoId?: string): Promise<Lane[]> {
    const repos = this.deps.repos.list().filter((r) => !repoId || r.id === repoId);
    const out: Lane[] = [];
    for (const repo of repos) {
      let trees: Worktree[] = [];
      try {
        trees = await listWorktrees(repo.mainPath);
      } catch {
        /* an unreadable repository lists its known lanes as they were recorded */
      }
      const records = this.deps.lanes.list(repo.id);
      for (const r of records) {
        const tree = trees.find((t) => t.path === r.path);
        const status = !existsSync(r.path) || !tree ? 'missing' : tree.branch !== r.branch ? 'branch-changed' : 'ok';
        out.push({ ...r, status, adoptable: false });
      }
      // Worktrees made outside Grove: shown, and adoptable.
      for (const t of trees.slice(1)) {
        if (t.bare || records.some((r) => r.path === t.path)) continue;
        out.push({ id: `adopt:${t.path}`, repoId: repo.id, name: basename(t.path), path: t.path, branch: t.branch, kind: 'standing', createdAt: '', status: existsSync(t.path) ? 'ok' : 'missing', adoptable: true });
      }
    }
    return out;
  }

  create(repoId: string, name: string, branch: string | undefined, ephemeral: boolean): Promise<Result<Lane, ApiError>> {
    const repo = this.deps.repos.list().find((r) => r.id === repoId);
    if (!repo) return Promise.resolve(err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId })));
    const checkedName = checkLaneName(name);
    if (!checkedName.ok) return Promise.resolve(checkedName);
    const wantedBranch = branch ?? name;
    const checkedBranch = preCheckBranchName(wantedBranch);
    if (!checkedBranch.ok) return Promise.resolve(checkedBranch);
    return this.locks.run(repoId, async () => {
      const main = repo.mainPath;
      const path = join(dirname(main), `${basename(main)}-${name}`);
      if (this.deps.lanes.list(repoId).some((l) => l.name === name)) {
        return err(apiError('lane_exists', `${repo.name} already has a lane named ${name}.`, { name }));
      }
      if (existsSync(path)) {
        return err(apiError('lane_exists', `${path} already exists; remove it or choose another lane name.`, { path }));
      }
      try {
        const valid = await runGit(main, ['check-ref-format', '--branch', wantedBranch], { okCodes: [1, 128] });
        if (valid.code !== 0) {
          return err(apiError('lane_name_invalid', `"${wantedBranch}" is not a valid branch name for git.`, { branch: wantedBranch }));
        }
        // Entries of worktrees deleted by hand would block the add: tidy them first.
        await runGit(main, ['worktree', 'prune']);
        const local = await runGit(main, ['show-ref', '--verify', '--quiet', `refs/heads/${wantedBranch}`], { okCodes: [1] });
        const remote = await runGit(main, ['show-ref', '--verify', '--quiet', `refs/remotes/origin/${wantedBranch}`], { okCodes: [1] });
        if (local.code === 0) {
          const usedBy = (await listWorktrees(main)).find((t) => t.branch === wantedBranch);
          if (usedBy) {
            return err(apiError('lane_exists', `Branch ${wantedBranch} is already checked out in ${usedBy.path}.`, { branch: wantedBranch, path: usedBy.path }));
          }
          await runGit(main, ['worktree', 'add', '--', path, wantedBranch]);
        } else if (remote.code === 0) {
          await runGit(main, ['worktree', 'add', '--track', '-b', wantedBranch, '--', path, `origin/${wantedBranch}`]);
        } else {
          await runGit(main, ['worktree', 'add', '-b', wantedBranch, '--', path, 'HEAD']);
        }
      } catch (e) {
        return err(gitFailure(e));
      }
      const record: LaneRecord = {
        id: uuidv7(),
        repoId,
        name,
        path: realpathSync(path),
        branch: wantedBranch,
        kind: ephemeral ? 'ephemeral' : 'standing',
        createdAt: new Date().toISOString(),
      };
      this.deps.lanes.insert(record);
      const lane: Lane = { ...record, status: 'ok', adoptable: false };
      this.deps.events.append({ type: 'lane.created', lane });
      return ok(lane);
    });
  }

  remove(id: string, archive: boolean): Promise<Result<{ archiveRef: string | null; recoveryRef: string | null }, ApiError>> {
    const lane = this.deps.lanes.get(id);
    if (!lane) return Promise.resolve(err(apiError('lane_unknown', `No lane with id ${id}.`, { id })));
    const repo = this.deps.repos.list().find((r) => r.id === lane.repoId);
    if (!repo) return Promise.resolve(err(apiError('repo_unknown', `The lane's repository is no longer registered.`, { id })));
    return this.locks.run(lane.repoId, async () => {
      const live = this.deps.liveAgentsIn(lane.path);
      if (live.length) {
        return err(apiError('lane_has_live_agents', `Stop the agents in ${lane.name} first: ${live.join(', ')}.`, { agents: live }));
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      try {
        const tree = (await listWorktrees(repo.mainPath)).find((t) => t.path === lane.path);
        const head = tree?.head ?? null;
        const lockReason = tree?.locked ? ((await readLockReason(repo.mainPath, lane.path)) ?? '') : null;
        const losses = await laneLosses(repo.mainPath, { lanePath: lane.path, head, locked: lockReason !== null ? { reason: lockReason } : null });
        // A lock is the owner's explicit "keep this": never overridden, not even by an archive.
        if (losses.some((l) => l.kind === 'locked' || l.kind === 'check-failed') || (losses.length && !archive)) {
          return err(
            apiError('lane_would_lose_work', `Removing ${lane.name} would lose: ${losses.map(describeLoss).join('; ')}. Commit or push it, or remove with archive to snapshot everything first.`, {
              losses,
            }),
          );
        }
        const archived = archive && existsSync(lane.path) ? await archiveLane(lane.path, lane.name) : null;
        let recoveryRef: string | null = null;
        if (head) {
          recoveryRef = `refs/grove/recovery/${lane.name}/${stamp}`;
          await runGit(repo.mainPath, ['update-ref', recoveryRef, head]);
        }
        if (existsSync(lane.path)) await runGit(repo.mainPath, ['worktree', 'remove', '--force', '--', lane.path]);
        else await runGit(repo.mainPath, ['worktree', 'prune']);
        this.deps.lanes.remove(lane.id);
        this.deps.events.append({ type: 'lane.removed', id: lane.id, archiveRef: archived?.ref ?? null });
        return ok({ archiveRef: archived?.ref ?? null, recoveryRef });
      } catch (e) {
        return err(gitFailure(e));
      }
    });
  }

  handlers(): Pick<Handlers, 'lanes.list' | 'lanes.create' | 'lanes.remove'> {
    return {
      'lanes.list': async ({ repoId }) => ok({ lanes: await this.list(repoId) }),
      'lanes.create': async ({ repoId, name, branch, ephemeral }) => {
        const r = await this.create(repoId, name, branch, ephemeral ?? false);
        return r.ok ? ok({ lane: r.value }) : r;
      },
      'lanes.remove': async ({ id, archive }) => {
        const r = await this.remove(id, archive ?? false);
        return r.ok ? ok({ removed: true as const, ...r.value }) : r;
      },
    };
  }
}

function gitFailure(e: unknown): ApiError {
  if (e instanceof GitError) return apiError('git_failed', e.message, { args: e.args.join(' '), stderr: e.output.stderr.slice(0, 2000) });
  throw e;
}

async function readLockReason(mainPath: string, lanePath: string): Promise<string | null> {
  const trees = await runGit(mainPath, ['worktree', 'list', '--porcelain']);
  const block = trees.stdout.split('\n\n').find((b) => b.startsWith(`worktree ${lanePath}\n`));
  const line = block?.split('\n').find((l) => l === 'locked' || l.startsWith('locked '));
  return line === undefined ? null : line.slice('locked'.length).trim();
}
