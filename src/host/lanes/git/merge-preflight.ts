import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { MergeCheck } from '../../../shared/lanes';
import { requireWorktree, WorktreeMissingError } from './require-worktree';
import { GitError, runGit } from './run-git';
import { worktreeChanges } from './worktree-status';
import { count as countOf } from '../../../shared/plural';

/**
 * Whether `branch` can be merged into MAIN right now, as a list of checks a person can
 * read: the lane is clean and on its branch, MAIN is clean and on a branch, the branch has
 * something to merge, and the merge would not conflict. Only looks: the conflict check is
 * `git merge-tree --write-tree`, which merges in the object store (it may add unreachable
 * objects) and touches no working tree, index or ref. Every check runs even when an
 * earlier one fails, so one answer lists everything to fix.
 */
export interface MergePreflight {
  checks: MergeCheck[];
  mainHead: string;
  /** The branch's tip, which is what a merge would take; '' when the branch does not exist. */
  laneHead: string;
  /** null when MAIN's HEAD is detached. */
  mainBranch: string | null;
  canFastForward: boolean;
}

/** `strategy`: grove.yaml's `merge.strategy`; with `ff-only`, a branch MAIN has moved past fails here, not under the lock. */
export async function gitMergePreflight(mainPath: string, lanePath: string, branch: string, strategy: 'ff' | 'ff-only' | 'no-ff' = 'ff'): Promise<MergePreflight> {
  await requireWorktree(mainPath, 'MAIN');
  // Independent reads run side by side: on a large tree the two status scans dominate.
  const [head, symbolic, tip] = await Promise.all([
    runGit(mainPath, ['rev-parse', '--verify', 'HEAD^{commit}']),
    runGit(mainPath, ['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] }),
    runGit(mainPath, ['rev-parse', '--verify', '-q', `refs/heads/${branch}^{commit}`], { okCodes: [1] }),
  ]);
  const mainHead = head.stdout.trim();
  const mainBranch = symbolic.code === 0 ? symbolic.stdout.trim() : null;
  const branchHead = tip.code === 0 ? tip.stdout.trim() : null;

  const [merge, laneCheck, mainCheck, fastForward] = await Promise.all([
    branchHead ? mergeResult(mainPath, mainHead, branchHead) : Promise.resolve(null),
    laneClean(lanePath, branch),
    mainClean(mainPath, mainBranch, mainHead),
    branchHead ? runGit(mainPath, ['merge-base', '--is-ancestor', mainHead, branchHead], { okCodes: [1] }) : Promise.resolve(null),
  ]);
  const local = merge?.kind === 'clean' ? await overwrittenLocalFiles(mainPath, mainHead, merge.tree) : [];
  const checks = [laneCheck, mainCheck, await ahead(mainPath, mainHead, branch, branchHead, merge), conflicts(branch, branchHead, merge, local)];
  const canFastForward = fastForward !== null && fastForward.code === 0;
  if (strategy === 'ff-only' && branchHead) {
    checks.push(
      canFastForward
        ? { name: 'fast-forward', ok: true, message: `MAIN can fast-forward to ${branch} (merge.strategy: ff-only).`, detail: [] }
        : { name: 'fast-forward', ok: false, message: `MAIN has commits ${branch} lacks, and merge.strategy is ff-only: rebase the lane onto MAIN (grove lane rebase), then merge again.`, detail: [] },
    );
  }
  return { checks, mainHead, laneHead: branchHead ?? '', mainBranch, canFastForward };
}

const short = (sha: string): string => sha.slice(0, 7);

async function laneClean(lanePath: string, branch: string): Promise<MergeCheck> {
  const fail = (message: string, detail: string[] = []): MergeCheck => ({ name: 'lane-clean', ok: false, message, detail });
  try {
    await requireWorktree(lanePath, 'lane');
  } catch (e) {
    if (e instanceof WorktreeMissingError) return fail(e.message);
    throw e;
  }
  const symbolic = await runGit(lanePath, ['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] });
  if (symbolic.code !== 0) {
    const head = (await runGit(lanePath, ['rev-parse', 'HEAD'])).stdout.trim();
    return fail(`The lane's HEAD is detached (at ${short(head)}), so its work is not on ${branch}. Check out ${branch} in the lane (\`git switch ${branch}\`, after committing or moving any new commits onto it), then try again.`);
  }
  const onBranch = symbolic.stdout.trim();
  if (onBranch !== branch) return fail(`The lane is on branch ${onBranch}, not ${branch}. Switch the lane back to ${branch} (\`git switch ${branch}\`), then try again.`);
  const { changed, untracked } = await worktreeChanges(lanePath);
  if (changed.length + untracked.length > 0) {
    return fail(
      `The lane has uncommitted work in ${countOf(changed.length + untracked.length, 'path')}${untracked.length ? ` (${untracked.length} untracked)` : ''}, which a merge would leave behind. Commit it in the lane, then try again.`,
      [...changed, ...untracked],
    );
  }
  return { name: 'lane-clean', ok: true, message: `The lane is on ${branch} with nothing uncommitted.`, detail: [] };
}

async function mainClean(mainPath: string, mainBranch: string | null, mainHead: string): Promise<MergeCheck> {
  const { changed, untracked } = await worktreeChanges(mainPath);
  const dirty = [...changed, ...untracked];
  if (mainBranch === null) {
    return {
      name: 'main-clean',
      ok: false,
      message: `MAIN is not on a branch (its HEAD is detached at ${short(mainHead)}). Check out MAIN's branch there (\`git switch main\` or whichever it is), then try again.`,
      detail: dirty,
    };
  }
  if (dirty.length > 0) {
    return {
      name: 'main-clean',
      ok: false,
      message: `MAIN has uncommitted changes in ${countOf(dirty.length, 'path')}${untracked.length ? ` (${untracked.length} untracked)` : ''}. MAIN only receives merged code: commit them through a lane, stash them, or remove them, then try again.`,
      detail: dirty,
    };
  }
  return { name: 'main-clean', ok: true, message: `MAIN is on ${mainBranch} with nothing uncommitted.`, detail: [] };
}

export type MergeResult = { kind: 'clean'; tree: string } | { kind: 'conflicts'; files: string[] } | { kind: 'failed'; message: string };

/** `git merge-tree --write-tree`: exit 0 is a clean merge, 1 has conflicts, anything else is git refusing. */
export async function mergeResult(mainPath: string, mainHead: string, branchHead: string): Promise<MergeResult> {
  try {
    const r = await runGit(mainPath, ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', mainHead, branchHead], { okCodes: [1] });
    const [tree = '', ...files] = r.stdout.split('\0').filter(Boolean);
    return r.code === 0 ? { kind: 'clean', tree } : { kind: 'conflicts', files: [...new Set(files)] };
  } catch (e) {
    if (e instanceof GitError) return { kind: 'failed', message: e.output.stderr.trim() || e.message };
    throw e;
  }
}

async function ahead(mainPath: string, mainHead: string, branch: string, branchHead: string | null, merge: MergeResult | null): Promise<MergeCheck> {
  const fail = (message: string): MergeCheck => ({ name: 'ahead', ok: false, message, detail: [] });
  if (!branchHead) return fail(`The branch ${branch} does not exist in this repository. Check the lane's branch (it may have been renamed or deleted), then try again.`);
  const count = Number((await runGit(mainPath, ['rev-list', '--count', branchHead, '--not', mainHead])).stdout.trim());
  if (count === 0) return fail(`nothing to merge: ${branch} has no commits that MAIN does not already have. Commit the lane's work first.`);
  if (merge?.kind === 'clean') {
    const mainTree = (await runGit(mainPath, ['rev-parse', `${mainHead}^{tree}`])).stdout.trim();
    if (merge.tree === mainTree) {
      return fail(`nothing to merge: MAIN already has every change on ${branch} (it was probably squash- or rebase-merged). Reset the lane onto MAIN or remove it.`);
    }
  }
  return { name: 'ahead', ok: true, message: `${branch} has ${countOf(count, 'commit')} to merge.`, detail: [] };
}

/**
 * Files the merge would add that MAIN has on disk, untracked: ones git ignores (an `.env` the
 * lane committed with `git add -f`), which git would overwrite without a word, and a rollback
 * would then delete, since the merge brought them. (Untracked files git does not ignore fail
 * main-clean already.)
 */
async function overwrittenLocalFiles(mainPath: string, mainHead: string, tree: string): Promise<string[]> {
  const added = (await runGit(mainPath, ['diff', '--name-only', '--no-renames', '--diff-filter=A', '-z', mainHead, tree])).stdout.split('\0').filter(Boolean);
  const onDisk = added.filter((path) => {
    try {
      lstatSync(join(mainPath, path));
      return true;
    } catch {
      return false;
    }
  });
  if (onDisk.length === 0) return [];
  // Of those, the ones git ignores (exit 1: none is); one per line, unquoted (-z wants stdin).
  const ignored = await runGit(mainPath, ['-c', 'core.quotePath=false', 'check-ignore', '--', ...onDisk], { okCodes: [1] });
  const said = new Set(ignored.stdout.split('\n'));
  return onDisk.filter((path) => said.has(path));
}

function conflicts(branch: string, branchHead: string | null, merge: MergeResult | null, local: readonly string[]): MergeCheck {
  if (!branchHead || !merge) return { name: 'conflicts', ok: false, message: `Cannot check for conflicts: the branch ${branch} does not exist.`, detail: [] };
  switch (merge.kind) {
    case 'clean':
      if (local.length > 0) {
        return {
          name: 'conflicts',
          ok: false,
          message: `${branch} commits ${countOf(local.length, 'file')} that MAIN has as local files git ignores (${local.slice(0, 5).join(', ')}${local.length > 5 ? ', …' : ''}): the merge would overwrite MAIN's copies, and a rollback would delete them. Move MAIN's copies aside, or take the files out of the lane's commits (git rm --cached, then commit), then merge again.`,
          detail: [...local],
        };
      }
      return { name: 'conflicts', ok: true, message: `${branch} merges into MAIN without conflicts.`, detail: [] };
    case 'conflicts':
      return {
        name: 'conflicts',
        ok: false,
        message: `Merging ${branch} into MAIN would conflict in ${countOf(merge.files.length, 'file')}. Rebase the lane onto MAIN and resolve the conflicts there, then try again.`,
        detail: merge.files,
      };
    case 'failed':
      return { name: 'conflicts', ok: false, message: `git could not work out the merge of ${branch} into MAIN: ${merge.message}`, detail: [] };
  }
}
