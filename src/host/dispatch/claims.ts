import type { AgentInfo } from '../../shared/agents';
import type { Actor, Brief, BriefEntry, Channel } from '../../shared/briefs';
import type { Claim, Dispatch } from '../../shared/dispatch';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import { unknownBrief, type BriefService, type HostDraft } from '../briefs/brief-service';
import type { BriefStore } from '../briefs/brief-store';
import type { DispatchStore } from './dispatch-store';
import { dispatchHolderName, heldBySentence, type SharedLeases } from './shared-leases';

/**
 * One claim per brief, held by a live agent under a lease. The store's primary key decides
 * between two claimers (the row that is inserted wins); the lease lets a claim whose agent
 * vanished without Grove seeing it (a host killed mid-run) lapse instead of blocking the
 * brief for ever. The host renews the leases of live agents. While sync is on, the shared
 * store decides a new claim first (shared-leases.ts, docs/sync.md "Claims"): only a claim it
 * grants is written here, and one it cannot decide now is refused with a sentence saying so.
 * A claim the agent holds already is answered from its row, without asking the store.
 */
export const LEASE_MS = 60_000;

export interface ClaimDeps {
  store: DispatchStore;
  briefs: BriefService;
  briefStore: BriefStore;
  agent(agentId: string): AgentInfo | null;
  isLive(agentId: string): boolean;
  /** The wave of the agent's dispatch on this brief, if it was dispatched to it. */
  waveOf(dispatchId: string | null, briefId: string): number | null;
  /** The brief the agent's dispatch names and that dispatch's state, or null for an agent started by hand. */
  dispatchedBrief(agent: AgentInfo): { briefId: string; state: string } | null;
  /** The brief's open dispatch (waiting, queued, starting, running), if it has one. */
  openDispatch(briefId: string): { agentId: string | null; agentName: string | null; state: string } | null;
  /** The shared store's claims, while sync is on. */
  shared?: SharedLeases;
  now(): Date;
}

export type Claimed = { brief: Brief; claim: Claim; entries: BriefEntry[]; already: boolean };

/** What the shared store granted: under the agent's dispatch (its id), or under the agent's own id. */
type SharedGrant = { holderId: string; dispatchId: string | null };

export class ClaimBook {
  constructor(private readonly deps: ClaimDeps) {}

  /** `channel`: what the claim came through (a recall over MCP, the CLI or the API), for the trace. */
  async claim(ref: string, agentId: string, channel: Channel = 'mcp'): Promise<Result<Claimed, ApiError>> {
    const agent = this.deps.agent(agentId);
    if (!agent) return err(apiError('forbidden', 'This agent is no longer known to the host.'));
    const found = this.deps.briefStore.resolve(ref);
    if (!found) return err(unknownBrief(ref));
    const allowed = this.mayClaim(found, agent);
    if (!allowed.ok) return allowed;
    // Held already (every recall after the first): answered from the row here. The shared
    // store's lease is renewed on its own timer (SharedLeases.renewAll), so a recall never
    // waits on the store, nor reads as refused while it is slow or down.
    const held = this.deps.store.claim(found.id);
    if (held?.agentId === agent.id) return ok({ brief: found, claim: held, entries: [], already: true });
    const decided = await this.decideShared(found, agent);
    if (!decided.ok) return decided;
    let claimed: Result<Claimed, ApiError>;
    try {
      claimed = this.claimIn(found, agent, channel);
    } catch (e) {
      if (!(e instanceof ClaimAborted)) throw e;
      claimed = err(e.error);
    }
    // The store granted what this host then refused (the brief closed, or the agent's dispatch
    // ended, while it answered): the grant goes back, so it does not keep the brief from
    // another host for a lease. A dispatch still at work keeps it: it held it before.
    const grant = decided.value;
    if (!claimed.ok && grant && !this.isAtWork(grant.dispatchId)) void this.deps.shared?.release(found.id, grant.holderId);
    return claimed;
  }

  /**
   * While sync is on, the shared store decides: a dispatched agent asks under its dispatch's id
   * (which took the claim before starting it, so this renews it), one started by hand under
   * its own. Nothing is written here unless the store grants it. The grant; null with sync off.
   */
  private async decideShared(brief: Brief, agent: AgentInfo): Promise<Result<SharedGrant | null, ApiError>> {
    const shared = this.deps.shared;
    if (!shared?.isEnabled()) return ok(null);
    const dispatch = agent.dispatchId ? this.deps.store.get(agent.dispatchId) : null;
    const mine = dispatch?.briefId === brief.id ? dispatch : null;
    const holderId = mine ? mine.id : agent.id;
    const got = await shared.acquire(brief.id, holderId, mine ? dispatchHolderName({ ...mine, agentName: agent.name }) : agent.name);
    if (got.kind === 'won') return ok({ holderId, dispatchId: mine?.id ?? null });
    if (got.kind === 'held-by') {
      return err(
        apiError('brief_claimed', `${heldBySentence(`#${brief.number}`, got)}; one claim per brief across every host. Ask that operator, or wait until it ends.`, {
          holder: got.name,
          origin: got.origin,
          since: got.since,
        }),
      );
    }
    return err(
      apiError('claim_undecided', `#${brief.number}'s claim is decided by the shared store, which cannot be reached now (${got.message}); nothing was claimed. Try again in a moment.`, {
        reason: got.message,
      }),
    );
  }

  /**
   * An agent claims only what it may work on, and a brief neither done nor cancelled: the brief
   * it was dispatched to, or (started by hand, with a copy-paste packet) a brief no dispatch is
   * carrying to another agent.
   */
  private mayClaim(brief: Brief, agent: AgentInfo): Result<true, ApiError> {
    if (isClosed(brief)) {
      return err(apiError('brief_change_invalid', `#${brief.number} is ${brief.status}; a ${brief.status} brief is not claimed. Ask the operator to reopen it.`));
    }
    const dispatched = this.deps.dispatchedBrief(agent);
    const own = dispatched?.briefId ?? null;
    if (dispatched && own === brief.id) {
      // Only while its dispatch runs: a design pass whose plan was accepted (its claim released,
      // its stop on the way) must not take the brief back from the build that follows.
      if (dispatched.state === 'starting' || dispatched.state === 'running') return ok(true);
      return err(apiError('forbidden', `Your dispatch of #${brief.number} has ended (${dispatched.state}); you no longer claim it. Ask the operator to dispatch it again.`));
    }
    if (own !== null) {
      const ownNumber = this.deps.briefStore.resolve(own)?.number;
      return err(apiError('forbidden', `You were dispatched to ${ownNumber ? `#${ownNumber}` : 'another brief'}, not #${brief.number}: work on yours, or ask the operator to dispatch #${brief.number}.`));
    }
    const open = this.deps.openDispatch(brief.id);
    if (open) {
      return err(apiError('forbidden', `#${brief.number} is dispatched to ${open.agentName ?? 'an agent about to start'} (${open.state}); only that agent claims it.`));
    }
    // Only the operator takes an agent off a brief (participant_left), and only the operator
    // brings it back: a claim would rejoin it (docs/briefs.md, "Who may do what").
    if (brief.participants.some((p) => p.name === agent.name && !p.active)) {
      return err(apiError('forbidden', `The operator took you off #${brief.number}; only the operator brings you back (adds you as a participant, or dispatches #${brief.number} to you).`));
    }
    return ok(true);
  }

  /**
   * `asked`: the brief as it read when the claim was asked for. While the shared store answered,
   * the brief may have closed, the agent's dispatch ended (its plan accepted), another agent
   * claimed it or the operator set its status: all of it is read again here.
   */
  private claimIn(asked: Brief, agent: AgentInfo, channel: Channel): Result<Claimed, ApiError> {
    return this.deps.store.transaction(() => {
      const found = this.deps.briefStore.resolve(asked.id);
      if (!found) return err(unknownBrief(asked.id));
      const allowed = this.mayClaim(found, agent);
      if (!allowed.ok) return allowed;
      const held = this.deps.store.claim(found.id);
      if (held?.agentId === agent.id) return ok({ brief: found, claim: held, entries: [], already: true });
      if (held && this.isHeld(held)) {
        return err(
          apiError('brief_claimed', `#${found.number} is claimed by ${held.agentName} since ${held.since}; one claim per brief. Ask the operator, or wait until ${held.agentName} ends.`, {
            holder: held.agentName,
            since: held.since,
          }),
        );
      }
      const released: BriefEntry[] = [];
      if (held) {
        const r = this.release(found.id, held.agentId, `${held.agentName}'s claim lapsed (its agent is gone)`);
        if (r.ok) released.push(...r.value);
      }
      const now = this.deps.now();
      const dispatchId = agent.dispatchId && this.deps.store.get(agent.dispatchId)?.briefId === found.id ? agent.dispatchId : null;
      const claim: Claim = {
        briefId: found.id,
        dispatchId,
        agentId: agent.id,
        agentName: agent.name,
        since: now.toISOString(),
        leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
      };
      if (!this.deps.store.insertClaim(claim)) {
        const now = this.deps.store.claim(found.id);
        const holder = now?.agentName ?? 'another agent';
        return err(
          apiError(
            'brief_claimed',
            `#${found.number} was claimed by ${holder} a moment ago; one claim per brief. Ask the operator, or wait until ${holder} ends.`,
            now ? { holder: now.agentName, since: now.since } : undefined,
          ),
        );
      }
      const actor: Actor = { kind: 'agent', name: agent.name };
      const wave = this.deps.waveOf(dispatchId, found.id);
      const written = this.deps.briefs.record(
        found.id,
        (brief) => {
          const drafts: HostDraft[] = [];
          const present = brief.participants.find((p) => p.name === agent.name);
          if (!present?.active) {
            drafts.push({
              kind: 'participant_joined',
              payload: { name: agent.name, kind: 'agent', role: agent.role, wave },
              actor: { kind: 'system', name: agent.name },
              channel: 'automatic',
            });
          }
          drafts.push({ kind: 'claimed', payload: { dispatchId, agent: agent.name } });
          // A status set since the claim was asked for stands (a plan accepted meanwhile: planned).
          if ((brief.status === 'draft' || brief.status === 'planned') && brief.status === asked.status) {
            drafts.push({ kind: 'status_change', payload: { from: brief.status, to: 'in_progress', reason: `claimed by ${agent.name}` } });
          }
          return ok(drafts);
        },
        actor,
        channel,
      );
      if (!written.ok) throw new ClaimAborted(written.error);
      return ok({ brief: written.value.brief, claim, entries: [...released, ...written.value.entries], already: false });
    });
  }

  /** Ends a claim with an entry naming why; nothing when the agent does not hold it. The row goes only with its entry. */
  release(briefId: string, agentId: string, reason: string): Result<BriefEntry[], ApiError> {
    try {
      return this.deps.store.transaction(() => {
        const held = this.deps.store.claim(briefId);
        if (!held || held.agentId !== agentId) return ok([]);
        this.deps.store.removeClaim(briefId);
        // A dispatch's shared claim ends with the dispatch (DispatchService); a by-hand agent's here.
        if (held.dispatchId === null) void this.deps.shared?.release(briefId, agentId, true);
        const written = this.deps.briefs.record(
          briefId,
          () => ok([{ kind: 'claim_released', payload: { dispatchId: held.dispatchId, agent: held.agentName, reason } }]),
          { kind: 'system', name: held.agentName },
          'automatic',
        );
        if (!written.ok) throw new ClaimAborted(written.error);
        return ok(written.value.entries);
      });
    } catch (e) {
      if (e instanceof ClaimAborted) return err(e.error);
      throw e;
    }
  }

  /** Every claim an agent holds, released (it exited, went fatal, was removed). */
  releaseAllOf(agentId: string, reason: string): void {
    for (const c of this.deps.store.claims()) if (c.agentId === agentId) this.release(c.briefId, agentId, reason);
  }

  /** Renews live agents' leases; releases the claims of agents that are gone. (The shared store's: SharedLeases.renewAll.) */
  renew(): void {
    const now = this.deps.now();
    for (const c of this.deps.store.claims()) {
      if (this.deps.isLive(c.agentId)) this.deps.store.renewClaim(c.briefId, new Date(now.getTime() + LEASE_MS).toISOString());
      else this.release(c.briefId, c.agentId, `${c.agentName} is no longer running`);
    }
  }

  /**
   * The brief's claim released if that dispatch (or its agent) holds it: a lane's merge ends
   * its own dispatch's claim, never another wave's (a later dispatch of the brief, at work in
   * another lane, keeps its own).
   */
  releaseFor(briefId: string, d: Pick<Dispatch, 'id' | 'agentId'>, reason: string): void {
    const held = this.holder(briefId);
    if (held && (held.dispatchId === d.id || (d.agentId !== null && held.agentId === d.agentId))) this.release(briefId, held.agentId, reason);
  }

  holder(briefId: string): Claim | null {
    return this.deps.store.claim(briefId);
  }

  /** Whether the dispatch is at work (starting or running); false for none. */
  private isAtWork(dispatchId: string | null): boolean {
    const state = dispatchId ? this.deps.store.get(dispatchId)?.state : undefined;
    return state === 'starting' || state === 'running';
  }

  private isHeld(c: Claim): boolean {
    return this.deps.isLive(c.agentId) && Date.parse(c.leaseUntil) > this.deps.now().getTime();
  }
}

/** A brief write that failed inside the claim's transaction: thrown to roll the claim row back, caught by the caller. */
export class ClaimAborted extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** A brief no agent may claim, nor a dispatch start an agent for: done or cancelled. */
export const isClosed = (brief: Pick<Brief, 'status'>): boolean => brief.status === 'done' || brief.status === 'cancelled';
