import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runGit } from '../lanes/git/run-git';
import type { Logger } from '../logger';

/**
 * Watches a directory tree through file events, one non-recursive fs.watch per directory.
 * Node 20's recursive fs.watch on Linux walks and watches everything, node_modules and
 * vendor included (tens of thousands of directories), and cannot be told to skip any; so
 * the tree is walked here, `.git` and ignored directories are never entered, directories
 * created later get a watcher and removed ones lose theirs.
 *
 * Owns the watchers only; what counts as ignored is the caller's (`listGitIgnored` gives
 * git's answer) and what a change means is the caller's too. Paths are relative to the
 * root, with '/' separators; the root itself is ''.
 */
export interface TreeWatcher {
  close(): void;
  watchedDirs(): number;
  /** Settles when the first walk of the tree is done (every directory then has its watcher). */
  readonly ready: Promise<void>;
  /**
   * Asks `ignore` again about every watched directory (dropping those it now ignores) and
   * walks the tree for directories it no longer ignores. For when the ignore rules changed.
   */
  refresh(): Promise<void>;
}

export interface WatchTreeOptions {
  ignore(relPath: string): boolean;
  onChange(relPath: string): void;
  logger?: Logger;
}

/** readdir calls in flight during a walk: enough to keep the thread pool busy, not flood it. */
const WALK_CONCURRENCY = 8;

export function watchTree(root: string, o: WatchTreeOptions): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  const limit = limiter(WALK_CONCURRENCY);
  let closed = false;
  let limitWarned = false;
  let limitFailures = 0;

  const abs = (rel: string): string => (rel === '' ? root : join(root, rel));
  const childOf = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);

  const unwatch = (rel: string): void => {
    const prefix = rel === '' ? '' : `${rel}/`;
    for (const [dir, w] of watchers) {
      if (dir === rel || dir.startsWith(prefix)) {
        w.close();
        watchers.delete(dir);
      }
    }
  };

  /** Adds the directory's watcher; false when it is already watched or cannot be. */
  const watchDir = (rel: string): boolean => {
    if (closed || watchers.has(rel)) return false;
    let w: FSWatcher;
    try {
      w = watch(abs(rel), (event, filename) => onEvent(rel, event, filename));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EMFILE') {
        // The inotify watch (ENOSPC) or instance (EMFILE) limit: keep what is watched.
        limitFailures++;
        if (!limitWarned) {
          limitWarned = true;
          o.logger?.warn('file watch limit reached; changes in directories past it will be missed', {
            root,
            dir: rel,
            code,
            watched: watchers.size,
            fix: 'raise fs.inotify.max_user_watches (sysctl), or git-ignore big generated directories',
          });
        }
      } else if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        o.logger?.debug('cannot watch directory', { root, dir: rel, code });
      }
      return false;
    }
    // A watcher whose directory disappears may report an error; it is simply dropped.
    w.on('error', () => unwatch(rel));
    watchers.set(rel, w);
    return true;
  };

  /** Watches `rel` and every directory below it, listing each only after watching it. */
  const walk = async (rel: string): Promise<void> => {
    // Watch first, then list: an entry created in between is seen by one or the other.
    if (!watchDir(rel)) return;
    let children: string[];
    try {
      const entries = await limit(() => readdir(abs(rel), { withFileTypes: true }));
      children = entries.filter((e) => e.isDirectory() && e.name !== '.git').map((e) => childOf(rel, e.name));
    } catch (e) {
      // Removed while we looked (ENOENT) or replaced by a file (ENOTDIR).
      unwatch(rel);
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') o.logger?.debug('cannot list directory', { root, dir: rel, code });
      return;
    }
    if (closed) return;
    await Promise.all(children.filter((c) => !o.ignore(c)).map(walk));
  };

  /** A name appeared or vanished in a watched directory: follow it if it is a directory. */
  const settle = async (dir: string, rel: string): Promise<void> => {
    try {
      const st = await lstat(abs(rel));
      if (closed) return;
      if (st.isDirectory()) {
        if (!watchers.has(rel)) await walk(rel);
      } else if (watchers.has(rel)) {
        unwatch(rel);
      }
      o.onChange(rel);
    } catch {
      if (closed) return;
      if (watchers.has(rel)) unwatch(rel);
      // A deleted directory's own watcher reports its own name; its parent reports the
      // deletion properly, so this one only drops the watcher.
      if (dir !== '' && rel === `${dir}/${basename(dir)}`) {
        try {
          await lstat(abs(dir));
        } catch {
          unwatch(dir);
          return;
        }
      }
      o.onChange(rel);
    }
  };

  const onEvent = (dir: string, event: string, filename: string | Buffer | null): void => {
    if (closed || !watchers.has(dir)) return;
    if (filename === null) {
      // Linux always names the entry; should it not, rescan the directory.
      void walkChildren(dir);
      o.onChange(dir);
      return;
    }
    const name = filename.toString();
    if (name === '.git') return;
    const rel = childOf(dir, name);
    if (o.ignore(rel)) return;
    if (event === 'rename') void settle(dir, rel);
    else o.onChange(rel);
  };

  const walkChildren = async (dir: string): Promise<void> => {
    try {
      const entries = await readdir(abs(dir), { withFileTypes: true });
      const fresh = entries.filter((e) => e.isDirectory() && e.name !== '.git').map((e) => childOf(dir, e.name));
      await Promise.all(fresh.filter((c) => !o.ignore(c) && !watchers.has(c)).map(walk));
    } catch {
      // Gone: its parent's watcher reports that.
    }
  };

  const ready = walk('');

  return {
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
      if (limitFailures > 1) o.logger?.debug('directories left unwatched at the watch limit', { root, count: limitFailures });
    },
    watchedDirs: () => watchers.size,
    ready,
    async refresh() {
      for (const dir of [...watchers.keys()]) {
        if (dir !== '' && watchers.has(dir) && o.ignore(dir)) unwatch(dir);
      }
      if (closed) return;
      // Walk again from every watched directory: `walk` skips those already watched, so
      // listing them is the cost, and new watchers go only where the rules now allow.
      await Promise.all([...watchers.keys()].map(walkChildren));
    },
  };
}

/**
 * What git ignores under `root`, from one walk: `git ls-files --others --ignored
 * --exclude-standard --directory`, whose directories are then confirmed with
 * `git check-ignore` — ls-files also lists a directory whose contents all happen to be
 * ignored, and such a directory must stay watched (a new file in it would not be).
 * Paths are relative, '/'-separated, without a trailing slash.
 */
export async function listGitIgnored(root: string): Promise<Set<string>> {
  const { stdout } = await runGit(root, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']);
  const entries = stdout.split('\0').filter(Boolean);
  const files = entries.filter((e) => !e.endsWith('/'));
  const dirs = entries.filter((e) => e.endsWith('/'));
  const out = new Set(files);
  for (const d of await checkIgnored(root, dirs)) out.add(d.replace(/\/$/, ''));
  return out;
}

/** The given paths that git's ignore rules match (tracked paths never are). */
export async function checkIgnored(root: string, relPaths: readonly string[]): Promise<string[]> {
  if (relPaths.length === 0) return [];
  const stdin = relPaths.join('\0') + '\0';
  // check-ignore exits 1 when nothing matched.
  const { stdout } = await runGit(root, ['check-ignore', '--stdin', '-z'], { input: stdin, okCodes: [1] });
  return stdout.split('\0').filter(Boolean);
}

/** A predicate over `ignored` (as `listGitIgnored` gives it): the path or one of its parents is in it. */
export function isIgnoredBy(ignored: ReadonlySet<string>): (relPath: string) => boolean {
  return (relPath) => {
    if (ignored.size === 0) return false;
    for (let i = relPath.indexOf('/'); i !== -1; i = relPath.indexOf('/', i + 1)) {
      if (ignored.has(relPath.slice(0, i))) return true;
    }
    return ignored.has(relPath);
  };
}

/**
 * runGit, with input: check-ignore reads NUL-separated paths only from stdin (`-z` needs
 * `--stdin`), which keeps odd names unquoted and long lists clear of ARG_MAX. Same clean
 * environment and the same GitError as runGit.
 */
/** At most `n` of the given tasks at once; a freed slot passes straight to the next waiter. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
