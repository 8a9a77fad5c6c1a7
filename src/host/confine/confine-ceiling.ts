import { ConfineCeiling, type AgentInfo } from '../../shared/agents';
import { knownConfinement } from '../../shared/confinement-words';
import type { LaneNetwork } from '../../shared/lanes';

/**
 * An agent started at another agent's request (an orchestrator's `dispatch_brief`) runs no
 * freer than the agent that asked: confined whenever that one is, with no wider network,
 * without any environment variable that one ran without, and key-less when that one's lane
 * is or in another repository than its own. Otherwise an orchestrator kept off the network,
 * from a key, or confined at all, could reach past that by dispatching an agent into a lane
 * that is open or keyed, or into a repository whose grove.yaml turns confinement off or whose
 * keys it never had, and read what it found back from the brief. No ceiling when the asking
 * agent runs unconfined: it can already do whatever its agents could.
 */
const WIDTH: Record<LaneNetwork, number> = { none: 0, loopback: 1, open: 2 };

/** The narrowest: what is held when nothing is known of the asking agent's run. */
export const NARROWEST: ConfineCeiling = { network: 'none', keyless: true, repoId: null, withheld: [] };

/**
 * The ceiling an agent's run sets on the agents it asks for: null when it runs unconfined; the
 * narrowest when nothing is known of its run. `withheld`: the variables its launch went
 * without (AgentService.withheldFrom). Key-less when its lane is, or when it is itself held
 * key-less by the agent that dispatched it.
 */
export function ceilingSetBy(
  agent: Pick<AgentInfo, 'unconfined' | 'confinement' | 'ceiling'>,
  lane: { keyless: boolean; repoId: string } | null,
  withheld: readonly string[],
): ConfineCeiling | null {
  const known = knownConfinement(agent);
  if (!known) return NARROWEST;
  if (!known.confined) return null;
  return {
    network: known.network,
    keyless: (lane?.keyless ?? false) || (agent.ceiling?.keyless ?? false),
    repoId: lane?.repoId ?? null,
    withheld: [...new Set([...withheld, ...(agent.ceiling?.withheld ?? [])])].sort(),
  };
}

/** Whether an agent in `repoId` under this ceiling runs key-less: as its asker's lane, or in a repository not the asker's. */
export function keylessUnder(ceiling: Pick<ConfineCeiling, 'keyless' | 'repoId'> | null, repoId: string): boolean {
  return ceiling !== null && (ceiling.keyless || ceiling.repoId !== repoId);
}

/** The lane's network, narrowed to the ceiling when there is one; a network not known (a damaged record) as the narrowest. */
export function underCeiling(network: LaneNetwork, ceiling: ConfineCeiling | null): LaneNetwork {
  if (ceiling === null) return network;
  const cap = Object.hasOwn(WIDTH, ceiling.network) ? ceiling.network : 'none';
  return WIDTH[cap] < WIDTH[network] ? cap : network;
}

/** A ceiling as stored (JSON in the agents table); one that does not read as a ceiling holds as the narrowest. */
export function parseCeiling(text: string | null): ConfineCeiling | null {
  if (text === null) return null;
  try {
    const parsed = ConfineCeiling.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : NARROWEST;
  } catch {
    return NARROWEST;
  }
}

/**
 * A dispatch's ceiling. One an agent asked for before dispatches recorded it (older Groves)
 * is held to the narrowest: what that agent's confinement was is no longer known; one whose
 * record does not read as a ceiling, likewise.
 */
export function ceilingOfDispatch(d: { ceiling?: unknown; requestedBy: { kind: string } }): ConfineCeiling | null {
  if (d.ceiling === undefined) return d.requestedBy.kind === 'agent' ? NARROWEST : null;
  if (d.ceiling === null) return null;
  const parsed = ConfineCeiling.safeParse(d.ceiling);
  return parsed.success ? parsed.data : NARROWEST;
}
