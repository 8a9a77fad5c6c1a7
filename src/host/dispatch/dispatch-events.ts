import type { EventLog } from '../events/event-log';
import type { AutoLinker } from './auto-link';
import type { ClaimBook } from './claims';
import type { DispatchService } from './dispatch-service';
import type { SharedLeases } from './shared-leases';

/** How often the host renews the leases of live claimers (a third of the lease). */
export const RENEW_EVERY_MS = 20_000;

/**
 * What moves dispatch on by itself: an agent ending (its claim released, its dispatch
 * finished, room for the next), a brief changing (a waiting dispatch may be ready; an
 * accepted plan may start the build), sync's state changing (a dispatch waiting for the
 * shared store to decide its claim asks again), and what a lane produced (auto-links). Reactions run
 * in a later task, never within the write that told the event (an event appended inside a
 * transaction is told once it has ended, but a listener's own writes must not nest in another
 * listener's delivery).
 */
export function watchDispatchEvents(
  events: EventLog,
  parts: {
    dispatches: DispatchService;
    claims: ClaimBook;
    autoLink: AutoLinker;
    leases?: SharedLeases;
    /** Whether the agent runs now: one lost at start and resumed by then keeps its claims. */
    isLive?: (agentId: string) => boolean;
  },
  /**
   * Resolves once the host's start has brought its agents back. Until then nothing here
   * acts: an agent not yet resumed reads as gone, and a recovery then released its claims,
   * or started a queued dispatch before the agents were reconciled.
   */
  started: Promise<void> = Promise.resolve(),
): () => void {
  const { dispatches, claims, autoLink, leases } = parts;
  const later = (fn: () => void): void => void started.then(() => setImmediate(fn));
  const unsubscribe = events.subscribe((envelope) => {
    const e = envelope.event;
    if (e.type === 'agent.updated') {
      const s = e.agent.supervision;
      if (s.kind === 'running' && e.agent.dispatchId) {
        const agent = e.agent;
        later(() => void dispatches.agentRunning(agent));
        return;
      }
      const ended = s.kind === 'exited' || s.kind === 'crashed' || s.kind === 'fatal' || s.kind === 'lost';
      if (!ended) return;
      const how = s.kind === 'fatal' ? `${e.agent.name} went fatal` : s.kind === 'lost' ? `${e.agent.name} was lost` : `${e.agent.name} ${s.kind === 'crashed' ? 'crashed' : 'exited'}${s.code !== null ? ` (code ${s.code})` : ''}`;
      const id = e.agent.id;
      later(() => {
        if (parts.isLive?.(id)) return;
        claims.releaseAllOf(id, how);
        dispatches.agentEnded(id, how);
      });
    } else if (e.type === 'agent.removed') {
      const id = e.id;
      later(() => {
        claims.releaseAllOf(id, 'its agent was removed');
        dispatches.agentEnded(id, 'its agent was removed');
      });
    } else if (e.type === 'brief.changed') {
      const accepted = e.entries.some((x) => x.kind === 'plan_accepted');
      const moves = e.entries.some((x) => x.kind === 'status_change' || x.kind === 'dependency_added' || x.kind === 'dependency_removed');
      const briefId = e.brief.id;
      if (accepted) later(() => dispatches.planAccepted(briefId));
      if (moves || accepted) later(() => dispatches.briefsChanged());
    } else if (e.type === 'sync.status') {
      later(() => dispatches.briefsChanged());
    } else {
      autoLink.onEvent(envelope);
    }
  });
  // A host killed mid-dispatch left some starting, and claims of agents that are gone. The
  // shared claims still held are renewed at once: how long ago the last host renewed them is
  // not known, so they are confirmed (or given up) now rather than assumed fresh.
  later(() => {
    dispatches.recover();
    claims.renew();
    void leases?.renewAll();
  });
  const timer = setInterval(() => claims.renew(), RENEW_EVERY_MS);
  timer.unref();
  // The shared store's leases on their own beat: a third of the shared lease, at most 20 s.
  const sharedTimer = leases ? setInterval(() => void leases.renewAll(), leases.renewEveryMs) : null;
  sharedTimer?.unref();
  return () => {
    unsubscribe();
    clearInterval(timer);
    if (sharedTimer) clearInterval(sharedTimer);
  };
}
