import { statSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { isLiveSupervision, type Activity, type AgentInfo, type ContextUse } from '../../shared/agents';
import { activityFromHook, HOOK_RECHECK_QUIET_MS, recheckHookActivity, UNKNOWN_ACTIVITY, type HookEvent } from './activity';
import type { AgentRecord } from './agent-store';
import { FlowControl } from './flow-control';
import { OutputBatcher } from './output-batcher';
import type { OutputLog } from './output-log';
import { canResume, PRESETS } from './presets';
import { drainBeforeClose } from './drain-on-close';
import { stopAgentProcesses, type StopTimings } from './stop-agent-processes';
import { decideOnExit, type RestartConfig, type RunCounters, type Supervision } from './supervision';
import { TerminalConstants } from './terminal-constants';
import type { ContextReading } from './context/context-reading';
import { contextWindowOf } from './context/context-window';
import { classifyScreen, SCREEN_PATTERNS } from './screen/screen-patterns';
import { ScreenReader } from './screen/screen-reader';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';

/**
 * One agent, alive: its PTY, output log, attached clients with flow control, supervision
 * and activity. Decisions come from the pure modules beside it (supervision, flow-control,
 * activity); this class applies them to the process. Every timer carries the generation of
 * the run that set it, so a stale timeout never touches a restarted process.
 */
export interface Attachment {
  /** Sends output starting at `offset`. Returns false if the client is gone. */
  send(offset: number, data: Buffer): void;
  detached(reason: string): void;
}

export interface LaunchPlan {
  file: string;
  args: string[];
  env: Record<string, string>;
}

export interface AgentRuntimeDeps {
  record: AgentRecord;
  log: OutputLog;
  /** Builds what to exec for this run (fresh token, resume arguments…). */
  plan(resume: boolean, extraArgs: readonly string[]): LaunchPlan;
  spawnPty(plan: LaunchPlan, cwd: string, cols: number, rows: number): IPty;
  restartCfg: RestartConfig;
  stopTimings: StopTimings;
  /** Persist and announce; called after every change worth telling. */
  changed(info: AgentInfo): void;
  alert(message: string): void;
  now(): number;
  /** Reads the agent's context use from its CLI's session file, if the preset has one. */
  readContext: ((transcriptPath: string | null) => ContextReading | null) | null;
  /** A run started (the context reader follows the new run's session file). */
  onRunStart?(at: number): void;
}

/** While running, context use is re-read this often, and on every hook. */
const CONTEXT_POLL_MS = 5000;
/** The screen is read once output has settled this long (a redraw comes in pieces). */
const SCREEN_SETTLE_MS = 150;

type ClientId = number;

export class AgentRuntime {
  private supervision: Supervision = { kind: 'starting', generation: 0 };
  private counters: RunCounters = { unstableRestarts: 0 };
  private totalRestarts = 0;
  private pty: IPty | null = null;
  private generation = 0;
  private activity: Activity;
  private hooksSeen = false;
  private context: ContextUse | null = null;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private stallTimer: ReturnType<typeof setInterval> | null = null;
  private contextTimer: ReturnType<typeof setInterval> | null = null;
  private transcriptPath: string | null = null;
  private screen: ScreenReader | null = null;
  private screenTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the current run last printed (deps.now()), for the hook re-check's quiet period. */
  private lastOutputAt = 0;
  /** The screen shows something a pattern recognises; output activity then says nothing. */
  private screenDecides = false;
  private stopping: Promise<void> | null = null;
  private readonly clients = new Map<ClientId, Attachment>();
  private readonly flow = new FlowControl<ClientId>();
  private readonly batcher: OutputBatcher;
  private nextClient = 1;

  constructor(private readonly deps: AgentRuntimeDeps, initial: Supervision = { kind: 'exited', code: null, signal: null }) {
    this.supervision = initial;
    this.activity = UNKNOWN_ACTIVITY(this.iso());
    this.batcher = new OutputBatcher((chunk) => this.onOutput(chunk));
  }

  get id(): string {
    return this.deps.record.id;
  }

  get record(): AgentRecord {
    return this.deps.record;
  }

  get isLive(): boolean {
    return isLiveSupervision(this.supervision.kind);
  }

  get pid(): number | null {
    return this.supervision.kind === 'running' || this.supervision.kind === 'stopping' ? this.supervision.pid : null;
  }

  /**
   * Starts a run (a new one, or resuming the recorded conversation); `extraArgs` for this run
   * only. Refuses when the agent's directory is gone (its lane was removed or moved): the
   * program would die at once on `chdir` and the supervisor restart it again and again.
   */
  start(resume = false, extraArgs: readonly string[] = []): Result<void, ApiError> {
    if (this.pty) return ok(undefined);
    if (!isDirectory(this.record.lanePath)) return this.refuseMissingLane();
    // A start from outside (the operator, a host restart) gets a fresh budget of unstable
    // restarts; only the supervisor's own restarts (out of backoff) count against it.
    if (this.supervision.kind !== 'backoff') this.counters = { unstableRestarts: 0 };
    const generation = ++this.generation;
    this.supervision = { kind: 'starting', generation };
    const plan = this.deps.plan(resume, extraArgs);
    let pty: IPty;
    try {
      pty = this.deps.spawnPty(plan, this.record.lanePath, this.record.cols, this.record.rows);
    } catch (e) {
      this.supervision = { kind: 'crashed', code: null, signal: null };
      this.deps.log.append(Buffer.from(`\r\n[grove] could not start ${plan.file}: ${(e as Error).message}\r\n`));
      this.announce();
      return ok(undefined);
    }
    this.pty = pty;
    this.supervision = { kind: 'running', generation, pid: pty.pid, startedAt: this.deps.now() };
    this.activity = UNKNOWN_ACTIVITY(this.iso());
    this.hooksSeen = false;
    this.screenDecides = false;
    this.screen?.dispose();
    const patterns = SCREEN_PATTERNS[this.record.preset as 'claude' | 'codex'];
    this.screen = patterns ? new ScreenReader(this.record.cols, this.record.rows) : null;
    const deliver = (d: Buffer): void => {
      if (generation === this.generation) this.batcher.push(d);
    };
    pty.onData((d) => deliver(typeof d === 'string' ? Buffer.from(d) : (d as Buffer)));
    drainBeforeClose(pty, deliver);
    pty.onExit(({ exitCode, signal }) => this.onExit(generation, exitCode, signal ?? null));
    // Clients still behind from the previous run keep this one paused too.
    if (this.flow.isPaused) this.applyFlow('pause');
    this.deps.onRunStart?.(this.deps.now());
    if (this.deps.readContext) this.contextTimer ??= setInterval(() => this.pollContext(), CONTEXT_POLL_MS);
    this.announce();
    return ok(undefined);
  }

  private refuseMissingLane(): Result<void, ApiError> {
    const { name, lanePath } = this.record;
    const message = `${name} cannot start: its directory ${lanePath} is gone (its lane was removed or moved). Remove the agent, or start a new one in an existing lane.`;
    this.deps.log.append(Buffer.from(`\r\n[grove] ${message}\r\n`));
    // A restart the supervisor had scheduled ends here, once, instead of backing off forever.
    if (this.supervision.kind === 'backoff') {
      this.supervision = { kind: 'crashed', code: this.supervision.code, signal: this.supervision.signal };
      this.deps.alert(message);
    }
    this.announce();
    return err(apiError('agent_lane_invalid', message, { lanePath, id: this.record.id }));
  }

  /** Stops the agent and everything it started; no restart follows. */
  stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.supervision.kind === 'backoff') {
      this.supervision = { kind: 'exited', code: null, signal: null };
      this.announce();
      return Promise.resolve();
    }
    if (!this.pty || this.supervision.kind !== 'running') return this.stopping ?? Promise.resolve();
    const pid = this.supervision.pid;
    this.supervision = { kind: 'stopping', generation: this.supervision.generation, pid };
    this.announce();
    const exited = new Promise<void>((resolve) => this.pty?.onExit(() => resolve()));
    this.stopping = stopAgentProcesses(this.id, pid, this.deps.stopTimings)
      .then(async ({ survivors }) => {
        if (survivors.length) this.deps.alert(`could not end processes ${survivors.join(', ')} of ${this.record.name}`);
        await exited;
      })
      .finally(() => (this.stopping = null));
    return this.stopping;
  }

  write(data: string): void {
    this.pty?.write(data);
  }

  resize(cols: number, rows: number): void {
    this.record.cols = cols;
    this.record.rows = rows;
    this.pty?.resize(cols, rows);
    this.screen?.resize(cols, rows);
  }

  /** Attaches a client from `since` (or the retained tail); returns where its output starts. */
  attach(attachment: Attachment, since: number | null): { client: ClientId; from: number; end: number; gap: boolean } {
    const client = this.nextClient++;
    const { log } = this.deps;
    const wanted = since ?? log.start;
    const first = log.read(wanted, 0);
    this.flow.attach(client, first.from);
    this.clients.set(client, attachment);
    // Replay in frame-sized pieces; the live stream continues right after.
    let at = first.from;
    while (at < log.end) {
      const piece = log.read(at, 256 * 1024);
      attachment.send(piece.from, piece.data);
      at = piece.from + piece.data.length;
    }
    this.applyFlow(this.flow.sentTo(client, at, this.deps.now()));
    return { client, from: first.from, end: at, gap: first.gap };
  }

  readOutput(since: number, max: number): ReturnType<OutputLog['read']> {
    return this.deps.log.read(since, max);
  }

  ack(client: ClientId, offset: number): void {
    this.applyFlow(this.flow.ack(client, offset, this.deps.now()));
  }

  detach(client: ClientId): void {
    if (this.clients.delete(client)) this.applyFlow(this.flow.detach(client));
  }

  /** A hook reported from inside the agent (Claude Code's hooks, through `grove hook`). */
  reportHook(event: HookEvent, transcriptPath?: string): void {
    if (this.supervision.kind !== 'running') return;
    this.hooksSeen = true;
    // The CLI's own word on where its transcript is beats any path we could compute.
    if (transcriptPath) this.transcriptPath = transcriptPath;
    const next = activityFromHook(event, this.iso());
    if (next) this.setActivity(next);
    // `grove hook` is a process of its own: a turn that errored may have printed its error
    // and its prompt before its prompt hook arrives, with no output after to look again.
    if (next?.state === 'busy') this.scheduleScreenRead(this.generation, HOOK_RECHECK_QUIET_MS);
    this.pollContext();
  }

  private pollContext(): void {
    const reading = this.deps.readContext?.(this.transcriptPath);
    if (!reading) return;
    this.setContext({ tokens: reading.tokens, window: reading.window ?? contextWindowOf(reading.model), model: reading.model, at: reading.at });
  }

  setContext(context: ContextUse): void {
    const before = this.context;
    this.context = context;
    if ((before?.tokens ?? 0) < this.record.contextWarnTokens && context.tokens >= this.record.contextWarnTokens) {
      this.deps.alert(`${this.record.name} has used ${context.tokens} tokens of context (warning at ${this.record.contextWarnTokens}); recycle it to start fresh`);
    }
    if (before?.tokens !== context.tokens) this.announce();
  }

  info(): AgentInfo {
    const r = this.record;
    const s = this.supervision;
    const preset = PRESETS[r.preset];
    return {
      id: r.id,
      name: r.name,
      lanePath: r.lanePath,
      preset: r.preset,
      command: r.command,
      args: r.args,
      restart: r.restart,
      autoResume: r.autoResume,
      isOpsLoop: r.isOpsLoop,
      role: r.role,
      dispatchId: r.dispatchId,
      sessionId: r.sessionId,
      createdAt: r.createdAt,
      supervision:
        s.kind === 'running'
          ? { kind: 'running', pid: s.pid, startedAt: new Date(s.startedAt).toISOString() }
          : s.kind === 'backoff'
            ? { kind: 'backoff', restartAt: new Date(s.restartAt).toISOString(), delayMs: s.delayMs, code: s.code, signal: s.signal }
            : s.kind === 'starting'
              ? { kind: 'starting' }
              : s.kind === 'stopping'
                ? { kind: 'stopping', pid: s.pid }
                : s,
      activity: this.activity,
      outputEnd: this.deps.log.end,
      restarts: this.totalRestarts,
      context: this.context,
      contextWarnTokens: r.contextWarnTokens,
      canResume: canResume(preset, r.sessionId),
    };
  }

  /** Marks the agent lost (its process did not survive a host restart). */
  markLost(): void {
    this.supervision = { kind: 'lost' };
    this.announce();
  }

  /** Frees the log and timers; the process must already be gone. */
  dispose(): void {
    for (const t of [this.quietTimer, this.restartTimer]) if (t) clearTimeout(t);
    if (this.stallTimer) clearInterval(this.stallTimer);
    if (this.contextTimer) clearInterval(this.contextTimer);
    if (this.screenTimer) clearTimeout(this.screenTimer);
    this.screen?.dispose();
    for (const a of this.clients.values()) a.detached('agent removed');
    this.clients.clear();
    this.deps.log.close();
  }

  private onOutput(chunk: Buffer): void {
    const offset = this.deps.log.append(chunk);
    const now = this.deps.now();
    for (const [client, a] of this.clients) {
      a.send(offset, chunk);
      this.applyFlow(this.flow.sentTo(client, offset + chunk.length, now));
    }
    const generation = this.generation;
    this.lastOutputAt = now;
    const screen = this.screen;
    // Fed even once hooks speak: a hook's busy is re-checked against it (readScreen).
    screen?.write(chunk, () => this.scheduleScreenRead(generation, SCREEN_SETTLE_MS));
    if (this.hooksSeen) return; // hooks are the best signal; output alone never overrides them
    if (!this.screenDecides && this.activity.state !== 'busy') {
      this.setActivity({ state: 'busy', signal: 'output', detail: null, since: this.iso() });
    }
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (generation === this.generation && !this.hooksSeen && !this.screenDecides && this.supervision.kind === 'running') {
        this.setActivity({ state: 'idle', signal: 'output', detail: null, since: this.iso() });
      }
    }, TerminalConstants.quietIdleMs);
  }

  /** Reads the screen `delayMs` from now, replacing a read already planned. */
  private scheduleScreenRead(generation: number, delayMs: number): void {
    const screen = this.screen;
    if (!screen || generation !== this.generation) return;
    if (this.screenTimer) clearTimeout(this.screenTimer);
    this.screenTimer = setTimeout(() => {
      this.screenTimer = null;
      this.readScreen(generation, screen);
    }, delayMs);
  }

  /**
   * The screen's verdict. With no hook yet: a visible question, or a busy footer. Once hooks
   * speak, only to end a hook's `busy` that no stop hook will end (recheckHookActivity).
   */
  private readScreen(generation: number, screen: ScreenReader): void {
    if (generation !== this.generation || this.supervision.kind !== 'running') return;
    const hookBusy = this.activity.signal === 'hook' && this.activity.state === 'busy';
    if (this.hooksSeen && !hookBusy) return;
    const patterns = SCREEN_PATTERNS[this.record.preset as 'claude' | 'codex'];
    const verdict = patterns ? classifyScreen(screen.visibleText(), patterns) : null;
    if (this.hooksSeen) {
      const quietFor = this.deps.now() - this.lastOutputAt;
      const next = recheckHookActivity(this.activity, verdict, quietFor, this.iso());
      if (next) this.setActivity(next);
      // The prompt is there but output was not quiet long enough yet: look again then.
      else if (verdict?.state === 'idle') {
        this.scheduleScreenRead(generation, HOOK_RECHECK_QUIET_MS - quietFor);
      }
      return;
    }
    if (verdict && verdict.state !== 'idle') {
      this.screenDecides = true;
      const detail = verdict.state === 'waiting' ? verdict.detail : null;
      if (this.activity.state !== verdict.state || this.activity.detail !== detail || this.activity.signal !== 'screen') {
        this.setActivity({ state: verdict.state, signal: 'screen', detail, since: this.iso() });
      }
    } else if (this.screenDecides) {
      // Nothing recognisable any more: output activity decides again.
      this.screenDecides = false;
      this.setActivity({ state: this.quietTimer ? 'busy' : 'idle', signal: 'output', detail: null, since: this.iso() });
    }
  }

  private onExit(generation: number, code: number, signal: number | null): void {
    if (generation !== this.generation) return;
    this.batcher.flush();
    this.pty = null;
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    if (this.contextTimer) clearInterval(this.contextTimer);
    this.contextTimer = null;
    if (this.screenTimer) clearTimeout(this.screenTimer);
    this.screenTimer = null;
    const s = this.supervision;
    if (s.kind !== 'running' && s.kind !== 'stopping') return;
    const decision = decideOnExit(
      s,
      this.counters,
      { code, signal: signal === 0 ? null : signal, at: this.deps.now(), requested: s.kind === 'stopping' },
      this.record.restart,
      this.deps.restartCfg,
    );
    this.counters = decision.counters;
    this.supervision = decision.next;
    this.activity = UNKNOWN_ACTIVITY(this.iso());
    if ('alert' in decision) this.deps.alert(`${this.record.name}: ${decision.alert}`);
    this.announce();
    if (decision.restart) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (this.supervision.kind !== 'backoff' || this.supervision.generation !== generation + 1) return;
        this.totalRestarts++;
        // Resume the conversation where the preset can, so a crash does not lose it.
        this.start(this.info().canResume);
      }, decision.delayMs);
    }
  }

  private applyFlow(action: 'pause' | 'resume' | null): void {
    if (action === 'pause') {
      this.pty?.pause();
      this.stallTimer ??= setInterval(() => this.checkStalled(), 1000);
    } else if (action === 'resume') {
      this.pty?.resume();
      if (this.stallTimer) clearInterval(this.stallTimer);
      this.stallTimer = null;
    }
  }

  private checkStalled(): void {
    for (const client of this.flow.stalled(this.deps.now())) {
      const a = this.clients.get(client);
      this.detach(client);
      a?.detached('too slow: re-attach with since to continue');
    }
  }

  private setActivity(a: Activity): void {
    this.activity = a;
    this.announce();
  }

  private announce(): void {
    this.deps.changed(this.info());
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString();
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
