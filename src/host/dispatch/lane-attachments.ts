import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants, copyFileSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { MAX_ATTACHMENT_BYTES } from '../../shared/brief-constants';
import type { Brief } from '../../shared/briefs';
import type { Logger } from '../logger';
import type { BlobFetch } from '../sync/blob-sync';

/**
 * A dispatched lane's own corner, `.grove/`, which git ignores (a `.gitignore` of `*` inside
 * it: no shared exclude file is touched). The brief's screenshots are copied under
 * `.grove/briefs/<N>/` so an agent whose model never sees MCP images reads them as files;
 * the agent keeps its own screenshots there too before it attaches them, so they never block
 * the lane's merge as untracked files.
 */
export const LANE_GROVE_DIR = '.grove';
export const LANE_BRIEFS_DIR = `${LANE_GROVE_DIR}/briefs`;

/** Makes the lane's `.grove/` (ignored by git) if it is not there. */
export function ensureLaneGroveDir(lanePath: string): void {
  const dir = realFolderIn(lanePath, LANE_GROVE_DIR);
  realFolderIn(lanePath, LANE_BRIEFS_DIR);
  try {
    // Created, never written through: a `.gitignore` there that is a link (even a dangling one) is left alone.
    writeFileSync(join(dir, '.gitignore'), "# Grove's corner of this lane (briefs' attachments, screenshots): never committed.\n*\n", { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/**
 * `rel`, a folder under the lane, made of real folders only: each level is made if it is
 * missing, and one that is a link or a file is refused. The lane's files are the agent's (or a
 * repository's, committed): a link there would take the host's writes out of the lane, past
 * an agent's confinement.
 */
function realFolderIn(lanePath: string, rel: string): string {
  let at = lanePath;
  for (const part of rel.split('/')) {
    at = join(at, part);
    const st = lstatOrNull(at);
    // mkdir refuses a name taken meanwhile (a link made between the look and the make).
    if (!st) mkdirSync(at);
    else if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`${at} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; Grove writes only into real folders of the lane`);
  }
  return at;
}

/** What is at `path` itself (a link not followed), or null when nothing is. */
function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Copies `from` to `name` in `dir` (a real folder of the lane) without following a link:
 * into a new file (an existing name, a link included, is refused), then renamed over `name`
 * (a rename replaces a link, never writes through it), once `dir` is checked to be still where
 * it was (not swapped for a link meanwhile).
 */
function copyInto(from: string, dir: string, name: string, realDir: string): void {
  const part = join(dir, `.${name}.${randomUUID()}.part`);
  copyFileSync(from, part, constants.COPYFILE_EXCL);
  try {
    if (realpathSync(dir) !== realDir) throw new Error(`${dir} moved while an attachment was copied into it; Grove writes only into real folders of the lane`);
    renameSync(part, join(dir, name));
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
}

/** Where a brief's images come from: this host's blob store, and the shared store for one attached elsewhere. */
export interface LaneBlobSource {
  path(sha256: string): string;
  isHere(sha256: string): boolean;
  fetch(sha256: string): Promise<BlobFetch>;
}

/**
 * Copies the brief's images into the lane, fetching from the shared store those attached on
 * another host. An image that cannot be had now (not uploaded yet, the store unreachable) is
 * left out and logged: the agent starts with the others rather than wait.
 */
export async function placeAttachments(brief: Brief, lanePath: string, blobs: LaneBlobSource, logger: Logger): Promise<string[]> {
  ensureLaneGroveDir(lanePath);
  if (brief.attachments.length === 0) return [];
  const dir = realFolderIn(lanePath, `${LANE_BRIEFS_DIR}/${brief.number}`);
  const realDir = join(realpathSync(lanePath), LANE_BRIEFS_DIR, String(brief.number));
  const paths = attachmentPaths(brief);
  const written: string[] = [];
  for (const a of brief.attachments) {
    if (!blobs.isHere(a.sha256)) {
      const fetched = await blobs.fetch(a.sha256);
      if (fetched.kind !== 'fetched') {
        logger.warn('an attachment is not copied into the lane: its image is not on this host', { brief: brief.number, name: a.name, sha256: a.sha256, why: fetched.kind });
        continue;
      }
    }
    const path = paths.get(a.id)!;
    copyInto(blobs.path(a.sha256), dir, basename(path), realDir);
    written.push(path);
  }
  return written;
}

/**
 * The sha256 of a regular file no larger than an attachment may be, or null for anything else.
 * Checked on the descriptor opened, not on the path before: the lane's agent may swap the file
 * for a link or a named pipe in between, and reading a pipe with no writer would hold the
 * host's main thread for ever (O_NONBLOCK opens one at once, and fstat then refuses it).
 */
function imageHash(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    // A link: neither followed nor an image of the brief's.
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return null;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    return st.isFile() && st.size <= MAX_ATTACHMENT_BYTES ? createHash('sha256').update(readFileSync(fd)).digest('hex') : null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes from the lanes' `.grove/briefs/<N>/` the files that are one of these images (by
 * their bytes: a redaction leaves no name to go by, and a copy renamed by the agent is the
 * image still). Only regular files in real folders; a link is neither followed nor removed.
 * Answers the paths removed; one that cannot be read or removed is logged and left.
 */
export function removeImageCopies(lanePaths: readonly string[], sha256s: readonly string[], logger: Logger): string[] {
  const wanted = new Set(sha256s);
  const removed: string[] = [];
  const realDir = (p: string): boolean => {
    try {
      const st = lstatOrNull(p);
      return st !== null && st.isDirectory() && !st.isSymbolicLink();
    } catch {
      return false;
    }
  };
  // Each folder and file on its own: one that cannot be read is logged and the rest go on (the
  // redaction that called this has committed; nothing here may undo or fail it).
  const each = (what: string, work: () => void): void => {
    try {
      work();
    } catch (e) {
      logger.warn('a copy of a redacted image in a lane could not be looked at or removed', { path: what, error: (e as Error).message });
    }
  };
  for (const lane of lanePaths) {
    const briefs = join(lane, LANE_BRIEFS_DIR);
    if (!realDir(join(lane, LANE_GROVE_DIR)) || !realDir(briefs)) continue;
    each(briefs, () => {
      for (const folder of readdirSync(briefs)) {
        const dir = join(briefs, folder);
        if (!realDir(dir)) continue;
        each(dir, () => {
          for (const name of readdirSync(dir)) {
            const file = join(dir, name);
            each(file, () => {
              if (!wanted.has(imageHash(file) ?? '')) return;
              rmSync(file);
              removed.push(file);
            });
          }
        });
      }
    });
  }
  return removed;
}

/** Each attachment's path in a lane, relative to it, by attachment id: the same names `placeAttachments` writes. */
export function attachmentPaths(brief: Brief): Map<string, string> {
  const used = new Set<string>();
  return new Map(brief.attachments.map((a) => [a.id, `${LANE_BRIEFS_DIR}/${brief.number}/${uniqueName(safeName(a.name), used)}`]));
}

/**
 * The attachments that are in this lane as files (placed by a dispatch), for the recall an
 * agent there reads. A regular file inside the lane only: a link an agent put at one of the
 * paths (or in place of a folder on the way) counts as no file, whether or not what it points
 * to exists, so a recall never tells a confined agent whether a path outside its lane does.
 */
export function attachmentFilesIn(brief: Brief, lanePath: string): Map<string, string> {
  let root: string;
  try {
    root = realpathSync(lanePath);
  } catch {
    return new Map();
  }
  const isFileHere = (path: string): boolean => {
    try {
      const full = join(root, path);
      return lstatSync(full).isFile() && realpathSync(full) === full;
    } catch {
      return false;
    }
  };
  return new Map([...attachmentPaths(brief)].filter(([, path]) => isFileHere(path)));
}

/** A file name that stays in its folder: no separators, no leading dots, no control characters. */
export function safeName(name: string): string {
  const cleaned = [...name].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '_' : c)).join('').replace(/^\.+/, '').trim();
  return cleaned === '' ? 'attachment' : cleaned.slice(0, 120);
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; used.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
  used.add(candidate);
  return candidate;
}
