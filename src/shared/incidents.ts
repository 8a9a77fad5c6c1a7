import { z } from 'zod';
import { MainHealthState, PROBE_OUTPUT_TAIL_CHARS, ProbeResult } from './health';

/**
 * MAIN's history: the incidents (the time MAIN spends broken) with what broke it and how
 * it recovered, and a timeline of MAIN's state that the UI draws as an uptime bar. Kept by
 * src/host/health (incident-store.ts, health-history.ts) with bounded retention.
 */

/** How much history the host keeps per repository. */
export const HealthRetention = {
  /** Probe runs (a failed run keeps its output tail; a passing one does not). */
  probeRuns: 2000,
  /** MAIN's state changes and probe runs older than this are dropped. */
  days: 30,
  /** Closed incidents beyond this many per repository are dropped, oldest first. */
  incidents: 500,
} as const;

/** A commit that reached MAIN, and how it got there. */
export const IncidentCommit = z.object({
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  date: z.string(),
  /** The Grove merge that brought it (its lane, branch and the agents working there); null for a commit that bypassed Grove. */
  via: z
    .object({
      mergeId: z.string(),
      laneName: z.string(),
      branch: z.string(),
      agents: z.array(z.string()),
    })
    .nullable(),
});
export type IncidentCommit = z.infer<typeof IncidentCommit>;

/** A probe that was failing when the incident opened, as it failed. */
export const IncidentProbe = z.object({
  name: z.string(),
  detail: z.string(),
  /** The end of its output, secrets masked. */
  outputTail: z.string(),
});
export type IncidentProbe = z.infer<typeof IncidentProbe>;

/** MainEdits lists at most this many paths (`more` counts the rest). */
export const MAIN_EDITS_FILES_MAX = 50;

/**
 * MAIN's uncommitted edits (its working tree against HEAD, untracked files included): the
 * paths with their added and removed line counts (null for a binary file), and the end of
 * the diff with secrets masked, as a probe's output is.
 */
export const MainEdits = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      added: z.number().int().min(0).nullable(),
      removed: z.number().int().min(0).nullable(),
      /** A new file git does not track yet. */
      untracked: z.boolean(),
    }),
  ),
  /** Paths beyond the first MAIN_EDITS_FILES_MAX. */
  more: z.number().int().min(0),
  diffTail: z.string().max(PROBE_OUTPUT_TAIL_CHARS),
});
export type MainEdits = z.infer<typeof MainEdits>;

export const Incident = z.object({
  id: z.string(),
  repoId: z.string(),
  openedAt: z.string(),
  /** Null while MAIN is still broken. */
  closedAt: z.string().nullable(),
  probes: z.array(IncidentProbe),
  /** MAIN's HEAD when it broke. */
  headAtOpen: z.string().nullable(),
  /** When MAIN was last healthy before this, and its HEAD then; null if it never was (as far as Grove saw). */
  lastHealthyAt: z.string().nullable(),
  lastHealthyHead: z.string().nullable(),
  /** What reached MAIN between its last healthy HEAD and the break, newest first (first 50). */
  commits: z.array(IncidentCommit),
  /** MAIN's uncommitted edits when it broke; null when it was clean (absent in incidents recorded before Grove read them). */
  editsAtOpen: MainEdits.nullable().optional(),
  recovery: z
    .object({
      at: z.string(),
      head: z.string().nullable(),
      /** One line a person reads: "merge of lane fix-dispatch (a1b2c3d)", "MAIN rolled back to …", "the probes pass again; MAIN did not change". */
      how: z.string(),
      /** What reached MAIN while it was broken, newest first (first 50). */
      commits: z.array(IncidentCommit),
      /** MAIN's uncommitted edits when it recovered; null when it was clean. */
      edits: MainEdits.nullable().optional(),
    })
    .nullable(),
});
export type Incident = z.infer<typeof Incident>;

/** A stretch of time MAIN spent in one state. `none`: Grove was not watching (host down, repository not added). */
export const HealthSegment = z.object({
  state: z.union([MainHealthState, z.literal('none')]),
  from: z.string(),
  to: z.string(),
});
export type HealthSegment = z.infer<typeof HealthSegment>;

export const HealthTimeline = z.object({
  repoId: z.string(),
  from: z.string(),
  to: z.string(),
  /** In time order, covering from..to without gaps. */
  segments: z.array(HealthSegment),
  /** Share of the watched time (not `none`, not `unknown`) MAIN was not broken; null when nothing was watched. */
  uptime: z.number().min(0).max(1).nullable(),
  /** The latest probe runs, newest first. */
  runs: z.array(ProbeResult),
});
export type HealthTimeline = z.infer<typeof HealthTimeline>;
