import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import { GitError, runGit } from '../lanes/git/run-git';
import { worktreeGitDir } from '../lanes/git/worktree-git-dir';

/**
 * MAIN's pre-commit guard: a commit typed in MAIN is refused, unless GROVE_ALLOW_MAIN_COMMIT=1
 * says it is meant. It is installed for MAIN only, through worktree-scoped config
 * (extensions.worktreeConfig, then core.hooksPath in MAIN's config.worktree), so lanes —
 * linked worktrees of the same repository — keep the repository's hooks untouched.
 *
 * MAIN's hooks then come from `<MAIN's git dir>/grove-hooks`: the guarding pre-commit,
 * which chains to the repository's own, and a wrapper for every other hook the repository
 * had (in its core.hooksPath or .git/hooks), so husky & co. keep running in MAIN. A hook
 * added to the old place later needs the guard installed again (installing is idempotent).
 *
 * What the install changed is recorded beside the hooks, and removal puts exactly that
 * back. One wrinkle, from git-worktree(1) "CONFIGURATION FILE": with worktree config
 * enabled, core.worktree in the shared config would apply to every lane, so it moves to
 * MAIN's config.worktree while the guard is installed; core.bare=true is refused.
 */
export const GUARD_HOOKS_DIR = 'grove-hooks';
export const MAIN_COMMIT_REFUSAL =
  'MAIN only receives merged code through Grove. Commit in a lane (grove lane create NAME), or set GROVE_ALLOW_MAIN_COMMIT=1 for this one commit.';

const MARKER = '# grove: MAIN pre-commit guard';
/**
 * The hooks that refuse: a commit typed in MAIN, and a merge commit made there (`git merge`,
 * a `git pull` that merges), which runs pre-merge-commit and not pre-commit. A fast-forward
 * or a cherry-pick runs neither: MAIN's watcher reports those.
 */
const GUARDED_HOOKS: readonly string[] = ['pre-commit', 'pre-merge-commit'];
const RECORD_FILE = 'grove-guard.json';

/** What the install found and changed: removal restores `previous`. */
interface GuardRecord {
  version: 1;
  /** The hooks directory MAIN used before, absolute; the wrappers run hooks from it. */
  hooksFrom: string;
  previous: {
    /** extensions.worktreeConfig in the shared config, as written there; null when unset. */
    worktreeConfig: string | null;
    /** core.hooksPath in MAIN's config.worktree; null when unset. */
    worktreeHooksPath: string | null;
    configWorktreeExisted: boolean;
    /** core.worktree moved from the shared config to MAIN's config.worktree; null when none was. */
    movedCoreWorktree: string | null;
  };
}

interface MainGitDirs {
  gitDir: string;
  commonDir: string;
  guardDir: string;
  sharedConfig: string;
  worktreeConfig: string;
}

export interface GuardInstalled {
  hooksDir: string;
  /** The repository's hooks that MAIN still runs, through wrappers (pre-commit through the guard). */
  wrapped: string[];
}

export interface GuardRemoved {
  removed: boolean;
  /**
   * Something else now keeps settings in MAIN's config.worktree, so extensions.worktreeConfig
   * stayed enabled (turning it off would silently drop those settings).
   */
  worktreeConfigKept: boolean;
}

export async function installPreCommitGuard(mainPath: string): Promise<Result<GuardInstalled, ApiError>> {
  try {
    const dirs = await mainGitDirs(mainPath);
    if (!dirs.ok) return dirs;
    const d = dirs.value;
    const record = await readRecord(d.guardDir);
    if (record && (await isPreCommitGuardInstalled(mainPath))) {
      return ok({ hooksDir: d.guardDir, wrapped: await writeHooks(d.guardDir, record.hooksFrom) });
    }
    // A record without the guard in effect: an install that did not finish, or config edited
    // by hand. Put back what it recorded, then install from there.
    if (record) await restore(mainPath, d, record);

    if ((await configGet(mainPath, d.sharedConfig, 'core.bare', 'bool')) === 'true') {
      return err(
        apiError(
          'repo_is_bare',
          `MAIN's repository has core.bare=true in its shared config (${d.sharedConfig}); with worktree-scoped config every lane would read it and act bare. Move core.bare to ${d.worktreeConfig} by hand (git-worktree(1), CONFIGURATION FILE), then install the guard again.`,
          { path: mainPath, config: d.sharedConfig },
        ),
      );
    }
    const worktreeConfig = await configGet(mainPath, d.sharedConfig, 'extensions.worktreeConfig');
    const enabledBefore = (await configGet(mainPath, d.sharedConfig, 'extensions.worktreeConfig', 'bool')) === 'true';
    const configWorktreeExisted = existsSync(d.worktreeConfig);
    const rec: GuardRecord = {
      version: 1,
      hooksFrom: await currentHooksDir(mainPath, d.guardDir, d.commonDir),
      previous: {
        worktreeConfig,
        worktreeHooksPath: configWorktreeExisted ? await configGet(mainPath, d.worktreeConfig, 'core.hooksPath') : null,
        configWorktreeExisted,
        // Once the extension is on, the shared core.worktree would be every lane's too.
        movedCoreWorktree: enabledBefore ? null : await configGet(mainPath, d.sharedConfig, 'core.worktree'),
      },
    };

    await mkdir(d.guardDir, { recursive: true });
    const wrapped = await writeHooks(d.guardDir, rec.hooksFrom);
    await writeFile(join(d.guardDir, RECORD_FILE), JSON.stringify(rec, null, 2) + '\n');
    try {
      if (rec.previous.movedCoreWorktree !== null) {
        // Into MAIN's own file first, out of the shared one next, the extension last: no
        // moment where a lane reads MAIN's core.worktree.
        await configSet(mainPath, d.worktreeConfig, 'core.worktree', rec.previous.movedCoreWorktree);
        await configUnset(mainPath, d.sharedConfig, 'core.worktree');
      }
      if (!enabledBefore) await configSet(mainPath, d.sharedConfig, 'extensions.worktreeConfig', 'true');
      // --file, not --worktree: should the extension somehow be off, --worktree would write
      // the shared config and guard every lane too.
      await configSet(mainPath, d.worktreeConfig, 'core.hooksPath', d.guardDir);
    } catch (e) {
      await restore(mainPath, d, rec).catch(() => undefined);
      await rm(d.guardDir, { recursive: true, force: true });
      throw e;
    }
    return ok({ hooksDir: d.guardDir, wrapped });
  } catch (e) {
    if (e instanceof GitError) return err(apiError('git_failed', `Installing MAIN's pre-commit guard failed: ${e.message}`, { path: mainPath }));
    throw e;
  }
}

export async function removePreCommitGuard(mainPath: string): Promise<Result<GuardRemoved, ApiError>> {
  try {
    const dirs = await mainGitDirs(mainPath);
    if (!dirs.ok) return dirs;
    const d = dirs.value;
    const record = await readRecord(d.guardDir);
    if (!record) {
      // Nothing recorded: never installed, or the record is gone. Only undo our own hooksPath.
      const removed = existsSync(d.worktreeConfig) && (await configGet(mainPath, d.worktreeConfig, 'core.hooksPath')) === d.guardDir;
      if (removed) await configUnset(mainPath, d.worktreeConfig, 'core.hooksPath');
      await rm(d.guardDir, { recursive: true, force: true });
      return ok({ removed, worktreeConfigKept: false });
    }
    const { worktreeConfigKept } = await restore(mainPath, d, record);
    await rm(d.guardDir, { recursive: true, force: true });
    return ok({ removed: true, worktreeConfigKept });
  } catch (e) {
    if (e instanceof GitError) return err(apiError('git_failed', `Removing MAIN's pre-commit guard failed: ${e.message}`, { path: mainPath }));
    throw e;
  }
}

/** True when a commit in MAIN goes through the guard: MAIN's effective core.hooksPath is ours. */
export async function isPreCommitGuardInstalled(mainPath: string, hookName = 'pre-commit'): Promise<boolean> {
  return (await guardingHooks(mainPath)).has(hookName);
}

/**
 * The guarding hooks MAIN runs now (of GUARDED_HOOKS): none unless its effective
 * core.hooksPath is the guard's folder. MAIN's git dir and hooks path are read once for all.
 */
async function guardingHooks(mainPath: string): Promise<Set<string>> {
  const found = new Set<string>();
  try {
    const gitDir = (await runGit(mainPath, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
    const hooksPath = (await runGit(mainPath, ['config', '--type=path', '--get', 'core.hooksPath'], { okCodes: [1] })).stdout.trim();
    if (!hooksPath || resolve(mainPath, hooksPath) !== join(gitDir, GUARD_HOOKS_DIR)) return found;
    for (const name of GUARDED_HOOKS) {
      const hook = join(gitDir, GUARD_HOOKS_DIR, name);
      try {
        // git skips a hook it may not execute: without its exec bit it guards nothing.
        if (((await stat(hook)).mode & 0o111) !== 0 && (await readFile(hook, 'utf8')).includes(MARKER)) found.add(name);
      } catch {
        // not there
      }
    }
  } catch {
    // not a repository git can read: nothing guards it
  }
  return found;
}

/**
 * A guard installed by an earlier Grove, which guarded commits only, written again with every
 * hook this one guards (a merge commit typed in MAIN too); nothing when there is none, or it
 * is current. Whether it was brought up to date.
 */
export async function updatePreCommitGuard(mainPath: string): Promise<boolean> {
  const present = await guardingHooks(mainPath);
  if (!present.has('pre-commit') || GUARDED_HOOKS.every((name) => present.has(name))) return false;
  return (await installPreCommitGuard(mainPath)).ok;
}

async function mainGitDirs(mainPath: string): Promise<Result<MainGitDirs, ApiError>> {
  const out = (await runGit(mainPath, ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir'])).stdout.split('\n');
  const [bare = '', gitDir = '', common = ''] = out;
  if (bare === 'true') {
    return err(apiError('repo_is_bare', `${mainPath} is a bare repository: there is no MAIN checkout to guard.`, { path: mainPath }));
  }
  const commonDir = resolve(mainPath, common);
  if (realpathSync(gitDir) !== realpathSync(commonDir)) {
    return err(
      apiError('repo_is_linked_worktree', `${mainPath} is a linked worktree (a lane), not the repository's main worktree; the guard is for MAIN only.`, {
        path: mainPath,
        gitDir,
        commonDir,
      }),
    );
  }
  return ok({
    gitDir,
    commonDir,
    guardDir: join(gitDir, GUARD_HOOKS_DIR),
    sharedConfig: join(commonDir, 'config'),
    worktreeConfig: join(gitDir, 'config.worktree'),
  });
}

/** Where MAIN's hooks come from now, absolute (a relative core.hooksPath is MAIN-relative, where hooks run). */
async function currentHooksDir(mainPath: string, guardDir: string, commonDir: string): Promise<string> {
  const configured = (await runGit(mainPath, ['config', '--type=path', '--get', 'core.hooksPath'], { okCodes: [1] })).stdout.trim();
  if (configured && resolve(mainPath, configured) !== guardDir) return resolve(mainPath, configured);
  return join(commonDir, 'hooks');
}

/**
 * Writes the guarding pre-commit and one wrapper per executable hook in `hooksFrom`, each
 * whole (a temp file, then a rename), and only then removes the ones no longer wanted: MAIN's
 * hooks point here already, and a host stopped in between must leave them guarded, never
 * without hooks or with a pre-commit git would skip for want of its exec bit.
 */
async function writeHooks(guardDir: string, hooksFrom: string): Promise<string[]> {
  const hooks = await executableHooks(hooksFrom);
  for (const name of GUARDED_HOOKS) {
    await writeHook(
      guardDir,
      name,
      [
        '#!/bin/sh',
        `${MARKER}: MAIN only receives commits through Grove's merge. Lanes do not use this file.`,
        'if [ "${GROVE_ALLOW_MAIN_COMMIT:-}" != "1" ]; then',
        `  echo ${shellQuote(MAIN_COMMIT_REFUSAL)} >&2`,
        '  exit 1',
        'fi',
        ...chainTo(join(hooksFrom, name)),
      ].join('\n'),
    );
  }
  for (const name of hooks) {
    if (GUARDED_HOOKS.includes(name)) continue;
    await writeHook(guardDir, name, ['#!/bin/sh', `# grove: runs the repository's own ${name} hook while MAIN's pre-commit guard is installed.`, ...chainTo(join(hooksFrom, name))].join('\n'));
  }
  const wanted = new Set([...GUARDED_HOOKS, ...hooks, RECORD_FILE]);
  for (const name of await readdir(guardDir)) {
    if (!wanted.has(name)) await rm(join(guardDir, name), { force: true, recursive: true });
  }
  return hooks;
}

function chainTo(hook: string): string[] {
  return [`hook=${shellQuote(hook)}`, '[ -x "$hook" ] || exit 0', 'exec "$hook" "$@"', ''];
}

async function writeHook(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `.grove-tmp-${name}-${process.pid}`);
  await writeFile(tmp, text);
  await chmod(tmp, 0o755);
  await rename(tmp, join(dir, name));
}

/** The hooks git would run from `dir`: executable files, not *.sample. */
async function executableHooks(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || name.endsWith('.sample')) continue;
    try {
      const st = await stat(join(dir, name));
      if (st.isFile() && (st.mode & 0o111) !== 0) out.push(name);
    } catch {
      // A dangling link is no hook.
    }
  }
  return out;
}

async function restore(mainPath: string, d: MainGitDirs, rec: GuardRecord): Promise<{ worktreeConfigKept: boolean }> {
  const p = rec.previous;
  if (existsSync(d.worktreeConfig)) {
    if (p.worktreeHooksPath !== null) await configSet(mainPath, d.worktreeConfig, 'core.hooksPath', p.worktreeHooksPath);
    else await configUnset(mainPath, d.worktreeConfig, 'core.hooksPath');
  }
  if (isTrue(p.worktreeConfig)) return { worktreeConfigKept: false };

  // We turned the extension on. Turning it off drops whatever MAIN's config.worktree holds,
  // so only when that is nothing but what we put there.
  const others = (await configNames(mainPath, d.worktreeConfig)).filter((n) => !(n === 'core.worktree' && p.movedCoreWorktree !== null));
  if (others.length > 0) return { worktreeConfigKept: true };
  if (p.worktreeConfig === null) await configUnset(mainPath, d.sharedConfig, 'extensions.worktreeConfig');
  else await configSet(mainPath, d.sharedConfig, 'extensions.worktreeConfig', p.worktreeConfig);
  if (p.movedCoreWorktree !== null) {
    await configSet(mainPath, d.sharedConfig, 'core.worktree', p.movedCoreWorktree);
    if (existsSync(d.worktreeConfig)) await configUnset(mainPath, d.worktreeConfig, 'core.worktree');
  }
  if (!p.configWorktreeExisted && existsSync(d.worktreeConfig) && (await configNames(mainPath, d.worktreeConfig)).length === 0) {
    await rm(d.worktreeConfig, { force: true });
  }
  return { worktreeConfigKept: false };
}

async function readRecord(guardDir: string): Promise<GuardRecord | null> {
  try {
    const rec = JSON.parse(await readFile(join(guardDir, RECORD_FILE), 'utf8')) as GuardRecord;
    return rec.version === 1 ? rec : null;
  } catch {
    return null;
  }
}

/** One key from one config file, as written (or as a bool); null when unset. */
async function configGet(cwd: string, file: string, key: string, type?: 'bool'): Promise<string | null> {
  const args = ['config', '--file', file, ...(type ? [`--type=${type}`] : []), '--get', key];
  const out = await runGit(cwd, args, { okCodes: [1] });
  return out.code === 0 ? out.stdout.replace(/\n$/, '') : null;
}

async function configSet(cwd: string, file: string, key: string, value: string): Promise<void> {
  // A key written bare (`worktreeConfig` with no value) reads as '' yet means true.
  await runGit(cwd, ['config', '--file', file, key, value === '' ? 'true' : value]);
}

async function configUnset(cwd: string, file: string, key: string): Promise<void> {
  // Exit 5: the key was not there.
  await runGit(cwd, ['config', '--file', file, '--unset-all', key], { okCodes: [5] });
}

async function configNames(cwd: string, file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  const { stdout } = await runGit(cwd, ['config', '--file', file, '--name-only', '--list']);
  return stdout.split('\n').filter(Boolean);
}

const isTrue = (raw: string | null): boolean => raw !== null && ['', 'true', 'yes', 'on', '1'].includes(raw.trim().toLowerCase());

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `git worktree add` copies the current worktree's config.worktree into the new one (git
 * 2.36+), so a lane made from MAIN would inherit MAIN's guard and refuse its own commits.
 * Grove calls this on every lane it makes or adopts: the inherited hooks path is dropped,
 * any other inherited setting is left alone.
 */
export async function dropInheritedGuard(lanePath: string): Promise<void> {
  const file = join(await worktreeGitDir(lanePath), 'config.worktree');
  if (!existsSync(file)) return;
  const got = await runGit(lanePath, ['config', '--file', file, '--get', 'core.hooksPath'], { okCodes: [1] });
  if (got.code === 0 && got.stdout.trim().endsWith(`/${GUARD_HOOKS_DIR}`)) {
    await runGit(lanePath, ['config', '--file', file, '--unset', 'core.hooksPath']);
  }
}
