import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readFile, readlink, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { escapePath, glob } from 'tinyglobby';
import type { GroveConfig } from '../../../shared/config';
import { renderTemplate, TemplateError, type TemplateVars } from '../../config/template';
import { runGit } from '../git/run-git';
import { setDotenvKeys, stripDotenvKeys } from './dotenv-edit';

/**
 * Brings a new lane the files git does not give it (grove.yaml `setup.copy` and
 * `setup.link`): copies of MAIN's untracked and ignored files such as .env, rendered and
 * edited on the way, and symlinks to what the lanes share.
 *
 * Patterns are relative to MAIN and never leave it: `..` and absolute paths are refused,
 * every match is checked to lie inside MAIN, symlinks in MAIN are not followed (a glob
 * does not descend through them, and a copy refuses a source that is one or whose path
 * goes through one, e.g. `home/id_rsa` with `home` a link to a directory elsewhere: its
 * real path must be its path in MAIN, so nothing outside MAIN is ever read), and nothing
 * under a `.git` is matched. A pattern that names an existing path is taken literally, so
 * `app/[id].ts` is that file. A copy's `to` is templated ({{lane}}, {{branch}}, …) and,
 * rendered, is held to the same rules: relative, no `..`, not into `.git`; its parent
 * directories must resolve inside the lane when it is written.
 *
 * Never clobbers: a path the lane already has — from git (`tracked`) or otherwise
 * (`exists`, e.g. a second run) — is left as it is and reported in `skipped`; so is a
 * pattern that matched nothing (`no_match`: a fresh clone has no .env yet) and a copy
 * source that is a symlink or lies behind one (`symlink`). When several copy entries give the same
 * destination, the later entry wins. Every template and `set` value is rendered before
 * anything is written, so a template error leaves the lane untouched; an I/O error
 * midway leaves what was done so far.
 *
 * Keeping links out of commits: git reads one `info/exclude`, in the common dir, shared
 * by MAIN and every lane. An entry there for a lane's link would also hide the real file
 * or directory at that path in MAIN (where the link points, and where it is usually an
 * untracked file the team wants to see) and a real file an agent makes at that path in
 * another lane. So each lane gets its own excludes file instead: `core.excludesFile` set
 * in the lane's worktree config (`extensions.worktreeConfig`, which changes nothing for
 * worktrees without a config.worktree). Since that setting replaces the user's global
 * excludes file for this lane, the global file's content is copied into the lane's file
 * above the block of links, so the lane ignores what MAIN ignores (as of the copy).
 * The file lives in the lane's private git dir and goes away with the worktree.
 */
export type SkipReason = 'tracked' | 'exists' | 'no_match' | 'symlink';

export type LaneFilesOutcome =
  | {
      ok: true;
      /** Lane-relative paths written. */
      copied: string[];
      /** Lane-relative paths that are symlinks into MAIN (made now, or already there from an earlier run). */
      linked: string[];
      /** Keys removed from copied dotenv files because the lane is key-less. */
      stripped: { file: string; keys: string[] }[];
      /** Lane-relative paths listed in the lane's own excludes file. */
      excluded: string[];
      /** Left alone; `path` is the pattern for `no_match`, else the lane-relative path. */
      skipped: { path: string; reason: SkipReason }[];
    }
  | { ok: false; message: string; path: string };

export interface ApplyLaneFilesOptions {
  mainPath: string;
  lanePath: string;
  setup: NonNullable<GroveConfig['setup']>;
  vars: TemplateVars;
  keyless: boolean;
}

/** Marks Grove's lines in a lane's excludes file. */
export const LANE_EXCLUDE_FILE = 'grove-exclude';
const LINKS_MARKER = '# grove: lane links';

type Failure = { ok: false; message: string; path: string };
const failure = (message: string, path: string): Failure => ({ ok: false, message, path });

interface PlannedCopy {
  source: string;
  dest: string;
  /** Set when the content is transformed; the bytes to write. */
  content: string | null;
  stripped: string[];
}

export async function applyLaneFiles(o: ApplyLaneFilesOptions): Promise<LaneFilesOutcome> {
  if (!isAbsolute(o.mainPath) || !isAbsolute(o.lanePath)) return failure('MAIN and the lane must be absolute paths', o.lanePath);
  if (!(await isDirectory(o.lanePath))) return failure(`the lane directory ${o.lanePath} does not exist`, o.lanePath);
  const laneReal = await realpath(o.lanePath);
  if (laneReal === (await realpath(o.mainPath).catch(() => o.mainPath))) {
    return failure(`${o.lanePath} is MAIN; lane files go into a lane's worktree, never into MAIN`, o.lanePath);
  }
  const skipped: { path: string; reason: SkipReason }[] = [];

  const copies = await planCopies(o, skipped);
  if (!Array.isArray(copies)) return copies;
  const links = await planLinks(o, skipped);
  if (!Array.isArray(links)) return links;

  const tracked = await trackedIn(o.lanePath, [...copies.map((c) => c.dest), ...links]);
  if (!(tracked instanceof Set)) return tracked;

  const copied: string[] = [];
  const stripped: { file: string; keys: string[] }[] = [];
  for (const c of copies) {
    const reason = await occupied(o.lanePath, c.dest, tracked);
    if (reason) {
      skipped.push({ path: c.dest, reason });
      continue;
    }
    const wrote = await writeCopy(o.mainPath, o.lanePath, laneReal, c);
    if (wrote) return wrote;
    copied.push(c.dest);
    if (c.stripped.length) stripped.push({ file: c.dest, keys: c.stripped });
  }

  const linked: string[] = [];
  for (const rel of links) {
    const target = join(o.mainPath, rel);
    const at = join(o.lanePath, rel);
    if (await isSymlinkTo(at, target)) {
      linked.push(rel);
      continue;
    }
    const reason = await occupied(o.lanePath, rel, tracked);
    if (reason) {
      skipped.push({ path: rel, reason });
      continue;
    }
    try {
      await makeParentInside(laneReal, at);
      await symlink(target, at);
    } catch (e) {
      return failure(`could not link ${rel} to ${target}: ${(e as Error).message}`, at);
    }
    linked.push(rel);
  }

  let excluded: string[] = [];
  if (linked.length) {
    const result = await excludeInLane(o.lanePath, linked);
    if (!Array.isArray(result)) return result;
    excluded = result;
  }
  return { ok: true, copied, linked, stripped, excluded, skipped };
}

// ---------------------------------------------------------------------------------------
// Planning: match, check, render. Nothing is written here.

async function planCopies(o: ApplyLaneFilesOptions, skipped: { path: string; reason: SkipReason }[]): Promise<PlannedCopy[] | Failure> {
  const mainReal = await realpath(o.mainPath);
  const byDest = new Map<string, { source: string; template: boolean; set: Record<string, string> | undefined }>();
  for (const raw of o.setup.copy ?? []) {
    const entry = typeof raw === 'string' ? { from: raw } : raw;
    const bad = unsafePattern(entry.from, 'setup.copy');
    if (bad) return failure(bad, entry.from);
    let to: string | undefined;
    if (entry.to !== undefined) {
      try {
        to = renderTemplate(entry.to, o.vars);
      } catch (e) {
        if (e instanceof TemplateError) return failure(`setup.copy \`to\` "${entry.to}": ${e.message}`, entry.to);
        throw e;
      }
      const badTo = unsafePattern(to, 'setup.copy `to`');
      if (badTo) return failure(to === entry.to ? badTo : `${badTo} (rendered from "${entry.to}")`, entry.to);
    }
    const literal = await lstatOrNull(join(o.mainPath, entry.from));
    if (literal?.isSymbolicLink()) {
      skipped.push({ path: entry.from, reason: 'symlink' });
      continue;
    }
    const found = await matchInMain(o.mainPath, entry.from, 'files', literal !== null);
    if (!Array.isArray(found)) return found;
    const matches: string[] = [];
    for (const m of found) {
      if (await isBehindSymlink(o.mainPath, mainReal, m)) skipped.push({ path: m, reason: 'symlink' });
      else matches.push(m);
    }
    if (matches.length === 0) {
      if (found.length === 0) skipped.push({ path: entry.from, reason: 'no_match' });
      continue;
    }
    if (to !== undefined && matches.length > 1) {
      const shown = matches.slice(0, 5).join(', ') + (matches.length > 5 ? ', …' : '');
      return failure(
        `setup.copy "${entry.from}" matched ${matches.length} files (${shown}), but \`to\` names a single file. Narrow the pattern to one file or drop \`to\`.`,
        entry.from,
      );
    }
    for (const source of matches) {
      const dest = to !== undefined ? posix.normalize(to) : source;
      byDest.delete(dest); // the later entry wins, and takes the later place
      byDest.set(dest, { source, template: entry.template === true, set: entry.set });
    }
  }

  const stripPatterns = o.keyless ? (o.setup.stripKeys ?? []) : [];
  const planned: PlannedCopy[] = [];
  for (const [dest, p] of byDest) {
    // A dotenv file by either name: `.env` copied to `app/local.env` holds the same keys.
    const strip = stripPatterns.length > 0 && (isDotenvName(dest) || isDotenvName(p.source));
    if (!p.template && !p.set && !strip) {
      planned.push({ source: p.source, dest, content: null, stripped: [] });
      continue;
    }
    let text: string;
    try {
      if (await isBehindSymlink(o.mainPath, mainReal, p.source)) throw new Error('it is (or lies behind) a symbolic link now');
      text = await readFile(join(o.mainPath, p.source), 'utf8');
    } catch (e) {
      return failure(`could not read ${p.source} in MAIN: ${(e as Error).message}`, join(o.mainPath, p.source));
    }
    try {
      if (p.template) text = renderTemplate(text, o.vars);
      let removed: string[] = [];
      if (strip) ({ text, removed } = stripDotenvKeys(text, stripPatterns));
      // After stripping: a value the recipe sets on purpose is not a secret to withhold.
      if (p.set) {
        const values: Record<string, string> = {};
        for (const [key, value] of Object.entries(p.set)) values[key] = renderTemplate(value, o.vars);
        text = setDotenvKeys(text, values);
      }
      planned.push({ source: p.source, dest, content: text, stripped: removed });
    } catch (e) {
      if (e instanceof TemplateError) return failure(`setup.copy "${p.source}": ${e.message}`, join(o.mainPath, p.source));
      throw e;
    }
  }
  return planned;
}

async function planLinks(o: ApplyLaneFilesOptions, skipped: { path: string; reason: SkipReason }[]): Promise<string[] | Failure> {
  const all = new Set<string>();
  for (const pattern of o.setup.link ?? []) {
    const bad = unsafePattern(pattern, 'setup.link');
    if (bad) return failure(bad, pattern);
    const literal = await lstatOrNull(join(o.mainPath, pattern));
    // A symlink named as is gets linked to (the lane's link then points at MAIN's link).
    if (literal?.isSymbolicLink()) {
      all.add(posix.normalize(pattern).replace(/\/$/, ''));
      continue;
    }
    const matches = await matchInMain(o.mainPath, pattern, 'entries', literal !== null);
    if (!Array.isArray(matches)) return matches;
    if (matches.length === 0) skipped.push({ path: pattern, reason: 'no_match' });
    for (const m of matches) all.add(m);
  }
  // A directory linked whole brings its contents; linking those too would go through it.
  const mainReal = await realpath(o.mainPath);
  const links: string[] = [];
  for (const p of [...all].filter((l) => !hasAncestorIn(l, all)).sort()) {
    // Through a folder of MAIN that is a symlink, the link would point outside MAIN.
    const parent = posix.dirname(p);
    if (parent !== '.' && (await isBehindSymlink(o.mainPath, mainReal, parent))) skipped.push({ path: p, reason: 'symlink' });
    else links.push(p);
  }
  return links;
}

function hasAncestorIn(path: string, set: ReadonlySet<string>): boolean {
  for (let d = posix.dirname(path); d !== '.' && d !== '/'; d = posix.dirname(d)) if (set.has(d)) return true;
  return false;
}

/** Why a pattern may not be used, or null. Patterns stay inside MAIN and out of .git. */
function unsafePattern(pattern: string, where: string): string | null {
  if (isAbsolute(pattern) || pattern.startsWith('~')) {
    return `${where} "${pattern}" is absolute; paths are relative to the repository (MAIN), e.g. ".env" or "config/*.local.php".`;
  }
  if (/(^|[/{,])\.\.($|[/},])/.test(pattern)) {
    return `${where} "${pattern}" goes up with "..": Grove only takes files from inside the repository (MAIN).`;
  }
  if (/(^|\/)\.git($|\/)/.test(pattern)) return `${where} "${pattern}" points into .git, which Grove never copies or links.`;
  return null;
}

/**
 * MAIN's paths matching `pattern`, relative and sorted; `files` expands a directory to the
 * files in it, `entries` matches files and directories as named. Ignored files count.
 */
async function matchInMain(mainPath: string, pattern: string, kind: 'files' | 'entries', isLiteral: boolean): Promise<string[] | Failure> {
  let found: string[];
  try {
    found = await glob(isLiteral ? escapePath(pattern) : pattern, {
      cwd: mainPath,
      dot: true,
      followSymbolicLinks: false,
      ignore: ['**/.git', '**/.git/**'],
      onlyFiles: kind === 'files',
      expandDirectories: kind === 'files',
    });
  } catch (e) {
    return failure(`could not search MAIN for "${pattern}": ${(e as Error).message}`, pattern);
  }
  const rels = found.map((f) => posix.normalize(f).replace(/\/$/, ''));
  const outside = rels.find((f) => f === '.' || f === '..' || f.startsWith('../') || isAbsolute(f));
  if (outside !== undefined) return failure(`"${pattern}" matches ${outside}, outside the repository (MAIN); Grove only takes files from inside it.`, pattern);
  return [...new Set(rels)].sort();
}

// ---------------------------------------------------------------------------------------
// Writing.

async function occupied(lanePath: string, rel: string, tracked: ReadonlySet<string>): Promise<SkipReason | null> {
  if (tracked.has(rel)) return 'tracked';
  return (await lstatOrNull(join(lanePath, rel))) ? 'exists' : null;
}

async function writeCopy(mainPath: string, lanePath: string, laneReal: string, c: PlannedCopy): Promise<Failure | null> {
  const from = join(mainPath, c.source);
  const to = join(lanePath, c.dest);
  try {
    const st = await lstat(from);
    if (!st.isFile()) return failure(`${c.source} in MAIN is not a regular file`, from);
    // Checked again at the copy: a directory of the path may have become a link since the plan.
    if (await isBehindSymlink(mainPath, await realpath(mainPath), c.source)) return failure(`${c.source} in MAIN now lies behind a symbolic link; Grove never reads through one`, from);
    await makeParentInside(laneReal, to);
    if (c.content === null) await copyFile(from, to, constants.COPYFILE_EXCL);
    else await writeFile(to, c.content, { flag: 'wx', mode: st.mode & 0o777 });
    await chmod(to, st.mode & 0o7777);
    return null;
  } catch (e) {
    return failure(`could not copy ${c.source} to the lane as ${c.dest}: ${(e as Error).message}`, to);
  }
}

/**
 * Creates `path`'s parent directories and checks that they resolve inside the lane, so a
 * write never goes through a symlink (an earlier link into MAIN) and lands in MAIN.
 */
async function makeParentInside(laneReal: string, path: string): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  const real = await realpath(parent);
  if (real !== laneReal && !real.startsWith(laneReal + '/')) throw new Error(`${parent} resolves to ${real}, outside the lane`);
}

/** Which of `paths` the lane has from git: the path itself, or (a directory) files under it. */
async function trackedIn(lanePath: string, paths: readonly string[]): Promise<Set<string> | Failure> {
  const result = new Set<string>();
  if (paths.length === 0) return result;
  let listed: string[];
  try {
    const { stdout } = await runGit(lanePath, ['ls-files', '-z', '--', ...paths], { env: { GIT_LITERAL_PATHSPECS: '1' } });
    listed = stdout.split('\0').filter(Boolean);
  } catch (e) {
    return failure(`could not list the lane's tracked files: ${(e as Error).message}`, lanePath);
  }
  for (const p of paths) if (listed.some((f) => f === p || f.startsWith(p + '/'))) result.add(p);
  return result;
}

// ---------------------------------------------------------------------------------------
// The lane's own excludes file (see the module comment for why not info/exclude).

async function excludeInLane(lanePath: string, rels: readonly string[]): Promise<string[] | Failure> {
  try {
    const dirs = (await runGit(lanePath, ['rev-parse', '--git-dir', '--git-common-dir'])).stdout.trim().split('\n');
    const [gitDir, commonDir] = dirs.map((d) => resolve(lanePath, d));
    if (!gitDir || !commonDir) throw new Error(`git rev-parse gave ${JSON.stringify(dirs)}`);
    if ((await realpath(gitDir)) === (await realpath(commonDir))) {
      return failure(`${lanePath} is not a linked worktree (a lane); links are only made in lanes, never in MAIN`, lanePath);
    }
    const file = join(gitDir, LANE_EXCLUDE_FILE);
    const previous = await readFile(file, 'utf8').catch(() => '');
    const entries = [...new Set([...linkEntriesOf(previous), ...rels.map(excludeEntry)])];
    const global = await globalExcludesFile(lanePath);
    const globalText = global ? await readFile(global, 'utf8').catch(() => null) : null;
    const lines = [
      "# grove: this lane's excludes file, set as core.excludesFile in its worktree config only.",
      '# grove: it takes the place of the global excludes file here, whose content follows.',
      ...(globalText !== null ? [`# grove: copied from ${global}`, globalText.replace(/\n?$/, '')] : []),
      LINKS_MARKER,
      ...entries,
      '',
    ];
    await writeFile(file, lines.join('\n'));
    const enabled = await runGit(lanePath, ['config', '--bool', '--get', 'extensions.worktreeConfig'], { okCodes: [1] });
    if (enabled.stdout.trim() !== 'true') await runGit(lanePath, ['config', 'extensions.worktreeConfig', 'true']);
    await runGit(lanePath, ['config', '--worktree', 'core.excludesFile', file]);
    return [...rels];
  } catch (e) {
    return failure(`could not keep the lane's links out of git: ${(e as Error).message}`, lanePath);
  }
}

/** The excludes file git would use for this lane without our worktree setting. */
async function globalExcludesFile(lanePath: string): Promise<string | null> {
  const { stdout } = await runGit(lanePath, ['config', '--show-scope', '--path', '--get-all', 'core.excludesFile'], { okCodes: [1] });
  const set = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))
    .filter(([scope]) => scope !== 'worktree')
    .map(([, value]) => value ?? '');
  if (set.length) return set.at(-1) || null;
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg ? xdg : join(homedir(), '.config'), 'git', 'ignore');
}

function linkEntriesOf(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(LINKS_MARKER);
  return start < 0 ? [] : lines.slice(start + 1).filter((l) => l.startsWith('/'));
}

/** An anchored, literal gitignore entry for a lane-relative path. */
function excludeEntry(rel: string): string {
  return '/' + rel.replace(/[\\*?[\]!#]/g, '\\$&').replace(/ $/, '\\ ');
}

// ---------------------------------------------------------------------------------------

async function lstatOrNull(path: string): Promise<Awaited<ReturnType<typeof lstat>> | null> {
  try {
    return await lstat(path);
  } catch {
    return null;
  }
}

/**
 * Whether MAIN's `rel` is not where its path says: a directory on the way (or the file
 * itself) is a symbolic link, so reading it would read wherever the link points.
 */
async function isBehindSymlink(mainPath: string, mainReal: string, rel: string): Promise<boolean> {
  try {
    return (await realpath(join(mainPath, rel))) !== join(mainReal, rel);
  } catch {
    return true;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isSymlinkTo(path: string, target: string): Promise<boolean> {
  try {
    return (await readlink(path)) === target;
  } catch {
    return false;
  }
}

/** A dotenv file's name: `.env`, `.env.local`, `local.env`, `app.env.production`. */
function isDotenvName(path: string): boolean {
  return /(^|\.)env(\.|$)/.test(posix.basename(path));
}
