import type { AgentInfo, ConfineCeiling, Confinement } from './agents';

/**
 * How an agent runs, in the words `grove agent list` prints and the UI's marks say on hover:
 * `confined (bwrap)`, `confined (bwrap, network none)` or `unconfined: <why>`. One place, so
 * the terminal and the window never disagree.
 */
export function describeConfinement(c: Confinement, ceiling: ConfineCeiling | null = null): string {
  if (!c.confined) return `unconfined: ${c.reason ?? 'no reason given'}`;
  return `confined (${c.mechanism ?? 'unknown mechanism'}${c.network !== 'open' ? `, network ${c.network}` : ''}${ceiling ? `, ${HELD}${ceiling.keyless ? ', key-less' : ''}` : ''})`;
}

/** An agent a confined orchestrator dispatched runs no freer than it (its ceiling): said beside its confinement. */
export const HELD = 'no freer than the agent that dispatched it';

/** The program that confines, as the operator knows it (the package's name). */
export const MECHANISM_NAME: Record<NonNullable<Confinement['mechanism']>, string> = { bwrap: 'bubblewrap', 'sandbox-exec': 'sandbox-exec' };

/**
 * What is known of an agent's confinement: its run's, or, before its first run under this
 * host, only that it was asked to run unconfined (then it will be, whatever the host can do);
 * null when nothing is known yet.
 */
/** Why an agent asked to run unconfined is: the same words before and after its first run. */
export const ASKED_UNCONFINED = 'asked for at launch';

export function knownConfinement(agent: Pick<AgentInfo, 'unconfined' | 'confinement'>): Confinement | null {
  if (agent.confinement) return agent.confinement;
  return agent.unconfined ? { confined: false, mechanism: null, reason: ASKED_UNCONFINED, network: 'open' } : null;
}
