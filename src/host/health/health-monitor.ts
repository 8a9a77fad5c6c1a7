import type { CommandGroups } from '../lanes/setup/command-groups';
import type { ApiError } from '../../shared/errors';
import { isCommandProbe, ProbeDefaults, probeSettings, type MainHealth, type ProbeResult, type ProbeSpec } from '../../shared/health';
import type { Repo } from '../../shared/repo';
import type { EventLog } from '../events/event-log';
import { mainCommandEnv } from '../lanes/lane-context';
import { isTrustRefusal, usableConfig } from '../lanes/repo-config';
import type { Logger } from '../logger';
import type { RepoStore } from '../repos/repo-store';
import type { HealthHistory } from './health-history';
import { applyProbeResult, failedProbes, hasNewOutcome, reconcileProbes } from './health-state';
import { mainHead } from './incident-commits';
import type { IncidentRecorder } from './incident-recorder';
import { runCommandProbe } from './probe-command';
import { runHttpProbe } from './probe-http';
import { nextRunDelayMs } from './probe-schedule';

/**
 * Runs each repository's probes (grove.yaml `health.probes`) in MAIN: every probe on its
 * interval, all of them right away — debounced — when MAIN changes (the MAIN guard's file
 * events, a merge), and a probe that failed below its threshold again soon
 * (probe-schedule.ts). Probes of one repository run one at a time, so a slow probe never
 * overlaps itself. Health changes are `health.updated` events; MAIN turning broken and
 * recovering are one alert each (one per incident, never per probe run).
 *
 * Every run and every change of MAIN's state goes to the history (health-history.ts), with
 * `none` while the monitor is stopped; incidents are the recorder's (incident-recorder.ts).
 * MAIN's HEAD is read before each round and after each probe: a round during which it moved
 * (a merge landed) is not judged; every probe runs again on the new HEAD, and that round is.
 */
export interface HealthMonitorDeps {
  repos: RepoStore;
  events: EventLog;
  logger: Logger;
  dataDir: string;
  baseEnv: NodeJS.ProcessEnv;
  mask: (text: string) => string;
  history: HealthHistory;
  incidents: IncidentRecorder;
  /** Records command probes' process groups while they run (a host killed meanwhile leaves word of them). */
  commandGroups?: CommandGroups;
  /**
   * Before a round's probes run: what they write into MAIN is not an edit (MainGuard.holdContent).
   * The function answered is called when they have ended, at `until`: false when a file was
   * edited after that, for every probe to run again.
   */
  holdMainWrites?: (repoId: string) => (until: number) => Promise<boolean>;
}

interface RepoHealth {
  health: MainHealth;
  specs: ProbeSpec[];
  /** When each probe is next due (ms since epoch). */
  due: Map<string, number>;
  /** grove.yaml's `health.debounceMs`, as last read. */
  debounceMs: number;
  /** MAIN's HEAD when the current (or last) round started. */
  head: string | null;
  timer: NodeJS.Timeout | null;
  running: boolean;
  /** The round under way, if any: resolves when it has ended. */
  current: Promise<void> | null;
  /** Ends the round under way early (holdWhile), not the repository's watch. */
  roundAbort: AbortController | null;
  /** How many holdWhile calls hold the probes now: no round starts while one does. */
  held: number;
  /**
   * The health the incident log last judged. A round's results are judged together when
   * the round ends, so every probe that fails in the round that breaks MAIN belongs to the
   * incident (and its alert), not only the first to cross its threshold.
   */
  judged: MainHealth;
  abort: AbortController;
}

export class HealthMonitor {
  private readonly repos = new Map<string, RepoHealth>();
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly deps: HealthMonitorDeps) {}

  start(): void {
    for (const repo of this.deps.repos.list()) this.track(repo.id);
    this.unsubscribe = this.deps.events.subscribe(({ event }) => {
      // After the event reached every listener: tracking announces MAIN's health (`untrusted`
      // at once), which a client must not get before the repository itself.
      if (event.type === 'repo.added') queueMicrotask(() => this.track(event.repo.id));
      else if (event.type === 'repo.removed') this.untrack(event.id);
      else if (event.type === 'main.state') this.mainChanged(event.state.repoId);
      else if (event.type === 'merge.updated') this.mainChanged(event.merge.repoId);
      // Trusted (or no longer): the probes are read again and, when trusted, run soon.
      else if (event.type === 'repo.updated') {
        queueMicrotask(() => {
          this.refreshSpecs(event.repo.id);
          this.mainChanged(event.repo.id);
        });
      }
    });
  }

  /** Stops probing; the timeline shows `none` from now on. Resolves once the incident log is written. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const id of [...this.repos.keys()]) {
      this.deps.history.recordState(id, 'none');
      this.untrack(id);
    }
    await this.deps.incidents.settle();
  }

  health(repoId: string): MainHealth | null {
    return this.repos.get(repoId)?.health ?? null;
  }

  /**
   * MAIN changed (a new state, a merge, or a file already changed edited again): every probe
   * is due after the debounce (a burst of changes runs them once).
   */
  mainChanged(repoId: string): void {
    const r = this.repos.get(repoId);
    if (!r) return;
    // A commit may have brought new probes (a repository added with none yet included).
    this.refreshSpecs(repoId);
    this.markAllDue(r);
    this.schedule(repoId);
  }

  /**
   * Runs `work` (MAIN's gate, which may be these very probes: merge-service.ts) with this
   * repository's probes held: a round under way is ended (its probe cancelled; MAIN is about to
   * change, so its result would judge no single commit) and waited for, none starts meanwhile,
   * and every probe is due again once `work` has ended. Two runs of one command probe side by
   * side (a test suite, a server on its port) would trip each other.
   */
  async holdWhile<T>(repoId: string, work: () => Promise<T>): Promise<T> {
    const r = this.repos.get(repoId);
    if (!r) return work();
    r.held++;
    try {
      if (r.timer) clearTimeout(r.timer);
      r.timer = null;
      r.roundAbort?.abort();
      // A round that failed is the monitor's to log, not a reason for the gate not to run.
      await r.current?.catch(() => undefined);
      return await work();
    } finally {
      r.held--;
      if (r.held === 0) this.mainChanged(repoId);
    }
  }

  /** Every probe due after the debounce grove.yaml gave at the last round (MAIN's events come in bursts). */
  private markAllDue(r: RepoHealth): void {
    const at = Date.now() + r.debounceMs;
    for (const spec of r.specs) r.due.set(spec.name, Math.min(r.due.get(spec.name) ?? Infinity, at));
  }

  /**
   * MAIN's files were looked at after an event (the MAIN guard's checks): grove.yaml may
   * have changed, so it is read again now rather than at the next round, which a
   * repository without probes never has. New probes run after the debounce.
   */
  mainTouched(repoId: string): void {
    if (!this.repos.has(repoId)) return;
    this.refreshSpecs(repoId);
    this.schedule(repoId);
  }

  private repo(repoId: string): Repo | undefined {
    return this.deps.repos.get(repoId);
  }

  private track(repoId: string): void {
    if (this.repos.has(repoId) || this.stopped) return;
    this.repos.set(repoId, {
      health: { state: 'unknown', probes: [] },
      judged: { state: 'unknown', probes: [] },
      specs: [],
      due: new Map(),
      debounceMs: ProbeDefaults.debounceMs,
      head: null,
      timer: null,
      running: false,
      current: null,
      roundAbort: null,
      held: 0,
      abort: new AbortController(),
    });
    this.deps.history.markUnwatchedSinceLastSeen(repoId);
    this.deps.history.recordState(repoId, 'unknown');
    this.deps.incidents.resume(repoId);
    this.refreshSpecs(repoId, { announce: false });
    // First look soon after start, not a whole interval later.
    this.mainChanged(repoId);
  }

  private untrack(repoId: string): void {
    const r = this.repos.get(repoId);
    if (!r) return;
    if (r.timer) clearTimeout(r.timer);
    r.abort.abort();
    this.repos.delete(repoId);
    this.deps.incidents.forget(repoId);
  }

  /**
   * grove.yaml is read before every round and on MAIN's file events: an edit to the probes
   * takes effect at once. A new probe runs after the debounce, not an interval later.
   */
  private refreshSpecs(repoId: string, o: { announce: boolean } = { announce: true }): void {
    const r = this.repos.get(repoId);
    const repo = this.repo(repoId);
    if (!r || !repo) return;
    const config = usableConfig(this.deps.repos, repo, this.deps.dataDir);
    if (!config.ok && isTrustRefusal(config.error)) {
      // Untrusted commands: no probe runs, and MAIN says so instead of "no probes".
      r.specs = [];
      r.due.clear();
      // Where MAIN starts being watched untrusted, that is its first state, not news (clients
      // read it with health.get, and the repository's own `trusted` says why).
      if (o.announce) this.update(repoId, { state: 'untrusted', probes: [] });
      else if (r.health.state !== 'untrusted') {
        r.health = { state: 'untrusted', probes: [] };
        this.deps.history.recordState(repoId, 'untrusted');
      }
      return;
    }
    if (!config.ok) {
      // Keep the last good probes running (MAIN's health still says something), and say
      // that grove.yaml is invalid, with its problems, instead of looking like "no probes".
      if (config.error.code === 'config_invalid') this.update(repoId, { ...r.health, configProblems: configProblemLines(config.error) });
      return;
    }
    const specs = config.value.health?.probes ?? [];
    r.specs = specs;
    r.debounceMs = config.value.health?.debounceMs ?? ProbeDefaults.debounceMs;
    for (const name of [...r.due.keys()]) if (!specs.some((s) => s.name === name)) r.due.delete(name);
    for (const s of specs) if (!r.due.has(s.name)) r.due.set(s.name, Date.now() + r.debounceMs);
    // A fresh MainHealth without configProblems: a valid grove.yaml clears them.
    this.update(repoId, reconcileProbes(r.health, specs));
  }

  private schedule(repoId: string): void {
    const r = this.repos.get(repoId);
    if (!r || r.running || r.held > 0 || this.stopped) return;
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    const next = Math.min(...r.due.values());
    if (!Number.isFinite(next)) return;
    r.timer = setTimeout(() => {
      r.current = this.round(repoId);
    }, Math.max(0, next - Date.now()));
    r.timer.unref();
  }

  /** Runs every probe that is due, one after another, then schedules the next round. */
  private async round(repoId: string): Promise<void> {
    const r = this.repos.get(repoId);
    const repo = this.repo(repoId);
    if (!r || !repo) return;
    r.timer = null;
    if (r.held > 0) return; // holdWhile makes every probe due again when it lets go
    r.running = true;
    const roundAbort = new AbortController();
    r.roundAbort = roundAbort;
    const signal = AbortSignal.any([r.abort.signal, roundAbort.signal]);
    /** HEAD moved during the round (a merge landed): its results judged no single commit. */
    let moved = false;
    /** Set once a probe runs (and may write into MAIN): ends MAIN's hold on its content. */
    let release: ((until: number) => Promise<boolean>) | undefined;
    try {
      this.refreshSpecs(repoId);
      r.head = await mainHead(repo.mainPath);
      if (signal.aborted) return;
      const now = Date.now();
      for (const spec of r.specs.filter((s) => (r.due.get(s.name) ?? Infinity) <= now)) {
        const settings = probeSettings(spec);
        r.due.set(spec.name, Date.now() + settings.intervalMs);
        release ??= this.deps.holdMainWrites?.(repoId) ?? (async () => true);
        const result = await this.run(repo, spec, signal);
        // Untracked, or held (holdWhile, which makes every probe due when it lets go): a
        // cancelled run says nothing of MAIN.
        if (signal.aborted) return;
        moved = (await mainHead(repo.mainPath)) !== r.head;
        this.deps.history.recordRun(repoId, result);
        this.update(repoId, applyProbeResult(r.health, result, r.specs));
        if (moved) {
          // Every probe again on the new HEAD, and the incident log judges that round: an
          // incident must not open or close on a commit the probes did not all see.
          this.markAllDue(r);
          break;
        }
        if (r.health.state === 'healthy') this.deps.history.markHealthy(repoId, { at: new Date().toISOString(), head: r.head });
        const delay = nextRunDelayMs(
          r.health.probes.find((p) => p.name === spec.name),
          { ...settings, debounceMs: r.debounceMs },
        );
        if (delay < settings.intervalMs) r.due.set(spec.name, Math.min(r.due.get(spec.name) ?? Infinity, Date.now() + delay));
      }
    } catch (e) {
      this.deps.logger.warn('health round failed', { repo: repo.mainPath, error: (e as Error).message });
    } finally {
      // What the probes wrote into MAIN is theirs; a file edited after they ended is not: every
      // probe runs again for it.
      const ended = Date.now();
      const taken = release ? await release(ended).catch((e: unknown) => (this.deps.logger.warn('health: cannot take in what the probes wrote in MAIN', { repo: repo.mainPath, error: String(e) }), true)) : true;
      if (!taken && !signal.aborted) this.markAllDue(r);
      r.running = false;
      r.roundAbort = null;
      if (!signal.aborted && !moved) this.judge(repoId);
      this.schedule(repoId);
    }
  }

  private run(repo: Repo, spec: ProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
    const o = { cwd: repo.mainPath, env: mainCommandEnv(this.deps.baseEnv, repo), timeoutMs: probeSettings(spec).timeoutMs, mask: this.deps.mask, signal, ...(this.deps.commandGroups ? { groups: this.deps.commandGroups } : {}) };
    return isCommandProbe(spec) ? runCommandProbe(spec, o) : runHttpProbe(spec, o);
  }

  private update(repoId: string, next: MainHealth): void {
    const r = this.repos.get(repoId);
    if (!r) return;
    const prev = r.health;
    r.health = next;
    if (!hasNewOutcome(prev, next)) return;
    this.deps.events.append({ type: 'health.updated', repoId, health: next });
    this.deps.history.recordState(repoId, next.state);
    // Within a round, the round's end judges (every probe of the round at once).
    if (!r.running) this.judge(repoId);
  }

  /** Tells the incident log what MAIN's health became since it last judged; alerts on open and close. */
  private judge(repoId: string): void {
    const r = this.repos.get(repoId);
    if (!r) return;
    const prev = r.judged;
    const next = r.health;
    r.judged = next;
    if (prev === next) return;
    const repo = this.repo(repoId);
    // Not running the probes says nothing of MAIN: an open incident stays open.
    if (next.state === 'untrusted') return;
    const change = this.deps.incidents.observe(repoId, prev, next, { head: r.head, lastHealthy: this.deps.history.lastHealthy(repoId) });
    if (change === 'open') {
      const why = failedProbes(next)
        .map((p) => `${p.name}: ${p.last?.detail ?? 'failed'}`)
        .join('; ');
      this.deps.events.append({ type: 'alert', agentId: null, repoId, message: `MAIN of ${repo?.name ?? repoId} is broken (${why}).` });
    } else if (change === 'close') {
      const how = next.state === 'healthy' ? 'every probe passes again' : 'no probe is failing any more';
      this.deps.events.append({ type: 'alert', agentId: null, repoId, message: `MAIN of ${repo?.name ?? repoId} recovered: ${how}.` });
    }
  }
}

/** grove.yaml's problems, one line each: `/path/to/grove.yaml:3: …`. */
function configProblemLines(error: ApiError): string[] {
  const problems = (error.details as { problems?: { file: string; line: number | null; message: string }[] } | undefined)?.problems ?? [];
  if (problems.length === 0) return [error.message];
  return problems.map((p) => `${p.file}${p.line !== null ? `:${p.line}` : ''}: ${p.message}`);
}
