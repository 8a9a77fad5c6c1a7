import type { GroveConfig } from '../../shared/config';
import { apiError, type ApiError } from '../../shared/errors';
import type { MergeCheck, MergeRecord } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { RepoStore } from '../repos/repo-store';
import { commitAll } from './git/commit-all';
import { deleteMergedBranch } from './git/delete-merged-branch';
import { gitMergePreflight, mergeResult } from './git/merge-preflight';
import { sharedObjectsCheck } from './git/object-integrity';
import { mergeIntoMain, rollbackMain } from './git/merge-into-main';
import { runGit } from './git/run-git';
import { worktreeGitDir } from './git/worktree-git-dir';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withJobs, type JobReporter, type StartJob } from './job-reporter';
import { laneCommandEnv, mainCommandEnv } from './lane-context';
import type { LaneService } from './lane-service';
import type { LaneRecord, LaneStore } from './lane-store';
import type { MergeIntent, MergeStore } from './merge-store';
import { findLane } from './find-lane';
import { usableConfig } from './repo-config';
import type { RepoLocks } from './repo-lock';
import { runCommands } from './setup/run-commands';
import { mainGateOf, type GateOutcome, type GateRun, type MainGate } from './main-gate';
import { OWN_GIT_MERGE, type CommandGroups } from './setup/command-groups';
import { gitFailure } from './lane-service';
import type { ConfinedLaunch, ConfineRequest } from '../confine/agent-confinement';
import { confineCommand } from '../confine/command-confinement';
import { stoppingRefusal } from '../api/stopping-guard';

/**
 * The single way into MAIN. Preflight first (both trees clean, the lane ahead, a conflict-
 * free `merge-tree` dry run, the lane's own check), then, under the repository lock, the
 * merge after a recovery ref, then MAIN's gate. A failing gate rolls MAIN back (or waits
 * for the operator, per grove.yaml). The lane's check runs outside the lock — it can take
 * minutes — and the merge refuses if the lane moved while it ran.
 */
export interface MainWatch {
  /** Defers MAIN's watcher while Grove itself moves MAIN; returns the resume function. */
  pause(repoId: string): () => void;
  /** MAIN's HEAD as Grove last left it: commits past it did not come through Grove. */
  setKnownHead(repoId: string, head: string): void;
  /** That head; null before MAIN's guard first looked (what it then finds is trusted). */
  knownHead(repoId: string): string | null;
}

export interface MergeServiceDeps {
  lanes: LaneStore;
  repos: RepoStore;
  merges: MergeStore;
  events: EventLog;
  locks: RepoLocks;
  laneService: Pick<LaneService, 'removeLane' | 'isBeingRemoved'>;
  mainWatch: MainWatch;
  dataDir: string;
  baseEnv: NodeJS.ProcessEnv;
  mask: (text: string) => string;
  /** Names of the agents working in a lane (recorded with the merge, so an incident can name them). */
  agentNamesIn: (lanePath: string) => string[];
  /** Tells the lane's HEAD watcher that Grove itself commits in the lane (see LaneHistoryDeps.holdLane). */
  holdLane?: (lanePath: string) => () => void;
  /** Records the check's and the gate's process groups while they run (ended by the next host if this one dies). */
  commandGroups?: CommandGroups;
  /** Confines the lane's check as the lane's agents are (confine/command-confinement.ts); without it, never. */
  confine?: (req: ConfineRequest) => ConfinedLaunch;
  /** Aborted as the host begins to stop: a gate it ends decided nothing, one that ended before did. */
  stopping?: AbortSignal;
  /**
   * Runs MAIN's gate with the health monitor's probes of that repository held (health-monitor.ts
   * holdWhile): a gate may be those very probes, and two runs side by side trip each other.
   */
  holdProbes?: <T>(repoId: string, work: () => Promise<T>) => Promise<T>;
}

export type MergeOutcome = { checks: MergeCheck[]; merge: MergeRecord | null; laneRemoved: boolean };

const OUTPUT_TAIL_LINES = 40;
/** Merges looked at on start for one left `gating`: only the latest can be (one merge at a time per repository). */
const RECOVERY_SCAN = 1000;

/** The tree merging `commit` into `base` gives, or '' when it conflicts. */
async function mergedTree(mainPath: string, base: string, commit: string): Promise<string> {
  const merged = await mergeResult(mainPath, base, commit);
  if (merged.kind === 'failed') throw new Error(`git merge-tree failed: ${merged.message}`);
  return merged.kind === 'clean' ? merged.tree : '';
}

const stoppedMerging = (i: MergeIntent): string => `The host stopped while merging lane ${i.laneName} into MAIN`;
/** "The host stopped before MAIN's gate had checked the merge of lane fix (a1b2c3d4e5f6)". */
const interruptedWhy = (m: MergeRecord): string => `The host stopped before MAIN's gate had checked the merge of lane ${m.laneName} (${m.mainAfter.slice(0, 12)})`;

export class MergeService {
  /** Merges, start-up gates and the removals of merged ephemeral lanes: the host's stop waits for them (settled). */
  private readonly underWay = new Set<Promise<unknown>>();
  /** Lanes a merge (or its preflight) is under way in, and its job: one at a time per lane. */
  private readonly merging = new Map<string, string>();
  /** When this host began: a merge before it was an earlier host's (removeMergedEphemeralLanes). */
  private readonly startedAt = Date.now();

  constructor(private readonly deps: MergeServiceDeps) {}

  private runGate(repoId: string, gate: MainGate, run: GateRun): Promise<GateOutcome> {
    return this.deps.holdProbes ? this.deps.holdProbes(repoId, () => gate.run(run)) : gate.run(run);
  }

  /**
   * Once the stop has begun: resolves when the merges under way have ended, their gates cut
   * short by it, or judged (a gate that failed before the stop is rolled back by this host).
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.underWay]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.underWay.add(work);
    void work.catch(() => undefined).finally(() => this.underWay.delete(work));
    return work;
  }

  merge(id: string, o: { dryRun: boolean; commitMessage?: string }): Promise<Result<MergeOutcome, ApiError>> {
    // Every way in (the API, an agent's MCP request_merge): a stopping host merges nothing.
    if (this.deps.stopping?.aborted) return Promise.resolve(err(stoppingRefusal('lanes.merge')));
    return withJobs(this.deps.events, this.deps.mask, (startJob) => this.mergeWith(startJob, id, o));
  }

  private async mergeWith(startJob: StartJob, id: string, o: { dryRun: boolean; commitMessage?: string }): Promise<Result<MergeOutcome, ApiError>> {
    const found = findLane(this.deps.lanes, this.deps.repos, id);
    if (!found.ok) return found;
    const { lane, repo } = found.value;
    if (!lane.branch) return err(apiError('merge_preflight_failed', `Lane ${lane.name} has no branch to merge.`, { checks: [] }));
    const loaded = usableConfig(this.deps.repos, repo, this.deps.dataDir);
    if (!loaded.ok) return loaded;
    // Its check runs in the lane's folder, outside the repository lock: a second one beside it
    // (the operator and an orchestrating agent both merging) would trip over the first.
    const running = this.merging.get(lane.id);
    // Nothing awaited from these checks to the record below: a removal, which checks the same
    // way (lane-service.ts), cannot slip in between.
    if (this.deps.laneService.isBeingRemoved(lane.id)) {
      return err(apiError('merge_preflight_failed', `${lane.name} is being removed; it is not merged. Create the lane again if its work is still wanted (its branch stays, and an archive keeps the rest).`, { checks: [] }));
    }
    if (running !== undefined) {
      return err(apiError('merge_running', `${lane.name} is being merged already (job ${running}); a second merge or preflight would run beside it in the same folder. Wait for that job to end, then look at the merge it made.`, { jobId: running }));
    }
    const job = startJob({ kind: 'lane.merge', repoId: repo.id, laneName: lane.name, title: o.dryRun ? `Preflight of ${lane.name}` : `Merge ${lane.name} into MAIN` });
    this.merging.set(lane.id, job.job.id);
    try {
      return await this.mergeIn(job, repo, lane, o, loaded.value);
    } finally {
      // Only its own record: an ephemeral lane's merge lets go before removing the lane, and
      // another merge may have recorded itself since.
      if (this.merging.get(lane.id) === job.job.id) this.merging.delete(lane.id);
    }
  }

  /** The job under way in `laneId`, if a merge or preflight runs there. */
  mergeRunningIn(laneId: string): string | null {
    return this.merging.get(laneId) ?? null;
  }

  private async mergeIn(job: JobReporter, repo: Repo, lane: LaneRecord, o: { dryRun: boolean; commitMessage?: string }, loadedConfig: GroveConfig): Promise<Result<MergeOutcome, ApiError>> {
    const config = loadedConfig.merge ?? {};
    const timeoutMs = (config.timeoutSeconds ?? 600) * 1000;
    const branch = lane.branch!;
    const gate = mainGateOf(loadedConfig);
    const total = (o.commitMessage ? 1 : 0) + 1 + (config.check ? 1 : 0) + (o.dryRun ? 0 : 1 + (gate ? 1 : 0) + (lane.kind === 'ephemeral' ? 1 : 0));
    let step = 0;
    try {
      if (o.commitMessage) {
        job.step(++step, total, 'commit the lane’s edits');
        const status = await runGit(lane.path, ['status', '--porcelain']);
        if (status.stdout.trim()) {
          const release = this.deps.holdLane?.(lane.path);
          try {
            job.output(`committed ${(await commitAll(lane.path, o.commitMessage)).slice(0, 12)}\n`);
          } finally {
            release?.();
          }
        }
      }
      job.step(++step, total, 'preflight: clean trees, ahead of MAIN, no conflicts');
      const knownBefore = this.deps.mainWatch.knownHead(repo.id);
      const pre = await gitMergePreflight(repo.mainPath, lane.path, branch, config.strategy);
      // Outside the lock another merge may land while this preflight reads MAIN: only a known
      // head that stayed put is compared (the check under the lock sees it all).
      const asLeft = this.deps.mainWatch.knownHead(repo.id) === knownBefore ? this.mainAsLeft(repo, pre.mainHead) : [];
      const checks = [...pre.checks, ...asLeft, await sharedObjectsCheck(repo, this.deps.dataDir)];
      if (config.check) {
        job.step(++step, total, `check: ${config.check}`);
        if (checks.every((c) => c.ok)) {
          const env = laneCommandEnv(this.deps.baseEnv, repo, lane, loadedConfig);
          const confined = confineCommand(this.deps.confine, {
            lanePath: lane.path,
            dataDir: this.deps.dataDir,
            env,
            off: config.confine === false ? 'grove.yaml says merge.confine: false' : null,
            what: 'the check',
            escape: 'set merge.confine: false in grove.yaml to run it as you',
          });
          job.output(`[grove] ${confined.line}\n`);
          let outcome;
          try {
            outcome = await runCommands([config.check], {
              cwd: lane.path,
              env,
              timeoutMs,
              onStep: () => undefined,
              onOutput: (d) => job.output(d),
              // Its output reaches the job's log and the merge's answer (an agent's, through MCP).
              mask: this.deps.mask,
              groups: this.deps.commandGroups,
              wrap: confined.wrap,
            });
          } finally {
            confined.done();
          }
          // No exit code: killed by a signal, or it could not start (a confinement refused); its output says which.
          const failure = outcome.ok ? null : outcome.timedOut ? 'timed out' : `failed (${outcome.exitCode === null ? 'no exit code, see its output' : `exit ${outcome.exitCode}`})`;
          checks.push(
            outcome.ok
              ? { name: 'check', ok: true, message: `${config.check} passed`, detail: [] }
              : {
                  name: 'check',
                  ok: false,
                  message: `${config.check} ${failure}; fix the lane before merging`,
                  detail: tailLines(outcome.outputTail),
                },
          );
        } else checks.push({ name: 'check', ok: false, message: `${config.check} not run: the checks above failed first`, detail: [] });
      }
      const failed = checks.filter((c) => !c.ok);
      if (o.dryRun) {
        job.finish(failed.length === 0, failed.length ? failed.map((c) => c.message).join('; ') : `${lane.name} can be merged`);
        return ok({ checks, merge: null, laneRemoved: false });
      }
      if (failed.length) {
        job.finish(false, failed.map((c) => c.message).join('; '));
        return err(apiError('merge_preflight_failed', `${lane.name} cannot be merged: ${failed.map((c) => c.message).join('; ')}.`, { checks }));
      }

      job.step(++step, total, `merge ${branch} into MAIN`);
      const merged = await this.track(this.deps.locks.run(repo.id, () => this.mergeAndGate(repo, lane, branch, pre.laneHead, config, gate, mergeSettingsOf(loadedConfig), timeoutMs, (title) => job.step(++step, total, title), (d) => job.output(d))));
      if (!merged.ok) {
        job.finish(false, merged.error.message);
        return merged;
      }
      let laneRemoved = false;
      // Merged and gated: nothing runs in the lane any more, and its own removal may go on.
      this.merging.delete(lane.id);
      if (lane.kind === 'ephemeral') {
        job.step(++step, total, `remove the ephemeral lane ${lane.name} and its merged branch`);
        const removed = await this.track(this.deps.laneService.removeLane(lane.id, { archive: false, stopAgents: true }));
        if (removed.ok) {
          laneRemoved = true;
          const deleted = await deleteMergedBranch(repo.mainPath, branch, merged.value.mainAfter);
          job.output(deleted.ok ? `deleted branch ${branch} (recovery ref ${deleted.value.recoveryRef})\n` : `kept branch ${branch}: ${deleted.error.message}\n`);
        } else job.output(`kept the lane: ${removed.error.message}\n`);
      }
      job.finish(true, `Merged ${lane.name} into MAIN (${merged.value.strategy})${laneRemoved ? '; the ephemeral lane is removed' : ''}`);
      return ok({ checks, merge: merged.value, laneRemoved });
    } catch (e) {
      const failure = gitFailure(e, lane.name);
      job.finish(false, failure.message);
      return err(failure);
    }
  }

  /** Under the repository lock: re-check, recovery ref, merge, gate, and rollback if it fails. */
  private async mergeAndGate(
    repo: Repo,
    lane: LaneRecord,
    branch: string,
    testedHead: string,
    config: NonNullable<GroveConfig['merge']>,
    gate: MainGate | null,
    settings: string,
    timeoutMs: number,
    step: (title: string) => void,
    output: (d: string) => void,
  ): Promise<Result<MergeRecord, ApiError>> {
    // Read again under the lock: the lane's check ran outside it, and the repository (or the
    // lane) may have been removed meanwhile; a merge nothing records must not reach MAIN.
    const stillRepo = this.deps.repos.get(repo.id);
    const stillLane = this.deps.lanes.get(lane.id);
    if (!stillRepo || stillRepo.mainPath !== repo.mainPath || !stillLane || stillLane.path !== lane.path) {
      return err(apiError('merge_preflight_failed', `${lane.name} cannot be merged: ${stillRepo ? 'the lane' : 'its repository'} was removed while its check ran.`, { checks: [] }));
    }
    // And grove.yaml: a merge that landed while the check ran may have changed the gate, the
    // rollback or the strategy, or MAIN's commands (then untrusted, and nothing of theirs runs).
    const fresh = usableConfig(this.deps.repos, repo, this.deps.dataDir);
    if (!fresh.ok) return fresh;
    if (mergeSettingsOf(fresh.value) !== settings) {
      return err(apiError('merge_preflight_failed', `${lane.name} cannot be merged: grove.yaml's merge settings or MAIN's probes changed while its check ran (a merge landed meanwhile); merge again to be checked and gated by them.`, { checks: [] }));
    }
    const resume = this.deps.mainWatch.pause(repo.id);
    try {
      const again = await gitMergePreflight(repo.mainPath, lane.path, branch, config.strategy);
      // Again under the lock: a commit made in MAIN just before it was taken (within the
      // guard's wait to look) is caught here, not folded into the merge's record.
      const checksAgain = [...again.checks, ...this.mainAsLeft(repo, again.mainHead)];
      const failed = checksAgain.filter((c) => !c.ok);
      if (failed.length || again.laneHead !== testedHead) {
        const message = failed.length ? failed.map((c) => c.message).join('; ') : `${lane.name} moved while its check ran (now at ${again.laneHead.slice(0, 12)}); merge again`;
        return err(apiError('merge_preflight_failed', `${lane.name} cannot be merged: ${message}.`, { checks: checksAgain }));
      }
      // Again under the lock, just before MAIN's checkout reads them: the lane's agents may
      // still be running.
      const objects = await sharedObjectsCheck(repo, this.deps.dataDir);
      if (!objects.ok) return err(apiError('merge_preflight_failed', `${lane.name} cannot be merged: ${objects.message}.`, { checks: [objects] }));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const intent: MergeIntent = {
        id: uuidv7(),
        repoId: repo.id,
        laneId: lane.id,
        laneName: lane.name,
        branch,
        commit: testedHead,
        recoveryRef: `refs/grove/recovery/main/${stamp}`,
        mainBefore: again.mainHead,
        gated: gate !== null,
        agents: this.deps.agentNamesIn(lane.path),
        at: new Date().toISOString(),
      };
      // One left by a host that stopped (this merge took the lock before the start-up's
      // settling did), or by a merge here whose record could not be written: settled first.
      const left = this.deps.merges.intents().find((i) => i.repoId === repo.id);
      if (left) await this.settleIntent(repo, left);
      // The stop began while the lane's check ran: nothing is merged, rather than MAIN taking
      // a merge whose gate only the next host would run.
      if (this.deps.stopping?.aborted) return err(stoppingRefusal('lanes.merge'));
      this.deps.merges.intend(intent);
      let merged;
      try {
        merged = await mergeIntoMain(repo.mainPath, {
          branch,
          commit: testedHead,
          strategy: config.strategy ?? 'ff',
          recoveryRef: intent.recoveryRef,
          message: `Merge lane ${lane.name} (${branch}) through Grove`,
          env: { GROVE_ALLOW_MAIN_COMMIT: '1' },
          // A git that outlives a killed host (held in a hook, writing a large checkout) would
          // go on merging while the next host settles this intent: that host ends it first.
          group: this.deps.commandGroups && { marker: `${OWN_GIT_MERGE}${intent.id}`, groups: this.deps.commandGroups, what: `git merge of lane ${lane.name} into MAIN` },
        });
      } catch (e) {
        // git failed in a way mergeIntoMain does not know: what it left is read from MAIN, as after a crash.
        const failed = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        await this.settleIntent(repo, intent, { failed }).catch((unread: unknown) => {
          this.deps.merges.settle(repo.id);
          this.alert(repo, `Merging lane ${lane.name} into MAIN failed (${failed}), and what it left could not be found out (${unread instanceof Error ? unread.message : String(unread)}). Check MAIN; ${intent.recoveryRef} holds MAIN as it was before.`);
        });
        throw e;
      }
      if (!merged.ok) {
        this.deps.merges.settle(repo.id);
        return err(apiError('merge_preflight_failed', merged.error.message, { checks: [{ name: 'conflicts', ok: false, message: merged.error.message, detail: [] }] }));
      }
      let record = this.recordOf(intent, merged.value);
      this.deps.mainWatch.setKnownHead(repo.id, record.mainAfter);
      this.deps.merges.insert(record);
      this.deps.events.append({ type: 'merge.updated', merge: record });
      if (!gate) return ok(record);

      // Whatever breaks once MAIN holds the merge (a gate that cannot run, a rollback whose git
      // fails), MAIN may hold a merge no gate passed: it waits for the operator, said loudly,
      // rather than stay "gating" with nobody told.
      const stuck = async (e: unknown): Promise<Result<MergeRecord, ApiError>> => {
        const said = this.deps.mask(e instanceof Error ? e.message : String(e));
        const head = await runGit(repo.mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1, 128] }).catch(() => null);
        if (head?.stdout.trim() === record.mainBefore) {
          // The rollback itself went through; what failed came after it.
          const merge = this.update(record, { state: 'rolled-back', gateOutput: said });
          this.alert(repo, `MAIN's gate failed after merging ${lane.name}; MAIN was rolled back to ${record.mainBefore.slice(0, 12)}, and then Grove failed: ${said}`);
          return err(apiError('merge_gate_failed', `MAIN's gate failed after merging ${lane.name}; MAIN was rolled back to ${record.mainBefore.slice(0, 12)} (then Grove failed: ${said}).`, { merge, output: said, rolledBack: true }));
        }
        const why = `Grove merged ${lane.name} into MAIN, then failed before its gate "${gate.label}" decided: ${said}`;
        const merge = this.update(record, { state: 'awaiting-rollback', gateOutput: said });
        this.alert(repo, `${why}. MAIN keeps the merge until you roll it back (grove merge --rollback, or the Merges panel), or keep it.`);
        return err(apiError('merge_gate_failed', `${why}. MAIN was NOT rolled back: roll it back (grove merge --rollback) or keep it.`, { merge, output: said, rolledBack: false }));
      };
      step(`gate: ${gate.label}`);
      const cutShort = (): Result<MergeRecord, ApiError> =>
        err(apiError('merge_gate_failed', `MAIN's gate for the merge of ${lane.name} was cut short: the host is stopping. MAIN keeps the merge unchecked; the next host runs the gate again.`, { merge: record, rolledBack: false, interrupted: true }));
      // Stopping already (the merge's git finished after the stop began): the gate is the next host's.
      if (this.deps.stopping?.aborted) return cutShort();
      let gated: Awaited<ReturnType<typeof gate.run>>;
      try {
        gated = await this.runGate(repo.id, gate, { cwd: repo.mainPath, env: mainCommandEnv(this.deps.baseEnv, repo), timeoutMs, mask: this.deps.mask, output, groups: this.deps.commandGroups, signal: this.deps.stopping });
      } catch (e) {
        return stuck(e);
      }
      if (gated.ok) {
        record = this.update(record, { state: 'merged' });
        return ok(record);
      }
      // Ended by the host's stop, the gate decided nothing: the merge stays gating and MAIN
      // as it is; the next host runs the gate again (recoverGating). One that failed on its
      // own before the stop began has decided, though the stop began while it was read.
      if (gated.cutShort) return cutShort();
      const why = `MAIN's gate "${gate.label}" ${gated.why} after merging ${lane.name}`;
      try {
        return err((await this.gateFailed(repo, record, config, why, tailLines(gated.outputTail).join('\n'), stamp)).error);
      } catch (e) {
        return stuck(e);
      }
    } finally {
      resume();
    }
  }

  /**
   * MAIN's gate failed on `record` (state gating): rolls MAIN back, or — with
   * merge.rollback: ask, or when the rollback is refused — leaves it for the operator
   * (awaiting-rollback). Alerts either way. Under the repository lock, MAIN's watcher paused.
   */
  private async gateFailed(
    repo: Repo,
    record: MergeRecord,
    config: NonNullable<GroveConfig['merge']>,
    why: string,
    gateOutput: string,
    stamp: string,
  ): Promise<{ merge: MergeRecord; error: ApiError }> {
    if ((config.rollback ?? 'auto') === 'ask') {
      const merge = this.update(record, { state: 'awaiting-rollback', gateOutput });
      this.alert(repo, `${why}. MAIN keeps the merge until you roll it back (grove merge --rollback, or the Merges panel).`);
      return { merge, error: apiError('merge_gate_failed', `${why}; MAIN was NOT rolled back (merge.rollback: ask):\n${gateOutput}`, { merge, output: gateOutput, rolledBack: false }) };
    }
    // The merge commit stays reachable once MAIN is reset (never lose work); a refused reset writes no ref.
    const rolled = await rollbackMain(repo.mainPath, { recoveryRef: record.recoveryRef, target: record.mainBefore, expectedHead: record.mainAfter, keepRef: `refs/grove/rolled-back/${stamp}`, gateJustRan: true });
    if (!rolled.ok) {
      const merge = this.update(record, { state: 'awaiting-rollback', gateOutput });
      this.alert(repo, `${why}, and the rollback was refused: ${rolled.error.message}`);
      return { merge, error: apiError('merge_gate_failed', `${why}; the rollback was refused: ${rolled.error.message}\n${gateOutput}`, { merge, output: gateOutput, rolledBack: false }) };
    }
    this.deps.mainWatch.setKnownHead(repo.id, record.mainBefore);
    const merge = this.update(record, { state: 'rolled-back', gateOutput });
    this.alert(repo, `${why}; MAIN was rolled back to ${record.mainBefore.slice(0, 12)}.`);
    return {
      merge,
      error: apiError('merge_gate_failed', `${why}; MAIN was rolled back to ${record.mainBefore.slice(0, 12)} (${record.recoveryRef}):\n${gateOutput}`, { merge, output: gateOutput, rolledBack: true }),
    };
  }

  /**
   * On host start, before MAIN's guards look at MAIN: the merge intents a host that stopped
   * mid-merge left (it died between starting git's merge and recording it). MAIN says whether
   * the merge landed. Landed, it is recorded as the merge would have been (and MAIN's known
   * head moved to it, so the guards do not take Grove's own merge for a commit outside Grove),
   * gating when MAIN has a gate, so recoverGating runs that gate like any interrupted one;
   * stopped half-way (git's merge commit not yet made), git's merge is aborted so MAIN is
   * served as it was; not started, nothing to do. One alert each. Then a merge left gating
   * whose rollback had been made (settleFinishedRollback).
   */
  async settleIntents(): Promise<void> {
    for (const intent of this.deps.merges.intents()) {
      const repo = this.deps.repos.get(intent.repoId);
      if (!repo) {
        this.deps.merges.settle(intent.repoId);
        continue;
      }
      await this.deps.locks.run(repo.id, async () => {
        // A merge started as this host began (its API answers first) may have settled this
        // intent already, under the lock, and written its own: that one is not this one.
        if (!this.deps.merges.intents().some((i) => i.id === intent.id)) return;
        try {
          await this.settleIntent(repo, intent);
        } catch (e) {
          this.deps.merges.settle(repo.id);
          this.alert(repo, `${stoppedMerging(intent)}, and what became of it could not be found out (${e instanceof Error ? e.message : String(e)}). Check MAIN; ${intent.recoveryRef} holds MAIN as it was before.`);
        }
      });
    }
    const listed = this.deps.merges.list(undefined, RECOVERY_SCAN);
    for (const record of listed.filter((m) => m.state === 'gating')) {
      const repo = this.deps.repos.get(record.repoId);
      if (repo) await this.deps.locks.run(repo.id, () => this.settleFinishedRollback(repo, record)).catch(() => undefined); // regate tries again
    }
    // The operator's rollback cut short after git's reset: only a repository's latest merge can be it.
    const latest = new Map<string, MergeRecord>();
    for (const m of listed) if (!latest.has(m.repoId)) latest.set(m.repoId, m);
    for (const record of latest.values()) {
      if (record.state !== 'awaiting-rollback' && record.state !== 'merged') continue;
      const repo = this.deps.repos.get(record.repoId);
      if (repo) await this.deps.locks.run(repo.id, () => this.settleAskedRollback(repo, record)).catch(() => undefined);
    }
  }

  /**
   * A rollback the operator asked for (`merges.rollback`), whose host stopped after git reset
   * MAIN and before the merge was recorded rolled back: MAIN is at the commit before the
   * merge, on its branch, and a rolled-back ref Grove writes before the reset holds the merge.
   * Recorded as rolled back; otherwise MAIN's guard took Grove's own reset for one made
   * outside Grove, and a second rollback was refused ("MAIN moved on").
   */
  private async settleAskedRollback(repo: Repo, listed: MergeRecord): Promise<void> {
    const record = this.deps.merges.get(listed.id);
    if (!record || (record.state !== 'awaiting-rollback' && record.state !== 'merged') || record.mainAfter === record.mainBefore) return;
    const git = (args: string[]) => runGit(repo.mainPath, args, { okCodes: [1] });
    if ((await git(['rev-parse', '--verify', '-q', 'HEAD'])).stdout.trim() !== record.mainBefore) return;
    if ((await git(['symbolic-ref', '-q', 'HEAD'])).code !== 0) return;
    // A rolled-back ref made after this merge (its name is its time): one from an earlier
    // rollback of the same commit says nothing about this merge.
    const kept = (await git(['for-each-ref', '--format=%(objectname) %(refname:lstrip=3)', 'refs/grove/rolled-back/'])).stdout.split('\n');
    const after = Date.parse(record.at);
    if (!kept.some((line) => line.startsWith(`${record.mainAfter} `) && stampOfRef(line.slice(record.mainAfter.length + 1)) >= after)) return;
    this.deps.mainWatch.setKnownHead(repo.id, record.mainBefore);
    this.update(record, { state: 'rolled-back' });
    this.alert(repo, `The host stopped while rolling MAIN back from the merge of lane ${record.laneName} (${record.mainAfter.slice(0, 12)}); git had finished it: MAIN is at ${record.mainBefore.slice(0, 12)}, and the merge is recorded as rolled back.`);
  }

  /**
   * A merge left gating whose MAIN is back at the commit before it: its gate had failed and the
   * rollback was under way when the host stopped, and git finished it (or a person did the
   * same). Recorded as rolled back before MAIN's guards look, which would take it for a reset
   * made outside Grove, and not left to a rollback that would be refused.
   */
  private async settleFinishedRollback(repo: Repo, listed: MergeRecord): Promise<void> {
    const record = this.deps.merges.get(listed.id);
    if (record?.state !== 'gating' || record.mainAfter === record.mainBefore) return;
    const head = (await runGit(repo.mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1] })).stdout.trim();
    if (head !== record.mainBefore) return;
    // At that commit on its branch, as the rollback leaves it (detached there, the branch may still hold the merge).
    if ((await runGit(repo.mainPath, ['symbolic-ref', '-q', 'HEAD'], { okCodes: [1] })).code !== 0) return;
    this.deps.mainWatch.setKnownHead(repo.id, head);
    this.update(record, { state: 'rolled-back' });
    this.alert(repo, `${interruptedWhy(record)}; MAIN is back at the commit before the merge (${head.slice(0, 12)}), so the merge is recorded as rolled back. Merge the lane again once it is fixed.`);
  }

  /**
   * What became of `intent`, read from MAIN (under the repository lock), and its record or
   * undoing. `why` opens the alert: the host that stopped, or a live merge whose git failed.
   * The intent is settled last, so a host killed again meanwhile finds it again.
   */
  private async settleIntent(repo: Repo, intent: MergeIntent, live: { failed: string } | null = null): Promise<void> {
    const why = live ? `Merging lane ${intent.laneName} into MAIN failed (${live.failed})` : stoppedMerging(intent);
    const git = (args: string[], okCodes: number[] = []) => runGit(repo.mainPath, args, { okCodes });
    const rev = async (name: string): Promise<string> => (await git(['rev-parse', '--verify', '-q', `${name}^{commit}`], [1])).stdout.trim();
    const written = await rev(intent.recoveryRef);
    // The recovery ref is written before git merges: without it, MAIN was never touched.
    if (!written) return this.deps.merges.settle(repo.id);
    const before = intent.mainBefore ?? written;
    const resume = this.deps.mainWatch.pause(repo.id);
    const alert = (message: string): void => {
      this.deps.merges.settle(repo.id);
      this.alert(repo, message);
    };
    try {
      const head = await rev('HEAD');
      // git dies soon after the host (its output pipe is gone), so it may have left its merge
      // half-made: the lane's changes staged in MAIN (its commit not written), or conflicts.
      const mergeHead = await rev('MERGE_HEAD');
      const index = await git(['write-tree'], [128]); // 128: unmerged entries
      const tree = async (commit: string): Promise<string> => (await git(['rev-parse', `${commit}^{tree}`])).stdout.trim();
      if (head === before) {
        // git stopped (killed) while it held MAIN's index: the index cannot be read as it is,
        // nor undone (git refuses while the lock is there). The merge's git has been ended by
        // now (command groups), so the lock is stale, but only a person can say what else ran.
        if (existsSync(join(await worktreeGitDir(repo.mainPath), 'index.lock'))) {
          return alert(
            `${why}, before the merge was made; MAIN's commit is as it was (${before.slice(0, 12)}), but git stopped while it held MAIN's index and left .git/index.lock there. Grove left MAIN as it is: once no git runs in MAIN, remove .git/index.lock, check MAIN (\`git status\`; \`git reset --merge\` undoes a merge left half-made), then merge the lane again.`,
          );
        }
        const headTree = await tree(head);
        if (index.code === 0 && index.stdout.trim() === headTree && !mergeHead) {
          // Nothing staged. A git stopped while it wrote the merge's files leaves them in the
          // working tree only: MAIN was clean before the merge (its preflight), so what differs
          // now is that, or an edit made since; either way it is left for the operator.
          const left = (await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'])).stdout.split('\0').filter(Boolean).map((l) => l.slice(3));
          if (left.length === 0) return alert(`${why}, before the merge was made: MAIN is as it was (${before.slice(0, 12)}). Merge the lane again.`);
          return alert(
            `${why}, before the merge was made; MAIN's commit is as it was (${before.slice(0, 12)}), but its files differ from it (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}): git may have been writing them as it stopped. Grove left MAIN as it is: check it (\`git status\`), restore what git half-wrote (\`git checkout -- FILE\`), then merge the lane again.`,
          );
        }
        const grovesOwn =
          // A conflicted merge of the lane's commit, or its abort cut short (MERGE_HEAD left, the index back at HEAD).
          (mergeHead === intent.commit && (index.code !== 0 || index.stdout.trim() === headTree)) ||
          (index.code === 0 && index.stdout.trim() === (await mergedTree(repo.mainPath, before, intent.commit)));
        if (!grovesOwn) {
          return alert(`${why}, before the merge was made, and MAIN holds uncommitted changes that are not that merge's, so Grove left them as they are. Check MAIN (git status); \`git merge --abort\` or \`git reset --merge\` there undoes a merge left half-made.`);
        }
        // Exactly the half-made merge, unchecked, in the served checkout: Grove's own, so Grove
        // undoes it (what \`git merge --abort\` does, which needs the MERGE_HEAD git may not have written).
        const undone = await git(['reset', '--merge'], [128]);
        return alert(
          undone.code === 0
            ? `${why}, before the merge was made; the half-made merge was undone, so MAIN is as it was (${before.slice(0, 12)}). Merge the lane again.`
            : `${why}, before the merge was made, and undoing the half-made merge failed (${undone.stderr.trim()}): MAIN holds the lane's changes uncommitted. Run \`git reset --merge\` in MAIN, then merge the lane again.`,
        );
      }
      const parents = head ? (await git(['rev-list', '--parents', '-n', '1', head])).stdout.trim().split(' ').slice(1) : [];
      const fastForward = head === intent.commit && (await git(['merge-base', '--is-ancestor', before, head], [1])).code === 0;
      const mergeCommit = parents.length === 2 && parents[0] === before && parents[1] === intent.commit;
      if (!fastForward && !mergeCommit) {
        const contains = head !== '' && (await git(['merge-base', '--is-ancestor', intent.commit, head], [1])).code === 0;
        return alert(
          contains
            ? `${why}, and MAIN has moved on since (now ${head.slice(0, 12)}), with the lane's commit in it: the merge landed, but it is not recorded and MAIN's gate has not checked it. Check MAIN; ${intent.recoveryRef} holds it as it was before the merge.`
            : `${why}, and MAIN has moved since in a way that is not that merge (now ${head ? head.slice(0, 12) : 'no commit'}), so nothing was recorded. Check MAIN; ${intent.recoveryRef} holds it as it was before the merge.`,
        );
      }
      // git died after writing the merge commit but before tidying up: its MERGE_HEAD would
      // read as a merge in progress (and stop a rollback). Nothing else differs from the commit.
      if (mergeHead && index.code === 0 && index.stdout.trim() === (await tree(head))) await git(['reset', '--merge']);
      let record = this.recordOf(intent, { strategy: mergeCommit ? 'merge-commit' : 'fast-forward', mainBefore: before, mainAfter: head });
      // A live merge that failed after git made it does not go on to its gate: it waits for the operator.
      if (live && record.state === 'gating') record = { ...record, state: 'awaiting-rollback' };
      this.deps.mainWatch.setKnownHead(repo.id, head);
      this.deps.merges.insert(record); // settles the intent, in the same transaction
      this.deps.events.append({ type: 'merge.updated', merge: record });
      // Gated after a host stopped, the gate runs next (recoverGating), and says how it went.
      if (!intent.gated) this.alert(repo, `${why}, after the merge was made (${head.slice(0, 12)}): it is recorded now, and stands (MAIN has no gate).`);
      else if (live) this.alert(repo, `${why}, after the merge was made (${head.slice(0, 12)}): it is recorded, unchecked by MAIN's gate. Roll it back (grove merge --rollback) or keep it.`);
    } finally {
      resume();
    }
  }

  private recordOf(intent: MergeIntent, merged: Pick<MergeRecord, 'strategy' | 'mainBefore' | 'mainAfter'>): MergeRecord {
    return {
      id: intent.id,
      repoId: intent.repoId,
      laneId: intent.laneId,
      laneName: intent.laneName,
      branch: intent.branch,
      strategy: merged.strategy,
      mainBefore: merged.mainBefore,
      mainAfter: merged.mainAfter,
      recoveryRef: intent.recoveryRef,
      state: intent.gated ? 'gating' : 'merged',
      gateOutput: null,
      agents: intent.agents,
      at: intent.at,
    };
  }

  /**
   * On host start: a merge still `gating` was interrupted (the host died while its gate ran),
   * so MAIN holds a merge nobody checked. Its gate runs again — and a failure rolls it back
   * or waits for the operator, per merge.rollback, as during the merge. When the gate cannot
   * run again (MAIN moved since, grove.yaml unusable) the merge waits for the operator
   * (awaiting-rollback, so `grove merge --rollback` can undo it). One alert either way. Then
   * the ephemeral lanes whose merge stands and that were not removed (removeMergedEphemeralLanes).
   */
  async recoverGating(): Promise<void> {
    const interrupted = this.deps.merges.list(undefined, RECOVERY_SCAN).filter((m) => m.state === 'gating');
    for (const record of interrupted) {
      const repo = this.deps.repos.get(record.repoId);
      if (!repo) continue;
      await this.track(this.deps.locks.run(repo.id, () => this.regate(repo, record))).catch((e: unknown) => {
        this.update(record, { state: 'awaiting-rollback' });
        this.alert(repo, `${interruptedWhy(record)}; re-running it failed (${e instanceof Error ? e.message : String(e)}). Check MAIN, then roll the merge back (grove merge --rollback) or keep it.`);
      });
    }
    await this.removeMergedEphemeralLanes();
  }

  /**
   * On host start, after the gates above ran again: an ephemeral lane whose latest merge
   * stands, with nothing on its branch since, is one a host stopped (or died) before removing
   * after that merge, or whose removal then was refused. It is removed now, as the merge
   * would have done, with its merged branch; one alert. A lane with work since is left alone.
   */
  private async removeMergedEphemeralLanes(): Promise<void> {
    const merges = this.deps.merges.list(undefined, RECOVERY_SCAN);
    for (const lane of this.deps.lanes.list()) {
      if (this.deps.stopping?.aborted) return;
      const merge = merges.find((m) => m.laneId === lane.id);
      const repo = this.deps.repos.get(lane.repoId);
      if (lane.kind !== 'ephemeral' || !lane.branch || merge?.state !== 'merged' || !repo) continue;
      // A merge this host made removes its lane itself (it may be doing so now).
      if (Date.parse(merge.at) >= this.startedAt) continue;
      const branch = lane.branch;
      const git = (args: string[]) => runGit(repo.mainPath, args, { okCodes: [1, 128] });
      const tip = await git(['rev-parse', '--verify', '-q', `refs/heads/${branch}^{commit}`]);
      if (tip.code !== 0 || (await git(['merge-base', '--is-ancestor', tip.stdout.trim(), merge.mainAfter])).code !== 0) continue;
      const why = `The ephemeral lane ${lane.name} was merged into MAIN and not removed (the host stopped first, or its removal was refused)`;
      try {
        // Waited for by the stop (settled), as a merge's own removal is.
        const removed = await this.track(this.deps.laneService.removeLane(lane.id, { archive: false, stopAgents: true }));
        if (!removed.ok) {
          this.alert(repo, `${why}, and removing it now failed: ${removed.error.message}`);
          continue;
        }
        const deleted = await deleteMergedBranch(repo.mainPath, branch, merge.mainAfter);
        this.alert(repo, deleted.ok ? `${why}: the lane and its merged branch are removed now.` : `${why}: the lane is removed now; its branch is kept: ${deleted.error.message}`);
      } catch (e) {
        this.alert(repo, `${why}, and removing it now failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private async regate(repo: Repo, listed: MergeRecord): Promise<void> {
    // Read again under the lock: a merge that was running when the list was read has finished by now.
    const record = this.deps.merges.get(listed.id);
    if (record?.state !== 'gating') return;
    const resume = this.deps.mainWatch.pause(repo.id);
    try {
      const interrupted = interruptedWhy(record);
      const head = (await runGit(repo.mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1] })).stdout.trim();
      if (head !== record.mainAfter) {
        this.update(record, { state: 'awaiting-rollback' });
        this.alert(repo, `${interrupted}, and MAIN has moved since (now ${head ? head.slice(0, 12) : 'no commit'}), so the gate was not run again. Check MAIN; roll the merge back (grove merge --rollback) if it must go.`);
        return;
      }
      // The gate judges MAIN's files, which must be the merged commit's: a rollback cut short
      // (its files back at the old code, HEAD still at the merge) or edits made since would
      // have the gate pass, or fail, on something else than what was merged.
      const changed = (await runGit(repo.mainPath, ['diff', '--name-only', '-z', 'HEAD', '--'])).stdout.split('\0').filter(Boolean);
      // A file the merge deleted, back untracked (the rollback had begun writing the old tree).
      const untracked = (await runGit(repo.mainPath, ['ls-files', '--others', '--exclude-standard', '-z'])).stdout.split('\0').filter(Boolean);
      if (untracked.length > 0) {
        const deleted = new Set((await runGit(repo.mainPath, ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=D', record.mainBefore, record.mainAfter, '--'])).stdout.split('\0'));
        changed.push(...untracked.filter((p) => deleted.has(p)));
      }
      if (changed.length > 0) {
        this.update(record, { state: 'awaiting-rollback' });
        const named = `${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, and ${changed.length - 5} more` : ''}`;
        this.alert(
          repo,
          `${interrupted}, and MAIN's files are not the merged commit's (changed: ${named}; a rollback cut short, or edits made since), so the gate was not run again. Check MAIN (git status): roll the merge back (grove merge --rollback) if it must go.`,
        );
        return;
      }
      const loaded = usableConfig(this.deps.repos, repo, this.deps.dataDir);
      if (!loaded.ok) {
        this.update(record, { state: 'awaiting-rollback' });
        this.alert(repo, `${interrupted}; the gate cannot run again: ${loaded.error.message}`);
        return;
      }
      const config = loaded.value.merge ?? {};
      const gate = mainGateOf(loaded.value);
      if (!gate) {
        this.update(record, { state: 'merged' });
        this.alert(repo, `${interrupted}; grove.yaml no longer declares a gate, so the merge stands unchecked.`);
        return;
      }
      if (this.deps.stopping?.aborted) return; // the next host runs it
      const gated = await this.runGate(repo.id, gate, {
        cwd: repo.mainPath,
        env: mainCommandEnv(this.deps.baseEnv, repo),
        timeoutMs: (config.timeoutSeconds ?? 600) * 1000,
        mask: this.deps.mask,
        output: () => undefined,
        groups: this.deps.commandGroups,
        signal: this.deps.stopping,
      });
      if (gated.ok) {
        this.update(record, { state: 'merged' });
        this.alert(repo, `${interrupted}; it ran again on start and passed: the merge stands.`);
        return;
      }
      if (gated.cutShort) return; // cut short by this host's stop: the next one runs it again
      const why = `${interrupted}; it ran again on start and ${gated.why}`;
      await this.gateFailed(repo, record, config, why, tailLines(gated.outputTail).join('\n'), new Date().toISOString().replace(/[:.]/g, '-'));
    } finally {
      resume();
    }
  }

  /**
   * Rolls a merge back at the operator's word. Its state is read inside the repository lock
   * (a rollback or a merge queued before this one may have changed it), and nothing is
   * written when the rollback is refused: the rolled-back ref appears only with the reset.
   */
  async rollback(id: string): Promise<Result<{ merge: MergeRecord; keptRef: string }, ApiError>> {
    const known = this.deps.merges.get(id);
    if (!known) return err(apiError('merge_unknown', `No merge with id ${id}.`, { id }));
    const repo = this.deps.repos.get(known.repoId);
    if (!repo) return err(apiError('repo_unknown', `The merge's repository is no longer registered.`, { id }));
    return this.deps.locks.run(repo.id, async () => {
      const merge = this.deps.merges.get(id);
      if (!merge) return err(apiError('merge_unknown', `No merge with id ${id}.`, { id }));
      if (merge.state !== 'awaiting-rollback' && merge.state !== 'merged') {
        return err(apiError('merge_not_rollbackable', `The merge of ${merge.laneName} is ${merge.state}; there is nothing to roll back.`, { id }));
      }
      const resume = this.deps.mainWatch.pause(repo.id);
      try {
        const keepRef = `refs/grove/rolled-back/${new Date().toISOString().replace(/[:.]/g, '-')}`;
        const rolled = await rollbackMain(repo.mainPath, { recoveryRef: merge.recoveryRef, target: merge.mainBefore, expectedHead: merge.mainAfter, keepRef });
        if (!rolled.ok) return err(apiError('merge_not_rollbackable', rolled.error.message, { id, kind: rolled.error.kind }));
        this.deps.mainWatch.setKnownHead(repo.id, merge.mainBefore);
        return ok({ merge: this.update(merge, { state: 'rolled-back' }), keptRef: keepRef });
      } catch (e) {
        return err(gitFailure(e));
      } finally {
        resume();
      }
    });
  }

  private update(record: MergeRecord, change: Partial<Pick<MergeRecord, 'state' | 'gateOutput'>>): MergeRecord {
    const next = this.deps.merges.update(record.id, change) ?? { ...record, ...change };
    this.deps.events.append({ type: 'merge.updated', merge: next });
    return next;
  }

  /**
   * Refused while MAIN is not where Grove left it (commits made in MAIN by hand, a reset): a
   * merge would make its head the one Grove knows, and the guard's report of those commits,
   * which the operator has not accepted, would vanish with no word. Nothing when it is.
   */
  private mainAsLeft(repo: Repo, mainHead: string): MergeCheck[] {
    const known = this.deps.mainWatch.knownHead(repo.id);
    if (known === null || known === mainHead) return [];
    return [
      {
        name: 'main-clean',
        ok: false,
        message: `MAIN moved outside Grove's merge (Grove left it at ${known.slice(0, 12)}; it is at ${mainHead.slice(0, 12)}): accept MAIN as it is (\`grove repo accept-main\`, or the MAIN view), or restore it, then merge again`,
        detail: [],
      },
    ];
  }

  private alert(repo: Repo, message: string): void {
    this.deps.events.append({ type: 'alert', agentId: null, repoId: repo.id, message });
  }

  handlers(): Pick<Handlers, 'lanes.merge' | 'merges.list' | 'merges.rollback'> {
    return {
      'lanes.merge': ({ id, dryRun, commitMessage }) => {
        // A dry run changes nothing, the lane included: it is never a way to commit.
        if (dryRun && commitMessage !== undefined) {
          return err(apiError('invalid_request', 'A dry run is the preflight only and commits nothing: leave out the commit message (--commit) to check, or the dry run (--dry-run) to commit and merge.'));
        }
        return this.merge(id, { dryRun: dryRun ?? false, ...(commitMessage ? { commitMessage } : {}) });
      },
      'merges.list': ({ repoId }) => ok({ merges: this.deps.merges.list(repoId) }),
      'merges.rollback': ({ id }) => this.rollback(id),
    };
  }
}

function tailLines(text: string): string[] {
  return text.trimEnd().split('\n').slice(-OUTPUT_TAIL_LINES);
}

/** The time a rolled-back ref's name holds (`2026-12-06T10-04-05-123Z`, an ISO time with : and . made -), or NaN. */
function stampOfRef(name: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(name);
  return m ? Date.parse(`${m[1]}:${m[2]}:${m[3]}.${m[4]}Z`) : Number.NaN;
}

/** What a merge is checked, made and gated by (grove.yaml's merge settings, MAIN's probes), to tell whether it changed. */
function mergeSettingsOf(config: GroveConfig): string {
  return JSON.stringify({ merge: config.merge ?? null, probes: config.health?.probes ?? null });
}
