import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { GroveConfig } from '../../shared/config';
import { apiError, type ApiError } from '../../shared/errors';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { describeLoss, laneLosses } from '../lanes/git/lane-losses';
import { requireWorktree, WorktreeMissingError } from '../lanes/git/require-worktree';
import { GitError, runGit } from '../lanes/git/run-git';
import { listWorktrees } from '../lanes/git/worktree-list';
import { worktreeChanges } from '../lanes/git/worktree-status';
import { gitFailure } from '../lanes/lane-service';
import type { CheckoutReading } from './follow-main';

/**
 * The ops loop's own checkout (worktree mode): a detached worktree at MAIN's HEAD beside
 * the lanes, named `<main>.ops` so no lane (always `<main>-<name>`) can collide with it.
 * It is not a lane: it has no branch, is never merged or rebased, and only ever moves to
 * MAIN's HEAD. Git runs with argument arrays; callers hold the repository lock.
 */
export function opsCheckoutPath(repo: Repo, config: GroveConfig): string {
  return join(resolve(repo.mainPath, config.lanes?.root ?? '..'), `${basename(repo.mainPath)}.ops`);
}

/** MAIN's branch and HEAD as git has them now (null for a detached MAIN or one without commits). */
export async function mainHeadOf(mainPath: string): Promise<{ branch: string | null; head: string | null }> {
  const head = await runGit(mainPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1] });
  const branch = await runGit(mainPath, ['symbolic-ref', '--short', '-q', 'HEAD'], { okCodes: [1] });
  return { head: head.code === 0 ? head.stdout.trim() : null, branch: branch.code === 0 ? branch.stdout.trim() : null };
}

/**
 * Makes the detached worktree at `head`, or takes back the one a previous loop kept there
 * (stopped while it held edits): those edits stay, and following MAIN waits until it is clean.
 */
export async function addOpsCheckout(mainPath: string, path: string, head: string): Promise<Result<{ path: string; head: string | null; reused: boolean }, ApiError>> {
  try {
    const real = realPathOf(path);
    const kept = (await listWorktrees(mainPath)).slice(1).find((t) => t.path === real);
    if (kept && existsSync(real)) return ok({ path: real, head: kept.head, reused: true });
    // The entry of a checkout deleted by hand would block the add at its path.
    if (kept) await dropStaleEntry(mainPath, real);
    if (existsSync(path)) {
      return err(apiError('lane_exists', `${path} already exists and is not a worktree of this repository; move it away so Grove can make the ops checkout there.`, { path }));
    }
    await runGit(mainPath, ['worktree', 'add', '--detach', '--', path, head]);
    return ok({ path: realpathSync(path), head, reused: false });
  } catch (e) {
    return err(gitFailure(e));
  }
}

/**
 * Drops git's entry for the ops checkout whose folder is gone, and no other: a blanket
 * `git worktree prune` would also drop the entry of every lane whose folder is away just
 * then (a drive not mounted yet), losing its index, its detached commits and its rebase.
 * A locked entry (not prunable) is the owner's "keep this", and stays, as prune left it.
 */
async function dropStaleEntry(mainPath: string, path: string): Promise<void> {
  const stale = (await listWorktrees(mainPath)).slice(1).find((t) => t.path === path && t.prunable);
  // 128: git found no entry left at that path (dropped meanwhile).
  if (stale) await runGit(mainPath, ['worktree', 'remove', '--force', '--', stale.path], { okCodes: [128] });
}

/** The path as git records it (real, symbolic links resolved), also when its folder is gone but its parent is there. */
function realPathOf(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  return existsSync(dirname(path)) ? join(realpathSync(dirname(path)), basename(path)) : path;
}

/** What following MAIN needs to know about the checkout. Never writes (no index refresh). */
export async function readCheckout(mainPath: string, path: string, mainHead: string | null): Promise<CheckoutReading> {
  try {
    await requireWorktree(path, 'lane');
  } catch (e) {
    if (e instanceof WorktreeMissingError) return { head: null, dirty: [], headInMain: false };
    throw e;
  }
  const head = (await runGit(path, ['rev-parse', 'HEAD'])).stdout.trim();
  const changes = await worktreeChanges(path);
  const inMain = mainHead === null ? null : await runGit(mainPath, ['merge-base', '--is-ancestor', head, mainHead], { okCodes: [1] });
  return { head, dirty: [...changes.changed, ...changes.untracked], headInMain: inMain?.code === 0 };
}

/** Moves a clean checkout to `sha` (ignored files stay; git refuses rather than overwrite an edit). */
export async function moveCheckout(path: string, sha: string): Promise<void> {
  await runGit(path, ['checkout', '-q', '--detach', sha]);
}

export type CheckoutRemoval = { removed: true } | { removed: false; why: string };

/** Removes the worktree only if nothing would be lost (lane-losses' rules, squash aware); else keeps it and says why. */
export async function removeOpsCheckout(mainPath: string, path: string): Promise<CheckoutRemoval> {
  if (!existsSync(path)) {
    await dropStaleEntry(mainPath, realPathOf(path));
    return { removed: true };
  }
  const tree = (await listWorktrees(mainPath)).slice(1).find((t) => t.path === path);
  if (!tree) return { removed: false, why: `${path} is no longer a worktree of the repository` };
  const losses = await laneLosses(mainPath, { lanePath: path, head: tree.head, locked: tree.locked ? { reason: '' } : null });
  if (losses.length > 0) return { removed: false, why: losses.map(describeLoss).join('; ') };
  try {
    await runGit(mainPath, ['worktree', 'remove', '--', path]);
    return { removed: true };
  } catch (e) {
    if (e instanceof GitError) return { removed: false, why: e.message };
    throw e;
  }
}
