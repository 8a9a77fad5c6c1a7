import { statSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { isLiveSupervision, type Activity, type AgentInfo, type Confinement, type ContextUse } from '../../shared/agents';
import { activityFromHook, HOOK_RECHECK_QUIET_MS, recheckHookActivity, UNKNOWN_ACTIVITY, type HookEvent } from './activity';
import type { AgentRecord } from './agent-store';
import { FlowControl, type FlowLimits, type FlowStep, type JumpReason } from './flow-control';
import { OutputBatcher } from './output-batcher';
import type { OutputLog } from './output-log';
import { canResume, PRESETS } from './presets';
import { drainBeforeClose } from './drain-on-close';
import { findRestartPoint, firstCleanStart } from './restart-point';
import { modesPreamble, TerminalModeTracker } from './terminal-mode-tracker';
import { endLeftovers, EXIT_AFTER_KILL_MS, stopAgentProcesses, type StopTimings } from './stop-agent-processes';
import { decideOnExit, NO_RESTARTS, type RestartConfig, type RunCounters, type Supervision } from './supervision';
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
 *
 * The PTY is drained into the log at full speed; clients (and the screen reader that
 * decides the agent's state) are fed from the log as they keep up, jumping ahead when a
 * flood leaves them too far behind (flow-control.ts). The PTY is paused only while the log
 * cannot take bytes (a write to it failed: the disk is full).
 */
export interface Attachment {
  /** Sends output starting at `offset`. */
  send(offset: number, data: Buffer): void;
  /** The client's stream skips from `jump.fromOffset` to `jump.toOffset`: it resets its terminal. */
  jumped(jump: Jump): void;
  detached(reason: string): void;
}

export interface Jump {
  reason: JumpReason;
  fromOffset: number;
  toOffset: number;
  skippedBytes: number;
  /** The terminal was on the alternate screen at `toOffset`: the client switches to it after its reset. */
  altScreen: boolean;
  /** Sequences that set the other modes on at `toOffset` again, written after the reset (terminal-mode-tracker.ts). */
  modes: string;
}

export interface LaunchPlan {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** How this run is confined (its tab says so). */
  confinement: Confinement;
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
  /** Ends the run's processes (stop-agent-processes.ts; a test stands in one no signal reaches). */
  stopProcesses?: typeof stopAgentProcesses;
}

/** While running, context use is re-read this often, and on every hook. */
const CONTEXT_POLL_MS = 5000;
/** The screen is read once output has settled this long (a redraw comes in pieces). */
const SCREEN_SETTLE_MS = 150;
/**
 * The screen reader parses in the host's own thread, beside the PTY's drain: under a flood it
 * takes a small window at a time and, after a large piece, waits before asking for more, so
 * it parses a few percent of a flood (jumping to its end) instead of every byte. It needs the
 * settled screen, not every frame. Its pieces are small (32 KiB, a millisecond or so of
 * parsing) because each is parsed in one go: eight readers' 128 KiB pieces landing in one
 * turn of the event loop held a keystroke's echo behind them (the terminals bench's p99).
 */
const SCREEN_FLOW: FlowLimits = { windowBytes: 128 * 1024, jumpBytes: 1024 * 1024, frameBytes: 32 * 1024 };
/** A piece this large (a whole frame) means more is waiting: a flood, so the next one waits. */
const SCREEN_LARGE_PIECE_BYTES = 32 * 1024;
const SCREEN_PACE_MS = 100;
/** The screen reader's id in its own flow control. */
const SCREEN = 0;

type ClientId = number;

export class AgentRuntime {
  private supervision: Supervision = { kind: 'starting', generation: 0 };
  private counters: RunCounters = NO_RESTARTS;
  private totalRestarts = 0;
  private pty: IPty | null = null;
  private generation = 0;
  private activity: Activity;
  /** The last run's confinement; null until this host starts it. */
  private confinement: Confinement | null = null;
  private hooksSeen = false;
  private context: ContextUse | null = null;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private contextTimer: ReturnType<typeof setInterval> | null = null;
  private transcriptPath: string | null = null;
  private screen: ScreenReader | null = null;
  private screenTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the current run last printed (deps.now()), for the hook re-check's quiet period. */
  private lastOutputAt = 0;
  /** The screen shows something a pattern recognises; output activity then says nothing. */
  private screenDecides = false;
  /** `stopsAsked` of the last stopThen's stop (isRestarting). */
  private restartAsked = -1;
  private stopping: Promise<void> | null = null;
  /** A start asked for while the last stop still ends what its run left: cancelled by a stop. */
  private queuedStart: object | null = null;
  /** Whether a run this host spawned may have left processes no stop or sweep has ended since (start()). */
  private mayHaveLeftovers = false;
  /** Stops asked for so far: a restart starts again only if none came after its own (stopThen). */
  private stopsAsked = 0;
  /** The run a stop could not end (shown running again, stoppable again): its exit is still the stop's. */
  private stopAskedOf: number | null = null;
  /** Removed (or the host is shutting down): no run starts any more. */
  private disposed = false;
  private readonly clients = new Map<ClientId, Attachment>();
  private readonly flow = new FlowControl<ClientId>();
  private readonly screenFlow = new FlowControl<ClientId>(SCREEN_FLOW);
  private screenAckTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly batcher: OutputBatcher;
  private nextClient = 1;
  /** Output the log could not take yet (disk full); the PTY is paused while there is any. */
  private unlogged: Buffer[] = [];
  private readonly modes = new TerminalModeTracker();
  private logRetryTimer: ReturnType<typeof setTimeout> | null = null;

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
  start(resume = false, extraArgs: readonly string[] = [], swept = false): Result<void, ApiError> {
    if (this.disposed) return err(apiError('agent_unknown', `${this.record.name} was removed.`, { id: this.record.id }));
    if (this.pty) return ok(undefined);
    if (this.stopping) {
      // The last run's main process is gone, but its stop still ends what it left behind, by
      // the agent's marker, which this run would carry too: it starts once that is done,
      // unless a stop (or removal) comes meanwhile, which is the operator's last word.
      const queued = {};
      this.queuedStart = queued;
      const startQueued = (): void => {
        if (this.queuedStart !== queued) return;
        this.queuedStart = null;
        this.start(resume, extraArgs, true);
      };
      void this.stopping.then(startQueued, startQueued);
      return ok(undefined);
    }
    if (!isDirectory(this.record.lanePath)) return this.refuseMissingLane();
    // What an earlier run of this host left running (a server it started with setsid, an
    // unconfined agent's `nohup … &`) is ended before the next run starts, whether the
    // supervisor restarts it or the operator starts it again: two copies of one agent's work
    // must not run side by side (the next would find the first's port taken, and crash-loop).
    if (!swept && this.mayHaveLeftovers) {
      this.stopping = this.endLeftovers();
      return this.start(resume, extraArgs);
    }
    // A start from outside (the operator, a host restart) gets a fresh budget of unstable
    // restarts; only the supervisor's own restarts (out of backoff) count against it.
    const isRestart = this.supervision.kind === 'backoff';
    if (!isRestart) this.counters = NO_RESTARTS;
    const generation = ++this.generation;
    this.supervision = { kind: 'starting', generation };
    let pty: IPty;
    try {
      // Building the plan may refuse too (confinement that cannot be set up): as a failed spawn.
      const plan = this.deps.plan(resume, extraArgs);
      this.confinement = plan.confinement;
      pty = this.deps.spawnPty(plan, this.record.lanePath, this.record.cols, this.record.rows);
    } catch (e) {
      const why = (e as Error).message;
      this.appendToLog(Buffer.from(`\r\n[grove] could not start ${this.record.command}: ${why}\r\n`));
      if (isRestart || this.record.restart !== 'never') {
        // The supervisor's own restart, or any start of an agent meant to be kept alive (the ops
        // loop a host start brings back): a run that failed at once, so it backs off and,
        // failing on, gives up with its alert, rather than stay down without a word.
        this.afterRun({ kind: 'running', generation, pid: 0, startedAt: this.deps.now() }, null, null, true);
        return ok(undefined);
      }
      this.supervision = { kind: 'crashed', code: null, signal: null };
      // Said, not only logged: a start the host makes by itself (an auto-resume) has no one
      // watching the tab.
      this.deps.alert(`${this.record.name} could not start: ${why}`);
      this.announce();
      return ok(undefined);
    }
    this.pty = pty;
    this.mayHaveLeftovers = true;
    // The log still cannot take the last run's output: this run waits paused too, rather than
    // pile its output up in memory; the retry that writes what is held resumes it.
    if (this.unlogged.length > 0) pty.pause();
    this.supervision = { kind: 'running', generation, pid: pty.pid, startedAt: this.deps.now() };
    this.activity = UNKNOWN_ACTIVITY(this.iso());
    this.hooksSeen = false;
    this.screenDecides = false;
    this.screen?.dispose();
    if (this.screenAckTimer) clearTimeout(this.screenAckTimer);
    this.screenAckTimer = null;
    const patterns = SCREEN_PATTERNS[this.record.preset as 'claude' | 'codex'];
    this.screen = patterns ? new ScreenReader(this.record.cols, this.record.rows) : null;
    // The screen reader follows this run's output from here.
    if (this.screen) this.screenFlow.attach(SCREEN, this.deps.log.end, true);
    else this.screenFlow.detach(SCREEN);
    const deliver = (d: Buffer): void => {
      if (generation === this.generation) this.batcher.push(d);
    };
    pty.onData((d) => deliver(typeof d === 'string' ? Buffer.from(d) : (d as Buffer)));
    drainBeforeClose(pty, deliver);
    pty.onExit(({ exitCode, signal }) => this.onExit(generation, exitCode, signal ?? null));
    this.deps.onRunStart?.(this.deps.now());
    if (this.deps.readContext) this.contextTimer ??= setInterval(() => this.pollContext(), CONTEXT_POLL_MS);
    this.announce();
    return ok(undefined);
  }

  private refuseMissingLane(): Result<void, ApiError> {
    const { name, lanePath } = this.record;
    const message = this.record.isOpsLoop
      ? `${name} cannot start: its checkout ${lanePath} is gone. Run grove ops start, which makes it again.`
      : `${name} cannot start: its directory ${lanePath} is gone (its lane was removed or moved). Remove the agent, or start a new one in an existing lane.`;
    this.appendToLog(Buffer.from(`\r\n[grove] ${message}\r\n`));
    // A restart the supervisor had scheduled ends here, once, instead of backing off forever.
    if (this.supervision.kind === 'backoff') {
      this.supervision = { kind: 'crashed', code: this.supervision.code, signal: this.supervision.signal };
      this.deps.alert(message);
    }
    this.announce();
    return err(apiError('agent_lane_invalid', message, { lanePath, id: this.record.id }));
  }

  /**
   * Stops the run, then calls `next` (a start) once it is over, unless another stop (or the
   * agent's removal) was asked for meanwhile: that is the operator's last word, and a restart
   * whose own stop it joined must not undo it. Resolves with `next`'s answer, or null when
   * nothing followed.
   */
  async stopThen<T>(next: () => T): Promise<T | null> {
    // The stop about to be asked (stop() counts it first): while it is the latest, this run is restarting.
    const asked = this.stopsAsked + 1;
    this.restartAsked = asked;
    const stopped = this.stop();
    await stopped;
    return this.stopsAsked === asked && !this.disposed ? next() : null;
  }

  /**
   * Stopping to start again (a restart or recycle under way), not to stay stopped: the record
   * says so (agent-service.ts), so a host that dies or quits meanwhile leaves it to be resumed.
   */
  get isRestarting(): boolean {
    return this.supervision.kind === 'stopping' && this.restartAsked === this.stopsAsked;
  }

  /** Stops the agent and everything it started; no restart follows. */
  stop(): Promise<void> {
    this.stopsAsked++;
    this.queuedStart = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.supervision.kind === 'backoff') {
      this.supervision = { kind: 'exited', code: null, signal: null };
      this.announce();
      return Promise.resolve();
    }
    // Its run ended on its own: what it left running (a server started with setsid) is ended,
    // found by the agent's marker, and a start meanwhile waits for that (start()), or the sweep
    // would end the new run too.
    if (!this.pty || this.supervision.kind !== 'running') return (this.stopping ??= this.endLeftovers());
    const running = this.supervision;
    const pid = running.pid;
    this.supervision = { kind: 'stopping', generation: running.generation, pid };
    this.announce();
    // A stop that did not end the run (its sweep failed, or the exit never came) leaves it
    // running as it was, so the operator can stop it again rather than watch "stopping" for ever.
    const unstopped = (): void => {
      if (this.pty && this.supervision.kind === 'stopping' && this.supervision.generation === running.generation) {
        this.supervision = running;
        // Still stopped as asked: when it ends after all (ended by hand, the kernel letting go),
        // no restart follows, whatever its exit says.
        this.stopAskedOf = running.generation;
        this.announce();
      }
    };
    const exited = new Promise<void>((resolve) => this.pty?.onExit(() => resolve()));
    this.stopping = (this.deps.stopProcesses ?? stopAgentProcesses)(this.id, pid, this.deps.stopTimings)
      .then(async ({ survivors }) => {
        if (survivors.length) this.deps.alert(`could not end processes ${survivors.join(', ')} of ${this.record.name}`);
        else this.mayHaveLeftovers = false;
        // Waited for a while, not for ever: a main process no signal from here ends (another
        // user's, after `sudo`; one stuck in the kernel) must not hang the stop, nor the host's
        // shutdown behind it. It is said, and the run shows as running again (stoppable again).
        let timer: NodeJS.Timeout | undefined;
        const timings = this.deps.stopTimings;
        const waitMs = timings.exitAfterKillMs ?? Math.max(timings.graceMs, EXIT_AFTER_KILL_MS);
        const ended = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)))]);
        clearTimeout(timer);
        if (!ended) {
          this.deps.alert(`${this.record.name}'s process ${pid} did not end after SIGKILL (it may run as another user, or be stuck in the kernel): end it by hand`);
          unstopped();
        }
      })
      .catch((e: unknown) => {
        unstopped();
        throw e;
      })
      .finally(() => (this.stopping = null));
    return this.stopping;
  }

  private endLeftovers(): Promise<void> {
    return endLeftovers(this.record, this.deps.stopTimings, (m) => this.deps.alert(m), this.deps.stopProcesses)
      .then(() => void (this.mayHaveLeftovers = false))
      .finally(() => (this.stopping = null));
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

  /**
   * Attaches a client from `since` (or the retained tail); returns where its output starts
   * (after a jump sent at attach: where that jump landed) and where the log ends now. The
   * replay is sent as the client acknowledges, like live output. Without `since` the client
   * is replayed what the log keeps, unless that is more than it could parse in reasonable
   * time (then a client that `canJump` jumps at once, reason `attach`). With `since` before
   * the oldest byte kept, it is told with a `gone` jump, never silently moved on; a client
   * that `canJump` and is far behind jumps at once. One whose `since` is past the log's end
   * holds bytes the log lost: it is told with an `ahead` jump (to a restart point near the
   * end, or, for a client that may not jump, to the end itself), never silently sent output
   * at offsets it takes for bytes it already has.
   */
  attach(attachment: Attachment, since: number | null, canJump: boolean): { client: ClientId; from: number; end: number; gap: boolean } {
    const client = this.nextClient++;
    const { log } = this.deps;
    const end = log.end;
    let from: number;
    if (since === null) {
      from = this.oldestCleanStart();
      const replayTo = end - from <= TerminalConstants.attachReplayBytes ? end : from;
      this.flow.attach(client, from, canJump, { replayTo });
      // Replayed from past the log's first byte: the modes the agent set in bytes no longer
      // kept (bracketed paste, the alternate screen, mouse tracking: a TUI sets them once, at
      // its start) come first, as a jump that skips nothing. (A replay too long to send jumps
      // anyway, and that jump carries them.)
      const modes = this.modes.modesForReplayFrom(from);
      const preamble = modesPreamble(modes);
      if (from > 0 && replayTo === end && (modes.altScreen || preamble !== '')) {
        attachment.jumped({ reason: 'attach', fromOffset: from, toOffset: from, skippedBytes: 0, altScreen: modes.altScreen, modes: preamble });
      }
    } else {
      // A `since` past the end: the client holds bytes the log lost (flow-control.ts `ahead`).
      from = since;
      this.flow.attach(client, from, canJump);
    }
    this.clients.set(client, attachment);
    this.pump(this.flow, client, { ...attachment, jumped: (jump) => ((from = jump.toOffset), attachment.jumped(jump)) });
    return { client, from, end, gap: since !== null && since < log.start };
  }

  readOutput(since: number, max: number): ReturnType<OutputLog['read']> {
    return this.deps.log.read(since, max);
  }

  /** Where the agent's retained output ends now. */
  outputEnd(): number {
    return this.deps.log.end;
  }

  ack(client: ClientId, offset: number): void {
    const a = this.clients.get(client);
    if (!a) return;
    this.flow.ack(client, offset);
    this.pump(this.flow, client, a);
  }

  detach(client: ClientId): void {
    if (this.clients.delete(client)) this.flow.detach(client);
  }

  /**
   * Sends the client what its flow control allows now: log bytes within its credit, or a
   * jump to a restart point near the end (for `gone` without jumping: the oldest byte kept).
   */
  private pump(flow: FlowControl<ClientId>, client: ClientId, a: Attachment): void {
    const { log } = this.deps;
    for (let step: FlowStep = flow.next(client, log); step.kind !== 'wait'; step = flow.next(client, log)) {
      if (step.kind === 'send') {
        const piece = log.read(step.from, step.to - step.from);
        if (piece.data.length === 0) return;
        flow.sentTo(client, piece.from + piece.data.length);
        a.send(piece.from, piece.data);
        continue;
      }
      const to = step.to === 'end' ? this.restartPoint() : step.to === 'oldest' ? this.oldestCleanStart() : log.end;
      flow.jumped(client, to);
      const modes = this.modes.modesAt(to);
      a.jumped({ reason: step.reason, fromOffset: step.from, toOffset: to, skippedBytes: Math.max(0, to - step.from), altScreen: modes.altScreen, modes: modesPreamble(modes) });
    }
  }

  /**
   * The oldest offset a terminal can start at cleanly: where older bytes were dropped, the
   * first kept one may be inside a character, an escape sequence or a line; it goes on from
   * the next line start (restart-point.ts firstCleanStart).
   */
  private oldestCleanStart(): number {
    const { log } = this.deps;
    if (log.start === 0) return 0;
    const head = log.read(log.start, TerminalConstants.restartPlainBytes);
    return head.from + firstCleanStart(head.data);
  }

  /** A restart point near the end of the log (restart-point.ts). */
  private restartPoint(): number {
    const { log } = this.deps;
    const window = log.read(Math.max(log.start, log.end - TerminalConstants.restartSearchBytes));
    return window.from + findRestartPoint(window.data, TerminalConstants.restartPlainBytes);
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
      unconfined: r.unconfined,
      confinement: this.confinement,
      ceiling: r.ceiling,
    };
  }

  /** Marks the agent lost (its process did not survive a host restart). */
  markLost(): void {
    this.supervision = { kind: 'lost' };
    this.announce();
  }

  /** Marks the agent stopped, as it was asked to be (a stop the previous host did not see through). */
  markStopped(): void {
    this.supervision = { kind: 'exited', code: null, signal: null };
    this.announce();
  }

  /** Frees the log and timers; the process must already be gone. */
  dispose(): void {
    this.disposed = true;
    this.queuedStart = null;
    // Never left running unseen: a run started after its last stop (a removal or a host
    // shutdown racing a start) ends with the runtime.
    try {
      this.pty?.kill();
    } catch {
      /* already gone */
    }
    // The screen reader first: its terminal still runs the write callbacks it had queued,
    // which would re-arm its timers and read the closed log unless it is no longer this.screen.
    const screen = this.screen;
    this.screen = null;
    this.screenFlow.detach(SCREEN);
    for (const t of [this.quietTimer, this.restartTimer, this.screenAckTimer, this.logRetryTimer]) if (t) clearTimeout(t);
    if (this.contextTimer) clearInterval(this.contextTimer);
    if (this.screenTimer) clearTimeout(this.screenTimer);
    screen?.dispose();
    for (const a of this.clients.values()) a.detached('agent removed');
    this.clients.clear();
    this.deps.log.close();
  }

  private onOutput(chunk: Buffer): void {
    if (this.disposed || !this.appendToLog(chunk)) return;
    const now = this.deps.now();
    for (const [client, a] of this.clients) this.pump(this.flow, client, a);
    const generation = this.generation;
    this.lastOutputAt = now;
    // Fed even once hooks speak: a hook's busy is re-checked against it (readScreen).
    this.feedScreen();
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

  /**
   * Appends output to the log; false if the log cannot take it (a write failed: the disk is
   * full, the directory is gone). The one case the agent is paused: its output is held, in
   * order, and the write retried until it succeeds; nothing is dropped.
   */
  private appendToLog(chunk: Buffer): boolean {
    if (this.unlogged.length === 0) {
      try {
        this.modes.observe(this.deps.log.append(chunk), chunk);
        return true;
      } catch (e) {
        this.pty?.pause();
        this.deps.alert(`${this.record.name} is paused: its output cannot be written to its log (${(e as Error).message}); it resumes once the write succeeds`);
      }
    }
    this.unlogged.push(chunk);
    this.logRetryTimer ??= setTimeout(() => this.retryLog(), TerminalConstants.logRetryMs);
    return false;
  }

  private retryLog(): void {
    this.logRetryTimer = null;
    const held = this.unlogged;
    this.unlogged = [];
    for (let i = 0; i < held.length; i++) {
      try {
        this.modes.observe(this.deps.log.append(held[i]!), held[i]!);
      } catch {
        this.unlogged = held.slice(i);
        this.logRetryTimer = setTimeout(() => this.retryLog(), TerminalConstants.logRetryMs);
        return;
      }
    }
    this.pty?.resume();
    for (const [client, a] of this.clients) this.pump(this.flow, client, a);
    this.feedScreen();
  }

  /** The screen reader takes output from the log as it parses it (SCREEN_FLOW). */
  private feedScreen(): void {
    const screen = this.screen;
    if (!screen || this.screenAckTimer) return;
    const generation = this.generation;
    this.pump(this.screenFlow, SCREEN, {
      send: (offset, data) => {
        const end = offset + data.length;
        screen.write(data, () => {
          if (screen !== this.screen) return;
          this.scheduleScreenRead(generation, SCREEN_SETTLE_MS);
          this.screenFlow.ack(SCREEN, end);
          if (data.length < SCREEN_LARGE_PIECE_BYTES) return this.feedScreen();
          this.screenAckTimer ??= setTimeout(() => {
            this.screenAckTimer = null;
            this.feedScreen();
          }, SCREEN_PACE_MS);
        });
      },
      jumped: (jump) => screen.reset(jump),
      detached: () => undefined,
    });
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
    // Removed while its process lived on (a stop that could not end it): its log is closed and
    // its record gone; nothing of it may be written or announced again.
    if (generation !== this.generation || this.disposed) return;
    this.batcher.flush();
    this.pty = null;
    if (this.contextTimer) clearInterval(this.contextTimer);
    this.contextTimer = null;
    if (this.screenTimer) clearTimeout(this.screenTimer);
    this.screenTimer = null;
    const s = this.supervision;
    if (s.kind !== 'running' && s.kind !== 'stopping') return;
    this.afterRun(s, code, signal === 0 ? null : signal);
  }

  /** A run ended (or failed to spawn): the restart policy decides what follows. */
  private afterRun(s: Extract<Supervision, { kind: 'running' | 'stopping' }>, code: number | null, signal: number | null, spawnFailed = false): void {
    const generation = s.generation;
    const requested = s.kind === 'stopping' || this.stopAskedOf === generation;
    const decision = decideOnExit(s, this.counters, { code, signal, at: this.deps.now(), requested, spawnFailed }, this.record.restart, this.deps.restartCfg);
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
