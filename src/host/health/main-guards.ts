import { apiError } from '../../shared/errors';
import type { MainState } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { Db } from '../db/database';
import { readSetting, writeSetting } from '../db/settings';
import type { EventLog } from '../events/event-log';
import type { MainWatch } from '../lanes/merge-service';
import type { RepoLocks } from '../lanes/repo-lock';
import type { Logger } from '../logger';
import type { RepoStore } from '../repos/repo-store';
import { MainGuard } from './main-guard';
import { installPreCommitGuard, removePreCommitGuard, updatePreCommitGuard } from './pre-commit-guard';
import { reportedCommits } from './reported-commits';

/**
 * One MainGuard per registered repository, started with the host and as repositories are
 * added. MAIN's "known head" (where Grove last left it) is a setting, so a commit made
 * behind Grove's back while the host was down is still reported when it comes back.
 *
 * The operator's changes to MAIN (accepting it, installing or removing the guard) run
 * under the repository lock, as Grove's merge, gate and rollback do: those move MAIN and
 * record the head they left it at, and must not be interleaved with.
 */
export class MainGuards implements MainWatch {
  private readonly guards = new Map<string, MainGuard>();
  private unsubscribe: (() => void) | null = null;
  private readonly lookers = new Set<(repoId: string, look: { contentChanged: boolean }) => void>();

  constructor(private readonly deps: { db: Db; repos: RepoStore; events: EventLog; locks: Pick<RepoLocks, 'run'>; logger: Logger }) {}

  async start(): Promise<void> {
    await Promise.all(this.deps.repos.list().map((r) => this.watch(r)));
    this.unsubscribe = this.deps.events.subscribe(({ event }) => {
      if (event.type === 'repo.added') void this.watch(event.repo);
      else if (event.type === 'repo.removed') this.unwatch(event.id);
    });
  }

  /** Calls `listener` after every look at MAIN a file event caused (grove.yaml may have changed; see MainGuardDeps.onLooked). */
  onLooked(listener: (repoId: string, look: { contentChanged: boolean }) => void): void {
    this.lookers.add(listener);
  }

  /** MainGuard.holdContent of the repository's MAIN: its probes run (nothing for one not watched). */
  holdContent(repoId: string): (until: number) => Promise<boolean> {
    const guard = this.guards.get(repoId);
    if (!guard) return async () => true;
    guard.holdContent();
    return (until) => guard.releaseContent(until);
  }

  stop(): void {
    this.unsubscribe?.();
    for (const id of [...this.guards.keys()]) this.unwatch(id);
  }

  private async watch(repo: Repo): Promise<void> {
    if (this.guards.has(repo.id)) return;
    // main.state announces changes; the state found at start is there to ask for (repos.mainState).
    let initial = true;
    const guard = new MainGuard({
      repoId: repo.id,
      mainPath: repo.mainPath,
      knownHead: { get: () => this.knownHead(repo.id), set: (head) => this.setKnownHead(repo.id, head) },
      onState: (state) => {
        if (initial) initial = false;
        else this.deps.events.append({ type: 'main.state', state });
      },
      onAlert: (message) => this.deps.events.append({ type: 'alert', agentId: null, repoId: repo.id, message }),
      reported: reportedCommits(this.deps.db, repo.id),
      onLooked: (look) => {
        for (const listener of this.lookers) listener(repo.id, look);
      },
      logger: this.deps.logger,
    });
    this.guards.set(repo.id, guard);
    // A guard an earlier Grove installed is brought up to what this one guards.
    void this.deps.locks
      .run(repo.id, () => updatePreCommitGuard(repo.mainPath))
      .then((updated) => updated && this.deps.logger.info("MAIN's pre-commit guard brought up to date", { repoId: repo.id }))
      .catch((e: unknown) => this.deps.logger.warn("cannot bring MAIN's pre-commit guard up to date", { repoId: repo.id, error: e instanceof Error ? e.message : String(e) }));
    try {
      await guard.start();
    } catch (e) {
      this.deps.logger.warn('cannot watch MAIN', { repo: repo.mainPath, error: (e as Error).message });
    }
  }

  private unwatch(repoId: string): void {
    this.guards.get(repoId)?.stop();
    this.guards.delete(repoId);
  }

  pause(repoId: string): () => void {
    return this.guards.get(repoId)?.pause() ?? (() => undefined);
  }

  setKnownHead(repoId: string, head: string): void {
    writeSetting(this.deps.db, knownHeadKey(repoId), head);
  }

  knownHead(repoId: string): string | null {
    return readSetting(this.deps.db, knownHeadKey(repoId)) ?? null;
  }

  private async stateOf(repoId: string): Promise<MainState | null> {
    const guard = this.guards.get(repoId);
    return guard ? guard.check() : null;
  }

  handlers(): Pick<Handlers, 'repos.mainState' | 'repos.guard' | 'repos.acceptMain'> {
    const unknown = (repoId: string) => err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId }));
    return {
      'repos.mainState': async ({ repoId }) => {
        const state = await this.stateOf(repoId);
        return state ? ok({ state }) : unknown(repoId);
      },
      // Installing rewrites the hooks a merge in MAIN runs (every wrapper removed, then
      // written again) and may move core.worktree between config files: not while git
      // merges or rolls back there.
      'repos.guard': ({ repoId, preCommit }) =>
        this.deps.locks.run(repoId, async () => {
          const repo = this.deps.repos.get(repoId);
          if (!repo) return unknown(repoId);
          const changed = preCommit ? await installPreCommitGuard(repo.mainPath) : await removePreCommitGuard(repo.mainPath);
          if (!changed.ok) return changed;
          const state = await this.stateOf(repoId);
          return state ? ok({ state }) : unknown(repoId);
        }),
      // An accept that read HEAD before a merge and wrote it after the merge recorded its
      // own head would call Grove's merge a commit that bypassed Grove, and one during a
      // gate would accept a head about to be rolled back; so it waits.
      'repos.acceptMain': ({ repoId }) =>
        this.deps.locks.run(repoId, async () => {
          const guard = this.guards.get(repoId);
          return guard ? ok({ state: await guard.accept() }) : unknown(repoId);
        }),
    };
  }
}

const knownHeadKey = (repoId: string): string => `main.knownHead.${repoId}`;
