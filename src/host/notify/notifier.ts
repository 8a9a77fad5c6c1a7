import { basename } from 'node:path';
import type { AgentInfo } from '../../shared/agents';
import type { EventEnvelope } from '../../shared/events';
import type { MergeRecord } from '../../shared/lanes';
import { isPaused, PAUSED_INDEFINITELY, type Notification, type NotificationSettings } from '../../shared/notifications';
import { ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { Db } from '../db/database';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { LaneStore } from '../lanes/lane-store';
import { maskSecrets, type Logger } from '../logger';
import type { RepoStore } from '../repos/repo-store';
import { envSecretValues } from '../env-secrets';
import { applyEvent, escalate, nextEscalationAt, seedMemory, type Decision, type NotificationDraft, type NotifyMemory, type NotifyWorld } from './notification-rules';
import { lastLine } from './notification-wording';
import { createNotificationStore, currentSettings, type NotificationStore } from './notification-store';
import { decideRate, EMPTY_RATE_STATE, RateLimits, type RateLimitConfig, type RateState } from './rate-limit';

/**
 * The edge of notifications: follows the host's event stream, asks the rules what to tell,
 * marks it quiet while paused or when the rate limit holds it back, stores it and announces
 * it as a `notification` event; and the notifications.* methods. What was true at start
 * (agents' states, merges, incidents already told) is the rules' starting memory, so a
 * host restart tells nothing twice.
 *
 * The escalation (an agent waiting `escalateAfterMinutes`) is decided here, in the host,
 * not in a client: it must come with no window open, and once for every client. One timer
 * is armed for the next wait to fall due, re-armed after every event and setting change.
 */
export interface NotifierDeps {
  db: Db;
  events: EventLog;
  repos: RepoStore;
  lanes: LaneStore;
  agents: { list(): AgentInfo[]; outputTail(id: string, bytes: number): string | null };
  /** The merges on record at start. */
  merges(): MergeRecord[];
  /** The host's environment: values of its secret-named variables are masked, like the host's own secrets. */
  baseEnv: NodeJS.ProcessEnv;
  mask: (text: string) => string;
  logger: Logger;
  now?: () => Date;
  rateLimits?: RateLimitConfig;
  /** Timers, injectable so a unit test can run the escalation without waiting. */
  setTimer?: (run: () => void, ms: number) => { cancel(): void };
}

const realTimer = (run: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(run, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};
/** setTimeout's ceiling; a later escalation is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How much of an agent's output is read to find the line it ended with. */
const OUTPUT_TAIL_BYTES = 4096;
/** Default page of notifications.list. */
const LIST_DEFAULT = 100;

export class Notifier {
  private readonly store: NotificationStore;
  private readonly world: NotifyWorld;
  private readonly envSecrets: string[];
  private memory: NotifyMemory = seedMemory({ agents: [], merges: [], toldOpen: [], toldClosed: [] });
  private rate: RateState = EMPTY_RATE_STATE;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  private escalationTimer: { cancel(): void } | null = null;
  /** When the armed timer falls due: an event that leaves it unchanged leaves the timer alone. */
  private armedDue: number | null = null;
  /** grove's setting, read once and kept in step by notifications.configure (not read per event). */
  private afterMs: number | null = null;

  constructor(private readonly deps: NotifierDeps) {
    this.store = createNotificationStore(deps.db);
    this.envSecrets = envSecretValues(deps.baseEnv);
    this.world = this.makeWorld();
  }

  start(): void {
    const told = this.store.toldIncidents();
    this.memory = seedMemory({ agents: this.deps.agents.list(), merges: this.deps.merges(), toldOpen: told.open, toldClosed: told.closed });
    // Handled after the event reached every listener, not inside the append: a notification
    // appended from here would reach later subscribers (clients) before the event that caused
    // it, and clients drop an event whose seq is below one they already have.
    this.unsubscribe = this.deps.events.subscribe((e) => queueMicrotask(() => this.handle(e)));
    this.armEscalation();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.escalationTimer?.cancel();
  }

  settings(): NotificationSettings {
    return currentSettings(this.store.pausedUntil(), this.store.escalateAfterMinutes(), this.now());
  }

  handlers(): Pick<Handlers, 'notifications.list' | 'notifications.pause' | 'notifications.resume' | 'notifications.markRead' | 'notifications.configure'> {
    return {
      'notifications.list': ({ limit }) => ok({ notifications: this.store.list(limit ?? LIST_DEFAULT), settings: this.settings() }),
      'notifications.pause': ({ minutes }) => {
        const until = minutes === undefined ? PAUSED_INDEFINITELY : new Date(this.now().getTime() + minutes * 60_000).toISOString();
        return ok({ settings: this.setPausedUntil(until) });
      },
      'notifications.resume': () => ok({ settings: this.setPausedUntil(null) }),
      'notifications.markRead': ({ ids }) => {
        const readAt = this.now().toISOString();
        const marked = this.store.markRead(ids ?? null, readAt);
        if (marked.length > 0) this.deps.events.append({ type: 'notifications.read', ids: marked, readAt });
        return ok({ ids: marked, readAt });
      },
      'notifications.configure': ({ escalateAfterMinutes }) => {
        this.store.setEscalateAfterMinutes(escalateAfterMinutes);
        this.afterMs = null;
        const settings = this.announceSettings();
        this.armEscalation(true);
        return ok({ settings });
      },
    };
  }

  private setPausedUntil(until: string | null): NotificationSettings {
    this.store.setPausedUntil(until);
    return this.announceSettings();
  }

  private announceSettings(): NotificationSettings {
    const settings = this.settings();
    this.deps.events.append({ type: 'notifications.settings', settings });
    return settings;
  }

  private handle(envelope: EventEnvelope): void {
    this.decide(() => applyEvent(this.memory, envelope, this.world), { seq: envelope.seq, type: envelope.event.type });
  }

  private decide(rules: () => Decision, context: Record<string, unknown>): void {
    if (this.stopped) return;
    try {
      const decision = rules();
      this.memory = decision.memory;
      for (const draft of decision.drafts) this.notify(draft);
      this.armEscalation();
    } catch (e) {
      // A bug here must not take the host, and every agent in it, down with it.
      this.deps.logger.error('notifier failed', { ...context, error: (e as Error).stack ?? String(e) });
    }
  }

  private escalateAfterMs(): number {
    return (this.afterMs ??= this.store.escalateAfterMinutes() * 60_000);
  }

  /**
   * One timer, for the wait that falls due first; none while no agent waits or escalation is
   * off. Re-armed only when that moment changes (or `always`, after the setting changed).
   */
  private armEscalation(always = false): void {
    const due = this.stopped ? null : nextEscalationAt(this.memory, this.escalateAfterMs());
    if (!always && due === this.armedDue && (due === null || this.escalationTimer)) return;
    this.escalationTimer?.cancel();
    this.escalationTimer = null;
    this.armedDue = due;
    if (due === null) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, due - this.now().getTime()));
    this.escalationTimer = (this.deps.setTimer ?? realTimer)(() => {
      this.escalationTimer = null;
      this.armedDue = null;
      this.decide(() => escalate(this.memory, this.deps.agents.list(), this.now().getTime(), this.escalateAfterMs(), this.world), { escalation: true });
    }, delay);
  }

  private notify(draft: NotificationDraft): void {
    const now = this.now();
    let quiet: Notification['quiet'] = null;
    if (isPaused({ pausedUntil: this.store.pausedUntil() }, now)) {
      quiet = 'paused'; // not shown, so it uses up no rate
    } else {
      const decided = decideRate(this.rate, draft, now.getTime(), this.deps.rateLimits ?? RateLimits);
      this.rate = decided.state;
      if (!decided.show) quiet = 'rate-limited';
    }
    const notification: Notification = {
      id: uuidv7(now.getTime()),
      kind: draft.kind,
      severity: draft.severity,
      title: this.scrub(draft.title),
      body: this.scrub(draft.body),
      target: draft.target,
      at: now.toISOString(),
      quiet,
      workspace: draft.workspace,
      readAt: null,
    };
    this.store.insert(notification);
    this.deps.events.append({ type: 'notification', notification });
  }

  /** Output lines end up in bodies: the host's secrets and its environment's never do. */
  private scrub(text: string): string {
    return this.deps.mask(maskSecrets(text, this.envSecrets));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private makeWorld(): NotifyWorld {
    const { repos, lanes, db } = this.deps;
    const opsRepo = db.prepare('SELECT r.name FROM ops_loops o JOIN repos r ON r.id = o.repo_id WHERE o.agent_id = ?');
    const opsCheckout = db.prepare('SELECT r.name FROM ops_loops o JOIN repos r ON r.id = o.repo_id WHERE o.path = ?');
    return {
      repoName: (repoId) => repos.get(repoId)?.name ?? null,
      laneExists: (laneId) => lanes.get(laneId) !== undefined,
      lanePathOf: (laneId) => lanes.get(laneId)?.path ?? null,
      mainPathOf: (repoId) => repos.get(repoId)?.mainPath ?? null,
      placeOf: (lanePath) => {
        const lane = lanes.list().find((l) => l.path === lanePath);
        if (lane) return `lane ${lane.name} of ${repos.get(lane.repoId)?.name ?? 'a removed repository'}`;
        const main = repos.list().find((r) => r.mainPath === lanePath);
        if (main) return `MAIN of ${main.name}`;
        const ops = opsCheckout.get(lanePath) as { name: string } | undefined;
        if (ops) return `the ops checkout of ${ops.name}`;
        return `folder ${basename(lanePath)}`;
      },
      opsRepoOf: (agentId) => (opsRepo.get(agentId) as { name: string } | undefined)?.name ?? null,
      // Masked before the line is cut to length: a secret cut in two is no longer one that masking recognises.
      lastOutputLine: (agentId) => {
        const tail = this.deps.agents.outputTail(agentId, OUTPUT_TAIL_BYTES);
        return lastLine(tail === null ? null : this.scrub(tail));
      },
    };
  }
}
