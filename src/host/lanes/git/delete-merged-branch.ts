import { err, ok, type Result } from '../../../shared/result';
import { refStamp, writeRecoveryRef } from './recovery-ref';
import { requireWorktree } from './require-worktree';
import { GitError, runGit } from './run-git';
import { listWorktrees } from './worktree-list';

/**
 * Deletes a lane's branch once its work is in `mergedInto`, by ancestry only: a
 * squash-merged branch is "not merged" here, because nothing but a person can tell that
 * its commits are safe to drop. The tip is kept on refs/grove/recovery/branch/<branch>/
 * <time> first, and a branch checked out in any worktree (a rebase in progress included)
 * is never deleted.
 */
export interface DeleteMergedBranchError {
  kind: 'not-merged' | 'checked-out';
  message: string;
}

export async function deleteMergedBranch(
  mainPath: string,
  branch: string,
  mergedInto: string,
  now = new Date(),
): Promise<Result<{ deleted: true; recoveryRef: string }, DeleteMergedBranchError>> {
  await requireWorktree(mainPath, 'MAIN');
  const tip = (await runGit(mainPath, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])).stdout.trim();
  if (mergedInto.startsWith('-')) throw new Error(`cannot check a merge into ${JSON.stringify(mergedInto)}: not a branch or commit`);
  const target = (await runGit(mainPath, ['rev-parse', '--verify', `${mergedInto}^{commit}`])).stdout.trim();

  const checkedOut = (await listWorktrees(mainPath)).find((w) => w.branch === branch);
  if (checkedOut) return err(checkedOutError(branch, checkedOut.path));
  const merged = await runGit(mainPath, ['merge-base', '--is-ancestor', tip, target], { okCodes: [1] });
  if (merged.code !== 0) {
    return err({
      kind: 'not-merged',
      message: `${branch} has commits that ${mergedInto} does not, so it was not deleted. If it was squash-merged, or its work is no longer wanted, delete it by hand (\`git branch -D ${branch}\`).`,
    });
  }

  const recoveryRef = `refs/grove/recovery/branch/${branch}/${refStamp(now)}`;
  await writeRecoveryRef(mainPath, recoveryRef, tip, `grove: ${branch} before deleting it`);
  // branch -D also refuses a branch that a worktree is rebasing or bisecting (HEAD detached).
  const deleted = await runGit(mainPath, ['branch', '-D', branch], { okCodes: [1] });
  if (deleted.code !== 0) {
    const at = /checked out at '(.+)'/.exec(deleted.stderr)?.[1];
    if (at !== undefined) return err(checkedOutError(branch, at));
    throw new GitError(['branch', '-D', branch], mainPath, deleted);
  }
  return ok({ deleted: true, recoveryRef });
}

function checkedOutError(branch: string, path: string): DeleteMergedBranchError {
  return {
    kind: 'checked-out',
    message: `${branch} is checked out in ${path}, so it was not deleted. Remove that lane (or switch it to another branch) first.`,
  };
}
