import type { z } from 'zod';
import type { AgentInfo, ConfineCeiling, StartAgentParams } from '../../shared/agents';
import type { Actor, Brief, Channel } from '../../shared/briefs';
import { OPEN_DISPATCH_STATES, type Claim, type Dispatch, type DispatchParams, type DispatchPhase, type DispatchState, type Packet } from '../../shared/dispatch';
import { apiError, type ApiError } from '../../shared/errors';
import type { Lane } from '../../shared/lanes';
import { beyondCeiling } from '../confine/agent-confinement';
import { ceilingOfDispatch, keylessUnder } from '../confine/confine-ceiling';
import type { Repo } from '../../shared/repo';
import { err, ok, type Result } from '../../shared/result';
import { unknownBrief, type BriefService } from '../briefs/brief-service';
import type { BriefStore } from '../briefs/brief-store';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { LaneRecord } from '../lanes/lane-store';
import type { Logger } from '../logger';
import type { DispatchStore } from './dispatch-store';
import { ephemeralLaneName, ephemeralTarget, laneSlug } from '../../shared/ephemeral-lane-name';
import { packetText } from './packet';
import { isClosed } from './claims';
import { readiness } from './readiness';
import { dispatchedAgentName, dispatchHolderName, heldBySentence, type SharedLeases } from './shared-leases';

export interface DispatchConfig {
  maxAgents: number;
  onMerge: 'in_review' | 'done';
}

export interface DispatchDeps {
  /**
   * A lane named from the title could not be made while the title was redacted: the job that
   * tried named it after the redaction masked its events, so they are masked again (redacted-title.ts).
   */
  laneJobsRenamed?(from: string, to: string): void;
  store: DispatchStore;
  briefs: BriefService;
  briefStore: BriefStore;
  events: EventLog;
  logger: Logger;
  repos: { list(): Repo[]; get(id: string): Repo | undefined };
  lanes: {
    list(repoId?: string): LaneRecord[];
    get(id: string): LaneRecord | undefined;
    /** `keyless`: made key-less whatever the recipe's default (a key-less ceiling); otherwise as the recipe says. */
    createEphemeral(repoId: string, name: string, o: { keyless: boolean }): Promise<Result<Lane, ApiError>>;
  };
  agents: {
    start(params: StartAgentParams, firstRunArgs: string[], dispatch: { id: string; ceiling: ConfineCeiling | null }): Result<AgentInfo, ApiError>;
    isLive(id: string): boolean;
    stop(id: string): Promise<unknown>;
    /** Live agents that a dispatch started (their dispatch id). */
    liveDispatched(): { agentId: string; dispatchId: string }[];
    /** Why this program could not be started (not installed), asked before a lane is made for it; null if it could. */
    launchRefusal(params: Pick<StartAgentParams, 'preset' | 'command'>): ApiError | null;
  };
  /**
   * Why an agent in a new lane of the repository would run unconfined (its grove.yaml, or
   * nothing confines here), null if it would not: a dispatch a confined agent asked for is
   * refused there before any lane is made (confine/confine-ceiling.ts).
   */
  unconfinedReason(repoId: string): string | null;
  /** Ends the claim this agent holds on the brief (an entry says why); nothing if it holds none. */
  releaseClaim(briefId: string, agentId: string, reason: string): void;
  /** Copies the brief's attachments into the lane (git-excluded); the paths written, relative to the lane. */
  placeAttachments(brief: Brief, lanePath: string): Promise<string[]>;
  config(repoId: string): DispatchConfig;
  /** The shared store's claims, while sync is on: a dispatch takes its brief's claim there before starting its agent. */
  shared?: SharedLeases;
  now(): Date;
  /**
   * Resolves once the host's start brought its agents back. No dispatch starts before: an agent
   * not yet resumed reads as gone, so its project would look free and its claim lapsed, and a
   * second agent would start on its brief (only to be stopped when the first came back).
   */
  startup?: Promise<void>;
}

/** How often a dispatch waiting for the shared store asks again (a reconnecting sync round asks sooner). */
export const CLAIM_RETRY_MS = 5_000;

/** Names a dispatch's lane may take (`brief-12-x`, `-2`, …) before it gives up and says why. */
const MAX_NAME_TRIES = 20;


/**
 * A text that names an ephemeral lane (`brief-12-fix-login`, or `-2` after it), with the
 * title's words of the name left out: `brief-12-…`. A name without them is left as it is.
 */
const withoutLaneWords = (text: string, name: string): string => {
  const prefix = /^brief-\d+-/.exec(name)?.[0];
  return prefix && laneSlug(name) !== null ? text.replaceAll(name, `${prefix}…`) : text;
};

/** A dispatch taken back for its closed brief: the record's reason, and the note's words (takeBack). */
const closedReasons = (brief: Brief): [reason: string, how: string] => [`#${brief.number} is ${brief.status}`, `cancelled before it started: #${brief.number} is ${brief.status}`];

type Created = { dispatch: Dispatch; packet: Packet };

/** How a dispatch names its repository on each way in, for a message that asks for it. */
const NAME_THE_REPO = "name the repository (grove dispatch --repo, dispatch_brief's repo_id, dispatch.create's repoId)";

/**
 * Why no agent works on a brief another agent holds (`outcome`: what did not happen), and what
 * to do: that agent's claim ends when it stops; `then`, what to do after.
 */
const claimedBy = (briefNumber: number, held: Claim, outcome: string, then = `dispatch #${briefNumber} again`): string =>
  `#${briefNumber} is claimed by ${held.agentName} (since ${held.since}): one agent works on a brief at a time, so ${outcome}. ` +
  `Stop ${held.agentName} first (grove agent stop ${held.agentName}, or Stop on its tab): its claim ends with it. Then ${then}.`;

/**
 * Carries a brief to an agent (docs/mcp.md, Dispatch): records the request as an entry,
 * then — when the brief is ready and the project has room — makes the lane, copies the
 * brief's screenshots into it, and starts the agent with the packet as its first prompt and
 * a token bound to the dispatch. Everything that moves a dispatch on goes through one
 * serial pump, so two events (a dependency done, an agent exiting) never start the same
 * dispatch twice or overfill a project. While sync is on, the pump takes the brief's claim in
 * the shared store before making the lane: only the winner across every host starts an agent;
 * a loser fails naming the holder; a store that cannot be reached keeps the dispatch waiting,
 * with the reason, until it answers.
 */
export class DispatchService {
  private pumping: Promise<void> = Promise.resolve();
  private closed = false;
  /** Waiting dispatches that are ready but wait for the shared store to decide their claim. */
  private readonly awaitingStore = new Set<string>();
  private retry: NodeJS.Timeout | null = null;
  /** Resolved by `close()`, so a pump queued before the start finished does not hold the stop. */
  private closing!: () => void;
  /** The start done, or the host stopping: whichever is first. */
  private readonly ready: Promise<void>;

  constructor(private readonly deps: DispatchDeps) {
    const closed = new Promise<void>((resolve) => (this.closing = resolve));
    this.ready = Promise.race([deps.startup ?? Promise.resolve(), closed]);
  }

  /** `ceiling`: asked for by a confined agent, which its agent runs no freer than (confine/confine-ceiling.ts). */
  async create(params: z.output<typeof DispatchParams>, actor: Actor, channel: Channel, ceiling: ConfineCeiling | null = null): Promise<Result<Created, ApiError>> {
    const brief = this.deps.briefStore.resolve(params.ref);
    if (!brief) return err(unknownBrief(params.ref));
    const placed = this.placement(brief, params);
    if (!placed.ok) return placed;
    const { repo, lane } = placed.value;
    if (params.preset === 'custom' && !params.command) {
      return err(apiError('invalid_request', 'A custom agent needs its command: give it (grove dispatch --command PROGRAM, or dispatch.create\'s command), or pick a preset.'));
    }
    if (isClosed(brief)) {
      return err(apiError('dispatch_not_possible', `#${brief.number} is ${brief.status}: its agent could not claim it. Reopen it (set its status back) to dispatch it.`, { status: brief.status }));
    }
    const refused = this.deps.agents.launchRefusal({ preset: params.preset, command: params.command });
    if (refused) return err(refused);
    const freer = this.freerThanAsker(repo, ceiling, lane);
    if (freer) return err(apiError('dispatch_not_possible', `${freer}. Ask the operator to dispatch #${brief.number} (the cockpit's Dispatch, or grove dispatch), which starts its agent as its lane says.`, { repoId: repo.id }));
    const phase: DispatchPhase = params.designFirst ? 'design' : 'build';
    const created = this.deps.store.transaction((): Result<Dispatch, ApiError> => {
      const open = this.deps.store.list({ briefId: brief.id, states: OPEN_DISPATCH_STATES });
      if (open.length > 0) {
        return err(
          apiError('dispatch_not_possible', `#${brief.number} already has an open dispatch (${open[0]!.state}${open[0]!.agentName ? `, ${open[0]!.agentName}` : ''}); cancel it or stop its agent first.`, {
            dispatchId: open[0]!.id,
          }),
        );
      }
      // Sync on or off, one agent per brief: one started by hand that claimed it keeps it.
      const held = this.rivalClaim(brief.id, null);
      if (held) return err(apiError('brief_claimed', claimedBy(brief.number, held, 'it was not dispatched'), { holder: held.agentName, since: held.since }));
      const at = this.deps.now().toISOString();
      const laneName = lane?.name ?? ephemeralLaneName(brief.number, brief.title);
      const dispatch: Dispatch = {
        id: uuidv7(),
        briefId: brief.id,
        briefNumber: brief.number,
        briefTitle: brief.title,
        repoId: repo.id,
        targetLaneId: lane?.id ?? null,
        laneId: lane?.id ?? null,
        laneName,
        agentId: null,
        agentName: null,
        preset: params.preset,
        command: params.command ?? null,
        args: params.args ?? [],
        role: params.role,
        phase,
        designFirst: params.designFirst,
        auto: params.auto,
        // The brief's n-th dispatch across every host: the requests in its (shared) trace count
        // with this host's records, so two hosts do not both start a `claude-brief-12` of wave 1.
        wave: Math.max(this.deps.store.list({ briefId: brief.id }).length, this.deps.briefStore.countOfKind(brief.id, 'dispatch_requested')) + 1,
        state: 'queued',
        reason: null,
        requestedBy: actor,
        ceiling,
        createdAt: at,
        startedAt: null,
        endedAt: null,
      };
      // Only a build waits for readiness: a design pass is how a draft becomes planned.
      const ready = readiness(brief, (id) => this.deps.briefStore.resolve(id));
      if (phase === 'build' && params.auto && !ready.ready) Object.assign(dispatch, { state: 'waiting', reason: ready.reason });
      const written = this.deps.briefs.record(
        brief.id,
        () =>
          ok([
            {
              kind: 'dispatch_requested',
              payload: {
                dispatchId: dispatch.id,
                target: lane ? lane.name : ephemeralTarget(laneName),
                preset: params.preset,
                role: params.role,
                phase,
                designFirst: params.designFirst,
                auto: params.auto,
              },
            },
          ]),
        actor,
        channel,
      );
      if (!written.ok) return written;
      this.save(dispatch);
      return ok(dispatch);
    });
    if (!created.ok) return created;
    this.pump();
    return ok({ dispatch: created.value, packet: this.packetOf(brief, created.value) });
  }

  cancel(id: string): Result<Dispatch, ApiError> {
    const d = this.deps.store.get(id);
    if (!d) return err(apiError('dispatch_unknown', `No dispatch ${id}.`, { id }));
    if (d.state !== 'waiting' && d.state !== 'queued') {
      return err(
        apiError('dispatch_not_cancellable', `This dispatch is ${d.state}${d.agentName ? ` (${d.agentName})` : ''}; only a waiting or queued one can be taken back. Stop its agent instead.`, { state: d.state }),
      );
    }
    const cancelled = this.takeBack(d, 'cancelled by the operator', 'cancelled before it started');
    this.pump();
    return ok(cancelled);
  }

  /** A dispatch that has not started is cancelled: `reason` on the record, `how` in the brief's note. */
  private takeBack(d: Dispatch, reason: string, how: string): Dispatch {
    const cancelled: Dispatch = { ...d, state: 'cancelled', reason, endedAt: this.deps.now().toISOString() };
    // No longer waiting for the store: nothing asks again for it.
    this.awaitingStore.delete(d.id);
    this.save(cancelled);
    // A lane still to be made is not named: its name is the title's words, which a note would keep past a redaction.
    const where = d.targetLaneId === null ? 'a new ephemeral lane' : (d.laneName ?? 'a standing lane');
    this.deps.briefs.record(d.briefId, () => ok([{ kind: 'note', payload: { text: `Dispatch to ${where} ${how}.` } }]), { kind: 'system', name: 'dispatch' }, 'automatic');
    return cancelled;
  }

  /** A brief's dispatches (all states) or every open one; and the claims of the same briefs. */
  list(o: { ref?: string; laneId?: string; states?: readonly Dispatch['state'][]; limit?: number }): Result<{ dispatches: Dispatch[]; claims: Claim[] }, ApiError> {
    let briefId: string | undefined;
    if (o.ref !== undefined) {
      const brief = this.deps.briefStore.resolve(o.ref);
      if (!brief) return err(unknownBrief(o.ref));
      briefId = brief.id;
    }
    const everyState = briefId !== undefined || o.laneId !== undefined;
    const dispatches = this.deps.store.list({
      briefId,
      states: o.states ?? (everyState ? undefined : OPEN_DISPATCH_STATES),
      lane: o.laneId !== undefined ? { id: o.laneId } : undefined,
      limit: o.limit ?? 500,
    });
    const briefIds = new Set(dispatches.map((d) => d.briefId));
    const claims = this.deps.store.claims().filter((c) => (briefId === undefined && !o.laneId) || briefIds.has(c.briefId) || c.briefId === briefId);
    return ok({ dispatches, claims });
  }

  /** The packet for a brief: of its latest dispatch, or as it would read for `lane`. */
  packet(ref: string, laneRef?: string): Result<Packet, ApiError> {
    const brief = this.deps.briefStore.resolve(ref);
    if (!brief) return err(unknownBrief(ref));
    if (laneRef !== undefined) {
      const lane = this.deps.lanes.list().find((l) => l.id === laneRef || l.name === laneRef);
      if (!lane) return err(apiError('lane_unknown', `No lane ${laneRef}.`, { lane: laneRef }));
      return ok({ briefId: brief.id, number: brief.number, text: packetText({ number: brief.number, title: brief.title, lane, phase: 'build', dispatched: false, attachmentPaths: [] }) });
    }
    const latest = this.deps.store.list({ briefId: brief.id, limit: 1 })[0];
    if (latest) return ok(this.packetOf(brief, latest));
    return ok({ briefId: brief.id, number: brief.number, text: packetText({ number: brief.number, title: brief.title, lane: null, phase: 'build', dispatched: false, attachmentPaths: [] }) });
  }

  /** The brief an agent's dispatch names (its token speaks for it). */
  briefOfAgent(agent: AgentInfo | null): string | null {
    return this.dispatchOfAgent(agent)?.briefId ?? null;
  }

  /** The brief the agent was dispatched to, and where that dispatch is now. */
  dispatchOfAgent(agent: AgentInfo | null): { briefId: string; state: DispatchState } | null {
    if (!agent?.dispatchId) return null;
    const d = this.deps.store.get(agent.dispatchId);
    return d ? { briefId: d.briefId, state: d.state } : null;
  }

  waveOf(dispatchId: string | null, briefId: string): number | null {
    if (!dispatchId) return null;
    const d = this.deps.store.get(dispatchId);
    return d && d.briefId === briefId ? d.wave : null;
  }

  /**
   * The dispatch whose work this lane's commits and merge are: one at work there (starting or
   * running), or the finished one of an ephemeral lane (the lane was made for it alone). A
   * standing lane's later work belongs to no finished dispatch.
   */
  dispatchOfLane(repoId: string, lane: { id: string | null; name: string }): Dispatch | null {
    const worked = this.deps.store.list({ states: ['starting', 'running', 'finished'], lane: lane.id !== null ? { id: lane.id } : { repoId, name: lane.name } });
    return worked.find((d) => d.repoId === repoId && (d.state !== 'finished' || d.targetLaneId === null)) ?? null;
  }

  /** The brief a merge was linked to: among those dispatched to the lane it merged (by name: the lane may be gone). */
  briefOfMerge(repoId: string, mergeId: string, laneName: string): string | null {
    const asked = new Set<string>();
    for (const d of this.deps.store.list({ states: ['running', 'finished'], lane: { repoId, name: laneName } })) {
      if (asked.has(d.briefId)) continue;
      asked.add(d.briefId);
      const brief = this.deps.briefStore.resolve(d.briefId);
      if (brief?.links.some((l) => l.type === 'merge' && l.target === mergeId)) return brief.id;
    }
    return null;
  }

  /**
   * What a recycled agent's next run is handed first: its brief, to recall (the trace has
   * what the last run did), ahead of the operator's own handoff.
   */
  handoff(dispatchId: string): string | null {
    const d = this.deps.store.get(dispatchId);
    const brief = d && this.deps.briefStore.resolve(d.briefId);
    if (!d || !brief) return null;
    const lane = d.laneId ? this.deps.lanes.get(d.laneId) : undefined;
    return [
      `You are continuing the work of a previous run on brief #${brief.number}, recycled to start with a fresh context.`,
      'Recall the brief first (recall_brief): its trace has what was done and said so far.',
      '',
      packetText({ number: brief.number, title: brief.title, lane: lane ?? null, phase: d.phase, dispatched: true, attachmentPaths: [] }),
    ].join('\n');
  }

  /** After a restart: a dispatch the last host was starting did not start; waiting and queued ones go on. */
  recover(): void {
    for (const d of this.deps.store.list({ states: ['starting'] })) {
      const lane = d.laneId ? this.deps.lanes.get(d.laneId) : undefined;
      const again = lane ? `dispatch it again to the lane it made: grove dispatch #${d.briefNumber} --lane ${lane.name}` : 'dispatch it again';
      const reason = `the host stopped while it was starting; ${again}`;
      this.failStart(d, reason, `${reason}.`);
    }
    for (const d of this.deps.store.list({ states: ['running'] })) {
      if (d.agentId && !this.deps.agents.isLive(d.agentId)) this.save({ ...d, state: 'finished', reason: 'its agent was not running when the host started', endedAt: this.deps.now().toISOString() });
    }
    this.pump();
  }

  /** The agent ended (exited, crashed for good, fatal, removed): its dispatch is finished and room frees up. */
  agentEnded(agentId: string, how: string): void {
    for (const d of this.deps.store.list({ states: ['starting', 'running'] })) {
      if (d.agentId !== agentId) continue;
      this.save({ ...d, state: 'finished', reason: how, endedAt: this.deps.now().toISOString() });
    }
    this.pump();
  }

  /**
   * An agent of a dispatch runs: a recycled run (a fresh conversation for the same work) the
   * dispatch does not name yet, or the same agent resumed or restarted after its dispatch
   * finished. The dispatch follows it, running again — unless the brief went on without it
   * (another of its dispatches is open, or another agent claimed it: the agent is stopped,
   * saying why, sync on or off), and once, while sync is on, it holds the brief's shared claim
   * again (given back when it finished): another host holding the brief now, or a store that
   * cannot say, stops the agent with the reason.
   */
  async agentRunning(agent: AgentInfo): Promise<void> {
    if (!agent.dispatchId) return;
    const d = this.deps.store.get(agent.dispatchId);
    if (!d || (d.agentId === agent.id && d.state === 'running') || d.state === 'cancelled' || d.state === 'failed' || d.state === 'starting') return;
    const how = d.agentId === agent.id ? `${agent.name} runs again` : `a fresh run of ${agent.name} (recycled)`;
    if (await this.stopIfBriefWentOn(d, agent)) return;
    const shared = this.deps.shared;
    if (d.state === 'finished' && shared?.isEnabled()) {
      const got = await shared.acquire(d.briefId, d.id, dispatchHolderName({ ...d, agentName: agent.name }));
      const now = this.deps.store.get(d.id);
      if (got.kind !== 'won') {
        const why =
          got.kind === 'held-by'
            ? `${heldBySentence(`#${d.briefNumber}`, got)}, so ${agent.name} was stopped here: one claim per brief across every host. Resume it when that work ends.`
            : `the shared store could not be reached to take the claim on #${d.briefNumber} again (${got.message}), so ${agent.name} was stopped: another host may hold it. Resume it once the store answers.`;
        this.deps.briefs.record(d.briefId, () => ok([{ kind: 'note', payload: { text: why } }]), { kind: 'system', name: 'dispatch' }, 'automatic');
        if (now) this.save({ ...now, reason: why });
        if (this.deps.agents.isLive(agent.id)) await this.deps.agents.stop(agent.id);
        return;
      }
      // The agent ended again, or the dispatch was closed, while the store answered: what it granted goes back.
      if (!now || now.state === 'cancelled' || now.state === 'failed' || !this.deps.agents.isLive(agent.id)) {
        void shared.release(d.briefId, d.id);
        return;
      }
      // Another report of the same run got there first: it holds the claim under the same id.
      if (now.state === 'running' && now.agentId === agent.id) return;
      // The brief went on without it while the store answered: what the store granted goes back.
      if (await this.stopIfBriefWentOn(now, agent)) {
        void shared.release(d.briefId, d.id);
        return;
      }
    }
    const now = this.deps.store.get(d.id) ?? d;
    this.save({ ...now, agentId: agent.id, agentName: agent.name, state: 'running', reason: how, endedAt: null });
  }

  /**
   * One agent per brief, sync on or off: a dispatch's agent that runs again (resumed, restarted,
   * recycled) after its brief went on without it — another dispatch of the brief is open, or
   * another agent holds its claim — is stopped, its dispatch left as it is with the reason, and
   * a note says so. True when it was.
   */
  private async stopIfBriefWentOn(d: Dispatch, agent: AgentInfo): Promise<boolean> {
    const why = this.whyBriefWentOn(d, agent);
    if (why === null) return false;
    this.deps.briefs.record(d.briefId, () => ok([{ kind: 'note', payload: { text: why } }]), { kind: 'system', name: 'dispatch' }, 'automatic');
    const now = this.deps.store.get(d.id);
    if (now) this.save({ ...now, reason: why });
    if (this.deps.agents.isLive(agent.id)) await this.deps.agents.stop(agent.id);
    return true;
  }

  /** What keeps the dispatch's agent off its brief now (another open dispatch, another agent's claim), or null. */
  private whyBriefWentOn(d: Dispatch, agent: AgentInfo): string | null {
    const stopped = `${agent.name} was stopped${d.state === 'finished' ? ` and its dispatch (wave ${d.wave}) stays finished` : ''}`;
    const other = this.deps.store.list({ briefId: d.briefId, states: OPEN_DISPATCH_STATES }).find((o) => o.id !== d.id);
    if (other) {
      const endIt =
        other.state === 'waiting' || other.state === 'queued'
          ? `cancel it first (grove dispatch cancel ${other.id}, or Cancel on the brief's Dispatch panel)`
          : `stop ${other.agentName ?? 'its agent'} first (grove agent stop ${other.agentName ?? 'AGENT'}, or Stop on its tab)`;
      return `#${d.briefNumber} has another dispatch (wave ${other.wave}, ${other.state}${other.agentName ? `, ${other.agentName}` : ''}): one agent works on a brief at a time, so ${stopped}. To go on with ${agent.name}, ${endIt}, then resume ${agent.name}.`;
    }
    const held = this.rivalClaim(d.briefId, { id: d.id, agentId: agent.id });
    return held ? claimedBy(d.briefNumber, held, stopped, `resume ${agent.name}`) : null;
  }

  /**
   * A live claim on the brief held by an agent that is not this dispatch's (`mine`: the
   * dispatch and its agent; null before there is one), or null. A claim whose agent is gone or
   * whose lease ran out holds nothing: the next claimer releases it.
   */
  private rivalClaim(briefId: string, mine: { id: string; agentId: string | null } | null): Claim | null {
    const held = this.deps.store.claim(briefId);
    if (!held || !this.deps.agents.isLive(held.agentId) || Date.parse(held.leaseUntil) <= this.deps.now().getTime()) return null;
    if (mine && (held.dispatchId === mine.id || held.agentId === mine.agentId)) return null;
    return held;
  }

  /** The brief changed (a status, a dependency): waiting dispatches are looked at again. */
  briefsChanged(): void {
    this.pump();
  }

  /**
   * A design pass's plan was accepted: with auto-dispatch on, the build follows (waiting for
   * the dependencies if need be), in the same lane if it is a standing one. The design pass is
   * the brief's latest; builds before it (an earlier wave) do not count, one after it (the
   * build its plan already started) means this plan changes nothing more.
   */
  planAccepted(briefId: string): void {
    const dispatches = this.deps.store.list({ briefId, limit: Number.MAX_SAFE_INTEGER });
    // Newest first: what comes before the design pass in the list was asked for after it.
    const at = dispatches.findIndex((d) => d.phase === 'design');
    const design = dispatches[at];
    if (!design) return;
    const system: Actor = { kind: 'system', name: 'dispatch' };
    // The design pass is over: its agent stops (the build starts with a fresh context and the
    // accepted plan), its claim ends, and the brief is planned, whatever the claim made it.
    if (OPEN_DISPATCH_STATES.includes(design.state)) {
      this.save({ ...design, state: 'finished', reason: 'its plan was accepted', endedAt: this.deps.now().toISOString() });
    }
    if (design.agentId) {
      this.deps.releaseClaim(briefId, design.agentId, 'the design pass\'s plan was accepted');
      if (this.deps.agents.isLive(design.agentId)) void this.deps.agents.stop(design.agentId);
    }
    if (dispatches.slice(0, at).some((d) => d.phase === 'build')) return;
    this.deps.briefs.record(
      briefId,
      (brief) =>
        ok(brief.status === 'draft' || brief.status === 'in_progress' ? [{ kind: 'status_change' as const, payload: { from: brief.status, to: 'planned' as const, reason: 'the design pass\'s plan was accepted' } }] : []),
      system,
      'automatic',
    );
    // A design pass the operator cancelled took its auto build with it: the plan is accepted, nothing starts.
    if (!design.auto || design.state === 'cancelled') return;
    // The build goes where the design pass was (its lane exists still), with the same agent kind.
    const lane = design.laneId && this.deps.lanes.get(design.laneId) ? design.laneId : (design.targetLaneId ?? undefined);
    void this.create(
      { ref: briefId, lane: lane ?? undefined, preset: design.preset, command: design.command ?? undefined, args: design.args, role: design.role, designFirst: false, auto: true, repoId: design.repoId },
      system,
      'automatic',
      // The build runs under the same ceiling as the design pass an agent asked for.
      ceilingOfDispatch(design),
    ).then((r) => {
      if (r.ok) return;
      this.deps.logger.warn('build dispatch after the design pass refused', { briefId, error: r.error.message });
      this.deps.briefs.record(briefId, () => ok([{ kind: 'note', payload: { text: `The build after the design pass was not dispatched: ${r.error.message}` } }]), system, 'automatic');
    });
  }

  /**
   * The shared store gave the brief to someone else, or this host could not renew its claim
   * for so long that it may have: the dispatch finishes with the reason and its agent stops.
   */
  claimLost(dispatchId: string, reason: string): void {
    const d = this.deps.store.get(dispatchId);
    if (!d || !OPEN_DISPATCH_STATES.includes(d.state)) return;
    this.save({ ...d, state: 'finished', reason, endedAt: this.deps.now().toISOString() });
    this.deps.briefs.record(d.briefId, () => ok([{ kind: 'note', payload: { text: `Dispatch stopped: ${reason}` } }]), { kind: 'system', name: 'dispatch' }, 'automatic');
    if (d.agentId && this.deps.agents.isLive(d.agentId)) void this.deps.agents.stop(d.agentId);
    this.pump();
  }

  close(): Promise<void> {
    this.closed = true;
    this.closing();
    if (this.retry) clearTimeout(this.retry);
    return this.pumping;
  }

  /** Moves waiting and queued dispatches on, one pass at a time. */
  pump(): void {
    this.pumping = this.pumping
      .then(() => this.ready)
      .then(() => this.pumpOnce())
      .catch((e: unknown) => this.deps.logger.error('dispatch pump failed', { error: e instanceof Error ? e.stack : String(e) }));
  }

  private async pumpOnce(): Promise<void> {
    if (this.closed) return;
    // Oldest first: the waves go in the order they were asked for.
    const open = this.deps.store.list({ states: ['waiting', 'queued'] }).reverse();
    for (const listed of open) {
      // Read again: taking one back records an entry, and what that sets off may change another.
      const d = this.deps.store.get(listed.id);
      if (!d || (d.state !== 'waiting' && d.state !== 'queued')) continue;
      const brief = this.deps.briefStore.resolve(d.briefId);
      if (!brief) continue;
      // A brief done or cancelled while its dispatch waited gets no agent: one could not claim it.
      if (isClosed(brief)) {
        this.takeBack(d, ...closedReasons(brief));
        continue;
      }
      // One waiting for the shared store stays waiting (its reason says why) until the store answers.
      if (d.state !== 'waiting' || this.awaitingStore.has(d.id)) continue;
      // Only an auto build waits for readiness; another waits only for the store (after a restart: asked again now).
      const ready = d.phase === 'build' && d.auto ? readiness(brief, (id) => this.deps.briefStore.resolve(id)) : ({ ready: true } as const);
      if (ready.ready) this.save({ ...d, state: 'queued', reason: null });
      else if (ready.reason !== d.reason) this.save({ ...d, reason: ready.reason });
    }
    for (const listed of open) {
      if (this.closed) return;
      // Read again: while an earlier one was starting (a lane takes seconds), this one may have been cancelled.
      const d = this.deps.store.get(listed.id);
      if (!d || !this.isStartable(d)) continue;
      const cfg = this.deps.config(d.repoId);
      const busy = this.busyIn(d.repoId);
      if (busy >= cfg.maxAgents) {
        const repo = this.deps.repos.get(d.repoId)?.name ?? 'this project';
        const reason = `queued: ${busy} of ${cfg.maxAgents} dispatched agents of ${repo} are at work; it starts when one ends`;
        this.awaitingStore.delete(d.id);
        if (reason !== d.reason || d.state !== 'queued') this.save({ ...d, state: 'queued', reason });
        continue;
      }
      const claimed = await this.claimShared(d);
      if (claimed) await this.execute(claimed).catch((e: unknown) => this.executeThrew(claimed, e));
    }
    this.retryWhileAwaiting();
  }

  private isStartable(d: Dispatch): boolean {
    return d.state === 'queued' || (d.state === 'waiting' && this.awaitingStore.has(d.id));
  }

  /**
   * While sync is on, the brief's claim is taken in the shared store before anything is made:
   * the dispatch to start (read again after the store answered), or null when it does not
   * start now — another host holds the brief (it fails, naming the holder) or the store cannot
   * be reached (it waits, saying so).
   */
  private async claimShared(d: Dispatch): Promise<Dispatch | null> {
    const shared = this.deps.shared;
    if (!shared?.isEnabled()) {
      this.awaitingStore.delete(d.id);
      return d;
    }
    const got = await shared.acquire(d.briefId, d.id, dispatchHolderName(d));
    const now = this.deps.store.get(d.id);
    if (!now || !this.isStartable(now) || this.closed) {
      // Cancelled (or the host stopping) while the store decided: what it granted goes back.
      if (got.kind === 'won') void shared.release(d.briefId, d.id);
      this.awaitingStore.delete(d.id);
      return null;
    }
    if (got.kind === 'won') {
      this.awaitingStore.delete(d.id);
      return now;
    }
    if (got.kind === 'held-by') {
      this.awaitingStore.delete(d.id);
      const reason = `${heldBySentence(`#${d.briefNumber}`, got)}: one claim per brief across every host, so no agent was started here. Dispatch it again when that work ends.`;
      this.failStart(now, reason, reason);
      return null;
    }
    this.awaitingStore.add(d.id);
    const reason = `waiting for the shared store to decide the claim on #${d.briefNumber}: ${got.message}; it starts when the store answers`;
    if (now.state !== 'waiting' || now.reason !== reason) this.save({ ...now, state: 'waiting', reason });
    return null;
  }

  /** Dispatches waiting for the shared store ask again shortly (and whenever sync's state changes). */
  private retryWhileAwaiting(): void {
    if (this.awaitingStore.size === 0 || this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.pump();
    }, CLAIM_RETRY_MS);
    this.retry.unref();
  }

  /**
   * How many dispatched agents of a repository are at work: those starting, and every live
   * agent a dispatch started (a recycled or resumed run counts, whatever its dispatch says).
   */
  private busyIn(repoId: string): number {
    const starting = this.deps.store.list({ states: ['starting'] }).filter((d) => d.repoId === repoId).length;
    // Each live agent's own dispatch, by its id: however old, and however many ended since.
    const isOfRepo = (dispatchId: string): boolean => {
      const d = this.deps.store.get(dispatchId);
      return d !== null && d.repoId === repoId && (d.state === 'starting' || d.state === 'running' || d.state === 'finished');
    };
    const live = this.deps.agents.liveDispatched().filter((a) => isOfRepo(a.dispatchId)).length;
    return starting + live;
  }

  /**
   * Why the agent would be freer than the confined agent that asked for it (its ceiling), or
   * null: it would run unconfined, or in a standing lane that holds keys while it must be
   * key-less (its asker's lane is, or the repository is not its asker's: keylessUnder), as
   * the lane's own files hold them and no confinement takes them away.
   */
  private freerThanAsker(repo: Pick<Repo, 'id' | 'name'>, ceiling: ConfineCeiling | null, lane: LaneRecord | null): string | null {
    if (ceiling === null) return null;
    const why = this.deps.unconfinedReason(repo.id);
    if (why !== null) return beyondCeiling(why, 'Its agent');
    if (!lane || lane.keyless || !keylessUnder(ceiling, repo.id)) return null;
    // Another repository's keys (its setup.stripKeys, its MAIN's keyed files) were never the asker's.
    const because = ceiling.keyless
      ? 'a key-less agent asked for it'
      : ceiling.repoId === null
        ? "an agent that runs in no lane of Grove's asked for it (outside its own repository its agents run key-less)"
        : `an agent of another repository asked for it (in ${repo.name} its agents run key-less)`;
    return `The lane ${lane.name} holds keys (it is not key-less), but ${because}, and an agent cannot start one freer than itself: dispatch it to a key-less lane, or to a new one (no lane)`;
  }

  private async execute(queued: Dispatch): Promise<void> {
    let d: Dispatch = { ...queued, state: 'starting', reason: null, startedAt: this.deps.now().toISOString() };
    this.save(d);
    // `note`: the reason as the brief's trace keeps it, when the record's would say more than an entry may.
    const fail = (reason: string, note = reason): void => this.failStart(d, reason, note);
    const brief = this.deps.briefStore.resolve(d.briefId);
    if (!brief) return fail('the brief is gone');
    // Asked before a lane is made for it, and again right before its agent starts.
    const claimedElsewhere = (): boolean => {
      const held = this.rivalClaim(d.briefId, d);
      if (held) fail(claimedBy(d.briefNumber, held, 'no agent was started for this dispatch'));
      return held !== null;
    };
    if (claimedElsewhere()) return;
    // A standing lane; or the ephemeral lane this dispatch made before a host stopped under it (putBack).
    const laneId = d.targetLaneId ?? d.laneId;
    let lane = laneId ? this.deps.lanes.get(laneId) : undefined;
    if (d.targetLaneId && !lane) return fail(`the lane ${d.laneName ?? d.targetLaneId} no longer exists`);
    // Asked again now (it may have been uninstalled since the request), before a lane is made for it.
    const refused = this.deps.agents.launchRefusal({ preset: d.preset, command: d.command ?? undefined });
    if (refused) return fail(refused.message);
    // Its repository's grove.yaml may have turned confinement off since it was asked for.
    const freer = this.freerThanAsker({ id: d.repoId, name: this.deps.repos.get(d.repoId)?.name ?? d.repoId }, ceilingOfDispatch(d), lane ?? null);
    if (freer) return fail(freer);
    // Ended while it waited (its plan accepted, its claim lost): what it became stands, it is
    // not saved over, and no agent starts. A lane made for it meanwhile stays, as any lane.
    const ended = (): boolean => this.deps.store.get(d.id)?.state !== 'starting';
    // Read again after each wait: a redaction of the title meanwhile masked the record (redacted-title.ts).
    const reread = (): Dispatch => this.deps.store.get(d.id) ?? d;
    if (!lane) {
      const asked = d.laneName ?? ephemeralLaneName(d.briefNumber, d.briefTitle);
      // A key-less asker, or one of another repository, gets a key-less lane: its agent must not find the keys in the lane's own files either.
      const made = await this.makeEphemeralLane(d.repoId, asked, keylessUnder(ceilingOfDispatch(d), d.repoId));
      if (ended()) return;
      d = reread();
      // The host began to stop meanwhile: the lane made (if it was) is the dispatch's to use next time.
      if (this.closed) return this.putBack(made.ok ? { ...d, laneId: made.value.id, laneName: made.value.name } : d);
      if (!made.ok) {
        // The error names the lane (its name, folder, branch), from the title's words. The record
        // names it as it names the lane now (a redaction meanwhile masked the record, not this
        // error; one later masks both: redacted-title.ts). The note is an entry, kept and shared
        // past any redaction of the title, so it holds none of those words.
        const message = made.error.message;
        const renamed = d.laneName !== null && d.laneName !== asked;
        if (renamed) this.deps.laneJobsRenamed?.(asked, d.laneName!);
        const reason = renamed ? message.replaceAll(asked, d.laneName!) : message;
        return fail(reason, `the brief's lane could not be made: ${withoutLaneWords(message, asked)}`);
      }
      lane = made.value;
    }
    d = { ...d, laneId: lane.id, laneName: lane.name };
    this.save(d);
    let attachmentPaths: string[] = [];
    try {
      attachmentPaths = await this.deps.placeAttachments(brief, lane.path);
    } catch (e) {
      this.deps.logger.warn('cannot copy attachments into the lane', { lane: lane.name, error: (e as Error).message });
    }
    if (ended()) return;
    d = reread();
    if (this.closed) return this.putBack(d);
    const current = this.deps.briefStore.resolve(d.briefId) ?? brief;
    // Closed while its lane was made: the lane stays (as any lane), no agent starts.
    if (isClosed(current)) return void this.takeBack(d, ...closedReasons(current));
    // Claimed while its lane was made (by an agent started by hand there, say).
    if (claimedElsewhere()) return;
    const packet = packetText({ number: current.number, title: current.title, lane, phase: d.phase, dispatched: true, attachmentPaths });
    const started = this.deps.agents.start(
      {
        lanePath: lane.path,
        preset: d.preset,
        ...(d.command ? { command: d.command } : {}),
        args: d.args,
        name: dispatchedAgentName(d),
        role: d.role,
        restart: 'on-failure',
      },
      // A shell would take the packet for a script to run: it gets none (copy it from the panel).
      d.preset === 'shell' ? [] : [packet],
      { id: d.id, ceiling: ceilingOfDispatch(d) },
    );
    // The host's stop began before this one's dispatch part did (agents refuse first): not a failure.
    if (!started.ok) return started.error.code === 'host_stopping' ? this.putBack(d) : fail(started.error.message);
    d = { ...d, state: 'running', agentId: started.value.id, agentName: started.value.name };
    this.save(d);
    const system: Actor = { kind: 'system', name: 'dispatch' };
    this.deps.briefs.record(
      brief.id,
      (now) =>
        ok([
          ...(now.links.some((l) => l.type === 'lane' && l.target === lane.name) ? [] : [{ kind: 'link_added' as const, payload: { linkId: uuidv7(), type: 'lane' as const, target: lane.name, label: 'execution' } }]),
          { kind: 'link_added' as const, payload: { linkId: uuidv7(), type: 'agent_run' as const, target: `${started.value.name} (${started.value.id})`, label: d.phase === 'design' ? 'design pass' : 'execution' } },
        ]),
      system,
      'automatic',
    );
  }

  /** A dispatch that could not start (or whose start a host's death cut short): failed, with the reason on its record and `note` in the brief's trace. */
  private failStart(d: Dispatch, reason: string, note: string): void {
    this.save({ ...d, state: 'failed', reason, endedAt: this.deps.now().toISOString() });
    this.deps.briefs.record(d.briefId, () => ok([{ kind: 'note', payload: { text: `Dispatch failed: ${note}` } }]), { kind: 'system', name: 'dispatch' }, 'automatic');
  }

  /**
   * Starting threw (git or the disk failing in a way the lane's creation does not answer as a
   * refusal): the dispatch fails, saying so, rather than stay `starting` until the next host,
   * holding one of its project's agent slots and its claim on every host, and the rest of the
   * pass goes on. The trace's note names no error: one may quote the lane's folder, which holds
   * the title's words, and a note outlives a redaction of the title.
   */
  private executeThrew(queued: Dispatch, e: unknown): void {
    this.deps.logger.error('a dispatch could not be started', { dispatch: queued.id, error: e instanceof Error ? e.stack : String(e) });
    const d = this.deps.store.get(queued.id);
    if (!d || d.state !== 'starting') return;
    if (this.closed) return this.putBack(d);
    this.failStart(d, `Grove met an error while starting it: ${e instanceof Error ? e.message : String(e)}`, "Grove met an error while starting it (the host's log has it)");
  }

  /**
   * The host began to stop before the dispatch's agent started: the dispatch goes back to
   * `queued` for the next host to start (recover() fails only what a killed host left
   * `starting`), keeping the lane it made, and nothing is written on the brief: a stop is no
   * failure. Not at work, it gives back the shared claim it took; the next host asks again.
   */
  private putBack(d: Dispatch): void {
    this.save({ ...d, state: 'queued', reason: 'the host stopped before its agent started; the next host starts it', startedAt: null });
    void this.deps.shared?.release(d.briefId, d.id, true);
  }

  /**
   * The dispatch's own lane, on a new branch from MAIN. A name taken (a lane's, a folder at its
   * path, a branch an earlier lane of that name left) gives way to the next suffix.
   */
  private async makeEphemeralLane(repoId: string, base: string, keyless: boolean): Promise<Result<Lane, ApiError>> {
    const taken = new Set(this.deps.lanes.list(repoId).map((l) => l.name));
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      if (taken.has(name)) continue;
      const made = await this.deps.lanes.createEphemeral(repoId, name, { keyless });
      if (made.ok || made.error.code !== 'lane_exists' || n >= MAX_NAME_TRIES) return made;
    }
  }

  /** Which repository and lane a dispatch goes to, or why it cannot go. */
  private placement(brief: Brief, params: z.output<typeof DispatchParams>): Result<{ repo: Repo; lane: LaneRecord | null }, ApiError> {
    const repos = this.deps.repos.list();
    const primary = brief.projects.find((p) => p.primary)?.name ?? null;
    // The repositories the project names (several may share a name: a given repository picks one of them).
    const ofProject = primary ? repos.filter((r) => r.name.toLowerCase() === primary.toLowerCase()) : [];
    const listed = (rs: readonly Repo[]) => rs.map((r) => `${r.name} (${r.id})`).join(', ');
    // An id names one repository; a name, several may share: then which one is never guessed.
    const given = params.repoId ? repos.filter((r) => r.id === params.repoId || r.name === params.repoId) : [];
    let repo = given.find((r) => r.id === params.repoId) ?? (given.length === 1 ? given[0] : undefined);
    if (params.repoId && given.length > 1 && !repo) {
      return err(apiError('dispatch_not_possible', `Several repositories are named ${params.repoId}: ${listed(given)}. Give the one you mean by its id (grove repo list shows them).`, { repoId: params.repoId }));
    }
    if (params.repoId && !repo) return err(apiError('repo_unknown', `No repository ${params.repoId}.`, { repoId: params.repoId }));
    if (!params.repoId && ofProject.length > 1) {
      // The project's name is several repositories': the standing lane given may say which.
      const withLane = params.lane === undefined ? [] : ofProject.filter((r) => this.deps.lanes.list(r.id).some((l) => l.id === params.lane || l.name === params.lane));
      if (withLane.length !== 1) {
        return err(apiError('dispatch_not_possible', `#${brief.number}'s project "${primary}" is the name of several repositories here, ${listed(ofProject)}: ${NAME_THE_REPO}, by its id.`, { project: primary }));
      }
      repo = withLane[0];
    } else if (!params.repoId) repo = ofProject[0];
    // A repository is given only for a project no known repository is named for: it never sends the brief elsewhere.
    if (repo && params.repoId && ofProject.length > 0 && !ofProject.includes(repo)) {
      const named = listed(ofProject);
      return err(
        apiError(
          'dispatch_not_possible',
          `#${brief.number}'s project "${primary}" is the repository ${named}, not ${repo.name} (${repo.id}), the one given: a repository is given only when the brief's project names none this host knows. ` +
            `Leave the repository out to dispatch #${brief.number} to ${primary}, or change the brief's project first.`,
          { repoId: repo.id, project: primary },
        ),
      );
    }
    let lane: LaneRecord | null = null;
    if (params.lane !== undefined) {
      const candidates = this.deps.lanes.list(repo?.id).filter((l) => l.id === params.lane || l.name === params.lane);
      if (candidates.length === 0) {
        return err(apiError('lane_unknown', `No lane ${params.lane}${repo ? ` in ${repo.name}` : ''}: give a standing lane's name or id (grove lane list, or the cockpit's lanes, shows them), or leave the lane out for a new ephemeral lane.`, { lane: params.lane }));
      }
      if (candidates.length > 1) return err(apiError('dispatch_not_possible', `Several repositories have a lane named ${params.lane}: ${NAME_THE_REPO} too.`));
      lane = candidates[0]!;
      // An ephemeral lane goes with its merge, and every agent in it: only the brief it was made
      // for goes there again (a design pass's build follows it in).
      const laneId = lane.id;
      if (lane.kind !== 'standing' && !this.deps.store.list({ briefId: brief.id }).some((d) => d.laneId === laneId)) {
        return err(apiError('dispatch_not_possible', `The lane ${lane.name} is ephemeral, made for other work and removed with its merge (its agents with it): dispatch to a standing lane, or leave the lane out for a new one.`, { lane: lane.name }));
      }
      repo ??= repos.find((r) => r.id === lane!.repoId);
      if (repo && lane.repoId !== repo.id) return err(apiError('dispatch_not_possible', `The lane ${lane.name} is not ${repo.name}'s.`));
    }
    if (!repo) {
      const why = primary
        ? `#${brief.number}'s project "${primary}" is not a repository this host knows`
        : `#${brief.number} names no project`;
      return err(apiError('dispatch_not_possible', `${why}: add the repository (grove repo add PATH, named ${primary ?? 'as the project'}), give the brief a project, or ${NAME_THE_REPO}.`));
    }
    return ok({ repo, lane });
  }

  private packetOf(brief: Brief, d: Dispatch): Packet {
    const lane = d.laneId ? this.deps.lanes.get(d.laneId) : undefined;
    return {
      briefId: brief.id,
      number: brief.number,
      text: packetText({
        number: brief.number,
        title: brief.title,
        lane: lane ? { name: lane.name, path: lane.path } : d.laneName ? { name: d.laneName, path: null } : null,
        phase: d.phase,
        dispatched: false,
        attachmentPaths: [],
      }),
    };
  }

  private save(d: Dispatch): void {
    const before = this.deps.store.get(d.id);
    this.deps.store.save(d);
    this.deps.events.append({ type: 'dispatch.updated', dispatch: d });
    // A dispatch that ended gives back the shared claim it held: one at work (starting or
    // running) did; one that never started holds none unless the store granted it one.
    if (d.state === 'finished' || d.state === 'failed' || d.state === 'cancelled') {
      const atWork = before?.state === 'starting' || before?.state === 'running';
      void this.deps.shared?.release(d.briefId, d.id, atWork);
    }
  }
}
