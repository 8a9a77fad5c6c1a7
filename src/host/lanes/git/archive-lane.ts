import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVE_IDENTITY } from './lane-losses';
import { runGit } from './run-git';

/**
 * Snapshots everything in a lane (committed, staged, modified and untracked files) into
 * one commit on `refs/grove/archive/<lane>/<time>`, without touching the lane's index or
 * files: the snapshot is built in a temporary index. Restore with
 * `git checkout <ref> -- .` or `git worktree add <dir> <ref>`.
 */
export async function archiveLane(lanePath: string, laneName: string, now = new Date()): Promise<{ ref: string; commit: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'grove-archive-'));
  const index = { GIT_INDEX_FILE: join(dir, 'index'), ...ARCHIVE_IDENTITY };
  try {
    const head = await runGit(lanePath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [1] });
    const parent = head.code === 0 ? head.stdout.trim() : null;
    if (parent) await runGit(lanePath, ['read-tree', parent], { env: index });
    await runGit(lanePath, ['add', '-A', '.'], { env: index });
    const tree = (await runGit(lanePath, ['write-tree'], { env: index })).stdout.trim();
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    const commit = (
      await runGit(lanePath, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', `Grove archive of lane ${laneName} at ${now.toISOString()}`], { env: index })
    ).stdout.trim();
    const ref = archiveRefOf(laneName, stamp);
    await runGit(lanePath, ['update-ref', ref, commit]);
    return { ref, commit };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ref an archive of `laneName` made at `stamp` has (its agents' scrollback is kept under the same name: scrollbackDirOf). */
export function archiveRefOf(laneName: string, stamp: string): string {
  return `refs/grove/archive/${laneName}/${stamp}`;
}
