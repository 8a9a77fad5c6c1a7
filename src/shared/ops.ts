import { z } from 'zod';
import { MainHealth } from './health';
import { Incident, MainEdits } from './incidents';

/**
 * The ops loop: one standing agent per repository that watches MAIN and heals what it
 * can, from a stable checkout that tracks MAIN. Grove keeps it alive (the terminals'
 * supervision: restart with backoff, `fatal` after repeated unstable restarts) and keeps a
 * status file current for it (GROVE_STATUS_FILE).
 *
 * worktree: its own detached worktree at MAIN's HEAD, moved to MAIN's new HEAD after every
 * merge (never while it has edits). main: MAIN itself, read-only by convention (the MAIN
 * guard reports any edit).
 */
export const OpsCheckout = z.enum(['worktree', 'main']);
export type OpsCheckout = z.infer<typeof OpsCheckout>;

export const OpsLoop = z.object({
  repoId: z.string(),
  checkout: OpsCheckout,
  /** Where the agent runs. */
  path: z.string(),
  /** The shell command line the agent runs (`sh -c`). */
  command: z.string(),
  /** The supervised agent (see agents.list); null once it was removed. */
  agentId: z.string().nullable(),
  /** The commit the checkout is at (worktree mode: the MAIN HEAD it last followed). */
  head: z.string().nullable(),
  /** Why the worktree did not follow MAIN's last move (it has edits); null when it is current. */
  behindReason: z.string().nullable(),
  /** The JSON file Grove keeps current for the agent (its GROVE_STATUS_FILE). */
  statusFile: z.string(),
  createdAt: z.string(),
});
export type OpsLoop = z.infer<typeof OpsLoop>;

/** What the status file holds; rewritten (atomically) whenever MAIN's health, incident or HEAD changes. */
export const OpsStatus = z.object({
  repo: z.object({ id: z.string(), name: z.string(), mainPath: z.string() }),
  /** MAIN's branch and HEAD, and its uncommitted edits (null when clean). */
  main: z.object({ branch: z.string().nullable(), head: z.string().nullable(), edits: MainEdits.nullable() }),
  health: MainHealth,
  /** The open incident, if MAIN is broken. */
  incident: Incident.nullable(),
  /** The ops checkout (where the agent runs) and the commit it is at. */
  checkout: z.object({ mode: OpsCheckout, path: z.string(), head: z.string().nullable() }),
  updatedAt: z.string(),
});
export type OpsStatus = z.infer<typeof OpsStatus>;
