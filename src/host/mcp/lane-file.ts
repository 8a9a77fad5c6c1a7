import { constants, existsSync, type ReadStream } from 'node:fs';
import { open, readlink, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, sep } from 'node:path';
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
  const asked = isAbsolute(path) ? path : join(lanePath, path);
  let lane: string;
  let real: string;
  try {
    lane = await realpath(lanePath);
  } catch {
    return err(apiError('lane_missing', `Your lane ${lanePath} is gone, so there is nothing to attach from.`, { lanePath }));
  }
  try {
    real = await realpath(asked);
  } catch {
    return err(apiError('invalid_request', `There is no file at ${path} (looked in ${asked}). Give a path inside your lane, relative to it or absolute.`, { path }));
  }
  if (!real.startsWith(lane + sep)) {
    return err(
      apiError('path_outside_lane', `${path} resolves to ${real}, outside your lane ${lane}; only files inside the lane can be attached. Save the screenshot in the lane first.`, {
        path,
        lanePath: lane,
      }),
    );
  }
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
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
  if (!existsSync('/proc/self/fd')) return checked.startsWith(lane + sep);
  const opened = await readlink(`/proc/self/fd/${fd}`).catch(() => null);
  return opened !== null && opened.startsWith(lane + sep);
}
