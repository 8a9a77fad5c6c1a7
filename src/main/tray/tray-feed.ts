import type { AgentInfo } from '../../shared/agents';
import type { ConnectionState } from '../../shared/client/host-connection';
import type { EventEnvelope, HostEvent } from '../../shared/events';
import type { MainHealth } from '../../shared/health';
import type { Incident } from '../../shared/incidents';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/methods';
import type { NotificationSettings } from '../../shared/notifications';
import type { Result } from '../../shared/result';
import { trayMenu, type RepoLine, type TrayMenuItem } from './tray-menu';
import { trayState, type TrayInputs, type TrayState } from './tray-state';

/**
 * Turns what the host says into the tray: its face and tooltip (tray-state.ts) and its
 * menu (tray-menu.ts). It reads the connection's state and events, and on every (re)connect
 * asks the host for the truth (repositories, MAIN's health, open incidents, waiting agents,
 * the notification pause), so a fresh shell is right before any event arrives. Listeners
 * hear only real changes, so the icon never flickers. Plain, so it is tested under Node
 * against a real host.
 *
 * The answers to those questions and the event stream race: an event may be older or newer
 * than an answer. So the events that arrive while the answers are on their way are kept and
 * applied again on top of them: the stream is complete and in order, so its latest word on
 * a repository is the truth, and the answers stand where the stream said nothing.
 */
export type HostCall = <M extends MethodName>(method: M, params: ParamsOf<M>) => Promise<Result<ResultOf<M>, { code: string; message: string }>>;

export interface TrayFeedOptions {
  /** Asks the host (a HostConnection's `call`). */
  call: HostCall;
  onState?: (state: TrayState) => void;
  onMenu?: (menu: TrayMenuItem[]) => void;
  now?: () => Date;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface RepoWatch {
  /** Null while only its events are known (its name comes with repo.added or repos.list). */
  name: string | null;
  health: MainHealth | null;
  openIncidentId: string | null;
}

/** Everything the tray is computed from. */
export interface TrayKnowledge {
  hostReachable: boolean;
  repos: ReadonlyMap<string, RepoWatch>;
  agentsWaiting: TrayInputs['agentsWaiting'];
  notifications: NotificationSettings | null;
}

const NOTHING_KNOWN: TrayKnowledge = { hostReachable: false, repos: new Map(), agentsWaiting: [], notifications: null };

/** setTimeout's limit; a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class TrayFeed {
  private known: TrayKnowledge = NOTHING_KNOWN;
  private lastState: TrayState | null = null;
  private lastMenu: string | null = null;
  private menu: TrayMenuItem[] = [];
  /** Events received since the current load of the truth began; null when no load runs. */
  private pending: HostEvent[] | null = null;
  private loadGeneration = 0;
  private pauseTimer: unknown = null;
  /** The pausedUntil the timer was armed for, so an unchanged pause keeps its timer. */
  private pauseArmedFor: string | null = null;
  private readonly now: () => Date;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: TrayFeedOptions) {
    this.now = options.now ?? (() => new Date());
    this.setTimer =
      options.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.publish();
  }

  get current(): TrayState {
    return this.lastState!;
  }

  get currentMenu(): TrayMenuItem[] {
    return this.menu;
  }

  onConnection(state: ConnectionState): void {
    const reachable = state.kind === 'open';
    if (reachable === this.known.hostReachable) return;
    this.known = { ...this.known, hostReachable: reachable };
    this.publish();
    if (reachable) void this.load();
    else {
      this.loadGeneration += 1;
      this.pending = null;
    }
  }

  /** The events before our `since` were pruned: what we know may be stale. */
  onGap(): void {
    if (this.known.hostReachable) void this.load();
  }

  onEvent({ event }: EventEnvelope): void {
    this.pending?.push(event);
    const next = applyEvent(this.known, event);
    // Most events (job output, busy agents) change nothing the tray shows: no menu rebuild.
    if (next === this.known) return;
    this.known = next;
    this.publish();
  }

  /** A pause the operator just asked for, known before its event arrives. */
  onSettings(settings: NotificationSettings): void {
    this.known = { ...this.known, notifications: settings };
    this.publish();
  }

  dispose(): void {
    this.loadGeneration += 1;
    if (this.pauseTimer !== null) this.clearTimer(this.pauseTimer);
    this.pauseTimer = null;
  }

  private async load(): Promise<void> {
    const generation = ++this.loadGeneration;
    this.pending = [];
    const loaded = await loadTruth(this.options.call);
    if (generation !== this.loadGeneration) return;
    const events = this.pending;
    this.pending = null;
    if (!loaded) return; // the connection dropped; the next open loads again
    let known: TrayKnowledge = { ...loaded, hostReachable: this.known.hostReachable };
    // Settings the host could not tell (an older host) stay as the events said.
    if (known.notifications === null) known = { ...known, notifications: this.known.notifications };
    for (const e of events) known = applyEvent(known, e);
    this.known = known;
    this.publish();
  }

  private publish(): void {
    const k = this.known;
    const state = trayState({
      hostReachable: k.hostReachable,
      mains: [...k.repos.entries()].map(([id, r]) => ({ repo: r.name ?? id, state: r.health?.state ?? 'unknown' })),
      agentsWaiting: k.agentsWaiting,
    });
    if (!this.lastState || state.face !== this.lastState.face || state.tooltip !== this.lastState.tooltip) {
      this.lastState = state;
      this.options.onState?.(state);
    }
    const now = this.now();
    const menu = trayMenu({ hostReachable: k.hostReachable, repos: repoLines(k.repos), notifications: k.notifications }, now);
    const key = JSON.stringify(menu);
    if (key !== this.lastMenu) {
      this.lastMenu = key;
      this.menu = menu;
      this.options.onMenu?.(menu);
    }
    this.schedulePauseEnd(now);
  }

  /** The menu says "paused until 14:05"; at 14:05 it must offer to pause again. */
  private schedulePauseEnd(now: Date): void {
    const until = this.known.notifications?.pausedUntil ?? null;
    if (this.pauseTimer !== null && until === this.pauseArmedFor) return;
    if (this.pauseTimer !== null) this.clearTimer(this.pauseTimer);
    this.pauseTimer = null;
    this.pauseArmedFor = until;
    if (!until) return;
    const wait = Date.parse(until) - now.getTime();
    if (!(wait > 0)) return;
    this.pauseTimer = this.setTimer(() => {
      this.pauseTimer = null;
      this.pauseArmedFor = null;
      this.publish();
    }, Math.min(wait + 1, MAX_TIMER_MS));
  }
}

function repoLines(repos: ReadonlyMap<string, RepoWatch>): RepoLine[] {
  return [...repos.entries()].map(([id, r]) => ({
    id,
    name: r.name ?? id,
    state: r.health?.state ?? 'unknown',
    hasProbes: (r.health?.probes.length ?? 0) > 0,
    openIncidentId: r.openIncidentId,
  }));
}

/** An agent that waits for the operator (a permission prompt, a question), as the tray names it. */
function waitingAgent(a: AgentInfo): TrayInputs['agentsWaiting'][number] | null {
  if (a.supervision.kind !== 'running' || a.activity.state !== 'waiting') return null;
  return { id: a.id, agent: a.name, lane: a.lanePath.split('/').filter(Boolean).pop() ?? a.lanePath };
}

/** What one event changes in what the tray knows. Pure. */
export function applyEvent(known: TrayKnowledge, event: HostEvent): TrayKnowledge {
  const withRepo = (id: string, change: (r: RepoWatch) => RepoWatch): TrayKnowledge => {
    const repos = new Map(known.repos);
    repos.set(id, change(repos.get(id) ?? { name: null, health: null, openIncidentId: null }));
    return { ...known, repos };
  };
  switch (event.type) {
    case 'repo.added':
      return withRepo(event.repo.id, (r) => ({ ...r, name: event.repo.name }));
    case 'repo.removed': {
      const repos = new Map(known.repos);
      repos.delete(event.id);
      return { ...known, repos };
    }
    case 'health.updated':
      return withRepo(event.repoId, (r) => ({ ...r, health: event.health }));
    case 'incident.updated': {
      const i = event.incident;
      if (i.closedAt === null) return withRepo(i.repoId, (r) => ({ ...r, openIncidentId: i.id }));
      if (known.repos.get(i.repoId)?.openIncidentId !== i.id) return known;
      return withRepo(i.repoId, (r) => ({ ...r, openIncidentId: null }));
    }
    case 'notifications.settings':
      return { ...known, notifications: event.settings };
    case 'agent.updated': {
      const others = known.agentsWaiting.filter((w) => w.id !== event.agent.id);
      const waiting = waitingAgent(event.agent);
      if (!waiting && others.length === known.agentsWaiting.length) return known; // busy, as it was
      return { ...known, agentsWaiting: waiting ? [...others, waiting] : others };
    }
    case 'agent.removed':
      return { ...known, agentsWaiting: known.agentsWaiting.filter((w) => w.id !== event.id) };
    default:
      return known;
  }
}

/**
 * The host's current truth, or null if the connection dropped on the way. A method an
 * older host does not have (incidents, notifications) leaves that part unknown.
 */
async function loadTruth(call: HostCall): Promise<Omit<TrayKnowledge, 'hostReachable'> | null> {
  const [repos, health, agents, notes] = await Promise.all([
    call('repos.list', {}),
    call('health.get', {}),
    call('agents.list', {}),
    call('notifications.list', { limit: 1 }),
  ]);
  if (!repos.ok || !health.ok || !agents.ok) return null;
  const healthOf = new Map(health.value.repos.map((h) => [h.repoId, h.health]));
  const broken = repos.value.repos.filter((r) => healthOf.get(r.id)?.state === 'broken');
  const incidents = await Promise.all(broken.map((r) => call('incidents.list', { repoId: r.id, limit: 1 })));
  const openIncident = new Map<string, string>();
  incidents.forEach((answer) => {
    const newest: Incident | undefined = answer.ok ? answer.value.incidents[0] : undefined;
    if (newest && newest.closedAt === null) openIncident.set(newest.repoId, newest.id);
  });
  return {
    repos: new Map(
      repos.value.repos.map((r) => [r.id, { name: r.name, health: healthOf.get(r.id) ?? null, openIncidentId: openIncident.get(r.id) ?? null }]),
    ),
    agentsWaiting: agents.value.agents.flatMap((a) => waitingAgent(a) ?? []),
    notifications: notes.ok ? notes.value.settings : null,
  };
}
