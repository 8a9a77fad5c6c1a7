import { runGit } from './run-git';

/** `git worktree list --porcelain`, parsed. The first entry is the main worktree. */
export interface Worktree {
  path: string;
  head: string | null;
  /** Short branch name; null when detached. */
  branch: string | null;
  bare: boolean;
  locked: boolean;
  prunable: boolean;
}

export async function listWorktrees(mainPath: string): Promise<Worktree[]> {
  const { stdout } = await runGit(mainPath, ['worktree', 'list', '--porcelain']);
  const out: Worktree[] = [];
  for (const block of stdout.split('\n\n')) {
    const lines = block.split('\n').filter(Boolean);
    const path = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (!path) continue;
    const branchRef = lines.find((l) => l.startsWith('branch '))?.slice('branch '.length) ?? null;
    out.push({
      path,
      head: lines.find((l) => l.startsWith('HEAD '))?.slice(5) ?? null,
      branch: branchRef?.startsWith('refs/heads/') ? branchRef.slice('refs/heads/'.length) : branchRef,
      bare: lines.includes('bare'),
      locked: lines.some((l) => l === 'locked' || l.startsWith('locked ')),
      prunable: lines.some((l) => l === 'prunable' || l.startsWith('prunable ')),
    });
  }
  return out;
}
