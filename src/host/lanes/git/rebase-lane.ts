import { existsSync } from 'node:fs';
import { err, ok, type Result } from '../../../shared/result';
import { fallbackIdentityArgs } from './commit-identity';
import { writeRecoveryRef } from './recovery-ref';
import { refuseLinkedReflogs } from './reflog-links';
import { requireWorktree } from './require-worktree';
import { GitError, runGit } from './run-git';
import { worktreeChanges } from './worktree-status';

/**
 * Rebases a lane's branch onto MAIN (or any commit), all or nothing: the lane must be
 * clean and on a branch, its HEAD is kept on a recovery ref first, and a rebase that stops
 * on a conflict is aborted at once, so the lane is left exactly as it was with the list of
 * conflicting paths for whoever resolves them.
 */
export interface RebaseLaneOptions {
  laneName: string;
  /** The branch to rebase onto (MAIN's), by its short name. */
  onto: string;
  /** Names the recovery ref: refs/grove/recovery/<laneName>/<stamp>. */
  stamp: string;
}

export interface RebaseLaneError {
  kind: 'dirty' | 'detached' | 'conflict';
  message: string;
  files: string[];
}

export async function rebaseLane(lanePath: string, o: RebaseLaneOptions): Promise<Result<{ head: string; recoveryRef: string }, RebaseLaneError>> {
  await requireWorktree(lanePath, 'lane');
  refuseLinkedReflogs(lanePath);
  if (o.onto.startsWith('-')) throw new Error(`cannot rebase onto ${JSON.stringify(o.onto)}: not a branch or commit`);
  if (await isRebasing(lanePath)) {
    return err({ kind: 'detached', message: 'A rebase is already in progress in the lane. Finish it (`git rebase --continue`) or abort it (`git rebase --abort`) there, then try again.', files: [] });
  }
  const symbolic = await runGit(lanePath, ['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] });
  if (symbolic.code !== 0) {
    return err({ kind: 'detached', message: "The lane's HEAD is detached, so there is no branch to rebase. Check out the lane's branch (`git switch <branch>`), then try again.", files: [] });
  }
  const { changed, untracked } = await worktreeChanges(lanePath);
  if (changed.length + untracked.length > 0) {
    return err({
      kind: 'dirty',
      message: `The lane has uncommitted work in ${changed.length + untracked.length} path(s); a rebase needs a clean lane. Commit it first, then rebase.`,
      files: [...changed, ...untracked],
    });
  }

  // The branch, by its full name: a tag of the same name (any lane's agent can write one)
  // would come first for git, and the lane would land on that tag's commit.
  const onto = (await runGit(lanePath, ['rev-parse', '--verify', `refs/heads/${o.onto}^{commit}`])).stdout.trim();
  const before = (await runGit(lanePath, ['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();
  const recoveryRef = `refs/grove/recovery/${o.laneName}/${o.stamp}`;
  await writeRecoveryRef(lanePath, recoveryRef, before, `grove: lane ${o.laneName} before rebasing onto ${o.onto}`);

  const identity = await fallbackIdentityArgs(lanePath);
  // A user's rebase.autoStash or rebase.updateRefs must not stash anything or move other branches.
  const args = [...identity, '-c', 'rebase.autoStash=false', '-c', 'rebase.updateRefs=false', 'rebase', onto];
  const rebased = await runGit(lanePath, args, { okCodes: [1] });
  if (rebased.code === 0) return ok({ head: (await runGit(lanePath, ['rev-parse', 'HEAD'])).stdout.trim(), recoveryRef });

  if (!(await isRebasing(lanePath))) throw new GitError(args, lanePath, rebased);
  const files = (await runGit(lanePath, ['diff', '--name-only', '--diff-filter=U', '-z'])).stdout.split('\0').filter(Boolean);
  await runGit(lanePath, ['rebase', '--abort']);
  const after = (await runGit(lanePath, ['rev-parse', 'HEAD'])).stdout.trim();
  if (after !== before) throw new Error(`rebase --abort left the lane at ${after}, not ${before}; its old HEAD is on ${recoveryRef}`);
  return err({
    kind: 'conflict',
    message: `Rebasing the lane onto ${o.onto} conflicts in ${files.length} file(s); the rebase was aborted and the lane is as it was. Resolve the conflicts in the lane (rebase there, or merge ${o.onto} into it), then try again.`,
    files,
  });
}

async function isRebasing(lanePath: string): Promise<boolean> {
  const { stdout } = await runGit(lanePath, ['rev-parse', '--path-format=absolute', '--git-path', 'rebase-merge', '--git-path', 'rebase-apply']);
  return stdout.split('\n').filter(Boolean).some((p) => existsSync(p));
}
