import type { AgentInfo } from '../../shared/agents';
import { knownConfinement } from '../../shared/confinement-words';
import type { LaneNetwork } from '../../shared/lanes';

/**
 * An agent started at another agent's request (an orchestrator's `dispatch_brief`) runs no
 * freer than the agent that asked: confined whenever that one is, and with no wider network.
 * Otherwise an orchestrator kept off the network, or confined at all, could reach past its
 * confinement by dispatching an agent into a lane that is open, or into a repository whose
 * grove.yaml turns confinement off. The ceiling is the asking agent's network; none when it
 * runs unconfined (it can already do whatever its agents could).
 */
const WIDTH: Record<LaneNetwork, number> = { none: 0, loopback: 1, open: 2 };

/** The ceiling an agent's run sets on the agents it asks for: null when it runs unconfined; the narrowest when nothing is known of its run. */
export function ceilingSetBy(agent: Pick<AgentInfo, 'unconfined' | 'confinement'>): LaneNetwork | null {
  const known = knownConfinement(agent);
  if (!known) return 'none';
  return known.confined ? known.network : null;
}

/** The lane's network, narrowed to the ceiling when there is one; a ceiling not known (a damaged record) as the narrowest. */
export function underCeiling(network: LaneNetwork, ceiling: LaneNetwork | null): LaneNetwork {
  if (ceiling === null) return network;
  const cap = Object.hasOwn(WIDTH, ceiling) ? ceiling : 'none';
  return WIDTH[cap] < WIDTH[network] ? cap : network;
}

/**
 * A dispatch's ceiling. One an agent asked for before dispatches recorded it (older Groves)
 * is held to the narrowest: what that agent's confinement was is no longer known.
 */
export function ceilingOfDispatch(d: { ceiling?: LaneNetwork | null; requestedBy: { kind: string } }): LaneNetwork | null {
  if (d.ceiling !== undefined) return d.ceiling;
  return d.requestedBy.kind === 'agent' ? 'none' : null;
}
