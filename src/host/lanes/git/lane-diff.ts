import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommitSummary, DiffFile, LaneDiff } from '../../../shared/lanes';
import { requireWorktree } from './require-worktree';
import { GitError, runGit } from './run-git';

/**
 * A lane's changes against MAIN's branch, uncommitted edits and untracked files included,
 * as a reviewer would want to see them before a merge. The lane is only looked at: its
 * working state becomes a tree through a temporary index (never the lane's own index,
 * which an agent may be using), and that tree is diffed against the merge base.
 * Plumbing only (diff-tree, rev-list), so the user's diff and log config (external diff
 * tools, signatures, no-prefix) cannot change what is parsed.
 */
export const PATCH_CAP_BYTES = 2 * 1024 * 1024;
export const AHEAD_CAP = 500;

export async function laneDiff(mainPath: string, lanePath: string, mainBranch: string): Promise<LaneDiff> {
  await requireWorktree(lanePath, 'lane');
  const mainHead = (await runGit(mainPath, ['rev-parse', '--verify', `refs/heads/${mainBranch}^{commit}`])).stdout.trim();
  const laneHead = (await runGit(lanePath, ['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();
  const base = await runGit(lanePath, ['merge-base', mainHead, laneHead], { okCodes: [1] });
  if (base.code !== 0) throw new Error(`The lane's HEAD and ${mainBranch} share no history, so there is no diff between them.`);
  const mergeBase = base.stdout.trim();
  const headTree = (await runGit(lanePath, ['rev-parse', `${laneHead}^{tree}`])).stdout.trim();
  const workTree = await workingTree(lanePath, laneHead);

  const [files, patch, ahead, behind] = await Promise.all([
    diffFiles(lanePath, mergeBase, workTree),
    diffPatch(lanePath, mergeBase, workTree),
    aheadCommits(lanePath, laneHead, mainHead),
    runGit(lanePath, ['rev-list', '--count', mainHead, '--not', laneHead]).then((r) => Number(r.stdout.trim())),
  ]);
  return {
    mainBranch,
    mainHead,
    laneHead,
    mergeBase,
    ahead,
    behind,
    uncommitted: workTree !== headTree,
    files,
    ...patch,
  };
}

/**
 * The lane's working tree (tracked and untracked, not ignored) written as a tree object,
 * through a temporary index. It starts as a copy of the lane's own index — read, never
 * written — so `add -A` trusts its cached file stats instead of re-hashing every file (on a
 * 20,000-file tree that is most of the time); from HEAD alone when the copy cannot be used.
 */
async function workingTree(lanePath: string, head: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'grove-diff-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    const real = resolve(lanePath, (await runGit(lanePath, ['rev-parse', '--git-path', 'index'])).stdout.trim());
    let copied = false;
    if (existsSync(real)) {
      copyFileSync(real, env.GIT_INDEX_FILE);
      // The copy keeps the index's own mtime: git re-reads files changed in the same second
      // as the index was written ("racily clean") only by comparing against it, and a fresh
      // mtime would hide a same-size edit made right after a checkout.
      const { atime, mtime } = statSync(real);
      utimesSync(env.GIT_INDEX_FILE, atime, mtime);
      copied = (await runGit(lanePath, ['add', '-A', '--', '.'], { env, okCodes: [128] })).code === 0;
    }
    if (!copied) {
      // e.g. a split index, whose shared part does not travel with the copy
      await runGit(lanePath, ['read-tree', head], { env });
      await runGit(lanePath, ['add', '-A', '--', '.'], { env });
    }
    return (await runGit(lanePath, ['write-tree'], { env })).stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const STATUS: Record<string, DiffFile['status']> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/** `--name-status -z` for what happened to each path, `--numstat -z` for how much; same order. */
async function diffFiles(cwd: string, from: string, to: string): Promise<DiffFile[]> {
  const base = ['diff-tree', '-r', '-z', '-M', '--no-commit-id'];
  const [nameStatus, numstat] = await Promise.all([
    runGit(cwd, [...base, '--name-status', from, to]),
    runGit(cwd, [...base, '--numstat', from, to]),
  ]);

  const ns = nameStatus.stdout.split('\0');
  const kinds: { status: DiffFile['status']; path: string; oldPath: string | null }[] = [];
  for (let i = 0; i + 1 < ns.length; ) {
    const letter = ns[i]![0]!;
    const status = STATUS[letter];
    if (!status) throw new Error(`unexpected diff-tree status ${JSON.stringify(ns[i])}`);
    if (letter === 'R' || letter === 'C') {
      kinds.push({ status, oldPath: ns[i + 1]!, path: ns[i + 2]! });
      i += 3;
    } else {
      kinds.push({ status, oldPath: null, path: ns[i + 1]! });
      i += 2;
    }
  }

  // numstat -z: "added\tdeleted\tpath\0", or "added\tdeleted\t\0old\0new\0" for a rename.
  const nums = numstat.stdout.split('\0');
  const counts: { additions: number; deletions: number; binary: boolean }[] = [];
  for (let i = 0; i + 1 < nums.length; ) {
    const [added, deleted, path] = nums[i]!.split('\t');
    const binary = added === '-';
    counts.push({ additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary });
    i += path === '' ? 3 : 1;
  }
  if (counts.length !== kinds.length) throw new Error(`diff-tree listed ${kinds.length} paths by status but ${counts.length} by count`);
  return kinds.map((k, i) => ({ path: k.path, oldPath: k.oldPath, status: k.status, ...counts[i]! }));
}

/**
 * The unified patch, cut at PATCH_CAP_BYTES on a line boundary. runGit buffers up to
 * 64 MiB; a bigger patch (a huge untracked file) has git ended (outputOverLimit), and what it
 * printed still holds the first 64 MiB, which is more than we show anyway.
 */
async function diffPatch(cwd: string, from: string, to: string): Promise<{ patch: string; truncated: boolean }> {
  let text: string;
  try {
    text = (await runGit(cwd, ['-c', 'core.quotePath=false', 'diff-tree', '-r', '-p', '-M', '--no-commit-id', '--no-color', from, to])).stdout;
  } catch (e) {
    // Cut at the output limit, or at git's time: what it printed is still more than is shown.
    if (e instanceof GitError && (e.output.outputOverLimit || e.output.timedOutAfterMs !== undefined) && Buffer.byteLength(e.output.stdout) > PATCH_CAP_BYTES) text = e.output.stdout;
    else throw e;
  }
  const bytes = Buffer.from(text);
  if (bytes.length <= PATCH_CAP_BYTES) return { patch: text, truncated: false };
  const cut = bytes.subarray(0, PATCH_CAP_BYTES);
  const lastNewline = cut.lastIndexOf(0x0a);
  return { patch: cut.subarray(0, lastNewline >= 0 ? lastNewline + 1 : cut.length).toString('utf8'), truncated: true };
}

/** Commits on the lane and not on MAIN, newest first (at most AHEAD_CAP). */
export async function aheadCommits(cwd: string, laneHead: string, mainHead: string): Promise<CommitSummary[]> {
  const { stdout } = await runGit(cwd, [
    'rev-list',
    `--max-count=${AHEAD_CAP}`,
    '--no-commit-header',
    '--format=%H%x00%s%x00%an%x00%aI',
    laneHead,
    '--not',
    mainHead,
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', subject = '', author = '', date = ''] = line.split('\0');
      return { sha, subject, author, date };
    });
}
