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
  const { stdout } = await runGit(path, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=none']);
  const entries = stdout.split('\0');
  const out: WorktreeChanges = { changed: [], untracked: [] };
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.length < 4) continue;
    const xy = e.slice(0, 2);
    const file = e.slice(3);
    if (xy === '??') out.untracked.push(file);
    else out.changed.push(file);
    // A rename or copy is followed by the path it came from.
    if (xy[0] === 'R' || xy[0] === 'C') i++;
  }
  return out;
}
