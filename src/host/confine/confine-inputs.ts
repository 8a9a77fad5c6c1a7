import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { GroveConfig } from '../../shared/config';
import type { StatePath } from '../terminals/presets';
import type { ConfineInputs, Hidden, Scratch } from './confine-policy';

/**
 * Gathers a confined agent's paths from the disk: the lane's git dirs, the CLI's state, the
 * caches every lane may write, what grove.yaml hides, and in a key-less lane MAIN's files
 * that its copies were stripped from (its `.env`). Every path comes back real (symlinks
 * resolved, as a mount needs) and existing: a writable state dir or cache that is missing
 * is made (the CLI would make it on first use anyway); a hidden path that is missing is left
 * out (there is nothing to read). The directory of a state file is scratch (confine-policy.ts).
 */
export interface ConfineContext {
  lanePath: string;
  /** Null: a directory Grove knows no repository of. */
  mainPath: string | null;
  dataDir: string;
  agentDir: string;
  home: string;
  /** The agent's environment as launched (CODEX_HOME and the like move a CLI's state). */
  env: Record<string, string>;
  statePaths: readonly StatePath[];
  config: GroveConfig;
  keyless: boolean;
  /** The host bridge's socket directory, for `network: none`. */
  bridgeDir: string | null;
  /** Directories of the data dir the agent reads (made if missing, since Grove writes there). */
  shown: readonly string[];
}

/**
 * Caches a lane's tools write on every machine (npm's, and the XDG cache most others use),
 * where their variables move them (a host started by an npm script hands its agents
 * npm_config_cache).
 */
export const CACHE_DIRS: readonly StatePath[] = [
  { path: '~/.npm', env: 'npm_config_cache', kind: 'dir' },
  { path: '~/.cache', env: 'XDG_CACHE_HOME', kind: 'dir' },
];

export function confineInputs(c: ConfineContext): ConfineInputs {
  const expand = (p: string): string => (p === '~' ? c.home : p.startsWith('~/') ? join(c.home, p.slice(2)) : p);
  const git = c.mainPath ? gitDirsOf(c.lanePath) : { gitDir: null, commonDir: null };
  const tmpDir = join(c.agentDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });

  const writable: string[] = [];
  const scratch: Scratch[] = [];
  const addWritable = (raw: string, kind: 'dir' | 'file'): void => {
    const path = expand(raw);
    if (!isAbsolute(path)) return;
    if (!existsSync(path)) {
      if (kind === 'dir') mkdirSync(path, { recursive: true, mode: 0o700 });
      // A state file the CLI has not made yet: made empty, so it can be mounted and written.
      // (Made in scratch, it would be gone when the agent ends.)
      else closeSync(openSync(path, 'a', 0o600));
    }
    const real = realpathSync(path);
    writable.push(real);
    const dir = dirname(real);
    if (kind === 'file' && dir !== '/' && !scratch.some((s) => s.path === dir)) scratch.push(scratchOf(dir));
  };
  for (const s of [...c.statePaths, ...CACHE_DIRS]) addWritable(s.env && c.env[s.env] ? c.env[s.env]! : s.path, s.kind);
  for (const p of c.config.lanes?.writable ?? []) addWritable(p, 'dir');

  const hidden: Hidden[] = [];
  const addHidden = (path: string): void => {
    try {
      const real = realpathSync(path);
      hidden.push({ path: real, kind: lstatSync(real).isDirectory() ? 'dir' : 'file' });
    } catch {
      /* missing: nothing to hide */
    }
  };
  for (const raw of c.config.lanes?.hidden ?? []) {
    const path = expand(raw);
    if (isAbsolute(path) || c.mainPath) addHidden(isAbsolute(path) ? path : resolve(c.mainPath!, path));
  }
  if (c.keyless && c.mainPath) for (const file of keyedFilesOfMain(c.mainPath, c.config)) addHidden(file);

  return {
    lanePath: realpathSync(c.lanePath),
    mainPath: c.mainPath && realpathSync(c.mainPath),
    gitDir: git.gitDir,
    commonDir: git.commonDir,
    dataDir: realpathSync(c.dataDir),
    agentDir: realpathSync(c.agentDir),
    tmpDir: realpathSync(tmpDir),
    shown: c.shown.map((dir) => (mkdirSync(dir, { recursive: true, mode: 0o700 }), realpathSync(dir))),
    writable,
    hidden,
    scratch,
    network: c.config.lanes?.network ?? 'open',
    bridgeDir: c.bridgeDir && (c.config.lanes?.network === 'none' ? c.bridgeDir : null),
  };
}

/** A directory's entries as they are now, each to be shown again in its scratch copy. */
function scratchOf(dir: string): Scratch {
  const entries = readdirSync(dir).map((name) => {
    const path = join(dir, name);
    return { path, linkTo: lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null };
  });
  return { path: dir, entries };
}

/**
 * A worktree's `.git` is a file naming its own git dir, whose `commondir` names the shared
 * one; MAIN's `.git` is the shared dir itself.
 */
export function gitDirsOf(checkout: string): { gitDir: string | null; commonDir: string } {
  const dotGit = join(checkout, '.git');
  if (lstatSync(dotGit).isDirectory()) return { gitDir: null, commonDir: realpathSync(dotGit) };
  const line = readFileSync(dotGit, 'utf8').trim();
  if (!line.startsWith('gitdir:')) throw new Error(`${dotGit} does not name a git dir ("gitdir: …"); is ${checkout} a git worktree?`);
  const gitDir = realpathSync(resolve(checkout, line.slice('gitdir:'.length).trim()));
  const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
  return { gitDir, commonDir: realpathSync(resolve(gitDir, common)) };
}

/** MAIN's files a key-less lane's copies came from (`setup.copy`): the keys it must not read. */
function keyedFilesOfMain(mainPath: string, config: GroveConfig): string[] {
  const patterns = (config.setup?.copy ?? []).map((e) => (typeof e === 'string' ? e : e.from));
  if (patterns.length === 0) return [];
  return globSync(patterns, { cwd: mainPath, dot: true, onlyFiles: true, absolute: true, followSymbolicLinks: false });
}
