import { z } from 'zod';

/**
 * A job is one long operation on a lane (create with its setup, remove with its teardown,
 * merge with its check and gate, rebase, serve). Its steps and their output reach every
 * client live as `job.*` events, so the UI and the CLI show the same progress.
 */
export const JobKind = z.enum(['lane.create', 'lane.remove', 'lane.merge', 'lane.rebase', 'lane.serve']);
export type JobKind = z.infer<typeof JobKind>;

export const Job = z.object({
  id: z.string(),
  kind: JobKind,
  repoId: z.string(),
  laneName: z.string(),
  title: z.string(),
  startedAt: z.string(),
});
export type Job = z.infer<typeof Job>;

/** Where a job stands: running, or finished with its outcome. */
export const JobOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('running') }),
  z.object({ kind: z.literal('finished'), ok: z.boolean(), message: z.string() }),
]);
export type JobOutcome = z.infer<typeof JobOutcome>;

/** A job as its events left it: its last step, the tail of its output, its outcome. */
export const JobState = z.object({
  job: Job,
  step: z.object({ index: z.number().int(), total: z.number().int(), title: z.string() }).nullable(),
  output: z.string(),
  /** The output's head was dropped: only its tail is here. */
  isOutputCut: z.boolean(),
  outcome: JobOutcome,
});
export type JobState = z.infer<typeof JobState>;
