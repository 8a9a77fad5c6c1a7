import type { Dispatch } from '../../shared/dispatch';
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
 * first. When renewing fails (the store unreachable) for so long that the next attempt could
 * come after the server's lease ends, the holder gives the claim up: its local claim is
 * released with an entry saying why, its dispatch finishes and its agent is stopped. Another
 * operator may then take the brief; this host never works on it believing it holds it.
 */
export interface SharedClaimPort {
  isEnabled(): boolean;
  readonly leaseMs: number;
  acquire(briefId: string, holder: ClaimHolder): Promise<AcquireOutcome>;
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
  /** Per holder: the host's time when the last request the store answered "yours" was sent. */
  private readonly confirmed = new Map<string, number>();
  private renewing: Promise<void> | null = null;

  constructor(private readonly deps: SharedLeaseDeps) {}

  isEnabled(): boolean {
    return this.deps.shared.isEnabled();
  }

  /** A third of the lease, at most 20 s: two attempts fit in a lease with room to spare. */
  get renewEveryMs(): number {
    return Math.min(20_000, Math.floor(this.deps.shared.leaseMs / 3));
  }

  async acquire(briefId: string, holderId: string, name: string): Promise<AcquireOutcome> {
    const sent = this.deps.now();
    const got = await this.deps.shared.acquire(briefId, { origin: this.deps.origin, id: holderId, name });
    if (got.kind === 'won') this.confirmed.set(key(briefId, holderId), sent);
    return got;
  }

  /** Gives the claim back; a store that cannot be reached lets the lease lapse instead (logged). */
  release(briefId: string, holderId: string): void {
    this.confirmed.delete(key(briefId, holderId));
    if (!this.isEnabled()) return;
    void this.deps.shared.release(briefId, { origin: this.deps.origin, id: holderId }).then((r) => {
      if (r.kind === 'unreachable') this.deps.logger.info('shared claim not released; its lease lapses', { briefId, reason: r.message });
    });
  }

  /** Renews every claim this host holds (one pass at a time). */
  renewAll(): Promise<void> {
    if (!this.isEnabled()) {
      this.confirmed.clear();
      return Promise.resolve();
    }
    if (this.renewing) return this.renewing;
    const pass = (async () => {
      for (const h of this.holders()) await this.renewOne(h);
    })();
    // Cleared once the pass is over (not inside it: a pass with nothing to renew ends before it is stored).
    this.renewing = pass.finally(() => (this.renewing = null));
    return this.renewing;
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

  private async renewOne(h: LeaseHolder): Promise<void> {
    const k = key(h.briefId, h.holderId);
    // Held before this process knew of it (a restart, sync turned on under a running agent):
    // counted as confirmed one interval ago, the most a restart's gap is allowed to be.
    if (!this.confirmed.has(k)) this.confirmed.set(k, this.deps.now() - this.renewEveryMs);
    const sent = this.deps.now();
    const renewed = await this.deps.shared.renew(h.briefId, { origin: this.deps.origin, id: h.holderId });
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
    const since = this.confirmed.get(k)!;
    const left = since + this.deps.shared.leaseMs - this.deps.now();
    if (left > this.renewEveryMs + this.deps.timeoutMs + SAFETY_MS) return;
    this.forget(k);
    this.deps.logger.warn('shared claim given up: the store could not be reached to renew it', { briefId: h.briefId, holder: h.holderId, reason: why });
    this.deps.lost(
      h,
      `the shared store could not be reached to renew the claim on ${ref} (${why}) for ${Math.round((this.deps.now() - since) / 1000)} s, so the claim may lapse there and go to another operator; ${h.agentId ? 'its agent was stopped so two agents never work on it' : 'it was given up'}. Dispatch it again once the store answers.`,
    );
  }

  private forget(k: string): void {
    this.confirmed.delete(k);
  }
}

const key = (briefId: string, holderId: string): string => `${briefId}/${holderId}`;
