import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideExternalUrl } from '../../shared/external-url';
import type { GroveConfig } from '../../shared/config';
import { apiError, type ApiError } from '../../shared/errors';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import { renderShellTemplate, renderTemplate, TemplateError, type ShellCommand } from '../config/template';
import type { EventLog } from '../events/event-log';
import type { RepoStore } from '../repos/repo-store';
import { withJobs, type JobReporter, type StartJob } from './job-reporter';
import { laneCommandEnv, templateVarsOf } from './lane-context';
import type { LaneRecord, LaneStore } from './lane-store';
import type { RepoLocks } from './repo-lock';
import { isTrustRefusal, usableConfig } from './repo-config';
import { howItEnded, runCommands } from './setup/run-commands';
import { findLane } from './find-lane';
import { toLane } from './lane-view';
import type { CommandGroups } from './setup/command-groups';

/**
 * Served lanes: a lane answering on its own URL so its UI can be checked live against the
 * shared services (the seed's flower-design.test). Either a site recipe (link and unlink
 * commands, e.g. `herd link {{lane}}`) or a server Grove supervises like an agent, in the
 * lane's terminal tab, so its log is one click away.
 */
export interface ServerAgents {
  /** The lane's own variables (GROVE_PORT, …) reach it as they reach every agent of the lane. */
  startServer(o: { lanePath: string; name: string; script: string; env: Record<string, string> }): Result<string, ApiError>;
  /** Stops it and keeps it, its log with it. */
  stop(id: string): Promise<void>;
  stopAndForget(id: string): Promise<void>;
  isLive(id: string): boolean;
}

export interface LaneServerDeps {
  lanes: LaneStore;
  repos: RepoStore;
  events: EventLog;
  agents: ServerAgents;
  dataDir: string;
  baseEnv: NodeJS.ProcessEnv;
  mask: (text: string) => string;
  locks: RepoLocks;
  /** Records a site's link and unlink commands while they run (ended with the host, or by the next one after a crash). */
  commandGroups?: CommandGroups;
}

export class LaneServer {
  constructor(private readonly deps: LaneServerDeps) {}

  serve(repo: Repo, lane: LaneRecord, config: GroveConfig): Promise<Result<LaneRecord, ApiError>> {
    return withJobs(this.deps.events, this.deps.mask, (startJob) => this.serveWith(startJob, repo, lane, config));
  }

  private async serveWith(startJob: StartJob, repo: Repo, lane: LaneRecord, config: GroveConfig): Promise<Result<LaneRecord, ApiError>> {
    const serve = config.serve;
    if (!serve || (!serve.site && !serve.command)) {
      return err(apiError('serve_not_configured', `${repo.name}'s grove.yaml has no serve recipe: add serve.site (link, unlink, url) or serve.command and serve.url.`, { repoId: repo.id }));
    }
    if (lane.served) return ok(lane);
    if (!existsSync(lane.path)) return err(apiError('lane_missing', `The folder of lane ${lane.name} (${lane.path}) is gone, so there is nothing to serve: remove the lane, or restore its folder.`, { lanePath: lane.path }));
    const vars = templateVarsOf(repo, lane);
    let url: string;
    try {
      url = renderTemplate(serve.site?.url ?? serve.url ?? '', vars);
    } catch (e) {
      return err(templateFailure(e));
    }
    // Shown as a link in the UI: a web page only (a custom scheme would launch another application).
    const link = decideExternalUrl(url);
    if (!link.open) return err(apiError('config_invalid', `serve.url of ${repo.name}'s grove.yaml renders to ${JSON.stringify(url)}: ${link.reason}. Give an http(s) URL, e.g. http://127.0.0.1:{{port}}.`, { url }));
    const job = startJob({ kind: 'lane.serve', repoId: repo.id, laneName: lane.name, title: `Serve ${lane.name} at ${url}` });
    let served: LaneRecord['served'];
    if (serve.site) {
      const ran = await this.runSiteCommand(repo, lane, config, serve.site.link, job, 1);
      if (!ran.ok) return ran;
      served = { url, mode: 'site', agentId: null };
    } else {
      job.step(1, 1, `start ${serve.command}`);
      let script: ShellCommand;
      try {
        script = renderShellTemplate(serve.command!, vars);
      } catch (e) {
        job.finish(false, (e as Error).message);
        return err(templateFailure(e));
      }
      const started = this.deps.agents.startServer({ lanePath: lane.path, name: `serve-${lane.name}`, script: script.command, env: script.env });
      if (!started.ok) {
        job.finish(false, started.error.message);
        return started;
      }
      served = { url, mode: 'command', agentId: started.value };
    }
    const updated = this.deps.lanes.update(lane.id, { served }) ?? lane;
    this.deps.events.append({ type: 'lane.updated', lane: toLane(updated) });
    job.finish(true, `${lane.name} is served at ${url}`);
    return ok(updated);
  }

  /**
   * Stops serving. `removal`: the job of the lane's removal this is a step of, which its owner
   * ends; a server is then only stopped, and the removal forgets it with the lane's other
   * agents (keeping its log with theirs when the lane is archived).
   */
  unserve(repo: Repo, lane: LaneRecord, config: GroveConfig, removal?: JobReporter): Promise<Result<LaneRecord, ApiError>> {
    return withJobs(this.deps.events, this.deps.mask, (startJob) => this.unserveWith(startJob, repo, lane, config, removal));
  }

  private async unserveWith(startJob: StartJob, repo: Repo, lane: LaneRecord, config: GroveConfig, job?: JobReporter): Promise<Result<LaneRecord, ApiError>> {
    if (!lane.served) return ok(lane);
    const own = job ?? startJob({ kind: 'lane.serve', repoId: repo.id, laneName: lane.name, title: `Stop serving ${lane.name}` });
    if (lane.served.mode === 'site' && config.serve?.site) {
      const gone = !existsSync(lane.path);
      // A removal's own job is ended by the removal, which says what its failure left.
      const ran = await this.runSiteCommand(repo, lane, config, config.serve.site.unlink, own, 1, !job && !gone);
      if (!ran.ok) {
        if (!gone) return ran;
        // Kept served, a lane whose folder is gone could never be unserved or removed: every
        // try would run this unlink again, and fail again. Its site serves nothing now.
        own.output(`The unlink failed and ${lane.path} is gone, so ${lane.name} is no longer served; if ${lane.served.url} is still linked, unlink it by hand.\n`);
      }
    } else if (lane.served.agentId) {
      if (!job) own.step(1, 1, 'stop the server');
      const id = lane.served.agentId;
      await (job ? this.deps.agents.stop(id) : this.deps.agents.stopAndForget(id));
      // A server its stop could not end (the agent stays, its alert says so) still serves:
      // the lane stays served, and a removal stops there rather than go on with it running.
      if (this.deps.agents.isLive(id)) {
        const message = `The server of ${lane.name} did not stop: end its process by hand, then stop serving again.`;
        if (!job) own.finish(false, message);
        return err(apiError('lane_has_live_agents', message, { agents: [id] }));
      }
    }
    const updated = this.deps.lanes.update(lane.id, { served: null }) ?? lane;
    this.deps.events.append({ type: 'lane.updated', lane: toLane(updated) });
    if (!job) own.finish(true, `${lane.name} is no longer served`);
    return ok(updated);
  }

  /** Forgets a server `unserve` stopped for a removal that did not go through (its log goes with it). */
  forgetServer(agentId: string): Promise<void> {
    return this.deps.agents.stopAndForget(agentId);
  }

  /** On host start: servers died with the previous host; start them again. */
  async reconcile(): Promise<void> {
    for (const lane of this.deps.lanes.list()) {
      if (lane.served?.mode !== 'command' || (lane.served.agentId && this.deps.agents.isLive(lane.served.agentId))) continue;
      const repo = this.deps.repos.get(lane.repoId);
      const config = repo && usableConfig(this.deps.repos, repo, this.deps.dataDir);
      if (lane.served.agentId) await this.deps.agents.stopAndForget(lane.served.agentId);
      const cleared = this.deps.lanes.update(lane.id, { served: null }) ?? lane;
      // Served again, the lane is announced with its new server; otherwise as no longer served.
      const again = repo && config?.ok ? await this.serve(repo, cleared, config.value) : null;
      if (!again?.ok) this.deps.events.append({ type: 'lane.updated', lane: toLane(cleared) });
    }
  }

  /**
   * `ownsJob`: a failure ends `job` here; otherwise the caller ends it. Run in the lane's
   * folder; when that is gone (deleted by hand), in an empty folder of its own, so the
   * command can still undo what lives elsewhere (a web server's link) while a relative path
   * in it reaches nothing, MAIN's files least of all.
   */
  private async runSiteCommand(repo: Repo, lane: LaneRecord, config: GroveConfig, template: string, job: JobReporter, step: number, ownsJob = true): Promise<Result<void, ApiError>> {
    let command: ShellCommand;
    try {
      command = renderShellTemplate(template, templateVarsOf(repo, lane));
    } catch (e) {
      if (ownsJob) job.finish(false, (e as Error).message);
      return err(templateFailure(e));
    }
    const stand = existsSync(lane.path) ? null : mkdtempSync(join(tmpdir(), 'grove-site-'));
    if (stand) job.output(`${lane.path} is gone: running "${command.command}" in an empty folder instead.\n`);
    const outcome = await runCommands([command.command], {
      cwd: stand ?? lane.path,
      env: { ...laneCommandEnv(this.deps.baseEnv, repo, lane, config), ...command.env },
      timeoutMs: 120_000,
      onStep: (_i, _n, c) => job.step(step, step, c),
      onOutput: (d) => job.output(d),
      mask: this.deps.mask,
      groups: this.deps.commandGroups,
    }).finally(() => {
      try {
        if (stand) rmSync(stand, { recursive: true, force: true });
      } catch {
        // An empty folder in the temp dir, left: nothing to say over the command's own outcome.
      }
    });
    if (outcome.ok) return ok(undefined);
    const why = `"${outcome.command}" ${howItEnded(outcome)}`;
    if (ownsJob) job.finish(false, why);
    return err(apiError('lane_setup_failed', `${why}:\n${outcome.outputTail.trim()}`, { command: outcome.command, output: outcome.outputTail }));
  }

  handlers(): Pick<Handlers, 'lanes.serve'> {
    return {
      'lanes.serve': async ({ id, on }) => {
        const found = findLane(this.deps.lanes, this.deps.repos, id);
        if (!found.ok) return found;
        const { lane, repo } = found.value;
        // Stopping runs nothing of grove.yaml's but a site's unlink, which an untrusted repository skips.
        const strict = usableConfig(this.deps.repos, repo, this.deps.dataDir);
        const config = !on && !strict.ok && isTrustRefusal(strict.error) ? usableConfig(this.deps.repos, repo, this.deps.dataDir, { withoutRecipes: true }) : strict;
        if (!config.ok) return config;
        // Under the repository's lock, as a removal is: a link made while a removal tears the
        // lane down would be left pointing at a deleted folder, never unlinked.
        return this.deps.locks.run(repo.id, async () => {
          const now = this.deps.lanes.get(lane.id);
          if (!now || now.path !== lane.path) return err(apiError('lane_unknown', `The lane ${lane.name} was removed meanwhile.`, { id }));
          const r = on ? await this.serve(repo, now, config.value) : await this.unserve(repo, now, config.value);
          return r.ok ? ok({ lane: toLane(r.value) }) : r;
        });
      },
    };
  }
}

function templateFailure(e: unknown): ApiError {
  if (e instanceof TemplateError) return apiError('config_invalid', e.message);
  throw e;
}
