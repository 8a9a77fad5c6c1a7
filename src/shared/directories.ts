import { z } from 'zod';

/**
 * What `fs.directories` answers: the directories that complete a typed path. Only directory
 * names and whether each is a git checkout; never files, contents or sizes, so the method
 * shows no more of the disk than a folder picker would.
 */
export const DirectoryEntry = z.object({
  name: z.string(),
  /** The entry's absolute path (the listed directory joined with its name). */
  path: z.string(),
  /** It holds a `.git` (a directory for a main checkout, a file for a linked worktree). */
  isGitCheckout: z.boolean(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

export const DirectoryListing = z.object({
  /** The directory whose children were listed, absolute, `~` expanded, ending with a separator. */
  directory: z.string(),
  entries: z.array(DirectoryEntry),
  /** More directories matched than the cap (MAX_DIRECTORY_ENTRIES): type more to narrow them. */
  truncated: z.boolean(),
});
export type DirectoryListing = z.infer<typeof DirectoryListing>;

export const MAX_DIRECTORY_ENTRIES = 50;
