import { closeSync, existsSync, writeFileSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { GroveConfig } from '../../shared/config';
import type { StatePath } from '../terminals/presets';
import { SHARED_GIT_WRITABLE, type ConfineInputs, type Hidden, type Scratch } from './confine-policy';

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
  /** The agent's home (its HOME, which a launch may move: a CLI's config kept apart). */
  home: string;
  /**
   * The operator's own home, whose personal and credential stores are hidden too whatever the
   * agent's HOME says: moved, it would otherwise leave the real ~/.ssh and ~/.aws readable.
   */
  ownerHome?: string;
  /** The agent's environment as launched (CODEX_HOME and the like move a CLI's state). */
  env: Record<string, string>;
  statePaths: readonly StatePath[];
  config: GroveConfig;
  keyless: boolean;
  /** The host bridge's socket directory, for `network: none` or `loopback` (each its own). */
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

/**
 * Sockets that lead out of any sandbox: the session's D-Bus and systemd (`systemd-run
 * --user` starts anything, unconfined), Wayland, PulseAudio and the keyring in the user's
 * runtime dir; X11's (synthetic keys into any window); Docker's (a root container with the
 * host's disk). Hidden where they exist; the variables that name them are not passed on
 * (agent-confinement.ts).
 */
export const DESKTOP_SOCKETS = (uid: number): string[] => [`/run/user/${uid}`, '/tmp/.X11-unix', '/var/run/docker.sock', '/run/docker.sock'];

/**
 * Where an agent CLI's own daemon takes requests from its clients, a way out like the
 * desktop's: Codex's app-server daemon (`/tmp/codex-daemon-<uid>`, at that path whatever
 * TMPDIR says) runs what it is asked outside any sandbox. Hidden; and made (0700, as Codex
 * makes it) where missing, because Codex's own sandbox, nested in Grove's, masks it too and
 * must find it there: it cannot make it in a read-only /tmp, and every command it runs would
 * fail ("error building bubblewrap command: Read-only file system").
 */
export const CLI_DAEMON_DIRS = (uid: number): string[] => [`/tmp/codex-daemon-${uid}`];

/**
 * The operator's own stores an agent has no business in. Browsers' profiles, cookies, local
 * storage and caches, and Grove's own window's: every site's session the operator has, Grove's
 * page key among them, in files (Chromium encrypts cookies only where a keyring is reached,
 * Firefox never). The keyring's files and gpg's folder (its private keys, its agent's sockets).
 * The sockets of tmux and screen, whose servers run a new window as the user, outside. Hidden
 * where they exist, Linux's and macOS's places alike; a browser an agent starts for its tests
 * makes a profile of its own elsewhere, and an agent that signs its commits runs unconfined.
 */
export const PERSONAL_STORES = [
  '~/.config/google-chrome',
  '~/.config/google-chrome-beta',
  '~/.config/google-chrome-unstable',
  '~/.config/chromium',
  '~/.config/BraveSoftware',
  '~/.config/microsoft-edge',
  '~/.config/vivaldi',
  '~/.config/opera',
  '~/.mozilla',
  '~/snap/firefox',
  '~/snap/chromium',
  '~/.var/app/org.mozilla.firefox',
  '~/.var/app/com.google.Chrome',
  '~/.var/app/org.chromium.Chromium',
  '~/.local/share/keyrings',
  // Their caches sit inside ~/.cache, which lanes may write: pages' bodies, and scripts a
  // page would run again (Grove's own, kept a year), are neither read nor rewritten.
  '~/.cache/google-chrome',
  '~/.cache/chromium',
  '~/.cache/mozilla',
  '~/.cache/BraveSoftware',
  '~/.cache/microsoft-edge',
  '~/.cache/vivaldi',
  '~/.cache/grove',
  // The gpg agent's sockets sign as the user; tmux's and screen's run a new window outside.
  '~/.gnupg',
  `/tmp/tmux-${process.getuid?.() ?? 0}`,
  '/run/screen',
  '~/.config/grove',
  '~/Library/Application Support/Google/Chrome',
  '~/Library/Application Support/Chromium',
  '~/Library/Application Support/BraveSoftware',
  '~/Library/Application Support/Microsoft Edge',
  '~/Library/Application Support/Firefox',
  '~/Library/Application Support/grove',
  '~/Library/Cookies',
  '~/Library/Safari',
];

/**
 * The operator's keys and tokens for other services: ssh's private keys (a key the machine's
 * own sshd accepts is a shell outside any sandbox, and with the network open any key can be
 * copied away), git's and curl's stored passwords, and the cloud and registry CLIs'
 * credentials. An agent in a lane works through Grove (its commits reach MAIN by the gated
 * merge); one that must push or call such a service runs unconfined (docs/operations.md).
 */
export const CREDENTIAL_STORES = [
  '~/.ssh',
  '~/.netrc',
  '~/.git-credentials',
  '~/.config/git/credentials',
  '~/.aws',
  '~/.azure',
  '~/.config/gcloud',
  '~/.kube',
  '~/.docker/config.json',
  '~/.config/gh',
  '~/.config/hub',
  '~/.pypirc',
];

/**
 * The folders in `tmp` where an ssh agent (`ssh-XXXX/agent.N`, as `ssh-agent` and
 * `ssh -A` make them) and emacs's server (`emacs<uid>`) keep their sockets, the user's own:
 * each signs or runs what a client asks, as the user and outside. Their names change with
 * each session, so they are looked for at each launch.
 */
export function agentSocketDirs(tmp: string, uid: number): string[] {
  return ownEntriesOf(tmp, uid, (n) => /^ssh-[A-Za-z0-9]+$/.test(n) || n === `emacs${uid}`, 'dir');
}

/**
 * The user's Kerberos tickets: the file caches in `tmp` (`krb5cc_<uid>`, `krb5cc_<uid>_XXXX`,
 * as kinit and sssd make them), the user's own, and the caches KRB5CCNAME names (`FILE:` or
 * `DIR:` or a bare path). A ticket read out is the user's login to every service of the realm.
 * Tickets a KCM daemon keeps are reached through its socket (KCM_SOCKETS); those in the
 * kernel's keyring (`KEYRING:`) stay within the agent's reach (docs/operations.md).
 */
export function kerberosCaches(tmp: string, uid: number, ...ccnames: (string | undefined)[]): string[] {
  const mine = new RegExp(`^krb5cc_${uid}(?:_[A-Za-z0-9]+)?$`);
  // `DIR::/path` names one cache of a collection by its file.
  const named = ccnames.flatMap((cc) => (cc && /^(?:FILE:|DIR::?)?(\/.+)$/.exec(cc)?.[1]) || []);
  return [...new Set([...ownEntriesOf(tmp, uid, (n) => mine.test(n), 'any'), ...named])];
}

/** The entries of `dir` whose names pass `named` and which `uid` owns (folders only, with `dir`). */
function ownEntriesOf(dir: string, uid: number, named: (name: string) => boolean, kind: 'dir' | 'any'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter(named).map((n) => join(dir, n)).filter((path) => {
    try {
      const st = lstatSync(path);
      return st.uid === uid && (kind === 'any' || st.isDirectory());
    } catch {
      return false;
    }
  });
}

/** Where a Kerberos credential manager (sssd-kcm, Heimdal's kcm; Fedora's and RHEL's default cache) hands tickets out. */
export const KCM_SOCKETS = ['/run/.heim_org.h5l.kcm-socket', '/var/run/.heim_org.h5l.kcm-socket'];

/**
 * Where the system answers name lookups over a Unix socket (systemd-resolved's, nscd's, the
 * system D-Bus that reaches resolved): with network none or loopback, names sent there would
 * still go out as DNS queries, and carry data with them. Hidden for those networks.
 */
export const RESOLVER_SOCKETS = ['/run/systemd/resolve', '/run/nscd', '/var/run/nscd', '/run/dbus/system_bus_socket', '/var/run/dbus/system_bus_socket'];

export function confineInputs(c: ConfineContext): ConfineInputs {
  const expandIn = (home: string) => (p: string): string => (p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p);
  const expand = expandIn(c.home);
  /** The agent's home and the operator's (when the launch moved HOME): what is hidden is hidden in both. */
  const homes = [...new Set([c.home, c.ownerHome ?? c.home])];
  const git = c.mainPath ? gitDirsOf(c.lanePath, c.mainPath) : { gitDir: null, commonDir: null };
  const tmpDir = join(c.agentDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });

  const writable: string[] = [];
  const scratch: Scratch[] = [];
  const writableRaw = [...c.statePaths, ...CACHE_DIRS].map((s) => ({ raw: s.env && c.env[s.env] ? c.env[s.env]! : s.path, kind: s.kind, seed: s.seed }));
  for (const p of c.config.lanes?.writable ?? []) writableRaw.push({ raw: p, kind: 'dir', seed: undefined });
  // Where an agent can make links: every writable place of this launch as it resolves now (a
  // link among them is refused below anyway), the lane, its git dirs and temp dir; and below
  // either home (not the home itself), where other lanes, repositories' lanes.writable and
  // other CLIs' state dirs live, which this launch does not know of.
  const gitWritable = git.gitDir && git.commonDir ? [git.gitDir, ...SHARED_GIT_WRITABLE.map((part) => join(git.commonDir!, part))] : [];
  const agentWritable = [c.lanePath, tmpDir, ...gitWritable, ...writableRaw.map((w) => expand(w.raw))].flatMap((p) => (isAbsolute(p) && !climbs(p) && existsSync(p) ? [realpathSync(p)] : []));
  const belowHomes = homes.flatMap((h) => (existsSync(h) ? [realpathSync(h)] : []));
  const addWritable = (raw: string, kind: 'dir' | 'file', seed = ''): void => {
    const path = expand(raw);
    if (!isAbsolute(path)) return;
    // The kernel takes a `..` after a link up from the link's target, Node's realpath from
    // the link: the two would name different folders.
    if (climbs(path)) throw new Error(`${raw} has ".." in it, which Grove does not resolve for a writable place: name the folder without it`);
    // Checked before anything is made or resolved: a link an agent put at a writable path (or
    // on the way to one) would otherwise have this launch mount its target writable, the
    // operator's home or MAIN among them, or make folders there.
    const planted = linkInside(path, agentWritable, belowHomes);
    if (planted) {
      throw new Error(
        `${raw} leads through the link ${planted.link} (to ${planted.to}), which sits where an agent could have made it (in a folder agents write, or below the home folder); Grove does not follow it. Remove the link, or name the real folder in grove.yaml's lanes.writable`,
      );
    }
    if (!existsSync(path)) {
      if (kind === 'dir') mkdirSync(path, { recursive: true, mode: 0o700 });
      // A state file the CLI has not made yet: made empty, so it can be mounted and written.
      // (Made in scratch, it would be gone when the agent ends.)
      else writeFileSync(path, seed, { flag: 'wx', mode: 0o600 });
    }
    const real = realpathSync(path);
    writable.push(real);
    const dir = dirname(real);
    if (kind === 'file' && dir !== '/' && !scratch.some((s) => s.path === dir)) scratch.push(scratchOf(dir));
  };
  for (const w of writableRaw) addWritable(w.raw, w.kind, w.seed);

  const hidden: Hidden[] = [];
  const addHidden = (path: string): void => {
    try {
      const real = realpathSync(path);
      if (hidden.some((h) => h.path === real)) return; // listed twice (grove.yaml and Grove's own)
      hidden.push({ path: real, kind: lstatSync(real).isDirectory() ? 'dir' : 'file' });
    } catch {
      /* missing: nothing to hide */
    }
  };
  for (const raw of c.config.lanes?.hidden ?? []) {
    for (const path of new Set(homes.map((home) => expandIn(home)(raw)))) {
      if (isAbsolute(path) || c.mainPath) addHidden(isAbsolute(path) ? path : resolve(c.mainPath!, path));
    }
  }
  for (const path of DESKTOP_SOCKETS(process.getuid?.() ?? 0)) addHidden(path);
  for (const home of homes) for (const path of [...PERSONAL_STORES, ...CREDENTIAL_STORES]) addHidden(expandIn(home)(path));
  for (const path of agentSocketDirs('/tmp', process.getuid?.() ?? 0)) addHidden(path);
  for (const path of kerberosCaches('/tmp', process.getuid?.() ?? 0, c.env.KRB5CCNAME, process.env.KRB5CCNAME)) addHidden(path);
  for (const path of KCM_SOCKETS) addHidden(path);
  for (const path of CLI_DAEMON_DIRS(process.getuid?.() ?? 0)) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch {
      /* there already (or /tmp is not ours to write): hidden as it is, if it is there */
    }
    addHidden(path);
  }
  if (c.keyless && c.mainPath) for (const file of keyedFilesOfMain(c.mainPath, c.config)) addHidden(file);
  if ((c.config.lanes?.network ?? 'open') !== 'open') for (const path of RESOLVER_SOCKETS) addHidden(path);

  return {
    lanePath: realpathSync(c.lanePath),
    mainPath: c.mainPath && realpathSync(c.mainPath),
    gitDir: git.gitDir,
    commonDir: git.commonDir,
    pinned: git.gitDir && git.commonDir ? pinnedGitFiles(c.lanePath, git.gitDir, git.commonDir) : [],
    dataDir: realpathSync(c.dataDir),
    agentDir: realpathSync(c.agentDir),
    tmpDir: realpathSync(tmpDir),
    shown: c.shown.map((dir) => (mkdirSync(dir, { recursive: true, mode: 0o700 }), realpathSync(dir))),
    writable,
    hidden,
    scratch,
    network: c.config.lanes?.network ?? 'open',
    bridgeDir: c.bridgeDir && (c.config.lanes?.network ?? 'open') !== 'open' ? c.bridgeDir : null,
  };
}

/** Whether a path has a `..` component. */
function climbs(path: string): boolean {
  return path.split('/').includes('..');
}

/**
 * The first link on the way to `path` (itself included) that sits in one of `roots`, or below
 * (not directly in) one of `below`, and where it leads.
 */
function linkInside(path: string, roots: readonly string[], below: readonly string[]): { link: string; to: string } | null {
  // Walked as the kernel resolves it, each link followed where it leads (the path has no `..`).
  let at = '/';
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    const next = join(at, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch {
      return null; // missing from here on: nothing to follow
    }
    if (isLink) {
      const inside = (r: string) => at.startsWith(r === '/' ? r : `${r}/`);
      if (roots.some((r) => at === r || inside(r)) || below.some(inside)) return { link: next, to: readlinkSync(next) };
    }
    at = isLink ? realpathSync(next) : next;
  }
  return null;
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
 * The git dirs a lane's commits need, read from MAIN's side only: the shared dir is MAIN's
 * `.git`, and the lane's own dir is the `worktrees/<name>` entry whose `gitdir` file names
 * the lane's `.git`. Never from the lane's `.git` file or its dir's `commondir`, which the
 * agent can write: they would otherwise say which places the next launch makes writable.
 */
export function gitDirsOf(checkout: string, mainPath: string): { gitDir: string | null; commonDir: string } {
  const mainGit = join(mainPath, '.git');
  if (!lstatSync(mainGit).isDirectory()) throw new Error(`${mainGit} is not a directory; Grove confines lanes of a repository whose MAIN holds its .git`);
  const commonDir = realpathSync(mainGit);
  const lane = realpathSync(checkout);
  if (lane === realpathSync(mainPath)) return { gitDir: null, commonDir };
  const worktrees = join(commonDir, 'worktrees');
  for (const name of existsSync(worktrees) ? readdirSync(worktrees) : []) {
    try {
      const named = readFileSync(join(worktrees, name, 'gitdir'), 'utf8').trim();
      if (realpathSync(dirname(resolve(worktrees, name, named))) === lane) return { gitDir: join(worktrees, name), commonDir };
    } catch {
      /* a stale entry (its lane gone): not this one */
    }
  }
  throw new Error(`${checkout} is not a worktree of ${mainPath} (no entry in ${worktrees} names it); run \`git worktree repair\` in MAIN if it was moved`);
}

/** The git files a lane must not rewrite (confine-policy.ts `pinned`), made where missing so they can be mounted. */
function pinnedGitFiles(lanePath: string, gitDir: string, commonDir: string): string[] {
  const files = [join(lanePath, '.git'), join(gitDir, 'commondir'), join(gitDir, 'gitdir'), join(gitDir, 'config.worktree')];
  for (const f of files) if (!existsSync(f)) closeSync(openSync(f, 'a', 0o644));
  const dirs = [join(commonDir, 'objects', 'info'), join(commonDir, 'refs', 'replace')];
  for (const d of dirs) mkdirSync(d, { recursive: true });
  return [...files, ...dirs].map((p) => realpathSync(p));
}

/** MAIN's files a key-less lane's copies came from (`setup.copy`): the keys it must not read. */
function keyedFilesOfMain(mainPath: string, config: GroveConfig): string[] {
  const patterns = (config.setup?.copy ?? []).map((e) => (typeof e === 'string' ? e : e.from));
  if (patterns.length === 0) return [];
  return globSync(patterns, { cwd: mainPath, dot: true, onlyFiles: true, absolute: true, followSymbolicLinks: false });
}
