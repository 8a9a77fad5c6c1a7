import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentInfo } from '../../shared/agents';
import type { GroveConfig } from '../../shared/config';
import { apiError, type ApiError } from '../../shared/errors';
import type { MainHealth } from '../../shared/health';
import type { Incident, MainEdits } from '../../shared/incidents';
import type { OpsLoop } from '../../shared/ops';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import { renderShellTemplate, shellTemplateEnv, TemplateError, type TemplateVars } from '../config/template';
import type { EventLog } from '../events/event-log';
import { GitError } from '../lanes/git/run-git';
import { gitFailure } from '../lanes/lane-service';
import { usableConfig } from '../lanes/repo-config';
import { RepoLocks } from '../lanes/repo-lock';
import type { Logger } from '../logger';
import type { RepoStore } from '../repos/repo-store';
import { CoalescedRuns } from './coalesced-runs';
import { decideFollow } from './follow-main';
import { setUpOpsCheckout, setupPendingPath } from './ops-setup';
import type { CommandGroups } from '../lanes/setup/command-groups';
import { addOpsCheckout, mainHeadOf, moveCheckout, opsCheckoutPath, readCheckout, removeOpsCheckout } from './ops-checkout';
import type { OpsChange, OpsRecord, OpsStore } from './ops-store';
import { buildOpsStatus, readStatusFile, removeStatusFile, statusFilePath, writeStatusFile } from './status-file';

/**
 * The ops loop: per repository, one standing agent that watches MAIN from a stable checkout
 * (its own detached worktree that follows MAIN, or MAIN itself) and heals what it can.
 * The agent is an ordinary supervised agent (restart 'always': backoff, `fatal` and one
 * alert after repeated unstable restarts); this service owns its checkout, keeps its status
 * file current, and brings it back after a host restart. Starting, stopping and reconciling
 * a repository's loop run one at a time; git work takes the repository's lock.
 */
export interface OpsAgents {
  /** Starts the loop's agent: `sh -c script` in `path`, restarted always, allowed in MAIN. */
  start(o: { path: string; name: string; script: string; env: Record<string, string> }): Result<string, ApiError>;
  /** Starts a stopped agent again in place (same id and scrollback); false if it is unknown or live. */
  startAgain(id: string): boolean;
  /** Whether the agent is gone now: false when its process could not be ended (an alert says so). */
  stopAndForget(id: string): Promise<boolean>;
  isLive(id: string): boolean;
  /** Resolves once a stop in progress has ended (at once when none is). */
  stopEnded(id: string): Promise<void>;
  /** The agent as agents.list shows it; null if there is none. */
  info(id: string): AgentInfo | null;
}

export interface OpsServiceDeps {
  /** True once the host is stopping: the background reconcile makes and starts nothing more. */
  isStopping?: () => boolean;
  store: OpsStore;
  repos: RepoStore;
  events: EventLog;
  /** The repositories' git locks (shared with lanes and merges). */
  locks: RepoLocks;
  agents: OpsAgents;
  logger: Logger;
  dataDir: string;
  /** The environment the ops checkout's setup commands start from (the host's). */
  baseEnv: NodeJS.ProcessEnv;
  /** Records the setup commands' process groups while they run (a killed host's are ended at the next start). */
  commandGroups?: CommandGroups;
  mask: (text: string) => string;
  health(repoId: string): MainHealth | null;
  /** The incident MAIN is in now, if any. */
  openIncident(repoId: string): Incident | null;
  /** MAIN's uncommitted edits now (secrets masked); null when clean. */
  readEdits(repo: Repo): Promise<MainEdits | null>;
  now?: () => Date;
}

export class OpsService {
  private unsubscribe: (() => void) | null = null;
  /** Start, stop and reconcile of one repository's loop, one at a time. */
  private readonly lifecycle = new RepoLocks();
  /** The start's reconcile, run in the background (start()). */
  private reconciled: Promise<void> = Promise.resolve();
  private readonly runs = new CoalescedRuns((key, e) => this.deps.logger.warn('ops loop work failed', { key, error: e instanceof Error ? e.message : String(e) }));
  /** Per repository: the MAIN head an unfollowed-move alert was raised for. */
  private readonly alertedHead = new Map<string, string>();
  /** MAIN's HEAD in the last main.state event per repository. */
  private readonly seenMainHead = new Map<string, string | null>();
  /** The loops' agents, kept here too: a removed repository's row is gone before its event arrives. */
  private readonly agentOf = new Map<string, string>();
  private readonly stopping = new Set<string>();

  constructor(private readonly deps: OpsServiceDeps) {}

  private get now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** On host start: follow MAIN, rewrite the status files, bring back agents that are not running; then listen. */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.events.subscribe(({ event }) => {
      switch (event.type) {
        case 'merge.updated':
          if (event.merge.state === 'merged' || event.merge.state === 'rolled-back') void this.follow(event.merge.repoId);
          break;
        case 'main.state':
          // The status file names MAIN's uncommitted edits: they may have changed.
          void this.refreshStatus(event.state.repoId);
          // main.state also comes for edits in MAIN; only a new HEAD gives the checkout somewhere to go.
          if (this.seenMainHead.get(event.state.repoId) === event.state.head) break;
          this.seenMainHead.set(event.state.repoId, event.state.head);
          void this.follow(event.state.repoId);
          break;
        case 'health.updated':
          void this.refreshStatus(event.repoId);
          break;
        case 'incident.updated':
          void this.refreshStatus(event.incident.repoId);
          break;
        case 'agent.removed':
          this.agentRemoved(event.id);
          break;
        case 'repo.removed':
          void this.repoRemoved(event.id);
          break;
        default:
          break;
      }
    });
    // In the background: a checkout deleted while no host ran is made again with its setup
    // (and one whose setup a stop or a crash cut short is set up again), which may take
    // minutes, and the host must announce itself first (a launcher gives it 10 s). Each
    // repository's lifecycle lock keeps an operator's Start or Stop of that loop behind it.
    this.reconciled = this.reconcile().catch((e: unknown) => this.deps.logger.warn('cannot start the ops loops again', { error: e instanceof Error ? e.message : String(e) }));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.reconciled;
    // A Start or Stop under way (a checkout's setup the stop cut short) records what it did
    // before the store closes.
    await this.lifecycle.settled();
    await this.runs.settled();
  }

  list(repoId?: string): OpsLoop[] {
    return this.deps.store.list(repoId).map((r) => this.toLoop(r));
  }

  /** Whether `path` is an ops loop's own worktree (not a lane, not adoptable). */
  isOpsCheckout(path: string): boolean {
    return this.deps.store.list().some((l) => l.checkout === 'worktree' && l.path === path);
  }

  /**
   * Starts the loop, or — when it exists — starts its agent again if it is not running, with
   * a new command if one is given, and lets a clean checkout catch up with MAIN.
   */
  startLoop(repoId: string, command?: string): Promise<Result<OpsLoop, ApiError>> {
    return this.lifecycle.run(repoId, async () => {
      const repo = this.deps.repos.get(repoId);
      if (!repo) return err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId }));
      const loaded = usableConfig(this.deps.repos, repo, this.deps.dataDir);
      if (!loaded.ok) return loaded;
      const existing = this.deps.store.get(repoId);
      try {
        const main = await mainHeadOf(repo.mainPath);
        if (existing) {
          // Its checkout deleted by hand: made again, as the next host start would.
          const remade = await this.remakeCheckout(repo, existing);
          if (!remade.ok) return err(apiError(remade.error.code, `The ops loop's checkout ${existing.path} is gone and could not be made again: ${remade.error.message}`, remade.error.details));
          const rendered = command === undefined ? ok(existing.command) : renderCommand(command, repo, existing.path, main.branch);
          if (!rendered.ok) return rendered;
          const started = rendered.value === existing.command ? await this.revive(repo, existing) : await this.replaceAgent(repo, existing, rendered.value, main.branch);
          if (!started.ok) return started;
        } else {
          const raw = command ?? loaded.value.ops?.command;
          if (!raw) {
            return err(
              apiError('ops_not_configured', `${repo.name} has no ops command: add ops.command to its grove.yaml (e.g. command: claude "/loop watch MAIN"), or give one (grove ops start --command CMD).`, { repoId }),
            );
          }
          const created = await this.create(repo, raw, loaded.value.ops?.checkout ?? 'worktree', loaded.value, main);
          if (!created.ok) return created;
        }
      } catch (e) {
        return err(gitFailure(e));
      }
      await this.follow(repoId);
      const record = this.deps.store.get(repoId);
      return record ? ok(this.toLoop(record)) : err(apiError('ops_unknown', `The ops loop of ${repo.name} was removed meanwhile.`, { repoId }));
    });
  }

  private async create(
    repo: Repo,
    raw: string,
    mode: OpsRecord['checkout'],
    config: GroveConfig,
    main: { branch: string | null; head: string | null },
  ): Promise<Result<OpsRecord, ApiError>> {
    let path = mode === 'main' ? repo.mainPath : opsCheckoutPath(repo, config);
    const rendered = renderCommand(raw, repo, path, main.branch);
    if (!rendered.ok) return rendered;
    let head = main.head;
    let reused = false;
    if (mode === 'worktree') {
      if (main.head === null) return err(apiError('git_failed', `MAIN of ${repo.name} has no commit yet, so there is nothing to check out for the ops loop; commit something first.`, { repoId: repo.id }));
      const mainHead = main.head;
      const added = await this.deps.locks.run(repo.id, () => addOpsCheckout(repo.mainPath, path, mainHead));
      if (!added.ok) return added;
      ({ path, head, reused } = added.value);
      // The checkout gets the recipe a lane gets (.env, links, postCreate), before the agent
      // starts in it. One found there (a host killed during its setup, or kept by a stop) gets
      // it too: files already there are left alone, and the commands are the recipe's own.
      await this.setUp(repo, config, path);
    }
    const record: OpsRecord = { repoId: repo.id, checkout: mode, path, command: rendered.value, agentId: null, head, behindReason: null, createdAt: this.now.toISOString() };
    this.deps.store.insert(record);
    // The file is there before the agent first looks for it.
    await this.refreshStatus(repo.id);
    // The stop began during the setup: the loop stays on record, its agent not started (the
    // stop would leave it behind); the next host sets the checkout up again and starts it.
    if (this.deps.isStopping?.()) {
      return err(apiError('host_stopping', `The host began to stop while the ops loop of ${repo.name} was being set up: it is kept, and the next host finishes its setup and starts its agent.`, { method: 'ops.start' }));
    }
    // Trust is read again: the checkout's setup may have run for minutes, and commands changed
    // meanwhile (untrusted now) must not start from what was trusted before.
    const still = usableConfig(this.deps.repos, repo, this.deps.dataDir);
    const started = still.ok ? this.startAgent(repo, record, main.branch) : err(still.error);
    if (!started.ok) {
      this.deps.store.remove(repo.id);
      removeStatusFile(statusFilePath(this.deps.dataDir, repo.id));
      if (mode === 'worktree' && !reused) await this.deps.locks.run(repo.id, () => removeOpsCheckout(repo.mainPath, path));
      return started;
    }
    this.agentOf.set(repo.id, started.value);
    const saved = this.deps.store.update(repo.id, { agentId: started.value }) ?? record;
    this.deps.events.append({ type: 'ops.updated', repoId: repo.id, loop: this.toLoop(saved) });
    return ok(saved);
  }

  /** Stops and forgets the agent; removes the worktree only if nothing in it would be lost. */
  stopLoop(repoId: string): Promise<Result<{ checkoutKept: string | null }, ApiError>> {
    return this.lifecycle.run(repoId, async () => {
      const record = this.deps.store.get(repoId);
      const repo = this.deps.repos.get(repoId);
      if (!record || !repo) return err(apiError('ops_unknown', `${repo?.name ?? repoId} has no ops loop; start one with grove ops start.`, { repoId }));
      this.stopping.add(repoId);
      try {
        // An agent that did not stop keeps its loop: its checkout is not taken from under it.
        if (record.agentId && !(await this.deps.agents.stopAndForget(record.agentId))) return err(this.notStopped(repo, record.agentId, 'stop the loop'));
        let checkoutKept: string | null = null;
        if (record.checkout === 'worktree') {
          const removal = await this.deps.locks.run(repoId, async () => {
            try {
              return await removeOpsCheckout(repo.mainPath, record.path);
            } catch (e) {
              if (e instanceof GitError) return { removed: false as const, why: e.message };
              throw e;
            }
          });
          if (!removal.removed) {
            checkoutKept = record.path;
            this.deps.logger.info('ops checkout kept', { path: record.path, why: removal.why });
          }
        }
        this.deps.store.remove(repoId);
        this.agentOf.delete(repoId);
        this.alertedHead.delete(repoId);
        removeStatusFile(statusFilePath(this.deps.dataDir, repoId));
        this.deps.events.append({ type: 'ops.updated', repoId, loop: null });
        return ok({ checkoutKept });
      } finally {
        this.stopping.delete(repoId);
      }
    });
  }

  /** On host start: the agents died with the previous host; a missing worktree is made again, a half set up one set up again. */
  async reconcile(): Promise<void> {
    for (const listed of this.deps.store.list()) {
      // Stopping meanwhile (this runs in the background): nothing more is made or started.
      if (this.deps.isStopping?.()) return;
      const repo = this.deps.repos.get(listed.repoId);
      if (!repo) continue;
      if (listed.agentId) this.agentOf.set(repo.id, listed.agentId);
      await this.lifecycle.run(repo.id, async () => {
        // Read again under the lock: an operator's Stop may have removed the loop meanwhile.
        const record = this.deps.store.get(repo.id);
        if (!record || this.deps.isStopping?.()) return;
        // Missing, or its setup cut short by a host that stopped or died: made (or taken back) and set up again.
        const remade = await this.remakeCheckout(repo, record, existsSync(setupPendingPath(this.deps.dataDir, repo.id)));
        if (!remade.ok) this.deps.logger.warn('cannot make the ops checkout again', { path: record.path, error: remade.error.message });
        if (this.deps.isStopping?.()) return; // a setup the stop cut short is not the recipe's fault, and no agent starts now
        await this.follow(repo.id);
        const current = this.deps.store.get(repo.id);
        // The loop's command is grove.yaml's (or the operator's): it runs again only while the repository is trusted.
        const trusted = usableConfig(this.deps.repos, repo, this.deps.dataDir);
        // Its agent stopped by the operator (its tab's Stop) stays stopped: Grove never starts
        // again what was asked to stop. `grove ops start` starts it; one that died with the
        // last host (lost), or crashed, is brought back.
        const askedToStop = current?.agentId ? this.deps.agents.info(current.agentId)?.supervision.kind === 'exited' : false;
        const started = !current || askedToStop ? ok(undefined) : trusted.ok ? await this.revive(repo, current) : trusted;
        if (!started.ok) this.alert(repo, `The ops loop of ${repo.name} could not be started again after the host restart: ${started.error.message}`);
      });
    }
  }

  /**
   * The loop's own worktree made again (and set up with the recipe, while the repository's
   * commands are trusted) when its folder is gone, or when `setUpAgain` (a setup cut short).
   * Nothing for a loop in MAIN itself.
   */
  private async remakeCheckout(repo: Repo, record: OpsRecord, setUpAgain = false): Promise<Result<void, ApiError>> {
    if (record.checkout !== 'worktree' || (existsSync(record.path) && !setUpAgain)) return ok(undefined);
    try {
      const head = (await mainHeadOf(repo.mainPath)).head;
      if (!head) return ok(undefined);
      const added = await this.deps.locks.run(repo.id, () => addOpsCheckout(repo.mainPath, record.path, head));
      if (!added.ok) return added;
      const config = usableConfig(this.deps.repos, repo, this.deps.dataDir);
      if (config.ok) await this.setUp(repo, config.value, added.value.path);
      return ok(undefined);
    } catch (e) {
      // Whatever went wrong is said, never thrown: the host's start goes on to the next loop.
      return err(apiError('git_failed', e instanceof Error ? e.message : String(e), { path: record.path }));
    }
  }

  /** Its agent again if it is not running: the same one where it still exists, else a new one. */
  private async revive(repo: Repo, record: OpsRecord): Promise<Result<void, ApiError>> {
    // Stopping (its tab's Stop, an agent slow to end): it is started again once stopped, not
    // taken for running, which would leave it down once the stop ends.
    if (record.agentId) await this.deps.agents.stopEnded(record.agentId);
    if (record.agentId && this.deps.agents.isLive(record.agentId)) return ok(undefined);
    if (record.agentId && this.deps.agents.startAgain(record.agentId)) return ok(undefined);
    const started = this.startAgent(repo, record, (await mainHeadOf(repo.mainPath)).branch);
    if (!started.ok) return started;
    this.save(repo.id, { agentId: started.value });
    return ok(undefined);
  }

  private async replaceAgent(repo: Repo, record: OpsRecord, command: string, branch: string | null): Promise<Result<void, ApiError>> {
    if (record.agentId) {
      this.stopping.add(repo.id);
      try {
        // Never a second loop beside one that did not stop.
        if (!(await this.deps.agents.stopAndForget(record.agentId))) return err(this.notStopped(repo, record.agentId, 'start it with the new command'));
      } finally {
        this.stopping.delete(repo.id);
      }
    }
    const started = this.startAgent(repo, { ...record, command }, branch);
    this.save(repo.id, { command, agentId: started.ok ? started.value : null });
    return started.ok ? ok(undefined) : started;
  }

  private notStopped(repo: Repo, agentId: string, then: string): ApiError {
    const name = this.deps.agents.info(agentId)?.name ?? agentId;
    return apiError('agent_is_running', `The ops loop's agent ${name} did not stop (its process could not be ended; the alert names it): end it by hand, then ${then} again. The loop of ${repo.name} is kept as it was.`, { agentId, repoId: repo.id });
  }

  /** `branch`: MAIN's, what {{branch}} in the ops command stands for. */
  private startAgent(repo: Repo, record: OpsRecord, branch: string | null): Result<string, ApiError> {
    const started = this.deps.agents.start({
      path: record.path,
      name: `ops-${repo.name}`,
      script: record.command,
      // No GROVE_HOME: the data dir holds the operator's token. The agent's own `grove ops
      // status` reaches this host with its own token and GROVE_URL, which every agent gets.
      // The GROVE_TPL_* values are what the rendered command refers to (template.ts).
      env: {
        ...shellTemplateEnv(opsTemplateVars(repo, record.path, branch)),
        GROVE_STATUS_FILE: statusFilePath(this.deps.dataDir, repo.id),
        GROVE_REPO: repo.name,
        GROVE_MAIN: repo.mainPath,
      },
    });
    if (started.ok) this.agentOf.set(repo.id, started.value);
    return started;
  }

  /**
   * Moves the worktree to MAIN's HEAD if nothing in it would be lost, else leaves it, says
   * why (behindReason) and alerts once per MAIN head; then rewrites the status file.
   */
  follow(repoId: string): Promise<void> {
    if (!this.deps.store.get(repoId)) return Promise.resolve();
    return this.runs.request(`follow:${repoId}`, async () => {
      const repo = this.deps.repos.get(repoId);
      if (!repo) return;
      await this.deps.locks.run(repoId, async () => {
        const record = this.deps.store.get(repoId);
        if (!record) return;
        const main = await mainHeadOf(repo.mainPath);
        if (record.checkout === 'main') {
          this.save(repoId, { head: main.head });
          return;
        }
        const reading = await readCheckout(repo.mainPath, record.path, main.head);
        const decision = decideFollow({ mainHead: main.head, reading, alertedHead: this.alertedHead.get(repoId) ?? null, repoName: repo.name, path: record.path });
        if (decision.kind === 'current') {
          this.alertedHead.delete(repoId);
          this.save(repoId, { head: reading.head ?? record.head, behindReason: null });
        } else if (decision.kind === 'move') {
          try {
            await moveCheckout(record.path, decision.to);
          } catch (e) {
            if (!(e instanceof GitError)) throw e;
            this.stay(repo, record, reading.head, `git could not move it: ${e.output.stderr.trim() || e.message}`, decision.to);
            return;
          }
          this.alertedHead.delete(repoId);
          this.save(repoId, { head: decision.to, behindReason: null });
        } else {
          if (decision.alertedHead !== null) this.alertedHead.set(repoId, decision.alertedHead);
          this.save(repoId, { head: reading.head ?? record.head, behindReason: decision.reason });
          if (decision.alert) this.alert(repo, decision.alert);
        }
      });
      await this.refreshStatus(repoId);
    });
  }

  /** A move git refused (something changed between the look and the move): left as it is, alerted once. */
  private stay(repo: Repo, record: OpsRecord, head: string | null, reason: string, mainHead: string): void {
    this.save(repo.id, { head: head ?? record.head, behindReason: reason });
    if (this.alertedHead.get(repo.id) === mainHead) return;
    this.alertedHead.set(repo.id, mainHead);
    this.alert(repo, `The ops checkout of ${repo.name} (${record.path}) did not follow MAIN to ${mainHead.slice(0, 12)}: ${reason}.`);
  }

  /** Rewrites the status file (bursts folded into one rewrite after the one under way). */
  refreshStatus(repoId: string): Promise<void> {
    if (!this.deps.store.get(repoId)) return Promise.resolve();
    return this.runs.request(`status:${repoId}`, async () => {
      const record = this.deps.store.get(repoId);
      const repo = this.deps.repos.get(repoId);
      if (!record || !repo) return;
      const main = await mainHeadOf(repo.mainPath);
      const edits = await this.deps.readEdits(repo).catch((e: unknown) => {
        this.deps.logger.warn("cannot read MAIN's uncommitted edits for the ops status file", { repoId, error: e instanceof Error ? e.message : String(e) });
        return null;
      });
      if (!this.deps.store.get(repoId)) return; // stopped meanwhile: its file is gone and stays gone
      const status = buildOpsStatus({
        repo,
        main: { ...main, edits },
        health: this.deps.health(repoId),
        incident: this.deps.openIncident(repoId),
        checkout: { mode: record.checkout, path: record.path, head: record.checkout === 'main' ? main.head : record.head },
        now: this.now,
      });
      writeStatusFile(statusFilePath(this.deps.dataDir, repoId), status, this.deps.mask);
    });
  }

  private async setUp(repo: Repo, config: GroveConfig, path: string): Promise<void> {
    const pending = setupPendingPath(this.deps.dataDir, repo.id);
    mkdirSync(dirname(pending), { recursive: true, mode: 0o700 });
    writeFileSync(pending, `${path}\n`, { mode: 0o600 });
    const outcome = await setUpOpsCheckout({ repo, config, path, baseEnv: this.deps.baseEnv, groups: this.deps.commandGroups });
    if (!outcome.ok && this.deps.isStopping?.()) {
      // Cut short by the host's stop, not failed by the recipe: logged, not alerted, and the
      // mark stays, so the next host's start sets the checkout up again.
      this.deps.logger.warn('the ops checkout setup was cut short by the stop', { repo: repo.name, path });
      return;
    }
    rmSync(pending, { force: true });
    if (outcome.ok) {
      if (outcome.done.length) this.deps.logger.info('ops checkout set up', { repo: repo.name, path, done: outcome.done });
      return;
    }
    const tail = this.deps.mask(outcome.outputTail).trimEnd().split('\n').slice(-5).join('\n');
    this.deps.events.append({
      type: 'alert',
      agentId: null,
      repoId: repo.id,
      message: `The setup of ${repo.name}'s ops checkout (${path}) failed: ${outcome.why}. The ops loop starts anyway; fix the checkout by hand or the recipe (setup in grove.yaml), then grove ops stop and start.${tail ? `\n${tail}` : ''}`,
    });
  }

  private agentRemoved(agentId: string): void {
    const record = this.deps.store.list().find((r) => r.agentId === agentId);
    if (record && !this.stopping.has(record.repoId)) this.save(record.repoId, { agentId: null });
  }

  /** The registration is gone (and with it the loop's row): its agent stops; the worktree is left on disk. */
  private async repoRemoved(repoId: string): Promise<void> {
    const agentId = this.agentOf.get(repoId);
    if (!agentId) return;
    this.agentOf.delete(repoId);
    this.alertedHead.delete(repoId);
    await this.deps.agents.stopAndForget(agentId);
    removeStatusFile(statusFilePath(this.deps.dataDir, repoId));
    this.deps.events.append({ type: 'ops.updated', repoId, loop: null });
  }

  /** Records a change and announces it (only if something changed). */
  private save(repoId: string, change: OpsChange): void {
    const before = this.deps.store.get(repoId);
    if (!before) return;
    if ((Object.keys(change) as (keyof OpsChange)[]).every((k) => before[k] === change[k])) return;
    const after = this.deps.store.update(repoId, change);
    if (after?.agentId) this.agentOf.set(repoId, after.agentId);
    if (after) this.deps.events.append({ type: 'ops.updated', repoId, loop: this.toLoop(after) });
  }

  private alert(repo: Repo, message: string): void {
    this.deps.events.append({ type: 'alert', agentId: null, repoId: repo.id, message });
  }

  private toLoop(r: OpsRecord): OpsLoop {
    return { ...r, statusFile: statusFilePath(this.deps.dataDir, r.repoId) };
  }

  handlers(): Pick<Handlers, 'ops.list' | 'ops.start' | 'ops.stop' | 'ops.status'> {
    return {
      'ops.list': ({ repoId }) => ok({ loops: this.list(repoId) }),
      'ops.status': ({ repoId }, ctx) => {
        let loops = this.list(repoId);
        // An agent's token sees the loop it runs, and nothing else.
        if (ctx.principal.kind === 'agent') {
          const agentId = ctx.principal.agentId;
          loops = this.list().filter((l) => l.agentId === agentId);
          if (loops.length === 0) {
            return err(apiError('forbidden', "An agent's token may call ops.status only from an ops loop's own agent (it answers for that loop).", { method: 'ops.status' }));
          }
          if (repoId !== undefined) loops = loops.filter((l) => l.repoId === repoId);
        }
        return ok({
          loops: loops.map((loop) => ({
            loop,
            repoName: this.deps.repos.get(loop.repoId)?.name ?? loop.repoId,
            agent: loop.agentId ? this.deps.agents.info(loop.agentId) : null,
            status: readStatusFile(loop.statusFile),
          })),
        });
      },
      'ops.start': async ({ repoId, command }) => {
        const r = await this.startLoop(repoId, command);
        return r.ok ? ok({ loop: r.value }) : r;
      },
      'ops.stop': async ({ repoId }) => {
        const r = await this.stopLoop(repoId);
        return r.ok ? ok({ removed: true as const, checkoutKept: r.value.checkoutKept }) : r;
      },
    };
  }
}

function opsTemplateVars(repo: Repo, path: string, branch: string | null): TemplateVars {
  return { lane: 'ops', branch: branch ?? '', repo: repo.name, path, main: repo.mainPath, port: null };
}

/** grove.yaml's command (or the one given) with {{repo}}, {{main}}, {{path}}, {{branch}} filled, shell-quoted; the loop has no ports. */
function renderCommand(raw: string, repo: Repo, path: string, branch: string | null): Result<string, ApiError> {
  try {
    // The command refers to its values (GROVE_TPL_*); startAgent gives them to every run.
    return ok(renderShellTemplate(raw, opsTemplateVars(repo, path, branch)).command);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const message = e.variable.startsWith('port')
      ? `ops.command: {{${e.variable}}} cannot be filled: the ops loop has no ports (only lanes do).`
      : `ops.command: ${e.message}`;
    return err(apiError('config_invalid', message, { command: raw }));
  }
}
