import { z } from 'zod';
import { AgentRole, ConfineCeiling, PresetId } from './agents';
import { Actor, BriefRef, CallerChannel } from './briefs';

/**
 * Dispatch: a brief asked of an agent in a lane (docs/mcp.md). The request is recorded at
 * once (a `dispatch requested` entry); the host carries it out when the brief is ready
 * (auto-dispatch waits for `planned` and every dependency `done`) and the project has room
 * (at most `dispatch.maxAgents` on-demand agents at once; the rest queue in waves).
 */

export { AgentRole };

/** The design pass asks for a plan; the build does the work. */
export const DispatchPhase = z.enum(['design', 'build']);
export type DispatchPhase = z.infer<typeof DispatchPhase>;

/**
 * - waiting: auto-dispatch, until the brief is planned and its dependencies are done
 * - queued: ready, until the project has room for another on-demand agent
 * - starting: making the lane, starting the agent
 * - running: the agent runs (claimed or not yet)
 * - finished: the agent exited, or the lane merged
 * - failed: the lane or the agent could not be made (reason says why)
 * - cancelled: the operator took it back
 */
export const DispatchState = z.enum(['waiting', 'queued', 'starting', 'running', 'finished', 'failed', 'cancelled']);
export type DispatchState = z.infer<typeof DispatchState>;

export const OPEN_DISPATCH_STATES: readonly DispatchState[] = ['waiting', 'queued', 'starting', 'running'];

export const Dispatch = z
  .object({
    id: z.string(),
    briefId: z.string(),
    briefNumber: z.number().int(),
    briefTitle: z.string(),
    repoId: z.string(),
    /** A standing lane's id, or null: a new ephemeral lane `brief-N-slug`. */
    targetLaneId: z.string().nullable(),
    /** The lane the work happens in, once there is one. */
    laneId: z.string().nullable(),
    laneName: z.string().nullable(),
    agentId: z.string().nullable(),
    agentName: z.string().nullable(),
    preset: PresetId,
    command: z.string().nullable(),
    args: z.array(z.string()),
    role: AgentRole,
    phase: DispatchPhase,
    designFirst: z.boolean(),
    auto: z.boolean(),
    /** The brief's n-th dispatch (1, 2, …): the agent joins as a participant of this wave. */
    wave: z.number().int().positive(),
    state: DispatchState,
    /** Why it waits, queues or failed, in a sentence the UI shows as is. */
    reason: z.string().nullable(),
    requestedBy: Actor,
    /**
     * Asked for by a confined agent: its agent runs confined, with no wider network than that
     * agent's, and key-less if it is, whatever its lane says. Null or absent: as its lane says.
     */
    ceiling: ConfineCeiling.nullable().optional(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .strict();
export type Dispatch = z.infer<typeof Dispatch>;

/** The one claim a brief may have: held by a live agent, under a lease the host renews. */
export const Claim = z
  .object({
    briefId: z.string(),
    dispatchId: z.string().nullable(),
    agentId: z.string(),
    agentName: z.string(),
    since: z.string(),
    leaseUntil: z.string(),
  })
  .strict();
export type Claim = z.infer<typeof Claim>;

export const DispatchParams = z
  .object({
    ref: BriefRef,
    /** A standing lane (its id or name) of the brief's project; absent: a new ephemeral lane. */
    lane: z.string().trim().min(1).max(200).optional(),
    preset: PresetId.default('claude'),
    /** For `custom` (or a full path to the preset's program). */
    command: z.string().min(1).max(4096).optional(),
    /** Extra arguments after the preset's, before the packet. */
    args: z.array(z.string().max(65536)).max(64).optional(),
    role: AgentRole.default('worker'),
    /** The first dispatch asks for a plan; the build follows its acceptance. */
    designFirst: z.boolean().default(false),
    /** Wait until the brief is planned and every dependency done, then dispatch by itself. */
    auto: z.boolean().default(false),
    /** The repository, when the brief's primary project names none this host knows. */
    repoId: z.string().min(1).max(200).optional(),
    via: CallerChannel.optional(),
  })
  .strict();
export type DispatchParams = z.input<typeof DispatchParams>;

/** The text any agent could be given by hand to do the brief (also its first prompt). */
export const Packet = z.object({ briefId: z.string(), number: z.number().int(), text: z.string() });
export type Packet = z.infer<typeof Packet>;
