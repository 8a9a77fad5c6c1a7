import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { workThroughOwnGitDir } from './repo-work';

/**
 * Git repositories inside the folders a lane's git ignores whole (`vendor/`, `tools/`), and
 * what each holds that exists nowhere else. Removing the lane deletes those folders, and git
 * itself never looks into them: a clone kept there with commits of its own would go silently.
 *
 * A repository there is common and mostly harmless (a tool's checkout, a cache of clones), so
 * one counts only when it holds work: changes or untracked files, commits no remote has, or a
 * stash. It is read through a git folder of Grove's own (repo-work.ts), never with its
 * own config, which whoever made it wrote: git run with it would run the programs it names (a
 * filter, a gpg program) as the operator, outside the lane's confinement. Whatever cannot be
 * read so counts too: in doubt, the lane is kept.
 */
export async function reposInIgnoredDirs(lanePath: string, ignoredDirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ignoredDirs) await findRepos(join(lanePath, dir), dir.replace(/\/$/, ''), found);
  const held: string[] = [];
  for (const rel of found) {
    const work = await workThroughOwnGitDir(join(lanePath, rel), true);
    const what = work === null ? 'Grove could not read it' : work.changes.length ? 'changes not committed' : work.unpushed ? 'commits no remote has' : work.stash ? 'a stash' : null;
    if (what) held.push(`${rel}/ (in a folder git ignores: ${what})`);
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
