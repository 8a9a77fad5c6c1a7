import type { AgentInfo, StartAgentParams } from '../../shared/agents';
import type { Alert } from '../../shared/alerts';
import type { MainHealth } from '../../shared/health';
import type { Incident } from '../../shared/incidents';
import type { Notification, NotificationSettings } from '../../shared/notifications';
import type { OpsLoop } from '../../shared/ops';
import type { Lane, MainState, MergeRecord } from '../../shared/lanes';
import { HostConnection, type CallError, type ConnectionState } from '../../shared/client/host-connection';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/methods';
import type { Result } from '../../shared/result';
import { decodeOutputFrame } from '../../shared/terminal-frames';
import type { JumpFrame } from '../../shared/wire';
import type { EventEnvelope, HostEvent } from '../../shared/events';
import type { HostStatus } from '../../shared/host-status';
import type { Repo } from '../../shared/repo';
import { sessionKeyProtocols } from '../../shared/session-key';
import { takeEarlySocket, type EarlySocket } from './early-socket';
import { goLogIn } from './session-key';
import { frameShape } from './frame-shape';
import { KEPT_INCIDENTS, upsertIncident } from '../health/incident-list';

import { applyJobEvent, interruptRunningJobs, isJobEvent, type JobView } from '../lanes/job-state';
import { isLaneEvent, LaneEventsDuringLists } from '../lanes/lane-list';
import { addNotifications, markNotificationsRead } from '../notifications/notification-list';
import { acknowledgeAlerts, addAlert } from '../main-view/alert-list';

/** Alerts the UI keeps; older ones stay readable with `grove alerts`. */
const KEPT_ALERTS = 20;

/**
 * The UI's one store of host state: the connection, the host's status, the repositories,
 * their lanes, MAIN's state, health and incidents, merges and lane jobs, notifications and
 * ops loops. It loads the current state through the host's list methods and follows the
 * event stream from the host's latest event: it never replays the host's history (50k
 * events, megabytes of job output). After a reconnect the stream resumes after the last
 * event it holds, and the state is loaded again.
 *
 * The answers and the stream race: an event may be older or newer than an answer. Events
 * that arrive while a load is on its way are applied at once and again on top of the
 * answers (the stream is complete and in order, so its latest word stands); lane jobs,
 * which are not idempotent to re-apply (output appends), are re-applied only past the seq
 * the jobs answer was read at.
 * Listeners are notified at most once per animation frame however many events arrive, so
 * a burst (a setup's output, a replay after reconnecting) costs one render; in a hidden tab,
 * which gets no frames, at most every NO_FRAME_MS.
 */
export interface HostSnapshot {
  connection: ConnectionState;
  status: HostStatus | null;
  /** When `status` was fetched, by the browser's clock: uptime ticks from here. */
  statusFetchedAt: number;
  repos: Repo[] | null;
  agents: AgentInfo[] | null;
  lanes: Lane[] | null;
  /** What MAIN's watcher sees, per repository id. */
  mainStates: Readonly<Record<string, MainState>>;
  /** Per lane id, how many `lane.head` events were seen: it grows when the lane's HEAD commit or index changes. */
  laneHeadChanges: Readonly<Record<string, number>>;
  /** MAIN's health from its probes, per repository id. */
  health: Readonly<Record<string, MainHealth>>;
  /** Merges into MAIN of every repository, newest first. */
  merges: MergeRecord[] | null;
  /** Lane jobs (create, remove, merge, rebase, serve), oldest first, with their output's tail. */
  jobs: readonly JobView[];
  /** Every repository's incidents, newest first (null until read, or on a host without them). */
  incidents: Incident[] | null;
  /** The latest notifications, newest first, quiet ones included. */
  notifications: Notification[] | null;
  notificationSettings: NotificationSettings | null;
  /** Each repository's ops loop, by repository id. */
  opsLoops: Readonly<Record<string, OpsLoop>>;
  /** The latest alerts (an agent went fatal, MAIN edited outside Grove), newest first, acknowledged or not. */
  alerts: Alert[];
}

/**
 * Lane operations answer only when done: a setup or a merge gate can run for many minutes
 * (each command up to grove.yaml's timeoutSeconds), and most wait for the repository's
 * lock behind one another. Their progress arrives meanwhile as job events.
 */
const LONG_CALL_MS = 6 * 60 * 60 * 1000;
const CALL_TIMEOUTS: Partial<Record<MethodName, number>> = {
  'lanes.create': LONG_CALL_MS,
  'lanes.adopt': LONG_CALL_MS,
  'lanes.remove': LONG_CALL_MS,
  'lanes.merge': LONG_CALL_MS,
  'lanes.rebase': LONG_CALL_MS,
  'lanes.serve': LONG_CALL_MS,
  'merges.rollback': LONG_CALL_MS,
  // Wait for a merge, its gate or a rollback running on the repository (its lock).
  'repos.acceptMain': LONG_CALL_MS,
  'repos.guard': LONG_CALL_MS,
  // Reads a big worktree and diffs it; slower than a plain call, never minutes.
  'lanes.diff': 2 * 60 * 1000,
  'lanes.resolvePath': 2 * 60 * 1000, // reads the lane's diff for `changed`
  // A round against a slow or hung shared MySQL; the host bounds it by its own timeouts.
  'sync.now': 60 * 1000,
};

/** Where one terminal pane receives its agent's output. */
export interface OutputSink {
  write(offset: number, data: Uint8Array): void;
  /** The host stopped streaming to us (e.g. we were too slow); the pane re-attaches. */
  detached(reason: string): void;
  /** The stream skips ahead to a restart point (catch-up): the pane resets its terminal. */
  jumped(jump: JumpFrame): void;
}

export class HostStore {
  private snapshot: HostSnapshot;
  private readonly listeners = new Set<() => void>();
  private frame: { raf: number; timer: ReturnType<typeof setTimeout> } | null = null;
  readonly connection: HostConnection;

  private readonly sinks = new Map<string, OutputSink>();
  /** Lane events heard while lanes.list is asked for, laid over its answer (see lane-list.ts). */
  private readonly laneEvents = new LaneEventsDuringLists();
  private readonly notificationListeners = new Set<(n: Notification, isLive: boolean) => void>();
  /** False while the host replays what this client missed, true once the stream is live. */
  private isLive = false;
  /** Events received since the current load of the state began; null when no load runs. */
  private eventsDuringLoad: EventEnvelope[] | null = null;
  private loadGeneration = 0;

  /** `key`: the page's session key, offered as the socket's subprotocol (src/shared/session-key.ts). */
  constructor(wsUrl: string, key: string) {
    this.connection = new HostConnection({
      parseFrame: frameShape,
      // Every connect loads the state through methods, then follows from there (no replay).
      since: 'latest',
      latestOnReconnect: true,
      // Logged out (auth.revokeSessions, or idle too long): the page that says how to get back in.
      onSessionEnded: () => goLogIn(),
      // The first connect takes over the socket the page opened while it loaded.
      connect: () => {
        const early = takeEarlySocket(wsUrl, globalThis as { groveEarlySocket?: EarlySocket });
        if (early) return early;
        const ws = new WebSocket(wsUrl, sessionKeyProtocols(key));
        ws.binaryType = 'arraybuffer';
        return ws;
      },
      onBinary: (data) => {
        const frame = decodeOutputFrame(new Uint8Array(data as ArrayBuffer));
        if (frame) this.sinks.get(frame.agentId)?.write(frame.offset, frame.data);
      },
    });
    this.connection.onDetached((agentId, reason) => this.sinks.get(agentId)?.detached(reason));
    this.connection.onJump((jump) => this.sinks.get(jump.agentId)?.jumped(jump));
    // Replayed history is older than any answer still to come; only live lane events can be newer.
    this.connection.onEvent(({ event }) => {
      if (isLaneEvent(event) && this.isLive) this.laneEvents.hear(event);
    });
    this.snapshot = {
      connection: this.connection.connectionState,
      status: null,
      statusFetchedAt: 0,
      repos: null,
      agents: null,
      lanes: null,
      mainStates: {},
      laneHeadChanges: {},
      health: {},
      incidents: null,
      notifications: null,
      notificationSettings: null,
      opsLoops: {},
      merges: null,
      jobs: [],
      alerts: [],
    };
    this.connection.onState((s) => {
      this.isLive = false;
      // At once, not at the next frame: a change of connection is rare (no burst to fold),
      // and the page connecting while its first render is under way then shows connected in
      // that render's own frame instead of one frame later.
      this.update({ connection: s }, true);
      if (s.kind === 'open') void this.refresh();
    });
    this.connection.onEvent((e) => {
      this.eventsDuringLoad?.push(e);
      this.apply(e, true);
    });
    this.connection.onGap(() => void this.refresh());
    this.connection.onLive(() => {
      this.isLive = true;
    });
  }

  start(): void {
    this.connection.start();
  }

  getSnapshot = (): HostSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A repository's record as an answer or a `repo.updated` brought it (trusted, or its commands changed). */
  setRepo(repo: Repo): void {
    if (this.snapshot.repos) this.update({ repos: this.snapshot.repos.map((r) => (r.id === repo.id ? repo : r)) });
  }

  async addRepo(path: string): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.act('repos.add', { path });
  }

  startAgent(params: StartAgentParams): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.act('agents.start', params);
  }

  /** Any call whose answer the UI only needs as "done" or "why not". */
  async act<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<{ ok: true } | { ok: false; message: string }> {
    const r = await this.request(method, params);
    return r.ok ? { ok: true } : { ok: false, message: r.error.message };
  }

  /** A call whose answer the UI reads: the result, or the host's error with its code and details. */
  request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>, CallError>> {
    const timeoutMs = CALL_TIMEOUTS[method];
    return this.connection.call(method, params, timeoutMs === undefined ? {} : { timeoutMs });
  }

  /**
   * Every `notification` event, and whether it is live (happening now) or replayed history:
   * the browser notifies only of live ones (see web-notification-policy.ts).
   */
  onNotification(listener: (n: Notification, isLive: boolean) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /**
   * Live events of one type, for a feature that follows its own data (a brief's trace) rather
   * than keeping it in the snapshot. Nothing is replayed: after a reconnect (the snapshot's
   * `connection` turns open again) the feature reads its data afresh.
   */
  onEventOf<T extends HostEvent['type']>(type: T, listener: (event: Extract<HostEvent, { type: T }>) => void): () => void {
    return this.connection.onEvent(({ event }) => {
      if (event.type === type) listener(event as Extract<HostEvent, { type: T }>);
    });
  }

  /** The pause as an answer brought it, before its event arrives. */
  setNotificationSettings(settings: NotificationSettings): void {
    this.update({ notificationSettings: settings });
  }

  /** A repository's ops loop as ops.start or ops.stop answered, before its event arrives. */
  setOpsLoop(repoId: string, loop: OpsLoop | null): void {
    const { [repoId]: _gone, ...rest } = this.snapshot.opsLoops;
    this.update({ opsLoops: loop ? { ...rest, [repoId]: loop } : rest });
  }

  /** Alerts as an answer (alerts.acknowledge) or an event left them; unchanged, nothing re-renders. */
  setAlerts(alerts: Alert[]): void {
    if (alerts !== this.snapshot.alerts) this.update({ alerts });
  }

  /** A pane registers here to receive its agent's output frames. */
  setSink(agentId: string, sink: OutputSink | null): void {
    if (sink) this.sinks.set(agentId, sink);
    else this.sinks.delete(agentId);
  }

  private async refresh(): Promise<void> {
    const generation = ++this.loadGeneration;
    this.eventsDuringLoad = [];
    const reposCall = this.connection.call('repos.list', {});
    // MAIN's state takes the host longest to tell (it reads the checkout): asked for as soon as
    // the repositories are known, beside the other answers rather than after them.
    void reposCall.then((r) => {
      if (r.ok && generation === this.loadGeneration) for (const repo of r.value.repos) void this.refreshMainState(repo.id);
    });
    const [status, repos, agents, lanes, merges, health, incidents, notifications, ops, jobs, alerts] = await Promise.all([
      this.connection.call('host.status', {}),
      reposCall,
      this.connection.call('agents.list', {}),
      this.connection.call('lanes.list', {}),
      this.connection.call('merges.list', {}),
      this.connection.call('health.get', {}),
      this.connection.call('incidents.list', { limit: KEPT_INCIDENTS }),
      this.connection.call('notifications.list', {}),
      this.connection.call('ops.list', {}),
      this.connection.call('jobs.list', {}),
      this.connection.call('alerts.list', { limit: KEPT_ALERTS }),
    ]);
    // A newer load (a reconnect, a host restart) answers for both.
    if (generation !== this.loadGeneration) return;
    const during = this.eventsDuringLoad ?? [];
    this.eventsDuringLoad = null;
    this.update({
      ...(status.ok ? { status: status.value, statusFetchedAt: Date.now() } : {}),
      ...(repos.ok ? { repos: repos.value.repos } : {}),
      ...(agents.ok ? { agents: agents.value.agents } : {}),
      ...(lanes.ok ? { lanes: lanes.value.lanes } : {}),
      ...(merges.ok ? { merges: sortMerges(merges.value.merges) } : {}),
      ...(health.ok ? { health: Object.fromEntries(health.value.repos.map((r) => [r.repoId, r.health])) } : {}),
      // Merged with what events brought meanwhile, not replaced: an update may overtake the list.
      ...(incidents.ok ? { incidents: incidents.value.incidents.reduce(upsertIncident, this.snapshot.incidents ?? []) } : {}),
      ...(notifications.ok
        ? {
            notifications: addNotifications(this.snapshot.notifications ?? [], notifications.value.notifications),
            notificationSettings: notifications.value.settings,
          }
        : {}),
      ...(ops.ok ? { opsLoops: Object.fromEntries(ops.value.loops.map((l) => [l.repoId, l])) } : {}),
      ...(jobs.ok ? { jobs: jobs.value.jobs } : {}),
      ...(alerts.ok ? { alerts: alerts.value.alerts } : {}),
    });
    for (const e of during) {
      if (!isJobEvent(e.event)) this.apply(e, false);
      else if (jobs.ok && e.seq > jobs.value.latestSeq) this.apply(e, false);
    }
    // The whole load told at once, the events heard meanwhile laid over it: not a burst to
    // fold into a frame, and the operator's first sight of the repositories and lanes should
    // not wait for the next one.
    this.notify();
  }

  private async refreshMainState(repoId: string): Promise<void> {
    const r = await this.connection.call('repos.mainState', { repoId });
    if (r.ok) this.setMainState(r.value.state);
  }

  /** MAIN's state as an answer brought it (accept, guard), before its event arrives. */
  setMainState(state: MainState): void {
    this.update({ mainStates: { ...this.snapshot.mainStates, [state.repoId]: state } });
  }

  /** Lanes change on disk too (a worktree made by hand): re-read them from the host. */
  async refreshLanes(): Promise<void> {
    const mark = this.laneEvents.mark();
    const lanes = await this.connection.call('lanes.list', {});
    if (lanes.ok) this.update({ lanes: this.laneEvents.layOver(mark, lanes.value.lanes) });
    else this.laneEvents.forget(mark);
  }

  /**
   * `isFirstTime` is false when an event is applied again on top of a load's answers: it
   * changes state only, and tells no one (no notification, no alert twice, no new load).
   */
  private apply(envelope: EventEnvelope, isFirstTime: boolean): void {
    const { event } = envelope;
    if (isJobEvent(event)) {
      const jobs = applyJobEvent(this.snapshot.jobs, event);
      if (jobs !== this.snapshot.jobs) this.update({ jobs });
      return;
    }
    switch (event.type) {
      case 'host.started':
        if (!isFirstTime) return;
        this.update({ jobs: interruptRunningJobs(this.snapshot.jobs) });
        void this.refresh();
        return;
      case 'repo.added':
        if (this.snapshot.repos && !this.snapshot.repos.some((r) => r.id === event.repo.id)) {
          this.update({ repos: [...this.snapshot.repos, event.repo].sort((a, b) => a.name.localeCompare(b.name)) });
        }
        void this.refreshMainState(event.repo.id);
        return;
      case 'repo.removed':
        if (this.snapshot.repos) this.update({ repos: this.snapshot.repos.filter((r) => r.id !== event.id) });
        return;
      case 'repo.updated':
        this.setRepo(event.repo);
        return;
      case 'agent.updated': {
        const list = this.snapshot.agents ?? [];
        const i = list.findIndex((a) => a.id === event.agent.id);
        this.update({ agents: i < 0 ? [...list, event.agent] : list.map((a, j) => (j === i ? event.agent : a)) });
        return;
      }
      case 'lane.created': {
        // Shown at once (its setup's log streams under it); the re-read also drops the
        // adoptable row of a worktree that was just adopted.
        const list = this.snapshot.lanes;
        if (list && !list.some((l) => l.id === event.lane.id)) {
          this.update({ lanes: [...list.filter((l) => !(l.adoptable && l.path === event.lane.path)), event.lane] });
        }
        if (isFirstTime) void this.refreshLanes();
        return;
      }
      case 'lane.removed':
        if (this.snapshot.lanes) this.update({ lanes: this.snapshot.lanes.filter((l) => l.id !== event.id) });
        if (isFirstTime) void this.refreshLanes();
        return;
      case 'lane.updated':
        // Only lanes we know: an update replayed for a lane removed since must not revive it.
        if (this.snapshot.lanes?.some((l) => l.id === event.lane.id)) {
          this.update({ lanes: this.snapshot.lanes.map((l) => (l.id === event.lane.id ? event.lane : l)) });
        }
        return;
      case 'lane.head':
        // A count the diff view reloads on: counted once, not again when a load re-applies it.
        if (!isFirstTime) return;
        this.update({ laneHeadChanges: { ...this.snapshot.laneHeadChanges, [event.id]: (this.snapshot.laneHeadChanges[event.id] ?? 0) + 1 } });
        return;
      case 'merge.updated': {
        const list = this.snapshot.merges ?? [];
        const known = list.some((m) => m.id === event.merge.id);
        this.update({ merges: sortMerges(known ? list.map((m) => (m.id === event.merge.id ? event.merge : m)) : [event.merge, ...list]) });
        return;
      }
      case 'main.state':
        this.setMainState(event.state);
        return;
      case 'health.updated':
        this.update({ health: { ...this.snapshot.health, [event.repoId]: event.health } });
        return;
      case 'incident.updated':
        this.update({ incidents: upsertIncident(this.snapshot.incidents ?? [], event.incident) });
        return;
      case 'notification':
        this.update({ notifications: addNotifications(this.snapshot.notifications ?? [], [event.notification]) });
        if (isFirstTime) for (const l of this.notificationListeners) l(event.notification, this.isLive);
        return;
      case 'notifications.settings':
        this.update({ notificationSettings: event.settings });
        return;
      case 'notifications.read':
        this.update({ notifications: markNotificationsRead(this.snapshot.notifications ?? [], event.ids, event.readAt) });
        return;
      case 'ops.updated':
        this.setOpsLoop(event.repoId, event.loop);
        return;
      case 'agent.removed':
        this.update({ agents: (this.snapshot.agents ?? []).filter((a) => a.id !== event.id) });
        return;
      case 'alert':
        // Applied again after a load too: alerts.list may or may not hold one raised during it.
        this.setAlerts(
          addAlert(this.snapshot.alerts, { seq: envelope.seq, at: envelope.at, agentId: event.agentId, repoId: event.repoId ?? null, message: event.message, acknowledgedAt: null }, KEPT_ALERTS),
        );
        return;
      case 'alerts.acknowledged':
        this.setAlerts(acknowledgeAlerts(this.snapshot.alerts, event.seqs, envelope.at));
        return;
      case 'host.stopping':
      case 'brief.changed':
        // Briefs follow their own events (onEventOf): the snapshot holds none of them.
        return;
    }
  }

  private update(patch: Partial<HostSnapshot>, isAtOnce = false): void {
    this.snapshot = { ...this.snapshot, ...patch };
    // A frame already asked for still comes; the listeners then find the snapshot they have.
    if (isAtOnce) return this.notify();
    if (this.frame !== null) return;
    // A hidden tab gets no frames, and the tab's title and favicon (usePageBadge) are what the
    // operator looks at from another tab when MAIN breaks: a timer stands in for the frame.
    const flush = () => {
      if (this.frame === null) return;
      cancelAnimationFrame(this.frame.raf);
      clearTimeout(this.frame.timer);
      this.frame = null;
      this.notify();
    };
    this.frame = { raf: requestAnimationFrame(flush), timer: setTimeout(flush, NO_FRAME_MS) };
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

/** How long an update waits for a frame before it is told anyway (a hidden tab gets none). */
const NO_FRAME_MS = 250;

/** Newest first; `at` is an ISO time, so text order is time order. */
function sortMerges(merges: MergeRecord[]): MergeRecord[] {
  return [...merges].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

