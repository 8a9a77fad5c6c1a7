import { existsSync, realpathSync } from 'node:fs';
import { GitError, runGit } from './run-git';

/**
 * Every operation that writes checks first that its directory is the worktree it was told
 * about. A lane whose directory vanished must fail with a message a person can act on, and
 * a directory that lost its `.git` must never let git walk up and find some other
 * repository (a dotfiles repo in $HOME would happily take an `add -A`).
 */
export class WorktreeMissingError extends Error {
  readonly code = 'worktree_missing';
  constructor(
    readonly path: string,
    readonly role: 'lane' | 'MAIN',
    readonly reason: 'missing' | 'not-a-worktree',
  ) {
    super(messageFor(path, role, reason, null));
  }

  /** The message where the lane's name is known: the command to remove it, as typed. */
  naming(laneName: string): string {
    return messageFor(this.path, this.role, this.reason, laneName);
  }
}

function messageFor(path: string, role: 'lane' | 'MAIN', reason: 'missing' | 'not-a-worktree', laneName: string | null): string {
  const whose = role === 'lane' ? "The lane's directory" : "MAIN's directory";
  if (reason === 'not-a-worktree') {
    return `${whose} ${path} is not the top of a git worktree. Check that it still has its .git entry (\`git worktree repair\` in MAIN can fix a moved lane), then try again; nothing was changed.`;
  }
  const restore = `${whose} ${path} does not exist. Restore it (a disk not mounted, a folder moved away), then try again`;
  if (role === 'MAIN') return `${restore}; nothing was changed.`;
  // Never `git worktree prune`: it drops the entry of every worktree missing just then, and
  // with it the index, detached commits and rebase of a lane that is only away for a while.
  const remove = laneName === null ? 'grove lane remove with its name, or Remove in the cockpit' : `grove lane remove ${laneName}, or Remove in the cockpit`;
  return `${restore}. If it is gone for good, remove the lane (${remove}), which drops git's entry for this worktree alone, or drop that entry yourself with \`git worktree remove --force ${path}\` in MAIN. Nothing was changed.`;
}

export async function requireWorktree(path: string, role: 'lane' | 'MAIN'): Promise<void> {
  if (!existsSync(path)) throw new WorktreeMissingError(path, role, 'missing');
  let top;
  try {
    top = await runGit(path, ['rev-parse', '--show-toplevel'], { okCodes: [128] });
  } catch (e) {
    if (e instanceof GitError && e.output.notStarted !== undefined) {
      // Gone between the look above and git's start; or a file where the directory was.
      if (!existsSync(path)) throw new WorktreeMissingError(path, role, 'missing');
      if (e.output.notStarted === 'ENOTDIR') throw new WorktreeMissingError(path, role, 'not-a-worktree');
    }
    // Ended for its time (a hung network file system), or git could not start at all (not
    // installed, no processes or files left): said as that, not as a lane gone.
    throw e;
  }
  if (top.code !== 0 || !sameDir(top.stdout.trim(), path)) throw new WorktreeMissingError(path, role, 'not-a-worktree');
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
