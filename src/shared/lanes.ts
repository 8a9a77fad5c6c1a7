import { z } from 'zod';

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
});
export type Lane = z.infer<typeof Lane>;
