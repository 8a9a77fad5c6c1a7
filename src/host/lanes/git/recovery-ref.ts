import { runGit } from './run-git';

/**
 * Refs under refs/grove/recovery/ keep what an operation is about to move (MAIN before a
 * merge, a lane before a rebase, a branch before it is deleted), so any of them can be
 * undone by hand. They are shared by all worktrees of the repository and count for
 * `git gc`, so nothing they point at is pruned.
 */
export async function writeRecoveryRef(repo: string, ref: string, at: string, reason: string): Promise<void> {
  if (!ref.startsWith('refs/')) throw new Error(`recovery ref ${JSON.stringify(ref)} must be a full ref under refs/`);
  // A recovery ref is never moved: one that already points elsewhere is a bug in the caller.
  const existing = await runGit(repo, ['rev-parse', '--verify', '-q', ref], { okCodes: [1] });
  if (existing.code === 0 && existing.stdout.trim() !== at) throw new Error(`recovery ref ${ref} already exists at ${existing.stdout.trim()}; refusing to move it`);
  await runGit(repo, ['update-ref', '-m', reason, ref, at]);
}

/** A time as a ref name component: 2025-01-02T03-04-05-678Z. */
export const refStamp = (now: Date): string => now.toISOString().replace(/[:.]/g, '-');
