import type { AgentInfo, SupervisionView } from '../../shared/agents';
import type { EventEnvelope } from '../../shared/events';
import type { Incident } from '../../shared/incidents';
import type { MergeRecord } from '../../shared/lanes';
import type { Notification } from '../../shared/notifications';
import { isFailure } from '../terminals/supervision';
import * as say from './notification-wording';

/**
 * When the host tells the operator something, as a pure function of what it saw before
 * (the memory) and one event: MAIN broke and recovered (once per incident, however many
 * probe runs and updates it gets), the ops loop gave up, an agent exited unexpectedly (once
 * per crash loop, not per restart), waits for the operator, or passed its context warning,
 * and a merge's gate failed. Names come from `NotifyWorld`; storing, pausing and rate
 * limits are the notifier's.
 */
export type NotificationDraft = Pick<Notification, 'kind' | 'severity' | 'title' | 'body' | 'target' | 'workspace'> & {
  /** What the rate limit counts per: an agent, a repository, a merge. */
  subject: string;
};

export interface AgentMemory {
  supervision: SupervisionView['kind'];
  activity: AgentInfo['activity']['state'];
  tokens: number;
  /** This crash loop was told: its further restarts and its end are not told again. */
  exitTold: boolean;
  /** When its current wait for the operator began (ms since epoch); null while it does not wait. */
  waitingSince: number | null;
  /** This wait was escalated: a wait is escalated once, a new wait may be again. */
  escalated: boolean;
}

export interface NotifyMemory {
  agents: ReadonlyMap<string, AgentMemory>;
  merges: ReadonlyMap<string, MergeRecord['state']>;
  /** Incidents whose opening (closing) was told; across restarts, from the notifications kept. */
  toldOpen: ReadonlySet<string>;
  toldClosed: ReadonlySet<string>;
}

/** What the rules look up about the host now (names, what still exists). */
export interface NotifyWorld {
  repoName(repoId: string): string | null;
  laneExists(laneId: string): boolean;
  /** The checkout of a lane, or of a repository's MAIN: the workspace a notification is about. */
  lanePathOf(laneId: string): string | null;
  mainPathOf(repoId: string): string | null;
  /** Where an agent works, in words: "lane backend of flower", "MAIN of flower". */
  placeOf(lanePath: string): string;
  /** The name of the repository whose ops loop this agent is, if known. */
  opsRepoOf(agentId: string): string | null;
  /** The agent's last line of output, secrets masked. */
  lastOutputLine(agentId: string): string | null;
}

export interface Seed {
  agents: readonly AgentInfo[];
  merges: readonly MergeRecord[];
  toldOpen: Iterable<string>;
  toldClosed: Iterable<string>;
}

/** What is true at start is not news: only changes after it are told. */
export function seedMemory(seed: Seed): NotifyMemory {
  return {
    // An agent already waiting keeps the start of its wait (so a host restart does not
    // restart the escalation's clock); its wait may be escalated once more after a restart.
    agents: new Map(seed.agents.map((a) => [a.id, remember(a, false, isWaiting(a) ? parsedOr(a.activity.since, Date.now()) : null, false)])),
    merges: new Map(seed.merges.map((m) => [m.id, m.state])),
    toldOpen: new Set(seed.toldOpen),
    toldClosed: new Set(seed.toldClosed),
  };
}

export interface Decision {
  memory: NotifyMemory;
  drafts: NotificationDraft[];
}

export function applyEvent(memory: NotifyMemory, { event, at }: EventEnvelope, world: NotifyWorld): Decision {
  switch (event.type) {
    case 'incident.updated':
      return onIncident(memory, event.incident, world);
    case 'agent.updated':
      return onAgent(memory, event.agent, world, parsedOr(at, Date.now()));
    case 'agent.removed': {
      const agents = new Map(memory.agents);
      agents.delete(event.id);
      return { memory: { ...memory, agents }, drafts: [] };
    }
    case 'merge.updated':
      return onMerge(memory, event.merge, world);
    case 'repo.commandsChanged': {
      // Raised once per new set of commands (src/host/trust/repo-trust.ts), so told as it comes.
      const words = say.commandsChanged(repoWords(world, event.repoId), event.changes);
      const target = { kind: 'repo' as const, repoId: event.repoId };
      const workspace = world.mainPathOf(event.repoId);
      return { memory, drafts: [{ kind: 'repo.commands-changed', severity: 'critical', ...words, target, workspace, subject: `repo:${event.repoId}` }] };
    }
    default:
      return { memory, drafts: [] };
  }
}

const repoWords = (world: NotifyWorld, repoId: string): string => world.repoName(repoId) ?? 'a removed repository';

function onIncident(memory: NotifyMemory, incident: Incident, world: NotifyWorld): Decision {
  const target = { kind: 'incident' as const, repoId: incident.repoId, incidentId: incident.id };
  const subject = `repo:${incident.repoId}`;
  const workspace = world.mainPathOf(incident.repoId);
  const repo = repoWords(world, incident.repoId);
  if (incident.closedAt === null) {
    if (memory.toldOpen.has(incident.id)) return { memory, drafts: [] };
    const words = say.mainBroken(repo, incident);
    return {
      memory: { ...memory, toldOpen: new Set(memory.toldOpen).add(incident.id) },
      drafts: [{ kind: 'main.broken', severity: 'critical', ...words, target, workspace, subject }],
    };
  }
  if (memory.toldClosed.has(incident.id)) return { memory, drafts: [] };
  const words = say.mainRecovered(repo, incident);
  return {
    // A closed incident is never told as opening later (an update replayed out of order).
    memory: { ...memory, toldOpen: new Set(memory.toldOpen).add(incident.id), toldClosed: new Set(memory.toldClosed).add(incident.id) },
    drafts: [{ kind: 'main.recovered', severity: 'info', ...words, target, workspace, subject }],
  };
}

const remember = (agent: AgentInfo, exitTold: boolean, waitingSince: number | null, escalated: boolean): AgentMemory => ({
  supervision: agent.supervision.kind,
  activity: agent.activity.state,
  tokens: agent.context?.tokens ?? 0,
  exitTold,
  waitingSince,
  escalated,
});

/** A new agent starts from nothing worth telling. */
const FRESH: AgentMemory = { supervision: 'exited', activity: 'unknown', tokens: 0, exitTold: false, waitingSince: null, escalated: false };

/** Waiting for the operator: a live process at a prompt, asking for permission, an answer, a sign-in. */
const isWaiting = (agent: AgentInfo): boolean => agent.supervision.kind === 'running' && agent.activity.state === 'waiting';

function parsedOr(iso: string, fallback: number): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : fallback;
}

const hasEnded = (kind: SupervisionView['kind']): boolean => kind === 'exited' || kind === 'crashed' || kind === 'fatal' || kind === 'lost';

type Ended = Extract<SupervisionView, { kind: 'crashed' | 'fatal' | 'backoff' }>;

/**
 * The process went away without the operator asking: a stop the operator asked for passes
 * through `stopping` and ends `exited`, so it never gets here. A clean exit that is
 * restarted (policy `always`) is the agent's own choice, not news.
 */
function unexpectedExit(before: SupervisionView['kind'], now: SupervisionView): Ended | null {
  if (before === 'running') {
    if (now.kind === 'crashed' || now.kind === 'fatal') return now;
    if (now.kind === 'backoff' && isFailure(now.code, now.signal)) return now;
  }
  // A restart that could not even spawn.
  if (before === 'backoff' && now.kind === 'crashed') return now;
  return null;
}

function onAgent(memory: NotifyMemory, agent: AgentInfo, world: NotifyWorld, at: number): Decision {
  const before = memory.agents.get(agent.id) ?? FRESH;
  const s = agent.supervision;
  const drafts: NotificationDraft[] = [];
  const target = { kind: 'agent' as const, agentId: agent.id };
  const workspace = agent.lanePath;
  const subject = `agent:${agent.id}`;
  let exitTold = before.exitTold;

  if (s.kind !== before.supervision) {
    // Stopped, or started again by the operator: what follows is a new story.
    if (s.kind === 'stopping' || s.kind === 'exited' || (s.kind === 'running' && hasEnded(before.supervision))) exitTold = false;
    if (agent.isOpsLoop) {
      if (s.kind === 'fatal') {
        const words = say.opsFatal(agent, s, world.opsRepoOf(agent.id), world.lastOutputLine(agent.id));
        drafts.push({ kind: 'ops.fatal', severity: 'critical', ...words, target, workspace, subject });
      }
    } else {
      const ended = unexpectedExit(before.supervision, s);
      // A run that was stable before it died (restarted at once) starts a new crash loop.
      const newLoop = !exitTold || (ended?.kind === 'backoff' && ended.delayMs === 0);
      if (ended && newLoop) {
        const words = say.agentExited(agent, ended, world.placeOf(agent.lanePath), world.lastOutputLine(agent.id));
        drafts.push({ kind: 'agent.exited', severity: 'warning', ...words, target, workspace, subject });
        exitTold = true;
      }
    }
  }

  if (isWaiting(agent) && before.activity !== 'waiting') {
    drafts.push({ kind: 'agent.waiting', severity: 'info', ...say.agentWaiting(agent, world.placeOf(agent.lanePath)), target, workspace, subject });
  }

  const tokens = agent.context?.tokens ?? 0;
  if (before.tokens < agent.contextWarnTokens && tokens >= agent.contextWarnTokens) {
    drafts.push({ kind: 'agent.context', severity: 'warning', ...say.agentContext(agent, world.placeOf(agent.lanePath)), target, workspace, subject });
  }

  // A wait lasts while the agent waits, whatever its detail says; anything else ends it.
  const waitingSince = isWaiting(agent) ? (before.waitingSince ?? at) : null;
  const escalated = waitingSince !== null && before.escalated;
  const agents = new Map(memory.agents).set(agent.id, remember(agent, exitTold, waitingSince, escalated));
  return { memory: { ...memory, agents }, drafts };
}

const isGateFailure = (state: MergeRecord['state'] | undefined): boolean => state === 'rolled-back' || state === 'awaiting-rollback';

function onMerge(memory: NotifyMemory, merge: MergeRecord, world: NotifyWorld): Decision {
  const before = memory.merges.get(merge.id);
  const merges = new Map(memory.merges).set(merge.id, merge.state);
  // From `gating` only: rolling back a merged or awaiting merge is the operator's own doing.
  const told = isGateFailure(merge.state) && !isGateFailure(before) && before !== 'merged';
  if (!told) return { memory: { ...memory, merges }, drafts: [] };
  const target =
    merge.laneId !== null && world.laneExists(merge.laneId)
      ? { kind: 'lane' as const, repoId: merge.repoId, laneId: merge.laneId }
      : { kind: 'repo' as const, repoId: merge.repoId };
  const workspace = (target.kind === 'lane' ? world.lanePathOf(target.laneId) : null) ?? world.mainPathOf(merge.repoId);
  const words = say.mergeRolledBack(repoWords(world, merge.repoId), merge);
  return {
    memory: { ...memory, merges },
    drafts: [{ kind: 'merge.rolled-back', severity: 'critical', ...words, target, workspace, subject: `merge:${merge.id}` }],
  };
}

/**
 * The escalation, as a function of time rather than of an event: each agent that has waited
 * for the operator `afterMs` or longer, and whose wait was not escalated yet, is told once
 * more. `agents` are the host's agents now (their names and places). afterMs 0: never.
 */
export function escalate(memory: NotifyMemory, agents: readonly AgentInfo[], now: number, afterMs: number, world: NotifyWorld): Decision {
  if (afterMs <= 0) return { memory, drafts: [] };
  const drafts: NotificationDraft[] = [];
  let changed: Map<string, AgentMemory> | null = null;
  for (const agent of agents) {
    const m = memory.agents.get(agent.id);
    if (!m || m.waitingSince === null || m.escalated || now - m.waitingSince < afterMs || !isWaiting(agent)) continue;
    const words = say.agentStillWaiting(agent, world.placeOf(agent.lanePath), now - m.waitingSince);
    drafts.push({ kind: 'agent.still-waiting', severity: 'warning', ...words, target: { kind: 'agent', agentId: agent.id }, workspace: agent.lanePath, subject: `agent:${agent.id}` });
    changed ??= new Map(memory.agents);
    changed.set(agent.id, { ...m, escalated: true });
  }
  // A wait fallen due whose agent is gone or no longer waits (an event missed at shutdown)
  // is forgotten, else it would stay due and the timer would fire again at once, forever.
  const live = new Map(agents.map((a) => [a.id, a]));
  for (const [id, m] of memory.agents) {
    if (m.waitingSince === null || m.escalated || now - m.waitingSince < afterMs) continue;
    const agent = live.get(id);
    if (agent && isWaiting(agent)) continue;
    changed ??= new Map(memory.agents);
    changed.set(id, { ...m, waitingSince: null });
  }
  return { memory: changed ? { ...memory, agents: changed } : memory, drafts };
}

/** When the next escalation falls due (ms since epoch), or null if none can. */
export function nextEscalationAt(memory: NotifyMemory, afterMs: number): number | null {
  if (afterMs <= 0) return null;
  let next: number | null = null;
  for (const m of memory.agents.values()) {
    if (m.waitingSince === null || m.escalated) continue;
    const due = m.waitingSince + afterMs;
    if (next === null || due < next) next = due;
  }
  return next;
}
