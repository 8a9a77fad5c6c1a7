import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Git repositories inside the folders a lane's git ignores whole (`vendor/`, `tools/`).
 * Removing the lane deletes those folders, and git itself never looks into them: a clone kept
 * there with commits of its own would go silently. So each one found is named as a loss, like
 * a nested repository git sees.
 *
 * Whether one holds work of its own is not asked of git: a repository the agent made is
 * configured by the agent, and git run in it by the host (status, log) would run the programs
 * its config names (a filter, a gpg program) as the operator, outside the lane's confinement.
 * Only the folders are read, never a file in them.
 */
export async function reposInIgnoredDirs(lanePath: string, ignoredDirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ignoredDirs) await findRepos(join(lanePath, dir), dir.replace(/\/$/, ''), found);
  return found.map((rel) => `${rel}/ (in a folder git ignores)`);
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
