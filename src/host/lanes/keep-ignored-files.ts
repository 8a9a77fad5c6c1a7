import { constants, type Stats } from 'node:fs';
import { access, chmod, copyFile, lstat, mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { formatBytes } from '../../shared/byte-size';

/**
 * An archived lane's files that git ignores (`.env`, a local config: listIgnored's `files`),
 * copied into the data dir beside its agents' scrollback before the worktree is deleted: git's
 * archive ref cannot hold them. Folders git ignores whole (dependencies, build output) are not
 * kept; their tools make them again. Limits keep an archive from filling the disk with a
 * database dump: a file over the first, or files past the second, are named before anything
 * is removed, and the removal is refused until they are moved or deleted.
 */
export const KEPT_IGNORED_FILE_MAX = 64 * 1024 * 1024;
export const KEPT_IGNORED_TOTAL_MAX = 256 * 1024 * 1024;

/** A path git gave, relative to the lane and inside it (defensive: git never names "..", nor an absolute path). */
function isInside(rel: string): boolean {
  return !isAbsolute(rel) && !rel.split('/').includes('..');
}

/** What there is to keep of each file: its content or its link; sockets and pipes have neither. */
async function keepable(lanePath: string, rel: string): Promise<Stats | null> {
  if (!isInside(rel)) return null;
  const st = await lstat(join(lanePath, rel)).catch(() => null); // gone since git listed it
  return st && (st.isFile() || st.isSymbolicLink()) ? st : null;
}

/**
 * The files an archive could not keep, each named with why (its size, or that the host may
 * not read it); empty when all can be kept.
 */
export async function unkeepable(lanePath: string, files: readonly string[]): Promise<string[]> {
  const refused: string[] = [];
  let total = 0;
  for (const rel of files) {
    const st = await keepable(lanePath, rel);
    if (!st || st.isSymbolicLink()) continue;
    if (st.size > KEPT_IGNORED_FILE_MAX) refused.push(`${rel} (${formatBytes(st.size)})`);
    else if (!(await isReadable(join(lanePath, rel)))) refused.push(`${rel} (not readable by Grove)`);
    else total += st.size;
  }
  if (total > KEPT_IGNORED_TOTAL_MAX) refused.push(`${formatBytes(total)} of them in all, over the ${formatBytes(KEPT_IGNORED_TOTAL_MAX)} an archive keeps`);
  return refused;
}

const isReadable = (path: string): Promise<boolean> =>
  access(path, constants.R_OK).then(
    () => true,
    () => false,
  );

/** An ignored file the archive could not copy: the lane is kept, and the copies made so far are deleted. */
export class KeepIgnoredFailed extends Error {}

/**
 * Copies `files` from the lane into `dir` at the same relative paths, with their permission
 * bits (a secrets file stays owner-only); a symlink is kept as the link, not what it points
 * at. Returns the paths kept. Throws KeepIgnoredFailed on any failure (a file that grew past
 * the limits since they were checked too), so the lane is kept rather than removed with a
 * file its archive was asked to hold; `dir` is deleted then (copies only).
 */
export async function keepIgnoredFiles(lanePath: string, files: readonly string[], dir: string): Promise<string[]> {
  try {
    return await copyAll(lanePath, files, dir);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new KeepIgnoredFailed((e as Error).message);
  }
}

async function copyAll(lanePath: string, files: readonly string[], dir: string): Promise<string[]> {
  const kept: string[] = [];
  let total = 0;
  for (const rel of files) {
    const st = await keepable(lanePath, rel);
    if (!st) continue;
    if (!st.isSymbolicLink()) {
      total += st.size;
      if (st.size > KEPT_IGNORED_FILE_MAX || total > KEPT_IGNORED_TOTAL_MAX) throw new Error(`${rel} grew past what an archive keeps (${formatBytes(st.size)}) while the lane was being removed`);
    }
    const to = join(dir, rel);
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    if (st.isSymbolicLink()) {
      await symlink(await readlink(join(lanePath, rel)), to);
    } else {
      await copyFile(join(lanePath, rel), to, constants.COPYFILE_EXCL);
      await chmod(to, st.mode & 0o777);
    }
    kept.push(rel);
  }
  return kept;
}
