import { z } from 'zod';

/** Agents: supervised processes in terminals, one or more per lane. */
export const PresetId = z.enum(['claude', 'codex', 'shell', 'custom']);
export type PresetId = z.infer<typeof PresetId>;

/** What an agent's token may do over MCP: a worker does its brief; an orchestrator may also create and dispatch briefs and ask the gate for a merge. */
export const AgentRole = z.enum(['worker', 'orchestrator']);
export type AgentRole = z.infer<typeof AgentRole>;

export const RestartPolicy = z.enum(['never', 'on-failure', 'always']);

export const Supervision = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('starting') }),
  z.object({ kind: z.literal('running'), pid: z.number().int(), startedAt: z.string() }),
  z.object({ kind: z.literal('stopping'), pid: z.number().int() }),
  /** Waiting to restart; `code`/`signal` are those of the exit that led here. */
  z.object({ kind: z.literal('backoff'), restartAt: z.string(), delayMs: z.number(), code: z.number().int().nullable(), signal: z.number().int().nullable() }),
  z.object({ kind: z.literal('exited'), code: z.number().int().nullable(), signal: z.number().int().nullable() }),
  z.object({ kind: z.literal('crashed'), code: z.number().int().nullable(), signal: z.number().int().nullable() }),
  z.object({ kind: z.literal('fatal'), restarts: z.number().int(), code: z.number().int().nullable(), signal: z.number().int().nullable() }),
  z.object({ kind: z.literal('lost') }),
]);
export type SupervisionView = z.infer<typeof Supervision>;

export { isLiveSupervision } from './agent-liveness';

/** What a running agent is doing, and which signal said so. */
export const Activity = z.object({
  state: z.enum(['busy', 'waiting', 'idle', 'unknown']),
  signal: z.enum(['hook', 'screen', 'transcript', 'output']).nullable(),
  /** For `waiting`: why (e.g. permission_prompt, idle_prompt, stop). */
  detail: z.string().nullable(),
  since: z.string(),
});
export type Activity = z.infer<typeof Activity>;

export const ContextUse = z.object({
  tokens: z.number().int().nonnegative(),
  window: z.number().int().positive(),
  model: z.string().nullable(),
  at: z.string().nullable(),
});
export type ContextUse = z.infer<typeof ContextUse>;

/**
 * How an agent runs: confined to its lane (it can write the lane, its git metadata, its own
 * temp dir and its CLI's state dirs; it cannot write MAIN nor read Grove's data dir), or not,
 * with the reason. Decided at each start: the mechanism may be missing, or refused by the OS.
 */
export const Confinement = z.object({
  confined: z.boolean(),
  /** bwrap (Linux) or sandbox-exec (macOS); null when unconfined. */
  mechanism: z.enum(['bwrap', 'sandbox-exec']).nullable(),
  /** Why it is not confined (asked for at launch, turned off in grove.yaml, or not available here); null when confined. */
  reason: z.string().nullable(),
  /**
   * `none`: no network but Grove's own host (hooks and MCP keep working); `loopback`: this
   * machine's loopback (Grove's host, local servers) and nothing beyond. Always `open` unconfined.
   */
  network: z.enum(['open', 'loopback', 'none']),
});
export type Confinement = z.infer<typeof Confinement>;

const EnvKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _');

/**
 * What an agent started at a confined agent's request may not exceed (an orchestrator's
 * dispatch): confined always, no wider network than `network`, without every environment
 * variable the asking agent ran without (`withheld`: its launch's own list, its lane's
 * key-less list and its own ceiling's), and key-less (its lane's keys withheld, MAIN's keyed
 * files hidden) when the asking agent's lane is, or outside the asking agent's repository
 * (`repoId`, null when it runs in no lane of Grove's): another repository's keys were never
 * the asking agent's.
 */
export const ConfineCeiling = z
  .object({
    network: z.enum(['open', 'loopback', 'none']),
    keyless: z.boolean(),
    repoId: z.string().nullable(),
    // Absent from ceilings kept before it was: they withheld no more than their lane's keys.
    withheld: z.array(EnvKey).max(1024).default([]),
  })
  .strict();
export type ConfineCeiling = z.infer<typeof ConfineCeiling>;

export const AgentInfo = z.object({
  id: z.string(),
  name: z.string(),
  lanePath: z.string(),
  preset: PresetId,
  command: z.string(),
  args: z.array(z.string()),
  restart: RestartPolicy,
  autoResume: z.boolean(),
  isOpsLoop: z.boolean(),
  role: AgentRole,
  /** The dispatch that started it (its token is bound to that brief), or null. */
  dispatchId: z.string().nullable(),
  /** Claude Code's session id, recorded so the conversation can be resumed. */
  sessionId: z.string().nullable(),
  createdAt: z.string(),
  supervision: Supervision,
  activity: Activity,
  /** Offset just past the last byte of output: attach "since" this to get only new output. */
  outputEnd: z.number().int().nonnegative(),
  restarts: z.number().int().nonnegative(),
  context: ContextUse.nullable(),
  /** Tokens of context at which the operator is warned and offered a recycle. */
  contextWarnTokens: z.number().int().positive(),
  /** Whether the preset can resume the conversation after the process is gone. */
  canResume: z.boolean(),
  /** Asked to run unconfined at launch (`--unconfined`, the launch dialog). */
  unconfined: z.boolean(),
  /** How its current (or last) run is confined; null before its first run under this host. */
  confinement: Confinement.nullable(),
  /** Held to the agent that dispatched it (a confined orchestrator); null: as its lane says. */
  ceiling: ConfineCeiling.nullable(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const StartAgentParams = z
  .object({
    lanePath: z.string().min(1).max(4096),
    preset: PresetId,
    /** For `custom`: the program; for others: overrides the preset's program (e.g. a full path). */
    command: z.string().min(1).max(4096).optional(),
    args: z.array(z.string().max(65536)).max(256).optional(),
    name: z
      .string()
      .min(1)
      .max(80)
      .refine((n) => ![...n].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'no control characters')
      .optional(),
    env: z.record(EnvKey, z.string().max(65536)).optional(),
    /** Environment variables to withhold from this agent (a "key-less" lane). */
    withholdEnv: z.array(EnvKey).max(256).optional(),
    restart: RestartPolicy.optional(),
    autoResume: z.boolean().optional(),
    /** Only the ops loop may run in MAIN itself. */
    isOpsLoop: z.boolean().optional(),
    role: AgentRole.optional(),
    cols: z.number().int().min(2).max(1000).optional(),
    rows: z.number().int().min(2).max(1000).optional(),
    contextWarnTokens: z.number().int().positive().optional(),
    /** Run without confinement even where the lane is confined (grove.yaml `lanes.confine`). */
    unconfined: z.boolean().optional(),
  })
  .strict();
export type StartAgentParams = z.infer<typeof StartAgentParams>;
