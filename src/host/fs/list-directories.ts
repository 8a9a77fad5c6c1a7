import { lstat, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { MAX_DIRECTORY_ENTRIES, type DirectoryEntry, type DirectoryListing } from '../../shared/directories';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';

/**
 * Completes a typed path with directory names, for the UI's add-a-repository field when no
 * native folder picker exists (a browser). It reads directory entries and asks one
 * question per matching directory (does it hold a `.git`?): it never opens a file, never
 * reports a file's name or size. Hidden directories are listed only when the typed name
 * starts with a dot, as a shell's completion does.
 */
export interface DirectoryQuery {
  /** The directory whose children are listed, absolute. */
  directory: string;
  /** The start of a child's name ("" lists every child). */
  segment: string;
}

/** Splits "/home/me/Si" into /home/me and "Si"; "/home/me/" lists /home/me; `~` is the home directory. */
export function parsePrefix(prefix: string, home: string = homedir()): DirectoryQuery {
  // Spliced as text, not joined: join would fold a typed "~/." into the home directory itself.
  const expanded = prefix === '~' || prefix.startsWith('~/') ? home.replace(/[\\/]+$/, '') + prefix.slice(1) : prefix;
  if (expanded.endsWith('/') || expanded.endsWith(sep)) return { directory: resolve(expanded), segment: '' };
  return { directory: resolve(dirname(expanded)), segment: basename(expanded) };
}

export async function listDirectories(prefix: string, home: string = homedir()): Promise<Result<DirectoryListing, ApiError>> {
  const { directory, segment } = parsePrefix(prefix, home);
  let names: string[];
  try {
    const dirents = await readdir(directory, { withFileTypes: true });
    const showHidden = segment.startsWith('.');
    // A name that is not UTF-8 reads with U+FFFD in place of its bytes: offered, it would
    // complete to a path that does not exist (and nothing can send its real bytes back).
    const candidates = dirents.filter((d) => d.name.startsWith(segment) && (showHidden || !d.name.startsWith('.')) && !d.name.includes('\uFFFD') && (d.isDirectory() || d.isSymbolicLink()));
    const isDir = await Promise.all(candidates.map((d) => (d.isDirectory() ? true : isDirectoryBehindLink(join(directory, d.name)))));
    names = candidates.filter((_, i) => isDir[i]).map((d) => d.name).sort(byName);
  } catch (e) {
    return err(listingError(e, directory));
  }
  const shown = names.slice(0, MAX_DIRECTORY_ENTRIES);
  const entries = await Promise.all(shown.map((name) => entryOf(directory, name)));
  return ok({ directory: withTrailingSep(directory), entries, truncated: names.length > shown.length });
}

async function entryOf(directory: string, name: string): Promise<DirectoryEntry> {
  const path = join(directory, name);
  return { name, path, isGitCheckout: await exists(join(path, '.git')) };
}

function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

async function isDirectoryBehindLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // a dangling link completes nothing
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function withTrailingSep(directory: string): string {
  return directory.endsWith(sep) ? directory : directory + sep;
}

function listingError(e: unknown, directory: string): ApiError {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return apiError('dir_missing', `${directory} does not exist: check the spelling of the path, or create the directory first.`, { path: directory });
    case 'ENOTDIR':
      return apiError('dir_not_directory', `${directory} is a file, not a directory: a repository's MAIN checkout is a directory.`, { path: directory });
    case 'EACCES':
    case 'EPERM':
      return apiError('dir_unreadable', `The host's user may not list ${directory} (permission denied): pick a directory it can read, or change the directory's permissions.`, { path: directory });
    // Typed paths reach these too: a name longer than the file system takes, a link that points back at itself.
    case 'ENAMETOOLONG':
      return apiError('dir_missing', `${directory} is not a directory here: a name in it is longer than the file system allows. Check the path.`, { path: directory });
    case 'ELOOP':
      return apiError('dir_missing', `${directory} cannot be followed: a symbolic link in it points back at itself (a loop). Fix or remove the link.`, { path: directory });
    default:
      throw e; // anything else is a bug or a broken disk: the dispatcher answers `internal` and logs it
  }
}
