import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from './run-git';

/**
 * Git repositories inside the folders a lane's git ignores whole (`vendor/`, `tools/`), and
 * what each holds that exists nowhere else. Removing the lane deletes those folders, and git
 * itself never looks into them: a clone kept there with commits of its own would go silently.
 *
 * A repository there is common and mostly harmless (a tool's checkout, a cache of clones), so
 * one counts only when it holds work: changes or untracked files, commits no remote has, or a
 * stash. Whatever cannot be checked counts too: in doubt, the lane is kept.
 */
export async function ignoredReposHoldingWork(lanePath: string, ignoredDirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ignoredDirs) await findRepos(join(lanePath, dir), dir.replace(/\/$/, ''), found);
  const held: string[] = [];
  for (const rel of found) {
    const work = await workIn(join(lanePath, rel));
    if (work) held.push(`${rel}/ (in a folder git ignores: ${work})`);
  }
  return held;
}

/** Each folder under `abs` that is a repository's root (holds `.git`, a folder or a file), not looking inside one found. */
async function findRepos(abs: string, rel: string, found: string[]): Promise<void> {
  let dir;
  try {
    dir = await opendir(abs);
  } catch {
    return; // gone, or not a folder: nothing there to lose
  }
  const subdirs: string[] = [];
  let isRepo = false;
  for await (const entry of dir) {
    if (entry.name === '.git') isRepo = true;
    // Symlinks are not followed: what they point at is not deleted with the lane.
    else if (entry.isDirectory()) subdirs.push(entry.name);
  }
  if (isRepo) {
    found.push(rel);
    return;
  }
  for (const name of subdirs) await findRepos(join(abs, name), `${rel}/${name}`, found);
}

/** What the repository at `root` holds that no remote has, in words; null for nothing. */
async function workIn(root: string): Promise<string | null> {
  try {
    const status = await runGit(root, ['status', '--porcelain', '-z', '--untracked-files=normal']);
    if (status.stdout !== '') return 'changes not committed';
    const hasHead = (await runGit(root, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [0, 1] })).code === 0;
    const unpushed = await runGit(root, ['rev-list', '-n1', ...(hasHead ? ['HEAD'] : []), '--branches', '--not', '--remotes']);
    if (unpushed.stdout.trim() !== '') return 'commits no remote has';
    const stashes = await runGit(root, ['stash', 'list']);
    if (stashes.stdout.trim() !== '') return 'a stash';
    return null;
  } catch (e) {
    return `could not check it: ${(e as Error).message.split('\n')[0]}`;
  }
}
