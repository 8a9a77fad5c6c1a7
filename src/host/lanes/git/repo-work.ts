import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './run-git';
import { statusEntries } from './worktree-status';

/**
 * What a lane's submodule holds in its working tree that its HEAD does not (changed and
 * untracked paths), read without the submodule's own config. That config is the lane's
 * agent's to write (the submodule's git folder lives in the lane's), and git run in it by the
 * host would run the programs it names (a clean filter, an fsmonitor) as the operator,
 * unconfined. So git reads it through a git folder of Grove's own, made for the moment: the
 * submodule's HEAD commit and index, its objects borrowed, and a config that names nothing.
 * Ignore rules in the submodule's own git folder are not read: an ignored file there shows as
 * untracked (counted, never lost). Null when it cannot be read so.
 */
export async function submoduleChanges(subPath: string): Promise<string[] | null> {
  const work = await workThroughOwnGitDir(subPath, false);
  return work && work.changes;
}

/** What a repository holds of its own, read as submoduleChanges reads it. */
export interface RepoWork {
  /** Changed and untracked paths in its working tree. */
  changes: string[];
  /** Commits on its HEAD or a branch that no remote-tracking ref has (only when refs are read). */
  unpushed: boolean;
  /** A stash (only when refs are read). */
  stash: boolean;
}

/**
 * The same reading, of any repository; with `refs`, its refs are copied into Grove's git folder
 * too (files only: git reads them, runs nothing), to tell commits no remote has and a stash.
 */
export async function workThroughOwnGitDir(path: string, refs: boolean): Promise<RepoWork | null> {
  let scratch: string | null = null;
  try {
    // rev-parse reads the folder and names, and runs nothing its config names. Its own `.git`
    // named: one git does not take for a repository is an error, not the lane's found above it.
    const theirs = ['--git-dir', join(path, '.git')];
    const gitDir = (await runGit(path, [...theirs, 'rev-parse', '--absolute-git-dir'])).stdout.trim();
    const head = (await runGit(path, [...theirs, 'rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [0, 1] })).stdout.trim();
    const format = (await runGit(path, [...theirs, 'rev-parse', '--show-object-format'])).stdout.trim();
    if (existsSync(join(gitDir, 'commondir'))) return null;
    scratch = mkdtempSync(join(tmpdir(), 'grove-repo-'));
    mkdirSync(join(scratch, 'objects', 'info'), { recursive: true });
    writeFileSync(join(scratch, 'objects', 'info', 'alternates'), `${realpathSync(join(gitDir, 'objects'))}\n`);
    if (refs) {
      if (existsSync(join(gitDir, 'refs'))) cpSync(join(gitDir, 'refs'), join(scratch, 'refs'), { recursive: true, verbatimSymlinks: true });
      if (existsSync(join(gitDir, 'packed-refs'))) copyFileSync(join(gitDir, 'packed-refs'), join(scratch, 'packed-refs'));
    }
    mkdirSync(join(scratch, 'refs'), { recursive: true });
    // An empty repository (no commit yet) holds only what its working tree does.
    writeFileSync(join(scratch, 'HEAD'), head ? `${head}\n` : 'ref: refs/heads/grove-none\n');
    writeFileSync(join(scratch, 'config'), format === 'sha256' ? '[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n' : '[core]\n\trepositoryformatversion = 0\n');
    if (existsSync(join(gitDir, 'index'))) copyFileSync(join(gitDir, 'index'), join(scratch, 'index'));
    const own = ['--git-dir', scratch, '--work-tree', path, '--no-optional-locks'];
    const status = statusEntries((await runGit(path, [...own, 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=all'])).stdout);
    const unpushed = refs && (await runGit(path, [...own, 'rev-list', '-n1', ...(head ? ['HEAD'] : []), '--branches', '--not', '--remotes'])).stdout.trim() !== '';
    const stash = refs && (await runGit(path, [...own, 'rev-parse', '--verify', '-q', 'refs/stash'], { okCodes: [0, 1] })).code === 0;
    return { changes: [...status.changed, ...status.untracked], unpushed, stash };
  } catch {
    return null;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
