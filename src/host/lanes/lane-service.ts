import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { count } from '../../shared/plural';
import type { GroveConfig } from '../../shared/config';
import { apiError, type ApiError } from '../../shared/errors';
import type { Lane, LaneNetwork } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { RepoStore } from '../repos/repo-store';
import { archiveLane, archiveRefOf } from './git/archive-lane';
import { listIgnored } from './git/ignored-files';
import { worktreeAddHooksEnv } from './git/lane-hooks';
import { LinkedReflogError } from './git/reflog-links';
import { describeLoss, laneLosses, type Loss } from './git/lane-losses';
import { GitError, runGit } from './git/run-git';
import { WorktreeMissingError } from './git/require-worktree';
import { listWorktrees, type Worktree } from './git/worktree-list';
import { withJobs, type JobReporter, type StartJob } from './job-reporter';
import { findLane } from './find-lane';
import { laneCommandEnv, templateVarsOf } from './lane-context';
import { checkLaneName, preCheckBranchName } from './lane-name';
import type { LaneRecord, LaneStore } from './lane-store';
import type { LaneServer } from './lane-server';
import { toLane } from './lane-view';
import { allocatePortBlock, DEFAULT_PORT_RANGE } from './ports';
import { KeepIgnoredFailed, keepIgnoredFiles, unkeepable } from './keep-ignored-files';
import { isTrustRefusal, usableConfig } from './repo-config';
import type { RepoLocks } from './repo-lock';
import { applyLaneFiles } from './setup/lane-files';
import { dropInheritedGuard } from '../health/pre-commit-guard';
import type { CommandGroups } from './setup/command-groups';
import { howItEnded, runCommands } from './setup/run-commands';

/**
 * Lanes: worktrees beside MAIN (`<repo>-<lane>`, under grove.yaml's lanes.root). Creation
 * and removal go through one lock per repository. Creation runs the recipe: pre-create
 * hooks (which can refuse), the worktree, a port block, files copied and linked from MAIN,
 * post-create commands — the slow part outside the lock, streamed as a job. Removal refuses,
 * with the list, whenever anything would be lost, and never touches MAIN or the branch.
 */
export interface LaneAgents {
  /** Names of live agents whose lane is `path` or inside it, except the given ids. */
  liveAgentsIn(path: string, exceptIds: readonly string[]): string[];
  /** Stops every agent in the lane (after git agreed to remove it). */
  stopAllIn(path: string): Promise<void>;
  /** Removes the records of every agent in the removed lane, keeping their output in `scrollbackDir` if given; returns the files kept. */
  removeAllIn(path: string, scrollbackDir: string | null): Promise<string[]>;
  /** Ends what the lane's agents left running after they exited (a nohup'd server), before its folder goes. */
  endLeftoversIn(path: string): Promise<void>;
}

export interface CreateOptions {
  branch?: string;
  ephemeral?: boolean;
  keyless?: boolean;
  withoutRecipes?: boolean;
  /** The lane's own network for its confined agents; default: the repository's. */
  network?: LaneNetwork;
  /**
   * The branch must be new (a dispatch's lane): one left by an earlier lane of the same name
   * (removed with its branch kept, archived) is `lane_exists`, not checked out with its
   * commits under a lane that claims to start from MAIN.
   */
  freshBranch?: boolean;
}

export interface LaneServiceDeps {
  lanes: LaneStore;
  repos: RepoStore;
  events: EventLog;
  locks: RepoLocks;
  agents: LaneAgents;
  server: LaneServer;
  dataDir: string;
  baseEnv: NodeJS.ProcessEnv;
  /** Masks the host's secrets in command output before it becomes an event. */
  mask: (text: string) => string;
  /** The set of lanes changed (the branch watcher follows it). */
  onLanesChanged(lanes: LaneRecord[]): void;
  /** The ops loop's own worktree: not a lane, so neither listed as adoptable nor adoptable. */
  isOpsCheckout?(path: string): boolean;
  /** The job of a merge or preflight under way in the lane, if one is (merge-service.ts): its check runs in the lane's folder. */
  mergeRunningIn?(laneId: string): string | null;
  /** Records setup commands' process groups while they run (a host killed meanwhile leaves word of them). */
  commandGroups?: CommandGroups;
}

export class LaneService {
  /** Branches seen in lanes that differ from the recorded one, so each switch alerts once. */
  private readonly switched = new Map<string, string | null>();
  /** Lanes whose setup (files, post-create) runs now, by lane id: their job. */
  private readonly setups = new Map<string, JobReporter>();
  /** Lanes a removal is under way in (past its first checks): no merge starts there (merge-service.ts). */
  private readonly removing = new Set<string>();
  /** Port blocks chosen for a lane not recorded yet (allocatePort). */
  private readonly reservedPorts = new Set<number>();
  /** Port blocks are chosen one at a time, across repositories. */
  private portChoice: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: LaneServiceDeps) {}

  private repo(repoId: string): Repo | undefined {
    return this.deps.repos.get(repoId);
  }

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
      for (const r of records) out.push(toLane(r, statusOf(r, trees)));
      // Worktrees made outside Grove: shown, and adoptable.
      for (const t of trees.slice(1)) {
        if (t.bare || records.some((r) => r.path === t.path) || this.deps.isOpsCheckout?.(t.path)) continue;
        out.push({
          id: `adopt:${t.path}`,
          repoId: repo.id,
          name: basename(t.path),
          path: t.path,
          branch: t.branch,
          kind: 'standing',
          createdAt: '',
          status: existsSync(t.path) ? 'ok' : 'missing',
          adoptable: true,
          port: null,
          keyless: false,
          setup: 'none',
          served: null,
          network: null,
        });
      }
    }
    return out;
  }

  create(repoId: string, name: string, o: CreateOptions = {}): Promise<Result<Lane, ApiError>> {
    // Set once the lane is recorded with its setup running: from then on its setup ends, done
    // or failed, whatever throws (a lane left "setup running" would never change again).
    const inserted: { record: LaneRecord | null } = { record: null };
    return withJobs(this.deps.events, this.deps.mask, (startJob) => this.createWith(startJob, inserted, repoId, name, o)).catch((e: unknown) => {
      if (inserted.record) this.endSetup(inserted.record, `Grove failed: ${(e as Error).message}`);
      throw e;
    });
  }

  private async createWith(
    startJob: StartJob,
    inserted: { record: LaneRecord | null },
    repoId: string,
    name: string,
    o: CreateOptions,
  ): Promise<Result<Lane, ApiError>> {
    const repo = this.repo(repoId);
    if (!repo) return err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId }));
    const checkedName = checkLaneName(name);
    if (!checkedName.ok) return checkedName;
    const checkedBranch = preCheckBranchName(o.branch ?? name);
    if (!checkedBranch.ok) return checkedBranch;
    const wantedBranch = checkedBranch.value;
    const loaded = usableConfig(this.deps.repos, repo, this.deps.dataDir, { withoutRecipes: o.withoutRecipes ?? false });
    if (!loaded.ok) {
      if (!isTrustRefusal(loaded.error)) return loaded;
      // Going on without the recipe is the operator's explicit choice, never a fallback.
      return err({ ...loaded.error, message: `${loaded.error.message}\nOr create the lane without the repository's recipe (no copy, link or setup commands): grove lane create ${name} --without-recipes` });
    }
    const config = loaded.value;
    const setup = config.setup ?? {};
    const timeoutMs = (setup.timeoutSeconds ?? 600) * 1000;
    const preCreate = setup.preCreate ?? [];
    const postCreate = setup.postCreate ?? [];
    const hasFiles = (setup.copy?.length ?? 0) + (setup.link?.length ?? 0) > 0;
    const total = preCreate.length + 1 + (hasFiles ? 1 : 0) + postCreate.length;
    const main = repo.mainPath;
    const path = join(resolve(main, config.lanes?.root ?? '..'), `${basename(main)}-${name}`);

    const created = await this.deps.locks.run(repoId, async (): Promise<Result<{ record: LaneRecord; job: JobReporter; filesFailure: string | null }, ApiError>> => {
      let reserved: number | null = null;
      try {
        if (this.deps.lanes.list(repoId).some((l) => l.name === name)) {
          return err(apiError('lane_exists', `${repo.name} already has a lane named ${name}.`, { name }));
        }
        if (existsSync(path)) {
          return err(apiError('lane_exists', `${path} already exists; remove it or choose another lane name.`, { path }));
        }
        if (o.freshBranch && (await branchExists(main, wantedBranch))) {
          return err(apiError('lane_exists', `Branch ${wantedBranch} already exists (an earlier lane's, kept); choose another lane name.`, { branch: wantedBranch }));
        }
        const port = await this.allocatePort(config);
        if (!port.ok) return port;
        reserved = port.value;
        const record: LaneRecord = {
          id: uuidv7(),
          repoId,
          name,
          path,
          branch: wantedBranch,
          kind: o.ephemeral ? 'ephemeral' : 'standing',
          createdAt: new Date().toISOString(),
          port: port.value,
          keyless: o.keyless ?? config.lanes?.keyless ?? false,
          setup: hasFiles || postCreate.length > 0 ? 'running' : 'none',
          served: null,
          network: o.network ?? null,
        };
        const plan = await planWorktree(main, path, wantedBranch, (p) => this.deps.lanes.list().some((l) => l.path === p));
        if (!plan.ok) return plan;
        const job = startJob({ kind: 'lane.create', repoId, laneName: name, title: `Create lane ${name}` });
        if (preCreate.length > 0) {
          const outcome = await runCommands(preCreate, {
            cwd: main,
            env: laneCommandEnv(this.deps.baseEnv, repo, record, config),
            timeoutMs,
            onStep: (i, _n, command) => job.step(i + 1, total, `pre-create: ${command}`),
            groups: this.deps.commandGroups,
            onOutput: (d) => job.output(d),
          });
          if (!outcome.ok) {
            const why = howItEnded(outcome);
            job.finish(false, `pre-create "${outcome.command}" ${why}; nothing was created`);
            return err(
              apiError('lane_setup_failed', `The pre-create hook "${outcome.command}" ${why}, so lane ${name} was not created:\n${outcome.outputTail.trim()}`, {
                command: outcome.command,
                output: outcome.outputTail,
              }),
            );
          }
        }
        job.step(preCreate.length + 1, total, `git worktree add ${path}`);
        const added = await addWorktree(main, plan.value);
        // Nothing was at `path` before (checked above, under the lock): a worktree there now is
        // this creation's, and one it does not record (a post-checkout hook that failed the add,
        // a later step that threw) is removed, so the name is free to try again.
        const recorded = added.ok ? await this.recordNewLane(record, path) : added;
        if (!recorded.ok) {
          const message = `${recorded.error.message}${await discardNewWorktree(main, path)}`;
          job.finish(false, message);
          return err({ ...recorded.error, message });
        }
        if (record.setup === 'running') {
          inserted.record = record;
          this.setups.set(record.id, job);
        }
        this.deps.events.append({ type: 'lane.created', lane: toLane(record) });
        this.deps.onLanesChanged(this.deps.lanes.list());
        // Files inside the lock: linking may switch on the repository's worktree config.
        let filesFailure: string | null = null;
        if (hasFiles) {
          job.step(preCreate.length + 2, total, 'copy and link files from MAIN');
          const files = await applyLaneFiles({ mainPath: main, lanePath: record.path, setup, vars: templateVarsOf(repo, record), keyless: record.keyless });
          if (files.ok) {
            const lines = [
              ...files.copied.map((f) => `copied ${f}`),
              ...files.linked.map((f) => `linked ${f}`),
              ...files.stripped.map((s) => `stripped ${s.keys.join(', ')} from ${s.file}`),
              ...files.skipped.map((s) => `left ${s.path} alone (${s.reason})`),
            ];
            if (lines.length) job.output(lines.join('\n') + '\n');
          } else filesFailure = `${files.path}: ${files.message}`;
        }
        return ok({ record, job, filesFailure });
      } finally {
        // Recorded (takenPorts has it) or given up: either way no longer held aside.
        if (reserved !== null) this.reservedPorts.delete(reserved);
      }
    });
    if (!created.ok) return created;

    // The recipe's slow part runs outside the lock: other lanes of the repository need not wait.
    const { record, job } = created.value;
    if (record.setup === 'none') {
      job.finish(true, `Lane ${name} is ready at ${record.path}`);
      return ok(toLane(record));
    }
    let failure = created.value.filesFailure;
    if (!failure && postCreate.length > 0) {
      const base = preCreate.length + 1 + (hasFiles ? 1 : 0);
      const outcome = await runCommands(postCreate, {
        cwd: record.path,
        env: laneCommandEnv(this.deps.baseEnv, repo, record, config),
        timeoutMs,
        onStep: (i, _n, command) => job.step(base + i + 1, total, command),
        groups: this.deps.commandGroups,
        onOutput: (d) => job.output(d),
      });
      if (!outcome.ok) failure = `"${outcome.command}" ${howItEnded(outcome)}`;
    }
    inserted.record = null;
    const updated = this.endSetup(record, failure);
    // A failed setup keeps the lane: whatever it did is there to inspect, nothing is deleted.
    job.finish(!failure, failure ? `Setup of ${name} failed: ${failure}. The lane is kept; fix it by hand or remove it.` : `Lane ${name} is ready at ${record.path}`);
    return ok(toLane(updated));
  }

  /** The lane's setup is over: recorded and announced as done or failed. */
  private endSetup(record: LaneRecord, failure: string | null): LaneRecord {
    this.setups.delete(record.id);
    const updated = this.deps.lanes.update(record.id, { setup: failure ? 'failed' : 'done' });
    if (updated) this.deps.events.append({ type: 'lane.updated', lane: toLane(updated) });
    return updated ?? { ...record, setup: failure ? 'failed' : 'done' };
  }

  /**
   * A free block of ports, held aside (reservedPorts) until the caller records its lane or
   * gives up: lanes of two repositories are created at once, under two repository locks,
   * and the choice (which waits on probing the ports) is made one at a time.
   */
  private allocatePort(config: GroveConfig): Promise<Result<number, ApiError>> {
    const start = config.ports?.start ?? DEFAULT_PORT_RANGE.start;
    const end = config.ports?.end ?? DEFAULT_PORT_RANGE.end;
    const chosen = this.portChoice.then(async (): Promise<Result<number, ApiError>> => {
      const port = await allocatePortBlock({ start, end, taken: [...this.deps.lanes.takenPorts(), ...this.reservedPorts] });
      if (port === null) return err(apiError('ports_exhausted', `No free block of 10 ports is left between ${start} and ${end}. Widen ports in grove.yaml or remove lanes you no longer need.`, { start, end }));
      this.reservedPorts.add(port);
      return ok(port);
    });
    this.portChoice = chosen.catch(() => undefined);
    return chosen;
  }

  /** The new worktree at `path` becomes `record`'s lane: its real path, no inherited guard, its row. */
  private async recordNewLane(record: LaneRecord, path: string): Promise<Result<void, ApiError>> {
    try {
      record.path = realpathSync(path);
      await dropInheritedGuard(record.path);
      this.deps.lanes.insert(record);
      return ok(undefined);
    } catch (e) {
      return err(gitFailure(e));
    }
  }

  /** Takes a worktree made outside Grove under Grove's care. */
  async adopt(repoId: string, path: string, o: { name?: string; ephemeral?: boolean } = {}): Promise<Result<Lane, ApiError>> {
    const repo = this.repo(repoId);
    if (!repo) return err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId }));
    // Adopting runs none of grove.yaml's commands: only its ports and key-less default are read.
    const loaded = usableConfig(this.deps.repos, repo, this.deps.dataDir, { withoutRecipes: true });
    if (!loaded.ok) return loaded;
    return this.deps.locks.run(repoId, async () => {
      const real = existsSync(path) ? realpathSync(path) : path;
      let trees: Worktree[];
      try {
        trees = await listWorktrees(repo.mainPath);
      } catch (e) {
        return err(gitFailure(e));
      }
      const tree = trees.slice(1).find((t) => t.path === real && !t.bare);
      if (!tree || !existsSync(real)) {
        return err(apiError('lane_not_adoptable', `${path} is not a linked worktree of ${repo.name} (see git worktree list in ${repo.mainPath}).`, { path }));
      }
      if (this.deps.lanes.list().some((l) => l.path === real)) {
        return err(apiError('lane_not_adoptable', `${path} is already a lane.`, { path }));
      }
      if (this.deps.isOpsCheckout?.(real)) {
        return err(apiError('lane_not_adoptable', `${path} is the ops loop's checkout, which follows MAIN and is never merged; it cannot be a lane.`, { path }));
      }
      const prefix = `${basename(repo.mainPath)}-`;
      const name = o.name ?? (basename(real).startsWith(prefix) ? basename(real).slice(prefix.length) : basename(real));
      const checked = checkLaneName(name);
      if (!checked.ok) return checked;
      if (this.deps.lanes.list(repoId).some((l) => l.name === name)) {
        return err(apiError('lane_exists', `${repo.name} already has a lane named ${name}; adopt it under another name.`, { name }));
      }
      const port = await this.allocatePort(loaded.value);
      if (!port.ok) return port;
      try {
        await dropInheritedGuard(real);
      } catch (e) {
        this.reservedPorts.delete(port.value);
        return err(gitFailure(e));
      }
      const record: LaneRecord = {
        id: uuidv7(),
        repoId,
        name,
        path: real,
        branch: tree.branch,
        kind: o.ephemeral ? 'ephemeral' : 'standing',
        createdAt: new Date().toISOString(),
        port: port.value,
        keyless: loaded.value.lanes?.keyless ?? false,
        setup: 'none',
        served: null,
        network: null,
      };
      this.deps.lanes.insert(record);
      this.reservedPorts.delete(port.value); // takenPorts has it now
      const lane = toLane(record);
      this.deps.events.append({ type: 'lane.created', lane });
      this.deps.onLanesChanged(this.deps.lanes.list());
      return ok(lane);
    });
  }

  /**
   * The lane's own network for its confined agents (null: the repository's again). Running
   * agents keep the network they started with: each takes the new one at its next start.
   */
  setNetwork(id: string, network: LaneNetwork | null): Result<Lane, ApiError> {
    const found = findLane(this.deps.lanes, this.deps.repos, id);
    if (!found.ok) return found;
    const updated = this.deps.lanes.update(found.value.lane.id, { network });
    if (!updated) return err(apiError('lane_unknown', `No lane with id ${id}.`, { id }));
    const lane = toLane(updated);
    this.deps.events.append({ type: 'lane.updated', lane });
    return ok(lane);
  }

  remove(id: string, archive: boolean): Promise<Result<LaneRemoval, ApiError>> {
    return this.removeLane(id, { archive, stopAgents: false });
  }

  /**
   * `stopAgents`: an ephemeral lane after its merge; its agents are stopped, but only once
   * git has agreed that nothing would be lost.
   */
  async removeLane(id: string, o: { archive: boolean; stopAgents: boolean }): Promise<Result<LaneRemoval, ApiError>> {
    const found = findLane(this.deps.lanes, this.deps.repos, id);
    if (!found.ok) return found;
    const { repo } = found.value;
    const strict = usableConfig(this.deps.repos, repo, this.deps.dataDir);
    // An untrusted repository's lane can still be removed, without its teardown or unlink
    // commands (they are not run), and the job says so.
    const untrusted = !strict.ok && isTrustRefusal(strict.error);
    const loaded = untrusted ? usableConfig(this.deps.repos, repo, this.deps.dataDir, { withoutRecipes: true }) : strict;
    if (!loaded.ok) return loaded;
    const config = loaded.value;
    return withJobs(this.deps.events, this.deps.mask, (startJob) => this.deps.locks.run(found.value.lane.repoId, async () => {
      // Read again under the lock: a removal queued behind another may find the lane gone, or
      // a new lane of the same name at the same path, which is not the one it was asked for.
      const lane = this.deps.lanes.get(id);
      if (!lane || lane.path !== found.value.lane.path) return err(apiError('lane_unknown', `The lane ${found.value.lane.name} was removed meanwhile.`, { id }));
      const setup = this.setups.get(lane.id);
      if (setup) {
        const step = setup.currentStep ?? 'starting';
        return err(
          apiError(
            'lane_setup_running',
            `${lane.name}'s setup is still running (job ${setup.job.id}, at "${step}"): removing the lane now would pull its directory from under it. Wait for the setup to finish (it ends done or failed, and its log stays), then remove the lane.`,
            { jobId: setup.job.id, step },
          ),
        );
      }
      const merging = this.deps.mergeRunningIn?.(lane.id) ?? null;
      if (merging !== null) {
        return err(apiError('merge_running', `${lane.name} is being merged (job ${merging}): its check runs in the lane's folder, which removing the lane would pull from under it. Wait for that job to end, then remove the lane.`, { jobId: merging }));
      }
      this.removing.add(lane.id);
      try {
        return await this.removeChecked(lane, repo, config, o, untrusted, startJob);
      } finally {
        this.removing.delete(lane.id);
      }
    }));
  }

  /** Whether a removal of the lane is under way. */
  isBeingRemoved(laneId: string): boolean {
    return this.removing.has(laneId);
  }

  private async removeChecked(lane: LaneRecord, repo: Repo, config: GroveConfig, o: { archive: boolean; stopAgents: boolean }, untrusted: boolean, startJob: StartJob): Promise<Result<LaneRemoval, ApiError>> {
    const serverId = lane.served?.agentId ? [lane.served.agentId] : [];
    // What stands in the way: live agents (unless they are to be stopped), and work that
    // removing would lose (unless it is archived; a lock, never). Checked before anything
    // runs, and again just before the worktree goes: a teardown may take minutes, and an
    // agent started or a file written meanwhile must not be deleted unasked.
    const blocked = async (stopped: boolean, except: readonly string[]): Promise<{ error: ApiError; head: null } | { error: null; head: string | null }> => {
      const live = this.deps.agents.liveAgentsIn(lane.path, except);
      if (live.length && stopped) {
        // Asked to stop and still running: removed, the lane would leave them writing into a
        // folder that is gone, and no longer watched by Grove.
        return { error: apiError('lane_has_live_agents', `${live.join(', ')} in ${lane.name} did not stop. Stop ${live.length > 1 ? 'them' : 'it'} (grove agent stop), then remove the lane again.`, { agents: live }), head: null };
      }
      if (live.length && !o.stopAgents) {
        return { error: apiError('lane_has_live_agents', `Stop the agents in ${lane.name} first: ${live.join(', ')}.`, { agents: live }), head: null };
      }
      const tree = (await listWorktrees(repo.mainPath)).find((t) => t.path === lane.path);
      const head = tree?.head ?? null;
      const lockReason = tree?.locked ? ((await readLockReason(repo.mainPath, lane.path)) ?? '') : null;
      const losses = await laneLosses(repo.mainPath, { lanePath: lane.path, head, locked: lockReason !== null ? { reason: lockReason } : null });
      // Asked to archive: the files git ignores are kept too, if they fit.
      if (o.archive && existsSync(lane.path)) losses.push(...(await ignoredArchiveLosses(lane.path)));
      // A lock is the owner's explicit "keep this": never overridden, not even by an archive,
      // which cannot keep a nested repository either.
      if (losses.some(isUnarchivable) || (losses.length && !o.archive)) {
        const what = `Removing ${lane.name} would lose: ${losses.map(describeLoss).join('; ')}.`;
        // A failed check first: what else is listed may not be all there is.
        const message = losses.some((l) => l.kind === 'check-failed')
          ? unreadableLaneMessage(lane, repo.mainPath, losses, tree !== undefined)
          : losses.some((l) => l.kind === 'nested-repo')
            ? `${what} Move the nested repository out of the lane (or delete it yourself), or push a submodule's commits, then remove the lane.`
            : losses.some((l) => l.kind === 'unkeepable-ignored')
              ? `${what} Move them out of the lane (or delete them yourself; an unreadable one, make readable), then remove it with archive again.`
              : `${what} Commit or push it, or remove with archive to snapshot everything first.`;
        return { error: apiError('lane_would_lose_work', message, { losses, archivable: !losses.some(isUnarchivable) }), head: null };
      }
      return { error: null, head };
    };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    let job: JobReporter | null = null;
    /** The server unserving stopped and kept, for the end to forget with the lane's agents: forgotten here if the removal stops first. */
    let stoppedServer: string | null = null;
    let removed = false;
    try {
      // The server is not in the way: unserving stops it.
      const before = await blocked(false, serverId);
      if (before.error) return err(before.error);
      job = startJob({ kind: 'lane.remove', repoId: lane.repoId, laneName: lane.name, title: `Remove lane ${lane.name}` });
      if (untrusted) job.output(`${repo.name}'s commands are not trusted: its teardown and unlink commands are not run.\n`);
      const teardown = config.setup?.teardown ?? [];
      const total = 2 + teardown.length;
      if (o.stopAgents) {
        job.step(1, total, 'stop the lane’s agents');
        await this.deps.agents.stopAllIn(lane.path);
      }
      if (lane.served) {
        job.step(1, total, 'stop serving');
        // As a failed teardown: the lane stays, still linked, for the operator to put right.
        const unserved = await this.deps.server.unserve(repo, lane, config, job);
        if (unserved.ok) stoppedServer = lane.served.agentId;
        else {
          job.finish(false, `stop serving failed: ${unserved.error.message.split('\n')[0]!.replace(/:$/, '')}; the lane is kept`);
          const fix = lane.served.mode === 'site' ? "fix the recipe's serve.site.unlink, or unlink the site by hand, then remove it again" : 'once its server has ended, remove it again';
          return err({ ...unserved.error, message: `Stopping serving ${lane.name} failed, so it was kept (${fix}): ${unserved.error.message}` });
        }
      }
      if (teardown.length > 0 && existsSync(lane.path)) {
        const outcome = await runCommands(teardown, {
          cwd: lane.path,
          env: laneCommandEnv(this.deps.baseEnv, repo, lane, config),
          timeoutMs: (config.setup?.timeoutSeconds ?? 600) * 1000,
          onStep: (i, _n, command) => job?.step(i + 2, total, `teardown: ${command}`),
          groups: this.deps.commandGroups,
          onOutput: (d) => job?.output(d),
        });
        if (!outcome.ok) {
          const why = `teardown "${outcome.command}" ${howItEnded(outcome)}`;
          job.finish(false, `${why}; the lane is kept`);
          return err(apiError('lane_setup_failed', `The ${why}, so ${lane.name} was kept:\n${outcome.outputTail.trim()}`, { command: outcome.command, output: outcome.outputTail }));
        }
      }
      job.step(total, total, `git worktree remove ${lane.path}`);
      // Agents started in the lane meanwhile are stopped too, when the lane's are.
      if (o.stopAgents) await this.deps.agents.stopAllIn(lane.path);
      // The server too, now: one started again meanwhile keeps the lane as any agent does.
      const now = await blocked(o.stopAgents, []);
      if (now.error) {
        const ran = teardown.length > 0 || lane.served ? ' (its teardown ran and it is no longer served)' : '';
        job.finish(false, `${now.error.message} The lane is kept${ran}.`);
        return err({ ...now.error, message: `${now.error.message} This changed while the lane was being removed: it is kept${ran}.` });
      }
      const head = now.head;
      await this.deps.agents.endLeftoversIn(lane.path);
      const archived = o.archive && existsSync(lane.path) ? await archiveLane(lane.path, lane.name) : null;
      // The archive's folder in the data dir: the agents' scrollback, and the files git ignores
      // (also when the lane's folder was gone, so there was no tree to archive: the scrollback is still kept).
      const archiveDir = o.archive ? scrollbackDirOf(this.deps.dataDir, archived?.ref ?? archiveRefOf(lane.name, stamp)) : null;
      const settled = existsSync(lane.path) ? await settleIgnored(lane, archived && archiveDir ? { ref: archived.ref, dir: archiveDir } : null, job) : ok(null);
      if (!settled.ok) return settled;
      const keptIgnored = settled.value;
      let recoveryRef: string | null = null;
      if (head) {
        recoveryRef = `refs/grove/recovery/${lane.name}/${stamp}`;
        await runGit(repo.mainPath, ['update-ref', recoveryRef, head]);
      }
      // Also when its directory is gone: git drops that lane's entry only (a prune would drop
      // every worktree missing at that moment, one on an unmounted disk among them). 128: it
      // had no entry left to drop.
      await runGit(repo.mainPath, ['worktree', 'remove', '--force', '--', lane.path], existsSync(lane.path) ? {} : { okCodes: [128] });
      this.deps.lanes.remove(lane.id);
      this.switched.delete(lane.path);
      // Its agents cannot run anywhere now; an archive keeps what they printed.
      const kept = await this.deps.agents.removeAllIn(lane.path, archiveDir);
      removed = true;
      if (kept.length) job.output(`kept the scrollback of ${count(kept.length, 'agent')} in ${dirname(kept[0]!)}\n`);
      this.deps.events.append({ type: 'lane.removed', id: lane.id, archiveRef: archived?.ref ?? null });
      this.deps.onLanesChanged(this.deps.lanes.list());
      job.finish(true, `Removed ${lane.name}${archived ? `; what git tracks or would track is in ${archived.ref}` : ''}${keptIgnored ? `, the files it ignores in ${keptIgnored.dir}` : ''}`);
      return ok({ archiveRef: archived?.ref ?? null, recoveryRef, keptIgnored });
    } catch (e) {
      const failure = gitFailure(e, lane.name);
      job?.finish(false, failure.message);
      return err(failure);
    } finally {
      // Kept (a failed teardown, work that appeared): the lane is no longer served, and its
      // stopped server goes as unserving alone would have taken it, not left to be started
      // again as a stray agent on the lane's port.
      if (stoppedServer && !removed) await this.deps.server.forgetServer(stoppedServer);
    }
  }

  /**
   * On host start: a setup the last host did not finish is marked failed, and lanes whose
   * directory vanished are announced (a branch switched meanwhile, by the branch watcher).
   */
  async reconcile(): Promise<void> {
    for (const r of this.deps.lanes.list()) {
      if (r.setup === 'running') {
        const lane = this.deps.lanes.update(r.id, { setup: 'failed' });
        if (lane) this.deps.events.append({ type: 'lane.updated', lane: toLane(lane) });
      }
    }
    for (const lane of await this.list()) {
      // A branch switched while no host ran is told by the branch watcher's first read (one path, one alert).
      if (lane.adoptable || lane.status !== 'missing') continue;
      const message = `Lane ${lane.name}'s directory ${lane.path} is gone (or no longer a worktree). Remove the lane to tidy up; its branch is kept.`;
      this.deps.events.append({ type: 'alert', agentId: null, message, repoId: lane.repoId });
    }
    this.deps.onLanesChanged(this.deps.lanes.list());
  }

  /** The branch watcher saw a lane's HEAD move: announce a switch away from (or back to) its branch. */
  noticeBranch(path: string, branch: string | null): void {
    const record = this.deps.lanes.list().find((l) => l.path === path);
    if (!record) return;
    const before = this.switched.has(path) ? this.switched.get(path)! : record.branch;
    if (branch === before) return;
    if (branch === record.branch) this.switched.delete(path);
    else this.switched.set(path, branch);
    const status = branch === record.branch ? 'ok' : 'branch-changed';
    this.deps.events.append({ type: 'lane.updated', lane: toLane(record, status) });
    if (status === 'branch-changed') {
      this.deps.events.append({
        type: 'alert',
        agentId: null,
        repoId: record.repoId,
        message: `Lane ${record.name} was switched from ${record.branch ?? '(detached)'} to ${branch ?? 'a detached HEAD'} outside Grove.`,
      });
    }
  }

  /** The branch watcher saw a lane's HEAD commit or index change: whoever shows its diff re-reads it. */
  noticeHead(path: string, head: string | null): void {
    const record = this.deps.lanes.list().find((l) => l.path === path);
    if (record) this.deps.events.append({ type: 'lane.head', id: record.id, repoId: record.repoId, head });
  }

  handlers(): Pick<Handlers, 'lanes.list' | 'lanes.create' | 'lanes.setNetwork' | 'lanes.remove' | 'lanes.adopt'> {
    return {
      'lanes.list': async ({ repoId }) => ok({ lanes: await this.list(repoId) }),
      'lanes.create': async ({ repoId, name, branch, ephemeral, keyless, withoutRecipes, network }) => {
        const r = await this.create(repoId, name, {
          ...(branch ? { branch } : {}),
          ephemeral: ephemeral ?? false,
          ...(keyless !== undefined ? { keyless } : {}),
          withoutRecipes: withoutRecipes ?? false,
          ...(network ? { network } : {}),
        });
        return r.ok ? ok({ lane: r.value }) : r;
      },
      'lanes.setNetwork': async ({ id, network }) => {
        const r = this.setNetwork(id, network);
        return r.ok ? ok({ lane: r.value }) : r;
      },
      'lanes.adopt': async ({ repoId, path, name, ephemeral }) => {
        const r = await this.adopt(repoId, path, { ...(name ? { name } : {}), ephemeral: ephemeral ?? false });
        return r.ok ? ok({ lane: r.value }) : r;
      },
      'lanes.remove': async ({ id, archive }) => {
        const r = await this.remove(id, archive ?? false);
        return r.ok ? ok({ removed: true as const, ...r.value }) : r;
      },
    };
  }
}

function statusOf(r: LaneRecord, trees: Worktree[]): Lane['status'] {
  const tree = trees.find((t) => t.path === r.path);
  return !existsSync(r.path) || !tree ? 'missing' : tree.branch !== r.branch ? 'branch-changed' : 'ok';
}

/** `git worktree add` for a new branch from MAIN's HEAD, a local branch, or a remote one. */
/**
 * A worktree a lane creation made and will not record: removed (with --force: nothing but
 * the checkout itself is in it yet), so the lane's name can be tried again; its branch stays.
 * Returns what to add to the creation's error.
 */
async function discardNewWorktree(main: string, path: string): Promise<string> {
  if (!existsSync(path)) return '';
  const removed = await runGit(main, ['worktree', 'remove', '--force', '--', path], { okCodes: [128] }).catch(() => null);
  if (removed?.code === 0) return ` The half-made worktree at ${path} was removed; its branch stays.`;
  return ` Something is left at ${path}: remove it (git worktree remove --force ${path}, or delete the folder) before trying again.`;
}

/** Whether `branch` exists here or at origin (as a remote-tracking branch). */
async function branchExists(main: string, branch: string): Promise<boolean> {
  const refs = await Promise.all(
    [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`].map((ref) => runGit(main, ['show-ref', '--verify', '--quiet', ref], { okCodes: [1, 128] })),
  );
  return refs.some((r) => r.code === 0);
}

/** How the lane's worktree is added, once every check passed: git's arguments, and the hooks' environment. */
type WorktreeAdd = { args: string[]; env: Awaited<ReturnType<typeof worktreeAddHooksEnv>> };

/**
 * Whether the lane's worktree can be added (a valid branch, not MAIN's, not checked out
 * elsewhere), and how. Asked before the recipe's `preCreate` runs: a creation refused after it
 * would leave what the hook provisioned (a database) for a lane that never came.
 */
async function planWorktree(main: string, path: string, branch: string, isLane: (path: string) => boolean): Promise<Result<WorktreeAdd, ApiError>> {
  try {
    // The questions are independent of each other: asked at once (each git run costs a few
    // milliseconds, and a dispatch waits on this).
    const [valid, head, trees, local, remote, hooks] = await Promise.all([
      runGit(main, ['check-ref-format', '--branch', branch], { okCodes: [1, 128] }),
      runGit(main, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okCodes: [1] }),
      listWorktrees(main),
      runGit(main, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { okCodes: [1, 128] }),
      runGit(main, ['show-ref', '--verify', '--quiet', `refs/remotes/origin/${branch}`], { okCodes: [1, 128] }),
      worktreeAddHooksEnv(main),
    ]);
    if (valid.code !== 0) {
      return err(apiError('lane_name_invalid', `"${branch}" is not a valid branch name for git.`, { branch }));
    }
    // The entry of a worktree whose folder is gone blocks an add at its path or of its branch.
    // Only the one at this lane's own path is cleared: nothing is at that path (checked under
    // the lock), so the entry is of nothing. One elsewhere on the branch is refused: its folder
    // may be away for a while (a drive not mounted), and its entry keeps its index and HEAD
    // for when it is back. (A blanket `git worktree prune` cleared them all.)
    const cleared = new Set<string>();
    for (const stale of trees.filter((t) => t.prunable && (t.path === path || t.branch === branch))) {
      if (isLane(stale.path)) {
        return err(apiError('lane_exists', `Branch ${branch} is checked out in the lane at ${stale.path}, whose folder is missing. Bring the folder back, or remove that lane (grove lane remove), then create this one.`, { branch, path: stale.path }));
      }
      if (stale.path !== path) {
        return err(
          apiError(
            'lane_exists',
            `Branch ${branch} is checked out in the worktree at ${stale.path}, whose folder is missing; git's entry for it keeps that worktree's HEAD and index for when the folder is back (a disk not mounted, a folder moved away). If that worktree is gone for good, drop its entry (git -C ${main} worktree remove --force ${stale.path}) and create this lane again; else choose another branch.`,
            { branch, path: stale.path },
          ),
        );
      }
      const removed = await runGit(main, ['worktree', 'remove', '--force', '--', stale.path], { okCodes: [128] });
      if (removed.code === 0) cleared.add(stale.path);
    }
    const mainBranch = head.stdout.trim();
    if (mainBranch === branch) {
      return err(
        apiError('lane_exists', `${branch} is MAIN's own branch: a lane works on a branch of its own, which is merged into ${branch}. Choose another branch (--branch NAME), or leave it out to use the lane's name.`, { branch }),
      );
    }
    if (local.code === 0) {
      const usedBy = trees.find((t) => t.branch === branch && !cleared.has(t.path));
      if (usedBy) {
        return err(apiError('lane_exists', `Branch ${branch} is already checked out in ${usedBy.path}.`, { branch, path: usedBy.path }));
      }
      // The first checkout's post-checkout hook runs in the new worktree: MAIN's, not one its branch's files hold.
      return ok({ args: ['worktree', 'add', '--', path, branch], env: hooks });
    }
    if (remote.code === 0) return ok({ args: ['worktree', 'add', '--track', '-b', branch, '--', path, `origin/${branch}`], env: hooks });
    return ok({ args: ['worktree', 'add', '-b', branch, '--', path, 'HEAD'], env: hooks });
  } catch (e) {
    return err(gitFailure(e));
  }
}

async function addWorktree(main: string, plan: WorktreeAdd): Promise<Result<void, ApiError>> {
  try {
    await runGit(main, plan.args, { env: plan.env });
    return ok(undefined);
  } catch (e) {
    return err(gitFailure(e));
  }
}

/** What a removal did besides removing: where it archived the lane, and kept its ignored files. */
export interface LaneRemoval {
  archiveRef: string | null;
  recoveryRef: string | null;
  /** The archive's copy of the files git ignores (not the folders it ignores whole), at their paths in the lane. */
  keptIgnored: { dir: string; files: string[] } | null;
}

/**
 * Removal refused because git could not read the lane: what failed, and how to fix it. An
 * archive reads the lane the same way, so it is not offered. A lane git has no entry for any
 * more (`known` false: pruned while its folder was away) can never be read again, but its
 * files can be kept by moving the folder: a lane whose folder is gone is removed with
 * nothing left to lose there.
 */
function unreadableLaneMessage(lane: LaneRecord, mainPath: string, losses: Loss[], known: boolean): string {
  const what = `Grove could not tell everything removing ${lane.name} would lose: ${losses.map(describeLoss).join('; ')}. The lane is kept, and an archive, which reads it the same way, could not keep it either.`;
  const saved = `${lane.path}.saved`;
  return known
    ? `${what} Fix what git says, then remove the lane again: a lane whose .git file is broken, or that was moved by hand, is reconnected by \`git worktree repair ${lane.path}\` run in MAIN (${mainPath}). Or move the folder away to keep its files (mv ${lane.path} ${saved}) and remove the lane.`
    : `${what} git has no worktree entry for ${lane.path} any more (a \`git worktree prune\` run while its folder was away drops it; \`git worktree repair\` cannot bring it back), so nothing in it can be read through git. Its files are still there: move the folder away to keep them (mv ${lane.path} ${saved}), then remove the lane again${lane.branch ? `; its branch ${lane.branch} stays` : ''}.`;
}

/** A loss no archive answers: a lock (the owner's "keep this"), a failed check, or what an archive cannot hold. */
function isUnarchivable(l: Loss): boolean {
  return l.kind === 'locked' || l.kind === 'check-failed' || l.kind === 'nested-repo' || l.kind === 'unkeepable-ignored';
}

/** An archive keeps the lane's ignored files: refused up front if they do not fit, or cannot be listed. */
async function ignoredArchiveLosses(lanePath: string): Promise<Loss[]> {
  try {
    const refused = await unkeepable(lanePath, (await listIgnored(lanePath)).files);
    return refused.length ? [{ kind: 'unkeepable-ignored', files: refused }] : [];
  } catch (e) {
    return [{ kind: 'check-failed', what: 'the files git ignores', error: (e as Error).message }];
  }
}

/**
 * The files git ignores, just before the worktree goes: an archive keeps them (not folders git
 * ignores whole), and the job's log names what is deleted. A listing that fails stops an
 * archived removal (its archive would miss them), not a plain one; so does a copy that fails.
 */
async function settleIgnored(lane: LaneRecord, archive: { ref: string; dir: string } | null, job: JobReporter): Promise<Result<LaneRemoval['keptIgnored'], ApiError>> {
  const ignored = await listIgnored(lane.path).catch((e: unknown) => {
    if (archive) throw e;
    job.output(`could not list the files git ignores, deleted with the worktree: ${(e as Error).message}\n`);
    return null;
  });
  if (!ignored) return ok(null);
  let kept: LaneRemoval['keptIgnored'] = null;
  if (archive && ignored.files.length) {
    const dir = join(archive.dir, 'ignored');
    try {
      kept = { dir, files: await keepIgnoredFiles(lane.path, ignored.files, dir) };
    } catch (e) {
      if (!(e instanceof KeepIgnoredFailed)) throw e;
      const message = `Could not keep the files ${lane.name}'s git ignores (${e.message}), so the lane is kept; its archive ref ${archive.ref} stays. Move the file out of the lane or make it readable, then remove it again.`;
      job.finish(false, message);
      return err(apiError('lane_would_lose_work', message, { losses: [{ kind: 'unkeepable-ignored', files: [e.message] }], archivable: false }));
    }
    job.output(`kept ${count(kept.files.length, 'file')} git ignores in ${dir}: ${listed(kept.files)}\n`);
  }
  const deleted = archive ? ignored.dirs : [...ignored.dirs, ...ignored.files];
  if (deleted.length) job.output(`deleted with the worktree, as git ignores ${deleted.length === 1 ? 'it' : 'them'}: ${listed(deleted)}\n`);
  return ok(kept);
}

/** A job log's list of paths: the first 20, then how many more. */
function listed(paths: readonly string[]): string {
  return paths.length > 20 ? `${paths.slice(0, 20).join(', ')} and ${paths.length - 20} more` : paths.join(', ');
}

/** Where an archived lane's agents' scrollback is kept: `archives/<lane>/<stamp>` in the data dir, as the archive ref is named. */
export function scrollbackDirOf(dataDir: string, archiveRef: string): string {
  return join(dataDir, 'archives', ...archiveRef.slice('refs/grove/archive/'.length).split('/'));
}

/** Expected git failures as API errors (naming the lane's removal as typed, where its name is known); anything else is a bug and stays thrown. */
export function gitFailure(e: unknown, laneName?: string): ApiError {
  if (e instanceof WorktreeMissingError) return apiError('lane_missing', laneName ? e.naming(laneName) : e.message, { path: e.path });
  if (e instanceof GitError) return apiError('git_failed', e.message, { args: e.args.join(' '), stderr: e.output.stderr.slice(0, 2000) });
  if (e instanceof LinkedReflogError) return apiError('git_failed', e.message, { links: [...e.links] });
  throw e;
}

async function readLockReason(mainPath: string, lanePath: string): Promise<string | null> {
  const trees = await runGit(mainPath, ['worktree', 'list', '--porcelain']);
  const block = trees.stdout.split('\n\n').find((b) => b.startsWith(`worktree ${lanePath}\n`));
  const line = block?.split('\n').find((l) => l === 'locked' || l.startsWith('locked '));
  return line === undefined ? null : line.slice('locked'.length).trim();
}
