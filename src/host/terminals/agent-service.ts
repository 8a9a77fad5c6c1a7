import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import { isLiveSupervision, type AgentInfo, type ConfineCeiling, type Confinement, type StartAgentParams, type SupervisionView } from '../../shared/agents';
import { apiError, type ApiError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { encodeOutputFrame } from '../../shared/terminal-frames';
import type { Handlers, WsPeer } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import { maskSecrets, type Logger } from '../logger';
import type { RepoStore } from '../repos/repo-store';
import { AgentRuntime, type LaunchPlan } from './agent-runtime';
import type { AgentRecord, AgentStore } from './agent-store';
import { agentEnv, maskedEnv } from './agent-env';
import { envSecretValues } from '../env-secrets';
import { AgentTokens, maskAgentTokens } from './agent-tokens';
import { shellQuote, writeClaudeHookSettings } from './claude-hook-settings';
import { checkLane } from './lane-check';
import { OutputLog } from './output-log';
import { findAgentProcesses, processStartTime } from './process-tree';
import { PRESETS, confinedArgsOf, fillTemplate, isStartedAgainOnHostStart, mcpArgs } from './presets';
import { claudeMcpConfig, mcpUrlOf } from '../../shared/mcp-client-config';
import { resolveCommand } from './resolve-command';
import { hasStopFailureHook, installedClaudeVersion } from './claude-version';
import { ReportLimiter, ReportLimits, type ReportLimitConfig } from './report-limiter';
import { DEFAULT_STOP, endLeftovers, stopAgentProcesses, type StopTimings } from './stop-agent-processes';
import { DEFAULT_RESTART, type RestartConfig } from './supervision';
import { TerminalConstants } from './terminal-constants';
import { ClaudeTranscriptReader, claudeTranscriptPath } from './context/claude-transcript';
import { CodexRolloutReader } from './context/codex-rollout';
import { findCodexRollout } from './context/find-codex-rollout';
import type { ContextReading } from './context/context-reading';
import { renderScreen } from './screen/render-screen';
import { beyondCeiling, type ConfinedLaunch, type ConfineRequest } from '../confine/agent-confinement';

/**
 * All agents of this host: starting them (lane and command checked first), their runtimes,
 * reconciliation after a host restart, the agents.* API methods and the stream of output
 * to attached WebSockets.
 */
export interface AgentServiceDeps {
  store: AgentStore;
  repos: RepoStore;
  events: EventLog;
  logger: Logger;
  /** Per-agent files (output logs, hook settings) live under here. */
  agentsDir: string;
  hostUrl: () => string;
  /** argv prefix that runs `grove` (for hook commands). */
  groveCommand: string[];
  baseEnv: NodeJS.ProcessEnv;
  /** What the agent's lane adds (GROVE_PORT, …) and withholds (a key-less lane's keys). */
  /** `keyless`: withhold as a key-less lane does whatever this lane is (a key-less ceiling: confine/confine-ceiling.ts). */
  laneContext?: (lanePath: string, o?: { keyless: boolean }) => { env: Record<string, string>; withhold: string[] };
  /** Every lane's folder: an agent is not started inside one (lane-check.ts). */
  lanePaths?: () => readonly string[];
  /** Whether the lane at this folder is being removed: no agent starts there then. */
  laneBeingRemoved?: (lanePath: string) => boolean;
  scrollbackBytes?: number;
  restartCfg?: RestartConfig;
  stopTimings?: StopTimings;
  now?: () => number;
  /** How often one agent may call agents.report (default ReportLimits). */
  reportLimits?: ReportLimitConfig;
  /** Whether and how each launch is confined (confine/agent-confinement.ts); without it, never. */
  confine?: (req: ConfineRequest) => ConfinedLaunch;
}

const NOT_CONFINED: ConfinedLaunch = {
  info: { confined: false, mechanism: null, reason: 'this host confines no agent', network: 'open' },
  wrap: (file, args, env) => ({ file, args, env }),
};
const CANNOT_KEEP_CEILING: ConfinedLaunch = {
  info: NOT_CONFINED.info,
  wrap: () => {
    throw new Error(`cannot confine it: ${beyondCeiling('this host confines no agent')}. Dispatch it yourself (the cockpit's Dispatch, or grove dispatch)`);
  },
};

const ATTACHMENTS = 'agents.attachments';
/** A socket's paste pieces not yet written (`agents.input` with `more`), by agent. */
const HELD_INPUT = 'agents.heldInput';
/** The most a socket may hold for one agent before the last piece: 16 Mi characters. */
export const MAX_HELD_INPUT = 16 * 1024 * 1024;
type PeerAttachments = Map<string, number>; // agentId → client id in that runtime

export class AgentService {
  private readonly runtimes = new Map<string, AgentRuntime>();
  /** Per agent: what its context reader does when a new run starts. */
  private readonly runStartHooks = new Map<string, (at: number) => void>();
  /** Codex rollout files already bound to an agent: two Codex agents in one lane never share one. */
  private readonly claimedRollouts = new Map<string, string>();
  readonly tokens = new AgentTokens();
  private handoffFor: (dispatchId: string) => string | null = () => null;

  /** What a recycled agent of a dispatch is handed first (its brief); set by the dispatch capability, built after agents. */
  setHandoff(fn: (dispatchId: string) => string | null): void {
    this.handoffFor = fn;
  }
  private shuttingDown = false;
  private readonly reports: ReportLimiter;
  /** Each agent's current leader and when it started, read once per run (off Linux it costs a `ps`). */
  private readonly leaderStarts = new Map<string, { pid: number; start: string | null }>();

  constructor(private readonly deps: AgentServiceDeps) {
    this.reports = new ReportLimiter(deps.reportLimits ?? ReportLimits, () => this.now());
  }

  private get now(): () => number {
    return this.deps.now ?? Date.now;
  }

  /**
   * On host start: every agent the previous host left running is ended (never two copies
   * of one agent), marked lost, and brought back if it asked for auto-resume. One it left
   * stopping was being stopped for good (by the operator, a lost claim, a lane's removal: a
   * shutdown keeps records as they were, and a restart's stop is recorded as running): it is
   * ended and stays stopped, never started again behind the operator's back.
   */
  async reconcile(): Promise<void> {
    for (const record of this.deps.store.list()) {
      const runtime = this.createRuntime(record);
      const wasLive = isLiveSupervision(record.state as SupervisionView['kind']);
      if (!wasLive) continue;
      // The pid is the previous host's: off Linux it counts only if its process started when the recorded one did.
      const leftovers = findAgentProcesses(record.id, record.pid, record.pidStart);
      if (leftovers.length > 0) {
        this.deps.logger.warn('ending leftovers of the previous host', { agent: record.id, pids: leftovers });
        await stopAgentProcesses(record.id, record.pid, { interruptMs: 200, graceMs: 2000 }, record.pidStart);
      }
      if (record.state === 'stopping') {
        runtime.markStopped();
        continue;
      }
      runtime.markLost();
      if (record.autoResume && isStartedAgainOnHostStart(PRESETS[record.preset], record.sessionId)) runtime.start(runtime.info().canResume);
    }
  }

  /** Names of live agents whose lane is `path` or inside it. */
  liveAgentsIn(path: string, exceptIds: readonly string[] = []): string[] {
    return this.runtimesIn(path)
      .filter((r) => r.isLive && !exceptIds.includes(r.record.id))
      .map((r) => r.record.name);
  }

  /** The agents working in the lane (or MAIN) at `path`, or in a directory below it. */
  private leaderStart(agentId: string, pid: number): string | null {
    const known = this.leaderStarts.get(agentId);
    if (known?.pid === pid) return known.start;
    const start = processStartTime(pid);
    this.leaderStarts.set(agentId, { pid, start });
    return start;
  }

  private runtimesIn(path: string): AgentRuntime[] {
    return [...this.runtimes.values()].filter((r) => r.record.lanePath === path || r.record.lanePath.startsWith(path + '/'));
  }

  list(): AgentInfo[] {
    return [...this.runtimes.values()].map((r) => r.info());
  }

  /** One agent by id (a token names one on every MCP request): no list of all of them built for it. */
  info(id: string): AgentInfo | null {
    return this.runtimes.get(id)?.info() ?? null;
  }

  /**
   * What an agent's launch adds from its lane, and every variable it goes without: its own
   * list, its lane's (key-less when its ceiling says so), and its ceiling's (the agent that
   * dispatched it went without those).
   */
  private launchContext(record: AgentRecord): { env: Record<string, string>; withhold: string[] } {
    const lane = this.deps.laneContext?.(record.lanePath, { keyless: record.ceiling?.keyless ?? false }) ?? { env: {}, withhold: [] };
    return { env: lane.env, withhold: [...new Set([...record.withholdEnv, ...(record.ceiling?.withheld ?? []), ...lane.withhold])] };
  }

  /** The variables the agent's next launch goes without, as launchContext says: a dispatch it asks for goes without them too. */
  withheldFrom(id: string): string[] {
    const record = this.runtimes.get(id)?.record;
    return record ? this.launchContext(record).withhold : [];
  }

  /** The checks a launch must pass: a lane that is not MAIN, a program that exists. */
  private validate(params: StartAgentParams): Result<{ lanePath: string; command: string }, ApiError> {
    const lane = checkLane(params.lanePath, this.deps.repos.list(), params.isOpsLoop ?? false, this.deps.lanePaths?.() ?? []);
    if (!lane.ok) return lane;
    // Past the removal's last look for agents, one started now would see its work deleted
    // with the folder (and be stopped after).
    if (this.deps.laneBeingRemoved?.(lane.value)) {
      return err(apiError('agent_lane_invalid', `The lane ${params.lanePath} is being removed: no agent starts in it now. Start it in another lane.`, { lanePath: params.lanePath }));
    }
    const command = this.commandOf(params);
    if (!command.ok) return command;
    const missing = this.missingCommand(command.value, params.env, lane.value);
    return missing ? err(missing) : ok({ lanePath: lane.value, command: command.value });
  }

  /**
   * Why a launch of this program would fail before there is a lane to launch it in (a dispatch
   * asks before it makes one, which would otherwise be left behind); null if it would not. A
   * relative path is the lane's own file, found only once the lane exists.
   */
  launchRefusal(params: Pick<StartAgentParams, 'preset' | 'command' | 'env'>): ApiError | null {
    const command = this.commandOf(params);
    if (!command.ok) return command.error;
    if (command.value.includes('/') && !isAbsolute(command.value)) return null;
    return this.missingCommand(command.value, params.env, '/');
  }

  private missingCommand(command: string, env: Record<string, string> | undefined, cwd: string): ApiError | null {
    return resolveCommand(command, env?.PATH ?? this.deps.baseEnv.PATH, cwd) ? null : commandNotFound(command);
  }

  private commandOf(params: Pick<StartAgentParams, 'preset' | 'command'>): Result<string, ApiError> {
    const command = params.command ?? PRESETS[params.preset].command ?? (params.preset === 'shell' ? (this.deps.baseEnv.SHELL ?? '/bin/sh') : null);
    return command ? ok(command) : err(apiError('invalid_request', 'A custom agent needs a command: give "command" (and "args").'));
  }

  /** What a launch would run, with the environment's secrets masked; nothing is started. */
  preview(params: StartAgentParams): Result<{ command: string; args: string[]; env: { name: string; value: string; masked: boolean }[]; withheld: string[]; confinement: Confinement }, ApiError> {
    const valid = this.validate(params);
    if (!valid.ok) return valid;
    const preset = PRESETS[params.preset];
    const lane = this.deps.laneContext?.(valid.value.lanePath) ?? { env: {}, withhold: [] };
    const env = agentEnv({
      base: this.deps.baseEnv,
      extra: { ...lane.env, ...params.env },
      withhold: [...(params.withholdEnv ?? []), ...lane.withhold],
      agentId: '(assigned at launch)',
      agentToken: '(issued at launch)',
      hostUrl: this.deps.hostUrl(),
      lanePath: valid.value.lanePath,
    });
    const confinement = this.confineFor({ lanePath: valid.value.lanePath, agentDir: this.deps.agentsDir, unconfined: params.unconfined ?? false, statePaths: preset.statePaths, env, preview: true }).info;
    const args = [
      ...fillTemplate(preset.startArgs, { session: preset.assignsSession ? '(new session id)' : null }),
      ...mcpArgs(preset, { mcpConfig: '(Grove MCP config)', mcpUrl: mcpUrlOf(this.deps.hostUrl()) }),
      ...(preset.hookArgs ? fillTemplate(preset.hookArgs, { settings: '(Grove hook settings)', notify: '(grove hook stop)' }) : []),
      ...confinedArgsOf(preset, confinement.mechanism),
      ...(params.args ?? []),
    ];
    const withheld = [...(params.withholdEnv ?? []), ...lane.withhold].filter((k) => this.deps.baseEnv[k] !== undefined || params.env?.[k] !== undefined);
    return ok({ command: valid.value.command, args, env: maskedEnv(env), withheld, confinement });
  }

  /**
   * `firstRunArgs` go to the first run only (a recycle's handoff prompt, a dispatch's packet),
   * not to restarts. `dispatch` binds the agent's token to a dispatch (and so its brief), and
   * carries the ceiling of the agent that asked for it, if a confined one did.
   */
  start(params: StartAgentParams, firstRunArgs: string[] = [], dispatch: { id: string; ceiling: ConfineCeiling | null } | null = null): Result<AgentInfo, ApiError> {
    // Every way in (the API is guarded, but a dispatch that was making its lane when the stop
    // began comes here afterwards): an agent started now would outlive the stop's list of
    // agents to end.
    if (this.shuttingDown) return err(apiError('host_stopping', `The host is stopping: ${params.name ?? `a new ${params.preset} agent`} was not started. Start it once a host is running (grove status).`, { name: params.name ?? null }));
    const preset = PRESETS[params.preset];
    const valid = this.validate(params);
    if (!valid.ok) return valid;
    const lane = { value: valid.value.lanePath };
    const command = valid.value.command;
    const id = uuidv7();
    // A name of its own among the agents there are: with claude-1 removed, the next of two is
    // not claude-2 again (a trace names agents by name, and two alike could not be told apart).
    const taken = new Set(this.list().map((a) => a.name));
    let n = this.list().filter((a) => a.preset === params.preset).length + 1;
    while (taken.has(`${params.preset}-${n}`)) n++;
    const record: AgentRecord = {
      id,
      name: params.name !== undefined ? this.freeName(params.name) : `${params.preset}-${n}`,
      lanePath: lane.value,
      preset: params.preset,
      command,
      args: params.args ?? [],
      env: params.env ?? {},
      withholdEnv: params.withholdEnv ?? [],
      restart: params.restart ?? 'on-failure',
      autoResume: params.autoResume ?? false,
      isOpsLoop: params.isOpsLoop ?? false,
      role: params.role ?? 'worker',
      dispatchId: dispatch?.id ?? null,
      unconfined: params.unconfined ?? false,
      ceiling: dispatch?.ceiling ?? null,
      sessionId: preset.assignsSession ? randomUUID() : null,
      contextWarnTokens: params.contextWarnTokens ?? preset.contextWarnTokens,
      pidStart: null,
      cols: params.cols ?? 120,
      rows: params.rows ?? 32,
      state: 'starting',
      pid: null,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.deps.store.insert(record);
    const runtime = this.createRuntime(record);
    const started = runtime.start(false, firstRunArgs);
    return started.ok ? ok(runtime.info()) : started;
  }

  /** Stops one agent (and all it started), as the operator's stop does: it is not restarted. False: no such agent. */
  async stop(id: string): Promise<boolean> {
    const runtime = this.runtimes.get(id);
    if (!runtime) return false;
    await runtime.stop();
    return true;
  }

  /** Stops every agent in the lane at `path` (an ephemeral lane after its merge). */
  async stopAllIn(path: string): Promise<void> {
    await Promise.all(this.runtimesIn(path).map((r) => r.stop()));
  }

  /**
   * What the agents of the lane at `path` left running after their runs ended on their own (a
   * dev server started with nohup or setsid), before the lane's folder goes: it would go on
   * in a folder being archived and removed, holding the lane's ports. Found by each agent's
   * marker (Linux; elsewhere nothing is known of them; a confined agent's ended with it).
   */
  async endLeftoversIn(path: string): Promise<void> {
    await Promise.all(this.runtimesIn(path).map((r) => this.endLeftoversOf(r.record)));
  }

  /**
   * Ends what the agent left running after its run ended (a server it started with setsid),
   * found by its marker. A removed agent's too, right after it is forgotten (so no run of it
   * can start meanwhile and be taken for a leftover): nothing could find them later.
   */
  private endLeftoversOf(agent: Pick<AgentRecord, 'id' | 'name'>): Promise<void> {
    return endLeftovers(agent, this.deps.stopTimings ?? DEFAULT_STOP, (message) => this.deps.events.append({ type: 'alert', agentId: agent.id, message }));
  }

  /**
   * The lane at `path` is gone: its agents go with it (stopped first, should one still
   * run), so none is left to "Start again" in a directory that no longer exists. With
   * `scrollbackDir` (the lane was archived), each one's output is kept there first, as
   * `<name>-<id>.log`; returns those files.
   */
  async removeAllIn(path: string, scrollbackDir: string | null): Promise<string[]> {
    const inLane = this.runtimesIn(path);
    await Promise.all(inLane.map((r) => r.stop()));
    const kept: string[] = [];
    for (const r of inLane) {
      // One a stop could not end stays (its alert says to end it by hand), as in stopAndForget.
      if (r.isLive) continue;
      const output = r.readOutput(0, Number.MAX_SAFE_INTEGER).data;
      if (scrollbackDir && output.length > 0) {
        const file = join(scrollbackDir, `${r.record.name.replace(/[^\w.-]+/g, '_')}-${r.record.id}.log`);
        try {
          mkdirSync(scrollbackDir, { recursive: true, mode: 0o700 });
          writeFileSync(file, output, { mode: 0o600 });
        } catch (e) {
          // Never lose it implicitly: the agent stays (its output in agents/<id>), to be removed by hand.
          this.deps.logger.warn('could not keep an agent\'s scrollback with the lane\'s archive; the agent is kept', { agent: r.record.id, file, error: String(e) });
          this.deps.events.append({ type: 'alert', agentId: r.record.id, message: `${r.record.name}'s output could not be kept with its lane's archive (${(e as Error).message}); the agent is kept, so nothing is lost.` });
          continue;
        }
        kept.push(file);
      }
      this.forget(r);
    }
    return kept;
  }

  /** Stops an agent and deletes it with its scrollback (a lane's server when serving ends). */
  /** Whether the agent is gone now (stopped and forgotten, or unknown already). */
  async stopAndForget(id: string): Promise<boolean> {
    const r = this.runtimes.get(id);
    if (!r) return true;
    await r.stop();
    // A stop that could not end its process (it said so in an alert): the agent stays, to be
    // stopped again or ended by hand; forgotten, its process would go on unseen.
    if (r.isLive) return false;
    this.forget(r);
    await this.endLeftoversOf(r.record);
    return true;
  }

  isLive(id: string): boolean {
    return this.runtimes.get(id)?.isLive ?? false;
  }

  /** Resolves once a stop in progress (the agent `stopping`) has ended; at once otherwise. */
  async stopEnded(id: string): Promise<void> {
    const r = this.runtimes.get(id);
    // A stop asked for again while one runs is that same stop: nothing new is sent.
    if (r?.info().supervision.kind === 'stopping') await r.stop().catch(() => undefined);
  }

  /** Starts a stopped agent again in place, same id and scrollback (the ops loop's agent); false if it is unknown or live. */
  startAgain(id: string): boolean {
    const r = this.runtimes.get(id);
    if (!r || r.isLive) return false;
    return r.start(r.info().canResume).ok;
  }

  /**
   * The end of an agent's output as text (what it printed as it died, for a notification),
   * with the values of its own secret-named env variables masked; null for an unknown agent.
   */
  outputTail(id: string, bytes: number): string | null {
    const r = this.runtimes.get(id);
    if (!r) return null;
    const end = r.info().outputEnd;
    const text = r.readOutput(Math.max(0, end - bytes), bytes).data.toString('utf8');
    const secrets = envSecretValues(r.record.env);
    return maskAgentTokens(maskSecrets(text, secrets));
  }

  /**
   * A name asked for, with `-2`, `-3`… after it while a running agent has it. What an agent may
   * do on a brief goes by its name (a participant, a claim), and a trace names agents by name:
   * two running under one (a dispatch of a brief renumbered to a number another brief had
   * here, say) would each act as the other.
   */
  private freeName(wanted: string): string {
    const live = new Set([...this.runtimes.values()].filter((r) => r.isLive).map((r) => r.record.name));
    let name = wanted;
    for (let n = 2; live.has(name); n++) name = `${wanted}-${n}`;
    return name;
  }

  private forget(r: AgentRuntime): void {
    const id = r.record.id;
    this.tokens.revoke(id);
    this.reports.forget(id);
    r.dispose();
    this.runtimes.delete(id);
    this.runStartHooks.delete(id);
    this.leaderStarts.delete(id);
    for (const [path, owner] of this.claimedRollouts) if (owner === id) this.claimedRollouts.delete(path);
    this.deps.store.remove(id);
    rmSync(join(this.deps.agentsDir, id), { recursive: true, force: true });
    this.deps.events.append({ type: 'agent.removed', id });
  }

  /**
   * Restart and recycle: stops the run, then starts what `start` starts; not if a stop came while
   * it stopped (null), nor once the host began to stop (host_stopping).
   */
  private stopThenStart<T>(runtime: AgentRuntime, start: () => Result<T, ApiError>): Promise<Result<T, ApiError> | null> {
    return runtime.stopThen(() => (this.shuttingDown ? stoppingAgent(runtime.record.name) : start()));
  }

  /** Stops every agent (host shutdown); their records stay "running" so the next host resumes them. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    // Settled, not Promise.all: one agent whose stop fails must not leave the others running
    // or undisposed (nor, in the host, skip closing the store).
    const runtimes = [...this.runtimes.values()];
    // What the runs that ended on their own left running (a dev server started with setsid)
    // goes too (AgentRuntime.stop): the next host would not look for it, and nothing would end it.
    const stops = await Promise.allSettled(runtimes.map((r) => r.stop()));
    stops.forEach((s, i) => {
      if (s.status === 'rejected') this.deps.logger.error('an agent failed to stop', { agent: runtimes[i]!.record.name, error: String(s.reason) });
    });
    for (const r of runtimes) {
      try {
        r.dispose();
      } catch (e) {
        this.deps.logger.error('an agent failed to dispose', { agent: r.record.name, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  handlers(): Pick<
    Handlers,
    | 'agents.list' | 'agents.start' | 'agents.stop' | 'agents.restart' | 'agents.resume' | 'agents.recycle' | 'agents.remove'
    | 'agents.input' | 'agents.resize' | 'agents.output' | 'agents.attach' | 'agents.detach' | 'agents.report' | 'agents.preview'
    | 'agents.screen'
  > {
    const find = (id: string): Result<AgentRuntime, ApiError> => {
      const r = this.runtimes.get(id);
      return r ? ok(r) : err(apiError('agent_unknown', `No agent with id ${id}.`, { id }));
    };
    const running = (id: string): Result<AgentRuntime, ApiError> => {
      const r = find(id);
      if (!r.ok) return r;
      return r.value.pid !== null ? r : err(apiError('agent_not_running', `${r.value.record.name} is not running.`, { id }));
    };
    return {
      'agents.list': () => ok({ agents: this.list() }),
      'agents.preview': (p) => this.preview(p),
      'agents.start': (p) => {
        const started = this.start(p);
        return started.ok ? ok({ agent: started.value }) : started;
      },
      'agents.stop': async ({ id }) => {
        const r = find(id);
        if (!r.ok) return r;
        // Also when its run ended on its own: what it left running goes (AgentRuntime.stop).
        await r.value.stop();
        return ok({ agent: r.value.info() });
      },
      'agents.restart': async ({ id }) => {
        const r = find(id);
        if (!r.ok) return r;
        const started = await this.stopThenStart(r.value, () => r.value.start(r.value.info().canResume));
        return started && !started.ok ? started : ok({ agent: r.value.info() });
      },
      'agents.resume': ({ id }) => {
        const r = find(id);
        if (!r.ok) return r;
        if (r.value.isLive) return err(apiError('agent_is_running', `${r.value.record.name} is running; stop it first.`, { id }));
        const canResume = r.value.info().canResume;
        if (!canResume && r.value.record.preset !== 'shell' && r.value.record.preset !== 'custom') {
          return err(apiError('agent_cannot_resume', `${r.value.record.name} has no recorded conversation to resume.`, { id }));
        }
        const started = r.value.start(canResume);
        return started.ok ? ok({ agent: r.value.info() }) : started;
      },
      'agents.recycle': async ({ id, handoff }) => {
        const r = find(id);
        if (!r.ok) return r;
        const old = r.value.record;
        if (old.isOpsLoop) {
          // Its repository's ops loop knows its agent by id: a fresh one beside it would be a second loop.
          return err(apiError('invalid_request', `${old.name} is its repository's ops loop: restart it with grove ops stop and grove ops start, not by recycling.`, { id }));
        }
        const fresh = await this.stopThenStart(r.value, () => this.start({
          lanePath: old.lanePath,
          preset: old.preset,
          command: old.command,
          args: old.args,
          name: old.name,
          env: old.env,
          withholdEnv: old.withholdEnv,
          restart: old.restart,
          autoResume: old.autoResume,
          isOpsLoop: old.isOpsLoop,
          role: old.role,
          cols: old.cols,
          rows: old.rows,
          contextWarnTokens: old.contextWarnTokens,
          unconfined: old.unconfined,
        }, recycledPrompt(old.dispatchId ? this.handoffFor(old.dispatchId) : null, handoff), old.dispatchId ? { id: old.dispatchId, ceiling: old.ceiling } : null));
        // A stop asked for while it stopped is the last word: no fresh run either.
        if (fresh === null) return ok({ agent: r.value.info() });
        return fresh.ok ? ok({ agent: fresh.value }) : fresh;
      },
      'agents.remove': async ({ id }) => {
        const r = find(id);
        if (!r.ok) return r;
        if (r.value.isLive) return err(apiError('agent_is_running', `${r.value.record.name} is running; stop it first.`, { id }));
        this.forget(r.value);
        await this.endLeftoversOf(r.value.record);
        return ok({ removed: true as const });
      },
      'agents.input': ({ id, data, more }, ctx) => {
        // A paste in pieces is written whole or not at all: a half of one would leave the
        // program inside a bracketed paste, waiting for its end.
        const held = ctx.ws ? heldInput(ctx.ws.state) : null;
        const before = held?.get(id);
        if (more) {
          if (!held) return err(apiError('needs_websocket', 'agents.input with more holds the pieces of a paste on the socket; send them over the WebSocket, or send the text in one call.'));
          const pieces = before ?? { parts: [], length: 0, refused: false };
          // Refused once, the rest of that paste is dropped too, up to its last piece: its tail
          // alone must not be written as if it were the paste.
          if (pieces.refused || pieces.length + data.length > MAX_HELD_INPUT) {
            held.set(id, { parts: [], length: 0, refused: true });
            return err(tooLarge());
          }
          const r = running(id);
          if (!r.ok) {
            held.delete(id);
            return r;
          }
          pieces.parts.push(data);
          pieces.length += data.length;
          held.set(id, pieces);
          return ok({ accepted: 0 });
        }
        held?.delete(id);
        if (before?.refused) return err(tooLarge());
        const r = running(id);
        if (!r.ok) return r;
        const whole = before ? before.parts.join('') + data : data;
        r.value.write(whole);
        return ok({ accepted: Buffer.byteLength(whole) });
      },
      'agents.resize': ({ id, cols, rows }) => {
        const r = find(id);
        if (!r.ok) return r;
        r.value.resize(cols, rows);
        this.deps.store.setSize(id, cols, rows);
        return ok({ cols, rows });
      },
      'agents.output': ({ id, since, limit }) => {
        const r = find(id);
        if (!r.ok) return r;
        const read = r.value.readOutput(since, limit ?? 1024 * 1024);
        return ok({ from: read.from, end: read.from + read.data.length, gap: read.gap, data: read.data.toString('base64') });
      },
      'agents.screen': async ({ id }) => {
        const r = find(id);
        if (!r.ok) return r;
        const { cols, rows } = r.value.record;
        const screen = await renderScreen((since, max) => r.value.readOutput(since, max), cols, rows, r.value.outputEnd());
        return ok({ text: screen.text, cols, rows, end: screen.end });
      },
      'agents.attach': ({ id, since, jump }, ctx) => {
        if (!ctx.ws) return err(apiError('needs_websocket', 'agents.attach streams output and needs the WebSocket; use agents.output over HTTP.'));
        const r = find(id);
        if (!r.ok) return r;
        return ok(this.attach(ctx.ws, r.value, since ?? null, jump ?? false));
      },
      'agents.detach': ({ id }, ctx) => {
        const attachments = ctx.ws?.state.get(ATTACHMENTS) as PeerAttachments | undefined;
        const client = attachments?.get(id);
        if (client === undefined) return ok({ detached: false });
        attachments!.delete(id);
        this.runtimes.get(id)?.detach(client);
        return ok({ detached: true });
      },
      'agents.report': ({ event, transcriptPath }, ctx) => {
        if (ctx.principal.kind !== 'agent') return ok({ recorded: false });
        const r = this.runtimes.get(ctx.principal.agentId);
        if (!r) return ok({ recorded: false });
        if (!this.reports.take(r.id)) {
          const { burst, perSecond } = this.deps.reportLimits ?? ReportLimits;
          return err(
            apiError(
              'rate_limited',
              `${r.record.name} reported its state more than ${burst} times at once or ${perSecond} times a second; this report was dropped. Grove's hooks report each event once; whatever calls agents.report in a loop should stop.`,
              { agentId: r.id, burst, perSecond },
            ),
          );
        }
        r.reportHook(event, transcriptPath);
        return ok({ recorded: true });
      },
    };
  }

  /** Flow control: a client's terminal parsed output up to `offset`. */
  ack(peer: WsPeer, agentId: string, offset: number): void {
    const client = (peer.state.get(ATTACHMENTS) as PeerAttachments | undefined)?.get(agentId);
    if (client !== undefined) this.runtimes.get(agentId)?.ack(client, offset);
  }

  private attach(peer: WsPeer, runtime: AgentRuntime, since: number | null, canJump: boolean): { from: number; end: number; gap: boolean } {
    let attachments = peer.state.get(ATTACHMENTS) as PeerAttachments | undefined;
    if (!attachments) {
      const created: PeerAttachments = new Map();
      attachments = created;
      peer.state.set(ATTACHMENTS, created);
      peer.onClose(() => {
        for (const [agentId, client] of created) this.runtimes.get(agentId)?.detach(client);
        created.clear();
      });
    }
    const previous = attachments.get(runtime.id);
    if (previous !== undefined) runtime.detach(previous);
    const agentId = runtime.id;
    const result = runtime.attach(
      {
        send: (offset, data) => peer.sendBinary(encodeOutputFrame(agentId, offset, data)),
        jumped: (jump) => peer.sendJump(agentId, jump),
        detached: (reason) => {
          attachments!.delete(agentId);
          peer.sendDetached(agentId, reason);
        },
      },
      since,
      canJump,
    );
    attachments.set(agentId, result.client);
    return { from: result.from, end: result.end, gap: result.gap };
  }

  private createRuntime(record: AgentRecord): AgentRuntime {
    const dir = join(this.deps.agentsDir, record.id);
    const log = OutputLog.open(join(dir, 'output'), this.deps.scrollbackBytes ?? TerminalConstants.scrollbackBytes, TerminalConstants.memoryTailBytes);
    const runtime = new AgentRuntime(
      {
        record,
        log,
        plan: (resume, extraArgs) => this.plan(record, dir, resume, extraArgs),
        spawnPty: (plan, cwd, cols, rows) =>
          spawnPty(plan.file, plan.args, { name: 'xterm-256color', cols, rows, cwd, env: plan.env, encoding: null }),
        restartCfg: this.deps.restartCfg ?? DEFAULT_RESTART,
        stopTimings: this.deps.stopTimings ?? { interruptMs: TerminalConstants.interruptMs, graceMs: TerminalConstants.stopGraceMs },
        changed: (info) => {
          // A token lives as long as the run it was issued for: once no process of that run
          // is left (exited, crashed, waiting to restart), anything still holding it (a
          // daemon the agent left, a copy in a log) is let in no more. The next run gets a new one.
          if (!('pid' in info.supervision)) this.tokens.revoke(record.id);
          if (this.shuttingDown) return; // keep "running" on record so the next host resumes
          const pid = 'pid' in info.supervision ? info.supervision.pid : null;
          // A restart's stop is on record as the run it restarts: the operator asked for it to run,
          // so a host that dies (or quits) meanwhile leaves it to be resumed, not stopped.
          const kind = info.supervision.kind === 'stopping' && runtime.isRestarting ? 'running' : info.supervision.kind;
          this.deps.store.setState(record.id, kind, pid, pid === null ? null : this.leaderStart(record.id, pid));
          this.deps.events.append({ type: 'agent.updated', agent: info });
        },
        alert: (message) => this.deps.events.append({ type: 'alert', agentId: record.id, message }),
        now: this.now,
        readContext: this.contextReader(record),
        onRunStart: (at) => this.runStartHooks.get(record.id)?.(at),
      },
      // How a stopped agent ended, as last recorded (live ones are reconciled separately).
      record.state === 'fatal'
        ? { kind: 'fatal', restarts: 0, code: null, signal: null }
        : record.state === 'crashed'
          ? { kind: 'crashed', code: null, signal: null }
          : record.state === 'lost'
            ? { kind: 'lost' }
            : { kind: 'exited', code: null, signal: null },
    );
    this.runtimes.set(record.id, runtime);
    return runtime;
  }

  /** Reads context use from the CLI's session file; the reader follows the file it is given. */
  private contextReader(record: AgentRecord): ((path: string | null) => ContextReading | null) | null {
    const source = PRESETS[record.preset].contextSource;
    const home = record.env.HOME ?? this.deps.baseEnv.HOME ?? '';
    const runStart = this.runStartHooks;
    let runStartedAt = this.now();
    if (source === 'codex-rollout') {
      const codexHome = record.env.CODEX_HOME ?? this.deps.baseEnv.CODEX_HOME ?? join(home, '.codex');
      let reader: CodexRolloutReader | null = null;
      const skippedRollouts = new Set<string>();
      const read = (): ContextReading | null => {
        if (!reader) {
          const found = findCodexRollout(
            codexHome,
            record.lanePath,
            runStartedAt,
            (path) => {
              const owner = this.claimedRollouts.get(path);
              return !skippedRollouts.has(path) && (owner === undefined || owner === record.id);
            },
            undefined,
            (path, reason) => {
              // Told once per file: the finder runs on every poll.
              skippedRollouts.add(path);
              this.deps.logger.warn('a Codex rollout file was passed over', { agent: record.id, path, reason });
            },
          );
          if (!found) return null;
          this.claimedRollouts.set(found.path, record.id);
          reader = new CodexRolloutReader(found.path);
          // Codex's own session id: what `codex resume` needs to reopen this conversation.
          if (found.sessionId && found.sessionId !== record.sessionId) {
            record.sessionId = found.sessionId;
            this.deps.store.setSessionId(record.id, found.sessionId);
          }
        }
        return reader.read();
      };
      // A new run writes (or, resumed, appends to) a rollout: look for it again.
      runStart.set(record.id, (at) => {
        runStartedAt = at;
        reader = null;
      });
      return read;
    }
    if (source !== 'claude-transcript' || !record.sessionId) return null;
    let reader: ClaudeTranscriptReader | null = null;
    let readerPath: string | null = null;
    const projects = join(home, '.claude', 'projects') + '/';
    return (reported) => {
      // A path an agent reports is only taken if it is where Claude Code keeps transcripts.
      const trusted = reported && isAbsolute(reported) && normalize(reported) === reported && reported.startsWith(projects) && reported.endsWith('.jsonl');
      const path = trusted ? reported : claudeTranscriptPath(home, record.lanePath, record.sessionId!);
      if (path !== readerPath) {
        reader = new ClaudeTranscriptReader(path);
        readerPath = path;
      }
      return reader!.read();
    };
  }

  private hasConversation(record: AgentRecord): boolean {
    if (!record.sessionId) return false;
    if (PRESETS[record.preset].contextSource !== 'claude-transcript') return true;
    const home = record.env.HOME ?? this.deps.baseEnv.HOME ?? '';
    return existsSync(claudeTranscriptPath(home, record.lanePath, record.sessionId));
  }

  /** What to exec for one run: the preset's arguments, Grove's hooks, the environment. */
  private plan(record: AgentRecord, dir: string, resume: boolean, extraArgs: readonly string[]): LaunchPlan {
    const preset = PRESETS[record.preset];
    const token = this.tokens.issue(record.id);
    let settings: string | null = null;
    let notify: string | null = null;
    if (preset.hookStyle === 'claude-settings') {
      settings = join(dir, 'hook-settings.json');
      const grove = this.deps.groveCommand.map(shellQuote).join(' ');
      const binary = resolveCommand(record.command, record.env.PATH ?? this.deps.baseEnv.PATH, record.lanePath);
      writeClaudeHookSettings(settings, (event) => `${grove} hook ${event}`, { stopFailure: hasStopFailureHook(binary && installedClaudeVersion(binary)) });
    } else if (preset.hookStyle === 'codex-notify') {
      // Codex runs this after every turn (a JSON payload as the last argument): the turn is
      // over, the agent waits for the operator. A JSON array of strings is valid TOML.
      notify = JSON.stringify([...this.deps.groveCommand, 'hook', 'stop']);
    }
    const mcpUrl = mcpUrlOf(this.deps.hostUrl());
    let mcpConfig = '';
    if (preset.mcpStyle === 'claude-config') {
      // Names $GROVE_AGENT_TOKEN; Claude Code fills it in from the agent's environment.
      mcpConfig = join(dir, 'mcp-config.json');
      writeFileSync(mcpConfig, JSON.stringify(claudeMcpConfig(mcpUrl), null, 2) + '\n', { mode: 0o600 });
    }
    // Resume only a conversation that exists: Claude Code's --resume of a session that never
    // got a prompt would fail at once and send the agent into a crash loop.
    const presetArgs = resume && preset.resumeArgs && this.hasConversation(record) ? preset.resumeArgs : preset.startArgs;
    const context = this.launchContext(record);
    const env = agentEnv({
      base: this.deps.baseEnv,
      extra: { ...context.env, ...record.env },
      withhold: context.withhold,
      agentId: record.id,
      agentToken: token,
      hostUrl: this.deps.hostUrl(),
      lanePath: record.lanePath,
    });
    // The ops loop reads MAIN's state from a file Grove keeps in its data dir (ops/status-file.ts).
    const shown = record.isOpsLoop && env.GROVE_STATUS_FILE ? [dirname(env.GROVE_STATUS_FILE)] : [];
    const launch = this.confineFor({ lanePath: record.lanePath, agentDir: dir, unconfined: record.unconfined, ceiling: record.ceiling, statePaths: preset.statePaths, env, shown });
    const args = [
      ...fillTemplate(presetArgs, { session: record.sessionId }),
      ...mcpArgs(preset, { mcpConfig, mcpUrl }),
      ...(preset.hookArgs ? fillTemplate(preset.hookArgs, { settings, notify }) : []),
      ...confinedArgsOf(preset, launch.info.mechanism),
      ...record.args,
      ...extraArgs,
    ];
    return { ...launch.wrap(record.command, args, env), confinement: launch.info };
  }

  private confineFor(req: ConfineRequest): ConfinedLaunch {
    if (this.deps.confine) return this.deps.confine(req);
    // No confinement here, and a confined agent asked for this one: it does not start.
    return req.ceiling ? CANNOT_KEEP_CEILING : NOT_CONFINED;
  }
}

/** A recycled run's first prompt: its brief (when it works on one), then the operator's handoff. */
function recycledPrompt(brief: string | null, handoff: string | undefined): string[] {
  const parts = [brief, handoff].filter((p): p is string => !!p && p.trim() !== '');
  return parts.length > 0 ? [parts.join('\n\n')] : [];
}

const tooLarge = () => apiError('payload_too_large', `A paste of more than ${MAX_HELD_INPUT / (1024 * 1024)} Mi characters is not taken; nothing of it was written.`, { limit: MAX_HELD_INPUT });

type HeldPaste = { parts: string[]; length: number; refused: boolean };

/** The socket's held paste pieces (created on first use; they go with the socket). */
function heldInput(state: Map<string, unknown>): Map<string, HeldPaste> {
  let held = state.get(HELD_INPUT) as Map<string, HeldPaste> | undefined;
  if (!held) {
    held = new Map();
    state.set(HELD_INPUT, held);
  }
  return held;
}

function commandNotFound(command: string): ApiError {
  return apiError('agent_command_not_found', `"${command}" was not found on PATH. Install it, or give the full path as "command".`, { command });
}

/** A start refused because the host began to stop while the agent's last run ended. */
function stoppingAgent(name: string): Result<never, ApiError> {
  return err(apiError('host_stopping', `The host is stopping: ${name} was stopped and starts nothing now. Start it again once a host is running (grove status).`, { name }));
}
