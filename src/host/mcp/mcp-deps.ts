import type { z } from 'zod';
import type { AgentInfo } from '../../shared/agents';
import type { Actor, Brief, BriefEntry } from '../../shared/briefs';
import type { ApiError } from '../../shared/errors';
import type { Claim, Dispatch, DispatchParams, Packet } from '../../shared/dispatch';
import type { MergeRecord, MergeCheck } from '../../shared/lanes';
import type { Result } from '../../shared/result';

/**
 * What the MCP tools need from the rest of the host. Kept as one narrow interface so the
 * tools are plain functions over the same services the API uses (one write path, one
 * recall), and tests can see exactly what MCP may reach.
 */
export interface DispatchPort {
  /** The brief the agent's dispatch names (its token is bound to it), or null for an agent started by hand. */
  briefOfAgent(agentId: string): string | null;
  /**
   * The agent takes the brief: a `claimed` entry, the agent joins as a participant of its
   * wave, the brief moves to in_progress. Claiming a brief one already holds answers the
   * claim again (idempotent), from this host's row: a recall after the first never waits on
   * the shared store. Another holder's claim is refused (`brief_claimed`, naming it). While
   * sync is on the shared store decides a new claim, so that waits on it (bounded by the step
   * timeout); a store that cannot be reached refuses it with `claim_undecided`.
   */
  claim(ref: string, agentId: string): Promise<Result<{ brief: Brief; claim: Claim; entries: BriefEntry[]; already: boolean }, ApiError>>;
  /** An orchestrator (or the operator) asks an agent to do a brief; `asker`: the agent that asks (its run sets the ceiling of the agent it gets: confine/confine-ceiling.ts), null for the operator. */
  dispatch(params: z.output<typeof DispatchParams>, actor: Actor, asker: AgentInfo | null): Promise<Result<{ dispatch: Dispatch; packet: Packet }, ApiError>>;
}

export interface MergePort {
  /** Through the gate, never around it: the same path as `lanes.merge`. `lane` is a lane's id or name. */
  requestMerge(lane: string): Promise<Result<{ checks: MergeCheck[]; merge: MergeRecord | null; laneRemoved: boolean }, ApiError>>;
}

export interface AgentLookup {
  /** The agent behind a token's id, or null when it is gone. */
  agent(agentId: string): AgentInfo | null;
}
