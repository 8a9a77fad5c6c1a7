import { constants, existsSync, type ReadStream } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { MAX_ATTACHMENT_BYTES } from '../../shared/brief-constants';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import { tooLarge } from '../briefs/attach-image';

/**
 * A file an agent names to attach, opened only if it lies inside the agent's own lane: the
 * path is resolved against the lane (relative or absolute), symlinks followed, and whatever
 * it resolves to must be a regular file below the lane's own real path. An agent's token is
 * no key to the rest of the disk (`~/.ssh`, another lane, the data dir).
 *
 * The file is opened without following a last symlink (O_NOFOLLOW), and what was opened is
 * checked again where the kernel says it is (`/proc/self/fd/N`): a folder on the way swapped
 * for a link between the check and the open would have the host read a file outside the lane,
 * one a confined agent cannot read itself (~/.ssh, a browser's cache), and is refused.
 */
export interface LaneFile {
  name: string;
  size: number;
  stream(): ReadStream;
}

export async function openLaneFile(lanePath: string, path: string): Promise<Result<LaneFile, ApiError>> {
  const asked = resolve(lanePath, path);
  let lane: string;
  try {
    lane = await realpath(lanePath);
  } catch {
    return err(apiError('lane_missing', `Your lane ${lanePath} is gone, so there is nothing to attach from.`, { lanePath }));
  }
  const outside = (how: string) =>
    err(apiError('path_outside_lane', `${path} ${how} your lane ${lane}; only files inside the lane can be attached. Save the screenshot in the lane first.`, { path, lanePath: lane }));
  // Judged by the path alone first: a path outside the lane is not looked up at all, so the
  // answer cannot tell an agent what exists on the host's disk beyond what it may read.
  if (!within(asked, resolve(lanePath)) && !within(asked, lane)) return outside('is outside');
  const real = await realpath(asked).catch(() => null);
  if (real === null) {
    // A link (the file itself, or a folder on its way) that leads out answers as one that
    // leads nowhere: which of the two it is would say whether the host has a file there.
    return (await leadsOut(asked, lane)) ? outside('is a link that does not lead to a file inside') : err(apiError('invalid_request', `There is no file at ${path} (looked in ${asked}). Give a path inside your lane, relative to it or absolute.`, { path }));
  }
  if (!within(real, lane)) return outside('is a link that does not lead to a file inside');
  let handle;
  try {
    // O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer for ever,
    // holding one of libuv's four threads; it opens at once, and the check below refuses it.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return err(apiError('invalid_request', `${path} cannot be opened: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { path }));
  }
  if (!(await openedInside(handle.fd, lane, real))) {
    await handle.close();
    return err(apiError('path_outside_lane', `${path} changed while it was opened (a folder on its way was swapped for a link): it led outside your lane ${lane}. Attach a file that stays in the lane.`, { path, lanePath: lane }));
  }
  const info = await handle.stat();
  const name = basename(real);
  if (!info.isFile()) {
    await handle.close();
    return err(apiError('invalid_request', `${path} is not a file (a directory, a device or a pipe); attach an image file.`, { path }));
  }
  if (info.size > MAX_ATTACHMENT_BYTES) {
    await handle.close();
    return err(tooLarge(name));
  }
  return ok({ name, size: info.size, stream: () => handle.createReadStream() });
}

/**
 * Whether an open descriptor's file lies below `lane`, where the kernel says it is (Linux
 * names it in /proc/self/fd). Only where there is no /proc at all (macOS) does the path
 * checked before the open (`checked`) stand in; a descriptor /proc cannot name is refused.
 */
export async function openedInside(fd: number, lane: string, checked: string): Promise<boolean> {
  if (!existsSync('/proc/self/fd')) return within(checked, lane);
  const opened = await readlink(`/proc/self/fd/${fd}`).catch(() => null);
  return opened !== null && within(opened, lane);
}

/** The folder itself or anything below it. */
const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir + sep);

/**
 * Whether a path that resolves to nothing is a link: the file itself or a folder on its way a
 * link that resolves to nothing, or the nearest folder on its way that exists lying outside the
 * lane once its links are followed.
 */
async function leadsOut(asked: string, lane: string): Promise<boolean> {
  for (let at = asked; ; at = dirname(at)) {
    if (at !== asked) {
      const real = await realpath(at).catch(() => null);
      if (real !== null) return !within(real, lane);
    }
    // A link that resolves to nothing leads out as much as one to a folder that exists.
    if ((await lstat(at).catch(() => null))?.isSymbolicLink()) return true;
    if (dirname(at) === at) return false;
  }
}
