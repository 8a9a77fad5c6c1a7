import { runGit } from './run-git';

/**
 * What a worktree holds that HEAD does not: changed tracked paths (staged or not) and
 * untracked, non-ignored paths. Read with --no-optional-locks so looking never rewrites
 * the worktree's index (plain `git status` refreshes it when it can).
 */
export interface WorktreeChanges {
  changed: string[];
  untracked: string[];
}

export async function worktreeChanges(path: string): Promise<WorktreeChanges> {
  // A submodule's new commits count; its working tree is not looked at, since that would run
  // git in it under the config the lane's agent writes (lane-losses.ts).
  const { stdout } = await runGit(path, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=dirty']);
  return statusEntries(stdout);
}

/**
 * `git status --porcelain=v1 -z` read whole: every entry but an untracked one is a change
 * (whatever its code: a file turned into a symlink is `T`), and a rename or copy is followed
 * by its source path, which is not an entry of its own.
 */
export function statusEntries(stdout: string): { changed: string[]; untracked: string[] } {
  const parts = stdout.split('\0');
  const changed: string[] = [];
  const untracked: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i]!;
    if (e.length < 4) continue;
    const code = e.slice(0, 2);
    if (code === '??') untracked.push(e.slice(3));
    else if (code !== '!!') changed.push(e.slice(3));
    if (code.includes('R') || code.includes('C')) i++; // the source path
  }
  return { changed, untracked };
}
