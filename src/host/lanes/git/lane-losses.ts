import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reposInIgnoredDirs } from './ignored-repos';
import { listIgnored } from './ignored-files';
import { runGit } from './run-git';
import { statusEntries } from './worktree-status';
import { submoduleChanges } from './repo-work';
import { count, nounFor } from '../../../shared/plural';

/**
 * Everything that removing a lane's worktree would lose, so removal can refuse with the
 * list instead of losing it. Squash-merge aware: commits that are not in MAIN by ancestry
 * still count as merged when MAIN has the same change, either commit by commit (patch ids,
 * as after a rebase merge) or as one squashed change. Any check that errors is reported
 * as a loss: when in doubt, the lane is kept.
 */
export type Loss =
  | { kind: 'uncommitted'; files: string[] }
  | { kind: 'untracked'; files: string[] }
  /** A git repository inside the lane, not a submodule: an archive would keep only a pointer to its commit, not its history or files. */
  | { kind: 'nested-repo'; dirs: string[] }
  | { kind: 'unmerged-commits'; commits: string[] }
  /** Asked to archive: files git ignores that the archive cannot keep, too large or unreadable (keep-ignored-files.ts). */
  | { kind: 'unkeepable-ignored'; files: string[] }
  | { kind: 'locked'; reason: string }
  | { kind: 'check-failed'; what: string; error: string };

export function describeLoss(l: Loss): string {
  switch (l.kind) {
    case 'uncommitted':
      return `${count(l.files.length, 'file')} with uncommitted changes: ${l.files.slice(0, 5).join(', ')}${l.files.length > 5 ? ', …' : ''}`;
    case 'untracked':
      return `${l.files.length} untracked ${nounFor(l.files.length, 'file')}: ${l.files.slice(0, 5).join(', ')}${l.files.length > 5 ? ', …' : ''}`;
    case 'nested-repo':
      return `${l.dirs.length} git ${nounFor(l.dirs.length, 'repository')} nested in it, which an archive cannot keep (only its commit's id): ${l.dirs.slice(0, 5).join(', ')}${l.dirs.length > 5 ? ', …' : ''}`;
    case 'unmerged-commits':
      return `${count(l.commits.length, 'commit')} neither in MAIN nor pushed: ${l.commits.slice(0, 3).join('; ')}${l.commits.length > 3 ? '; …' : ''}`;
    case 'unkeepable-ignored':
      return `files git ignores that an archive cannot keep: ${l.files.slice(0, 5).join(', ')}${l.files.length > 5 ? ', …' : ''}`;
    case 'locked':
      return `the worktree is locked${l.reason ? ` (${l.reason})` : ''}`;
    case 'check-failed':
      return `could not check ${l.what}: ${l.error}`;
  }
}

export interface LaneGitState {
  lanePath: string;
  /** The lane's HEAD commit (branch tip or detached), null if unknown. */
  head: string | null;
  locked: { reason: string } | null;
}

export async function laneLosses(mainPath: string, lane: LaneGitState): Promise<Loss[]> {
  const losses: Loss[] = [];
  if (lane.locked) losses.push({ kind: 'locked', reason: lane.locked.reason });
  if (existsSync(lane.lanePath)) {
    try {
      // --ignore-submodules=dirty: a submodule's new commits count even where .gitmodules says
      // to ignore them; its working tree is read apart (repo-work.ts), since git run in
      // the submodule would run the programs its config names, and the lane's agent writes it.
      const { stdout } = await runGit(lane.lanePath, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=dirty']);
      const status = statusEntries(stdout);
      // With every untracked file listed, git names a folder only when it is a repository of its
      // own. A submodule with changes is one too: its commits live in this worktree's git folder.
      const submodules = await gitlinks(lane.lanePath);
      const withCommits = status.changed.filter((f) => submodules.has(f));
      const withEdits: string[] = [];
      for (const sub of submodules) {
        if (withCommits.includes(sub) || !existsSync(join(lane.lanePath, sub, '.git'))) continue;
        const edits = await submoduleChanges(join(lane.lanePath, sub));
        if (edits === null) withEdits.push(`${sub} (a submodule Grove could not check)`);
        else if (edits.length) withEdits.push(`${sub} (a submodule with changes)`);
      }
      const nested = [...status.untracked.filter((f) => f.endsWith('/')), ...withCommits.map((f) => `${f} (a submodule with changes)`), ...withEdits];
      const files = status.untracked.filter((f) => !f.endsWith('/'));
      const changed = status.changed.filter((f) => !submodules.has(f));
      if (changed.length) losses.push({ kind: 'uncommitted', files: changed });
      if (files.length) losses.push({ kind: 'untracked', files });
      if (nested.length) losses.push({ kind: 'nested-repo', dirs: nested });
    } catch (e) {
      losses.push({ kind: 'check-failed', what: 'the working tree', error: (e as Error).message });
    }
    try {
      // git status does not look into the folders git ignores, which the removal deletes whole.
      const inIgnored = await reposInIgnoredDirs(lane.lanePath, (await listIgnored(lane.lanePath)).dirs);
      if (inIgnored.length) {
        const listed = losses.find((l) => l.kind === 'nested-repo');
        if (listed) listed.dirs.push(...inIgnored);
        else losses.push({ kind: 'nested-repo', dirs: inIgnored });
      }
    } catch (e) {
      losses.push({ kind: 'check-failed', what: 'the folders git ignores', error: (e as Error).message });
    }
  }
  if (lane.head) {
    try {
      const commits = await unmergedCommits(mainPath, lane.head);
      if (commits.length) losses.push({ kind: 'unmerged-commits', commits });
    } catch (e) {
      losses.push({ kind: 'check-failed', what: 'the commits', error: (e as Error).message });
    }
  }
  return losses;
}

/** The paths the lane's index holds as submodules (mode 160000). */
async function gitlinks(lanePath: string): Promise<Set<string>> {
  const { stdout } = await runGit(lanePath, ['ls-files', '-s', '-z']);
  return new Set(stdout.split('\0').filter((e) => e.startsWith('160000 ')).map((e) => e.slice(e.indexOf('\t') + 1)));
}

/** Commits reachable from `head` that are in neither MAIN nor any remote, by content. */
async function unmergedCommits(mainPath: string, head: string): Promise<string[]> {
  const main = (await runGit(mainPath, ['rev-parse', 'HEAD'])).stdout.trim();
  const { stdout } = await runGit(mainPath, ['rev-list', '--format=%h %s', '--no-commit-header', head, '--not', main, '--remotes']);
  const commits = stdout.split('\n').filter(Boolean);
  if (commits.length === 0) return [];
  // Rebase-merged: every commit has an equivalent patch in MAIN ("-" in git cherry).
  const cherry = (await runGit(mainPath, ['cherry', main, head])).stdout.split('\n').filter(Boolean);
  if (cherry.length > 0 && cherry.every((l) => l.startsWith('-'))) return [];
  // Squash-merged: the branch's whole change, as one commit on the merge base, is in MAIN.
  const base = (await runGit(mainPath, ['merge-base', main, head])).stdout.trim();
  const tree = (await runGit(mainPath, ['rev-parse', `${head}^{tree}`])).stdout.trim();
  const squash = (
    await runGit(mainPath, ['commit-tree', tree, '-p', base, '-m', 'grove squash check'], { env: ARCHIVE_IDENTITY })
  ).stdout.trim();
  const squashCherry = (await runGit(mainPath, ['cherry', main, squash])).stdout.trim();
  if (squashCherry.startsWith('-')) return [];
  return commits;
}

/** Grove's own commits (archives, squash checks) need an author even where none is configured. */
export const ARCHIVE_IDENTITY = {
  GIT_AUTHOR_NAME: 'Grove',
  GIT_AUTHOR_EMAIL: 'grove@localhost',
  GIT_COMMITTER_NAME: 'Grove',
  GIT_COMMITTER_EMAIL: 'grove@localhost',
};
