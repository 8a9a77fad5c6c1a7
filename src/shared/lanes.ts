import { z } from 'zod';

/**
 * What a lane's confined agents reach on the network: `open`, or `none` (nothing but Grove's
 * host). Set per lane; a lane without its own takes grove.yaml's `lanes.network`.
 */
export const LaneNetwork = z.enum(['open', 'loopback', 'none']);
export type LaneNetwork = z.infer<typeof LaneNetwork>;

/** A lane: a git worktree of a registered repository, one stream of work. */
export const Lane = z.object({
  id: z.string(),
  repoId: z.string(),
  name: z.string(),
  path: z.string(),
  branch: z.string().nullable(),
  kind: z.enum(['standing', 'ephemeral']),
  createdAt: z.string(),
  /** What `git worktree list` and the disk say now. */
  status: z.enum(['ok', 'missing', 'branch-changed']),
  /** Found in `git worktree list` but not created through Grove: can be adopted. */
  adoptable: z.boolean(),
  /** First of the lane's 10 ports (GROVE_PORT..GROVE_PORT+9); null for adoptable worktrees. */
  port: z.number().int().nullable(),
  /** Copied dotenv files lost `setup.stripKeys`, and agents here do not get those variables. */
  keyless: z.boolean(),
  /** How the setup recipe went: none (nothing to do), running, done, or failed (the lane is kept). */
  setup: z.enum(['none', 'running', 'done', 'failed']),
  /** Set while the lane is served: where it answers, and the supervised server if any. */
  served: z.object({ url: z.string(), mode: z.enum(['site', 'command']), agentId: z.string().nullable() }).nullable(),
  /** The lane's own network for its confined agents; null: the repository's (grove.yaml's `lanes.network`, else open). */
  network: LaneNetwork.nullable(),
});
export type Lane = z.infer<typeof Lane>;

export const DiffFile = z.object({
  path: z.string(),
  /** For renames and copies. */
  oldPath: z.string().nullable(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type-changed']),
  additions: z.number().int(),
  deletions: z.number().int(),
  binary: z.boolean(),
});
export type DiffFile = z.infer<typeof DiffFile>;

export const CommitSummary = z.object({ sha: z.string(), subject: z.string(), author: z.string(), date: z.string() });
export type CommitSummary = z.infer<typeof CommitSummary>;

/** A lane's changes against MAIN, its uncommitted edits included. */
export const LaneDiff = z.object({
  mainBranch: z.string(),
  mainHead: z.string(),
  laneHead: z.string(),
  mergeBase: z.string(),
  ahead: z.array(CommitSummary),
  behind: z.number().int(),
  /** True when the lane has uncommitted edits (they are part of files and patch). */
  uncommitted: z.boolean(),
  files: z.array(DiffFile),
  /** Unified diff; cut at 2 MiB. */
  patch: z.string(),
  truncated: z.boolean(),
});
export type LaneDiff = z.infer<typeof LaneDiff>;

/** What `lanes.resolvePath` answers about a path printed in a lane's terminal. */
export const ResolvedLanePath = z.object({
  /** Relative to the lane's directory, with `/` separators (as the lane's diff names files). */
  relative: z.string(),
  exists: z.boolean(),
  isFile: z.boolean(),
  /** Among the lane's changes against MAIN (false when the diff cannot be read). */
  changed: z.boolean(),
});
export type ResolvedLanePath = z.infer<typeof ResolvedLanePath>;

/** One preflight check of a merge into MAIN. */
export const MergeCheck = z.object({
  /** `objects`: what a lane wrote to the shared object store matches its names (lanes/git/object-integrity.ts). */
  name: z.enum(['lane-clean', 'main-clean', 'ahead', 'conflicts', 'fast-forward', 'objects', 'check']),
  ok: z.boolean(),
  message: z.string(),
  /** Conflicting paths, dirty paths, or the tail of the check command's output. */
  detail: z.array(z.string()),
});
export type MergeCheck = z.infer<typeof MergeCheck>;

export const MergeRecord = z.object({
  id: z.string(),
  repoId: z.string(),
  laneId: z.string().nullable(),
  laneName: z.string(),
  branch: z.string(),
  strategy: z.enum(['fast-forward', 'merge-commit']),
  mainBefore: z.string(),
  mainAfter: z.string(),
  /** refs/grove/recovery/main/<time>: MAIN as it was before the merge. */
  recoveryRef: z.string(),
  state: z.enum(['gating', 'merged', 'rolled-back', 'awaiting-rollback']),
  /** The gate's output tail when it failed. */
  gateOutput: z.string().nullable(),
  /** Names of the agents that were working in the lane when it was merged. */
  agents: z.array(z.string()),
  at: z.string(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

/** What MAIN's watcher sees: its HEAD, uncommitted edits, and commits that bypassed Grove. */
export const MainState = z.object({
  repoId: z.string(),
  branch: z.string().nullable(),
  head: z.string().nullable(),
  /** Paths with uncommitted changes (first 50). */
  dirty: z.array(z.string()),
  /** Commits on MAIN that did not come through Grove's merge, newest first (first 50). */
  unexpectedCommits: z.array(CommitSummary),
  /** Whether MAIN's pre-commit guard is installed. */
  preCommitGuard: z.boolean(),
});
export type MainState = z.infer<typeof MainState>;
