import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';
import { err, ok, type Result } from '../../../shared/result';
import { fallbackIdentityArgs } from './commit-identity';
import { writeRecoveryRef } from './recovery-ref';
import { requireWorktree } from './require-worktree';
import { GitError, runGit, type GitOutput, type GitRunGroup } from './run-git';
import { count } from '../../../shared/plural';

/**
 * Merging a lane's branch into MAIN, and taking it back. MAIN's HEAD is written to a
 * recovery ref before anything moves, so a merge can always be undone by hand. A merge
 * that stops on a conflict is aborted at once: MAIN is never left half-merged. Rolling
 * back uses `reset --keep`, never `--hard`: edits someone made in MAIN since the merge are
 * kept, and git refuses rather than overwrite one; files git does not track, which `--keep`
 * would overwrite without a word when they are ignored, are looked for first.
 */
export type MergeStrategy = 'ff' | 'ff-only' | 'no-ff';

export interface MergeIntoMainOptions {
  branch: string;
  /**
   * The commit to merge, by id: the branch's head the lane's check passed. The branch itself
   * may have moved since (the lane's agents may still be running), and a commit made after
   * the check must not reach MAIN unchecked. By default, the branch's head as it is now.
   */
  commit?: string;
  /** ff: fast-forward when possible, else a merge commit; ff-only: refuse a merge commit; no-ff: always a merge commit. */
  strategy: MergeStrategy;
  /** Written at MAIN's HEAD before the merge, e.g. refs/grove/recovery/main/<time>. */
  recoveryRef: string;
  message: string;
  /** Extra environment for git (the caller marks its merges for MAIN's commit guard). */
  env?: Record<string, string>;
  /** The merge's git kept on record while it runs, so a host killed meanwhile has it ended by the next (run-git.ts). */
  group?: GitRunGroup;
}

export interface MergedIntoMain {
  /** How MAIN moved; it always did (a commit MAIN already has is refused: main-moved). */
  strategy: 'fast-forward' | 'merge-commit';
  mainBefore: string;
  mainAfter: string;
}

export interface MergeIntoMainError {
  kind: 'not-fast-forward' | 'conflict' | 'main-moved' | 'main-busy';
  message: string;
}

export async function mergeIntoMain(mainPath: string, o: MergeIntoMainOptions): Promise<Result<MergedIntoMain, MergeIntoMainError>> {
  await requireWorktree(mainPath, 'MAIN');
  const mainBefore = await headOf(mainPath);
  const onBranch = await runGit(mainPath, ['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] });
  if (onBranch.code !== 0) {
    return err({ kind: 'main-moved', message: `MAIN is not on a branch any more (its HEAD is detached at ${short(mainBefore)}). Check out MAIN's branch there, then merge again.` });
  }
  const branchRef = `refs/heads/${o.branch}`;
  const commit = (await runGit(mainPath, ['rev-parse', '--verify', `${o.commit ?? branchRef}^{commit}`])).stdout.trim();
  await writeRecoveryRef(mainPath, o.recoveryRef, mainBefore, `grove: MAIN before merging ${o.branch}`);

  const identity = await fallbackIdentityArgs(mainPath);
  const how = o.strategy === 'ff' ? ['--ff'] : o.strategy === 'ff-only' ? ['--ff-only'] : ['--no-ff'];
  // --no-autostash: a merge.autoStash config must not stash MAIN's edits and re-apply them with conflicts.
  // --no-overwrite-ignore: MAIN's ignored local files (an .env) are refused, not overwritten
  // (a rollback would then delete them); the preflight says so first, this holds under the lock.
  const args = [...identity, 'merge', ...how, '--no-edit', '--no-autostash', '--no-overwrite-ignore', '-m', o.message, commit];
  const merge = () => runGit(mainPath, args, { env: { ...o.env, GIT_MERGE_AUTOEDIT: 'no' }, okCodes: [1, 128], group: o.group });
  // Rather than fail a merge whose check may have taken minutes.
  const tried = await whileIndexBusy(mainPath, mainBefore, merge);
  if ('movedTo' in tried) {
    return err({ kind: 'main-moved', message: `MAIN moved on while the merge waited for its index (its HEAD is ${short(tried.movedTo)}, not ${short(mainBefore)}). MAIN was not changed by the merge; merge again.` });
  }
  const merged = tried;
  if (merged.code !== 0 && isIndexBusy(merged.stderr)) {
    return err({
      kind: 'main-busy',
      message: `Another git program kept MAIN's index locked (${join('.git', 'index.lock')}) for ${(BUSY_TRIES * BUSY_WAIT_MS) / 1000} s. MAIN was not changed; once it is done (or, if none runs, once you delete that stale lock file), merge again.`,
    });
  }

  if (merged.code === 0) {
    const mainAfter = await headOf(mainPath);
    if (mainAfter === mainBefore) {
      // The preflight found commits to merge: MAIN has taken them since, by another way.
      return err({ kind: 'main-moved', message: `MAIN already has ${short(commit)}: it moved since the preflight (outside Grove's merge), so there was nothing left to merge. MAIN was not changed; check how it got there.` });
    }
    // A fast-forward lands on the commit itself (which may be a merge commit of the lane's own).
    return ok({ strategy: mainAfter === commit ? 'fast-forward' : 'merge-commit', mainBefore, mainAfter });
  }

  const stopped = await runGit(mainPath, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'], { okCodes: [1] });
  if (stopped.code === 0) {
    // The merge started and stopped: conflicts, or a hook refused the merge commit.
    const unmerged = (await runGit(mainPath, ['diff', '--name-only', '--diff-filter=U', '-z'])).stdout.split('\0').filter(Boolean);
    await runGit(mainPath, ['merge', '--abort']);
    if (unmerged.length === 0) throw new GitError(args, mainPath, merged);
    return err({
      kind: 'conflict',
      message: `Merging ${o.branch} into MAIN conflicted in ${count(unmerged.length, 'file')} (${unmerged.slice(0, 5).join(', ')}${unmerged.length > 5 ? ', …' : ''}); the merge was aborted and MAIN is as it was. MAIN moved since the preflight: rebase the lane onto MAIN, resolve the conflicts there, then merge again.`,
    });
  }
  const said = merged.stderr.trim();
  if (/Not possible to fast-forward/i.test(said)) {
    return err({
      kind: 'not-fast-forward',
      message: `MAIN has commits that ${o.branch} does not, so it cannot be fast-forwarded. Rebase the lane onto MAIN, or merge with a merge commit. MAIN was not changed.`,
    });
  }
  if (/would lose untracked files/.test(said)) {
    return err({
      kind: 'main-moved',
      message: `MAIN has files git does not track (ignored ones too) in folders the merge would replace (${overwrittenPaths(said).join(', ')}). Move them aside in MAIN, then merge again. MAIN was not changed.`,
    });
  }
  if (/would be overwritten/.test(said)) {
    return err({
      kind: 'main-moved',
      message: `MAIN changed since the preflight: its local files (uncommitted, or ignored by git) would be overwritten by the merge (${overwrittenPaths(said).join(', ')}). Commit, stash or move them aside in MAIN, then merge again. MAIN was not changed.`,
    });
  }
  throw new GitError(args, mainPath, merged);
}

export interface RollbackMainOptions {
  recoveryRef: string;
  /**
   * MAIN's HEAD before the merge, as the host recorded it: where the rollback goes. Never read
   * from the recovery ref, which lives in the refs every lane's agent can write: one pointed
   * elsewhere would make the rollback put that commit in MAIN.
   */
  target: string;
  /** MAIN's HEAD right after the merge: the rollback happens only if MAIN is still there. */
  expectedHead: string;
  /**
   * A ref to keep the undone head reachable by: written only once the rollback goes ahead
   * (MAIN where expected, on a branch), and deleted again if the reset then refuses, so a
   * refused rollback leaves no trace.
   */
  keepRef?: string;
  /**
   * The automatic rollback right after a failed gate: files git does not track where the code
   * before the merge has files were written by the gate itself (its build's output, in a
   * folder the merge stopped tracking), not by anyone to keep, and are overwritten as before.
   * A rollback asked for later looks for them and refuses (untrackedInTheWay).
   */
  gateJustRan?: boolean;
}

export interface RollbackMainError {
  kind: 'main-moved' | 'would-lose-changes' | 'main-busy';
  message: string;
}

/** How often, and how far apart, a reset meeting another git's index.lock is tried again. */
const BUSY_TRIES = 10;
const BUSY_WAIT_MS = 200;

export async function rollbackMain(mainPath: string, o: RollbackMainOptions): Promise<Result<{ head: string }, RollbackMainError>> {
  await requireWorktree(mainPath, 'MAIN');
  const head = await headOf(mainPath);
  if (head !== o.expectedHead) {
    return err({
      kind: 'main-moved',
      message: `MAIN moved on since the merge (its HEAD is ${short(head)}, not ${short(o.expectedHead)}), so rolling back would undo more than the merge. Nothing was changed; to go back anyway, run \`git reset --keep ${o.target}\` in MAIN.`,
    });
  }
  const onBranch = await runGit(mainPath, ['symbolic-ref', '-q', 'HEAD'], { okCodes: [1] });
  if (onBranch.code !== 0) {
    return err({ kind: 'main-moved', message: `MAIN is not on a branch any more (detached at ${short(head)}). Nothing was changed; check out MAIN's branch, then roll back again.` });
  }
  const target = (await runGit(mainPath, ['rev-parse', '--verify', `${o.target}^{commit}`])).stdout.trim();
  const inTheWay = o.gateJustRan ? [] : await untrackedInTheWay(mainPath, head, target);
  if (inTheWay.length > 0) {
    const named = inTheWay.slice(0, 10).join(', ') + (inTheWay.length > 10 ? `, and ${inTheWay.length - 10} more` : '');
    return err({
      kind: 'would-lose-changes',
      message: `Rolling back would overwrite or delete files in MAIN that git does not track (${named}): the merge made room for them, and the code before it has files there. Nothing was changed; move them aside in MAIN, then roll back again.`,
    });
  }
  if (o.keepRef) await runGit(mainPath, ['update-ref', o.keepRef, head]);
  const tried = await whileIndexBusy(mainPath, o.expectedHead, () => runGit(mainPath, ['reset', '--keep', target], { okCodes: [128] }));
  if ('movedTo' in tried) {
    if (o.keepRef) await runGit(mainPath, ['update-ref', '-d', o.keepRef, head]);
    return err({ kind: 'main-moved', message: `MAIN moved on while the rollback waited for its index (its HEAD is ${short(tried.movedTo)}, not ${short(o.expectedHead)}), so rolling back would undo more than the merge. Nothing was changed; to go back anyway, run \`git reset --keep ${o.target}\` in MAIN.` });
  }
  const reset = tried;
  if (reset.code !== 0) {
    if (o.keepRef) await runGit(mainPath, ['update-ref', '-d', o.keepRef, head]);
    if (isIndexBusy(reset.stderr)) {
      return err({
        kind: 'main-busy',
        message: `Another git program kept MAIN's index locked (${join('.git', 'index.lock')}) for ${(BUSY_TRIES * BUSY_WAIT_MS) / 1000} s. Nothing was changed; once it is done (or, if none runs, once you delete that stale lock file), roll back again.`,
      });
    }
    const paths = refusedPaths(reset.stderr);
    return err({
      kind: 'would-lose-changes',
      message: `Rolling back would overwrite uncommitted changes in MAIN${paths.length ? ` (${paths.join(', ')})` : ''}. Nothing was changed; commit, stash or remove them in MAIN, then roll back again.`,
    });
  }
  return ok({ head: await headOf(mainPath) });
}

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Files git does not track that going from `head` to `target` would overwrite or delete:
 * where `target` has a file `head` has not, something untracked on disk at that path, below
 * it (a folder the merge made of a file), or a file where it needs a folder. `reset --keep`
 * refuses for most of them, but overwrites ignored ones without a word: an ignored upload in
 * a folder the merge made, or a real `.env` where the merge stopped tracking a placeholder.
 */
const PATHS_PER_RUN = 1000;

async function untrackedInTheWay(mainPath: string, head: string, target: string): Promise<string[]> {
  const added = (await runGit(mainPath, ['diff', '--name-only', '--no-renames', '--diff-filter=A', '-z', head, target])).stdout.split('\0').filter(Boolean);
  const onDisk = (p: string): 'file' | 'folder' | null => {
    try {
      return lstatSync(join(mainPath, p)).isDirectory() ? 'folder' : 'file';
    } catch {
      return null;
    }
  };
  const places = new Set<string>();
  for (const p of added) {
    if (onDisk(p) !== null) places.add(p);
    for (let d = posix.dirname(p); d !== '.'; d = posix.dirname(d)) if (onDisk(d) === 'file') places.add(d);
  }
  // Untracked at those paths or below them, ignored or not (no exclusion asked for); asked in
  // runs, so a large folder's worth of paths stays within a command line's limit.
  const found: string[] = [];
  const all = [...places];
  for (let i = 0; i < all.length; i += PATHS_PER_RUN) {
    const listed = await runGit(mainPath, ['--literal-pathspecs', 'ls-files', '--others', '-z', '--', ...all.slice(i, i + PATHS_PER_RUN)]);
    found.push(...listed.stdout.split('\0').filter(Boolean));
  }
  return found;
}

async function headOf(repo: string): Promise<string> {
  return (await runGit(repo, ['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();
}

/** The tab-indented paths git lists under "…would be overwritten by merge:". */
function overwrittenPaths(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('\t'))
    .map((l) => l.trim());
}

/**
 * `attempt` (a merge, a reset) tried again while another git holds MAIN's index for a moment
 * (an editor's status every few seconds), up to BUSY_TRIES times, and only while MAIN's HEAD
 * is still `head`: the lock's holder was often a commit. The last answer, or where HEAD went.
 */
async function whileIndexBusy(mainPath: string, head: string, attempt: () => Promise<GitOutput>): Promise<GitOutput | { movedTo: string }> {
  let out = await attempt();
  for (let tries = 1; out.code !== 0 && isIndexBusy(out.stderr) && tries < BUSY_TRIES; tries++) {
    await new Promise((r) => setTimeout(r, BUSY_WAIT_MS));
    const now = await headOf(mainPath);
    if (now !== head) return { movedTo: now };
    out = await attempt();
  }
  return out;
}

/** git could not take the index's lock file: another git holds it (or left it behind). */
function isIndexBusy(stderr: string): boolean {
  return /index\.lock'?: File exists/.test(stderr);
}

/** `reset --keep` names each path it refuses: "Entry 'x' not uptodate" or "Untracked working tree file 'x' would be overwritten". */
function refusedPaths(stderr: string): string[] {
  return [...stderr.matchAll(/(?:Entry|working tree file) '(.+?)' (?:not uptodate|would be overwritten)/g)].map((m) => m[1]!);
}
