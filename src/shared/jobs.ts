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
