import { OPEN_DISPATCH_STATES, type Dispatch } from '../../shared/dispatch';
import type { Logger } from '../logger';
import type { AcquireOutcome, ClaimHolder, ReleaseOutcome, RenewOutcome } from '../sync/shared-claims';
import type { DispatchStore } from './dispatch-store';

/**
 * This host's side of the shared claims (docs/sync.md, "Claims"): what it holds in the shared
 * store, renewed on a timer, and what happens when it can no longer be sure it holds it.
 *
 * The rule a holder keeps: never work on a brief the server may already have given to someone
 * else. The server's lease runs from the moment it processed a request; the host counts from
 * the moment it SENT its last answered one, which is earlier, so the host's count always ends
 * first (on a monotonic clock). Every holder is renewed at once, each on its own connection,
 * so the time to a holder's next answer does not grow with how many there are. When renewing
 * fails (the store unreachable) for so long that the next answer could come after the
 * server's lease ends, the holder gives the claim up: its local claim is
 * released with an entry saying why, its dispatch finishes and its agent is stopped. Another
 * operator may then take the brief; this host never works on it believing it holds it.
 */
export interface SharedClaimPort {
  isEnabled(): boolean;
  readonly leaseMs: number;
  /** `replaceable`: whether a row this origin holds under another id may be taken over (its holder no longer works here). */
  acquire(briefId: string, holder: ClaimHolder, replaceable?: (holderId: string) => boolean): Promise<AcquireOutcome>;
  renew(briefId: string, holder: Pick<ClaimHolder, 'origin' | 'id'>): Promise<RenewOutcome>;
  release(briefId: string, holder: Pick<ClaimHolder, 'origin' | 'id'>): Promise<ReleaseOutcome>;
}

/** Who holds a brief in the shared store on this host's behalf: a dispatch, or an agent started by hand. */
export type LeaseHolder = { briefId: string; briefNumber: number | null; holderId: string; dispatchId: string | null; agentId: string | null; name: string };

export interface SharedLeaseDeps {
  shared: SharedClaimPort;
  /** This store's HLC node id: the holder's origin. */
  origin: string;
  store: DispatchStore;
  /** How long one request to the store may take (the step timeout). */
  timeoutMs: number;
  /** The holder may no longer hold the brief: whatever works on it stops. */
  lost(holder: LeaseHolder, reason: string): void;
  logger: Logger;
  /** A monotonic clock (ms): a wall clock stepped back would lengthen what the host believes it holds. */
  now(): number;
}

/** Slack for what is not counted: the time between a request's answer and the next check, a slow clock. */
const SAFETY_MS = 5_000;

/** The agent a dispatch starts is named for it (the same name whether or not it has started). */
export function dispatchedAgentName(d: Pick<Dispatch, 'preset' | 'briefNumber' | 'wave'>): string {
  return `${d.preset === 'custom' ? 'agent' : d.preset}-brief-${d.briefNumber}${d.wave > 1 ? `-w${d.wave}` : ''}`;
}

/** What another operator reads about the holder. */
export function dispatchHolderName(d: Dispatch): string {
  return `${d.agentName ?? dispatchedAgentName(d)}, dispatched by ${d.requestedBy.name}`;
}

/** "#4 is claimed on host 3fa2… by agent-brief-4, dispatched by ana, since …" */
export function heldBySentence(ref: string, held: Extract<AcquireOutcome, { kind: 'held-by' }>): string {
  return `${ref} is claimed on host ${held.origin} by ${held.name} since ${held.since}`;
}

export class SharedLeases {
  /** Per holder: the monotonic time when the last request the store answered "yours" was sent. */
  private readonly confirmed = new Map<string, number>();
  /** Per holder: its renewal under way (each its own connection; one at a time per holder). */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Per brief: a release not yet answered (the brief's next claim waits for it). */
  private readonly releasing = new Map<string, Promise<unknown>>();
  /** Until the first pass with sync on has run: a holder with no record was held before this process (a restart). */
  private startedUp = false;

  constructor(private readonly deps: SharedLeaseDeps) {}

  isEnabled(): boolean {
    return this.deps.shared.isEnabled();
  }

  /** A third of the lease, at most 20 s: two attempts fit in a lease with room to spare. */
  get renewEveryMs(): number {
    return Math.min(20_000, Math.floor(this.deps.shared.leaseMs / 3));
  }

  /**
   * The longest a holder may wait, after a check, for its next answer: the next tick starts its
   * renewal, which takes at most a step timeout, and a "lost" answer is followed by an acquire
   * (another). The slack covers a late timer and the time between an answer and the check.
   */
  private get worstNextAnswerMs(): number {
    return this.renewEveryMs + 2 * this.deps.timeoutMs + SAFETY_MS;
  }

  /** Whether this host counts the holder as holding the brief in the shared store now. */
  holds(briefId: string, holderId: string): boolean {
    return this.confirmed.has(key(briefId, holderId));
  }

  async acquire(briefId: string, holderId: string, name: string): Promise<AcquireOutcome> {
    // The brief's last holder here gave it back a moment ago: its DELETE goes first.
    await this.releasing.get(briefId);
    const sent = this.deps.now();
    // A row this host wrote for a holder that no longer works here (a dispatch that ended, a
    // release that was lost) is taken over at once rather than waited out for a lease. An open
    // dispatch (one that won the claim and is about to start counts) is never replaced.
    const replaceable = (rowHolderId: string): boolean => {
      const d = this.deps.store.get(rowHolderId);
      if (d && OPEN_DISPATCH_STATES.includes(d.state)) return false;
      return !this.holders().some((h) => h.briefId === briefId && h.holderId === rowHolderId);
    };
    const held = this.confirmed.has(key(briefId, holderId));
    const got = await this.deps.shared.acquire(briefId, { origin: this.deps.origin, id: holderId, name }, replaceable);
    if (got.kind === 'won') this.confirmed.set(key(briefId, holderId), sent);
    // No answer is not no claim: the store may have committed it and only the answer been
    // lost (a step timeout after the commit). A claim this holder did not hold before is given
    // back at once, so it does not stand in another operator's way for a whole lease (this
    // host's next claim of the brief waits for that release). One it held (an agent's claim
    // under its dispatch's, a renewal's retry) stays: renewing decides about it.
    if (got.kind === 'unreachable' && !held && !this.confirmed.has(key(briefId, holderId))) void this.release(briefId, holderId, true);
    return got;
  }

  /**
   * Gives the claim back (awaitable: a successor on this host waits for it anyway); a store
   * that cannot be reached lets the lease lapse instead (logged). Nothing is sent for a holder
   * this host does not count as holding, unless `held` says it did (a dispatch at work).
   */
  release(briefId: string, holderId: string, held = false): Promise<void> {
    const k = key(briefId, holderId);
    const was = this.confirmed.delete(k);
    if (!this.isEnabled() || (!was && !held)) return Promise.resolve();
    const done = this.deps.shared.release(briefId, { origin: this.deps.origin, id: holderId }).then((r) => {
      if (r.kind === 'unreachable') this.deps.logger.info('shared claim not released; its lease lapses', { briefId, reason: r.message });
    });
    const tracked = done.finally(() => {
      if (this.releasing.get(briefId) === tracked) this.releasing.delete(briefId);
    });
    this.releasing.set(briefId, tracked);
    return tracked;
  }

  /**
   * Renews every claim this host holds, each on its own connection and at the same time: a
   * store that does not answer costs each holder one step timeout, however many there are.
   * A holder whose renewal is still under way is not asked twice.
   */
  renewAll(): Promise<void> {
    if (!this.isEnabled()) {
      this.confirmed.clear();
      // Holders met after sync is turned on never had a row here: not a restart's unknown gap.
      this.startedUp = true;
      return Promise.resolve();
    }
    const startup = !this.startedUp;
    this.startedUp = true;
    const passes = this.holders().map((h) => {
      const k = key(h.briefId, h.holderId);
      let p = this.inFlight.get(k);
      if (!p) {
        p = this.renewOne(h, startup).finally(() => this.inFlight.delete(k));
        this.inFlight.set(k, p);
      }
      return p;
    });
    return Promise.all(passes).then(() => undefined);
  }

  /** Dispatches at work hold their brief under the dispatch's id; agents started by hand under their own. */
  holders(): LeaseHolder[] {
    const dispatched = this.deps.store
      .list({ states: ['starting', 'running'] })
      .map((d): LeaseHolder => ({ briefId: d.briefId, briefNumber: d.briefNumber, holderId: d.id, dispatchId: d.id, agentId: d.agentId, name: dispatchHolderName(d) }));
    const byHand = this.deps.store
      .claims()
      .filter((c) => c.dispatchId === null)
      .map((c): LeaseHolder => ({ briefId: c.briefId, briefNumber: null, holderId: c.agentId, dispatchId: null, agentId: c.agentId, name: c.agentName }));
    return [...dispatched, ...byHand];
  }

  private async renewOne(h: LeaseHolder, startup: boolean): Promise<void> {
    const k = key(h.briefId, h.holderId);
    const sent = this.deps.now();
    // No record: held before this process started (its last renewal is unknown, so an answer
    // is needed now), or met after sync was turned on (no row of ours yet: counted from now).
    const unknownGap = !this.confirmed.has(k) && startup;
    if (!this.confirmed.has(k)) this.confirmed.set(k, sent);
    const renewed = await this.deps.shared.renew(h.briefId, { origin: this.deps.origin, id: h.holderId });
    if (!this.confirmed.has(k)) return; // released while the store answered
    if (renewed.kind === 'renewed') {
      this.confirmed.set(k, sent);
      return;
    }
    const ref = h.briefNumber !== null ? `#${h.briefNumber}` : 'the brief';
    let why = renewed.kind === 'unreachable' ? renewed.message : '';
    if (renewed.kind === 'lost') {
      // No row of ours: it lapsed or was never taken (sync turned on later). Take it if nobody else has.
      const again = await this.acquire(h.briefId, h.holderId, h.name);
      if (again.kind === 'won') return;
      if (again.kind === 'held-by') {
        this.forget(k);
        this.deps.lost(h, `${heldBySentence(ref, again)}; this host's claim had lapsed`);
        return;
      }
      why = again.message;
    }
    const since = this.confirmed.get(k);
    if (since === undefined) return;
    // Kept only while the next answer, at the latest, still comes before the server's lease
    // (counted from when the last answered request was sent) could end.
    if (!unknownGap && this.deps.now() + this.worstNextAnswerMs < since + this.deps.shared.leaseMs) return;
    this.forget(k);
    this.deps.logger.warn('shared claim given up: the store could not be reached to renew it', { briefId: h.briefId, holder: h.holderId, reason: why });
    const stopped = h.agentId ? 'its agent was stopped so two agents never work on it' : 'it was given up';
    this.deps.lost(
      h,
      unknownGap
        ? `this host restarted and could not reach the shared store to confirm the claim on ${ref} (${why}), so it may have lapsed there and gone to another operator; ${stopped}. Dispatch it again once the store answers.`
        : `the shared store could not be reached to renew the claim on ${ref} (${why}) for ${Math.round((this.deps.now() - since) / 1000)} s, so the claim may lapse there and go to another operator; ${stopped}. Dispatch it again once the store answers.`,
    );
  }

  private forget(k: string): void {
    this.confirmed.delete(k);
  }
}

const key = (briefId: string, holderId: string): string => `${briefId}/${holderId}`;
