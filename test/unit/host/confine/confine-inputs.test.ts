import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PERSONAL_STORES, CREDENTIAL_STORES, CLI_DAEMON_DIRS, agentSocketDirs, DESKTOP_SOCKETS, RESOLVER_SOCKETS, confineInputs, gitDirsOf, kerberosCaches } from '../../../../src/host/confine/confine-inputs';
import { addWorktree, makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());
const uid = process.getuid?.() ?? 0;

function place(): { root: string; main: string; lane: string; home: string; dataDir: string; agentDir: string } {
  const root = realpathSync(makeTempDir());
  const main = makeRepo(join(root, 'flower'));
  const lane = addWorktree(main, join(root, 'flower-design'), 'design');
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  const agentDir = join(dataDir, 'agents', 'a1');
  mkdirSync(home);
  mkdirSync(agentDir, { recursive: true });
  return { root, main, lane, home, dataDir, agentDir };
}

describe('a confined agent\'s paths, read from a real repository', () => {
  it('finds a worktree\'s own git dir and the shared one from MAIN\'s side; MAIN\'s .git is the shared one', () => {
    const p = place();
    expect(gitDirsOf(p.lane, p.main)).toEqual({ gitDir: join(p.main, '.git', 'worktrees', 'flower-design'), commonDir: join(p.main, '.git') });
    expect(gitDirsOf(p.main, p.main)).toEqual({ gitDir: null, commonDir: join(p.main, '.git') });
  });

  it('ignores what the lane\'s own files claim: a rewritten .git or commondir changes nothing, a lane MAIN does not know is refused', () => {
    const p = place();
    const elsewhere = join(p.lane, '.fake-git');
    mkdirSync(join(elsewhere, 'objects'), { recursive: true });
    writeFileSync(join(p.lane, '.git'), `gitdir: ${elsewhere}\n`);
    writeFileSync(join(p.main, '.git', 'worktrees', 'flower-design', 'commondir'), `${elsewhere}\n`);
    expect(gitDirsOf(p.lane, p.main)).toEqual({ gitDir: join(p.main, '.git', 'worktrees', 'flower-design'), commonDir: join(p.main, '.git') });
    const odd = join(p.root, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, '.git'), `gitdir: ${join(p.main, '.git', 'worktrees', 'flower-design')}\n`);
    expect(() => gitDirsOf(odd, p.main)).toThrow(/odd is not a worktree of .*flower \(no entry in .*worktrees names it\); run `git worktree repair` in MAIN/);
  });

  it('pins the files that tell git where its config is, and the shared alternates and replace refs, made where missing', () => {
    const p = place();
    const inputs = confineInputs({ lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config: {}, keyless: false, bridgeDir: null, shown: [] });
    const gitDir = join(p.main, '.git', 'worktrees', 'flower-design');
    expect(inputs.pinned).toEqual([join(p.lane, '.git'), join(gitDir, 'commondir'), join(gitDir, 'gitdir'), join(gitDir, 'config.worktree'), join(p.main, '.git', 'objects', 'info'), join(p.main, '.git', 'refs', 'replace')]);
    expect(existsSync(join(gitDir, 'config.worktree'))).toBe(true);
  });

  it('makes the CLI\'s missing state dir and file, and the caches, so they can be mounted; takes CODEX_HOME when set', () => {
    const p = place();
    const codexHome = join(p.root, 'codex-home');
    const inputs = confineInputs({
      lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: { CODEX_HOME: codexHome },
      statePaths: [{ path: '~/.claude', env: 'CLAUDE_CONFIG_DIR', kind: 'dir' }, { path: '~/.claude.json', kind: 'file', seed: '{}\n' }, { path: '~/.codex', env: 'CODEX_HOME', kind: 'dir' }],
      config: { lanes: { writable: ['~/.gradle'] } }, keyless: false, bridgeDir: null, shown: [],
    });
    expect(inputs.writable).toEqual([join(p.home, '.claude'), join(p.home, '.claude.json'), codexHome, join(p.home, '.npm'), join(p.home, '.cache'), join(p.home, '.gradle')]);
    // Made as valid JSON, as Claude Code would read it.
    expect(readFileSync(join(p.home, '.claude.json'), 'utf8')).toBe('{}\n');
    expect(statSync(codexHome).isDirectory()).toBe(true);
    expect(existsSync(join(p.home, '.codex'))).toBe(false);
    expect(inputs.tmpDir).toBe(join(p.agentDir, 'tmp'));
  });

  it('refuses a writable path an agent could have redirected (a link in a folder agents write, at it or on the way to it), making nothing; a link the agents cannot reach is followed', () => {
    const p = place();
    const inputsWith = (writable: string[]) => () =>
      confineInputs({ lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config: { lanes: { writable } }, keyless: false, bridgeDir: null, shown: [] });
    // In ~/.cache, which every confined agent writes: pointed at the operator's home, it would
    // be mounted writable (their shell's startup files, MAIN).
    mkdirSync(join(p.home, '.cache'));
    symlinkSync(p.home, join(p.home, '.cache', 'playwright'));
    expect(inputsWith(['~/.cache/playwright'])).toThrow(
      `~/.cache/playwright leads through the link ${join(p.home, '.cache', 'playwright')} (to ${p.home}), which sits where an agent could have made it (in a folder agents write, or below the home folder); Grove does not follow it. Remove the link, or name the real folder in grove.yaml's lanes.writable`,
    );
    // Below the home, in a folder another repository's lanes.writable (unknown to this launch) makes writable.
    mkdirSync(join(p.home, '.local', 'share'), { recursive: true });
    symlinkSync(join(p.home, '.bashrc.d'), join(p.home, '.local', 'share', 'pnpm'));
    expect(inputsWith(['~/.local/share/pnpm'])).toThrow(/~\/\.local\/share\/pnpm leads through the link .*\.local\/share\/pnpm/);
    // On the way to a path not made yet: nothing is made at the link's target either.
    expect(inputsWith(['~/.cache/playwright/browsers'])).toThrow(/leads through the link .*\.cache\/playwright/);
    expect(existsSync(join(p.home, 'browsers'))).toBe(false);
    // In the lane.
    symlinkSync(p.main, join(p.lane, 'cache-link'));
    expect(inputsWith([join(p.lane, 'cache-link')])).toThrow(/leads through the link .*cache-link \(to .*flower\)/);
    // A link the operator made where agents cannot write (home itself) is followed.
    const gradle = join(p.root, 'gradle-store');
    mkdirSync(gradle);
    symlinkSync(gradle, join(p.home, '.gradle'));
    expect(inputsWith(['~/.gradle'])().writable).toContain(gradle);
    // A `..` after a link goes up from the link's target for the kernel, from the link for a
    // path read on paper: a spelling that could reach a planted link unseen is refused.
    expect(inputsWith([`${p.home}/.gradle/../home/.cache/playwright`])).toThrow(`${p.home}/.gradle/../home/.cache/playwright has ".." in it, which Grove does not resolve for a writable place: name the folder without it`);
  });

  it('hides what grove.yaml lists (relative to MAIN, ~, absolute) and, key-less, MAIN\'s copied files; a missing path is left out', () => {
    const p = place();
    writeFileSync(join(p.main, '.env'), 'API_KEY=x\n');
    writeFileSync(join(p.main, '.env.local'), 'API_KEY=y\n');
    mkdirSync(join(p.main, 'secrets'));
    mkdirSync(join(p.home, '.aws'));
    const config = { lanes: { hidden: ['secrets', '~/.aws', '/nowhere/at/all'] }, setup: { copy: ['.env*'] } };
    const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config, bridgeDir: null, shown: [] };
    // The ways out of any sandbox are hidden on every launch (the next test).
    const waysOut = new Set([...DESKTOP_SOCKETS(uid), ...CLI_DAEMON_DIRS(uid), ...agentSocketDirs('/tmp', uid), ...PERSONAL_STORES.filter((p) => p.startsWith('/'))]);
    const hidden = (keyless: boolean) => confineInputs({ ...base, keyless }).hidden.filter((h) => !waysOut.has(h.path));
    expect(hidden(false)).toEqual([
      { path: join(p.main, 'secrets'), kind: 'dir' },
      { path: join(p.home, '.aws'), kind: 'dir' },
    ]);
    expect(hidden(true).map((h) => h.path).sort()).toEqual([join(p.home, '.aws'), join(p.main, '.env'), join(p.main, '.env.local'), join(p.main, 'secrets')].sort());
  });

  it("hides the browsers' profiles and Grove's own window's, where they exist: every site's session, Grove's page key among them", () => {
    const p = place();
    for (const dir of ['.mozilla/firefox', '.config/chromium/Default/Local Storage', '.config/grove', 'Library/Cookies', '.cache/chromium/Default', '.gnupg']) mkdirSync(join(p.home, dir), { recursive: true });
    const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config: {}, bridgeDir: null, shown: [], keyless: false };
    const inHome = confineInputs(base).hidden.filter((h) => h.path.startsWith(p.home));
    expect(inHome.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [join(p.home, '.cache', 'chromium'), join(p.home, '.config', 'chromium'), join(p.home, '.config', 'grove'), join(p.home, '.gnupg'), join(p.home, '.mozilla'), join(p.home, 'Library', 'Cookies')].sort().map((path) => ({ path, kind: 'dir' })),
    );
    expect(PERSONAL_STORES).toEqual(expect.arrayContaining(['~/.cache/chromium', '~/.gnupg', `/tmp/tmux-${uid}`]));
  });

  it("hides the operator's keys and tokens for other services by default: ssh's keys, git's stored passwords, the cloud CLIs'", () => {
    const p = place();
    for (const dir of ['.ssh', '.aws', '.config/gh', '.kube', '.docker']) mkdirSync(join(p.home, dir), { recursive: true });
    writeFileSync(join(p.home, '.ssh', 'id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    for (const file of ['.netrc', '.git-credentials', '.docker/config.json']) writeFileSync(join(p.home, file), 'secret\n');
    writeFileSync(join(p.home, '.gitconfig'), '[user]\n  name = Ana\n');
    const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config: {}, bridgeDir: null, shown: [], keyless: false };
    const inHome = confineInputs(base).hidden.filter((h) => h.path.startsWith(p.home));
    expect(inHome.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [
        { path: join(p.home, '.aws'), kind: 'dir' },
        { path: join(p.home, '.config', 'gh'), kind: 'dir' },
        { path: join(p.home, '.docker', 'config.json'), kind: 'file' },
        { path: join(p.home, '.git-credentials'), kind: 'file' },
        { path: join(p.home, '.kube'), kind: 'dir' },
        { path: join(p.home, '.netrc'), kind: 'file' },
        { path: join(p.home, '.ssh'), kind: 'dir' },
      ].sort((a, b) => a.path.localeCompare(b.path)),
    );
    expect(CREDENTIAL_STORES).toEqual(expect.arrayContaining(['~/.ssh', '~/.aws', '~/.git-credentials']));
  });

  it("hides the operator's own stores (and grove.yaml's ~/ paths) when the agent is launched with a HOME of its own, and that HOME's too", () => {
    const p = place();
    mkdirSync(join(p.home, '.ssh'), { recursive: true });
    mkdirSync(join(p.home, '.aws'), { recursive: true });
    const agentHome = join(p.agentDir, 'home');
    mkdirSync(join(agentHome, '.ssh'), { recursive: true });
    mkdirSync(join(p.home, '.secrets'), { recursive: true });
    const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: agentHome, ownerHome: p.home, env: { HOME: agentHome }, statePaths: [], config: { lanes: { hidden: ['~/.secrets'] } }, bridgeDir: null, shown: [], keyless: false };
    const hidden = confineInputs(base).hidden.map((h) => h.path);
    // grove.yaml's `~/…` too: the operator's ~/.secrets, which a moved HOME would not name.
    expect(hidden).toEqual(expect.arrayContaining([join(p.home, '.ssh'), join(p.home, '.aws'), join(agentHome, '.ssh'), join(p.home, '.secrets')]));
  });

  it("finds the user's ssh agents' and emacs's socket folders in a tmp, and nobody else's", () => {
    const tmp = makeTempDir();
    for (const dir of ['ssh-XyZ123', 'ssh-abc', `emacs${uid}`, 'emacs12345', 'tmux-0', 'sshd-like', 'ssh-']) mkdirSync(join(tmp, dir));
    writeFileSync(join(tmp, 'ssh-file'), '');
    expect(agentSocketDirs(tmp, uid).sort()).toEqual([join(tmp, `emacs${uid}`), join(tmp, 'ssh-XyZ123'), join(tmp, 'ssh-abc')].sort());
    // Another user's are theirs (and not readable to the agent anyway).
    expect(agentSocketDirs(tmp, uid + 1)).toEqual([]);
    expect(agentSocketDirs(join(tmp, 'missing'), uid)).toEqual([]);
  });

  it("finds the user's Kerberos ticket caches in a tmp, and the one KRB5CCNAME names, and nobody else's", () => {
    const tmp = makeTempDir();
    for (const name of [`krb5cc_${uid}`, `krb5cc_${uid}_Ab12`, `krb5cc_${uid + 1}`, `krb5cc_${uid}x`, 'krb5cc_']) writeFileSync(join(tmp, name), 'ticket');
    expect(kerberosCaches(tmp, uid, undefined).sort()).toEqual([join(tmp, `krb5cc_${uid}`), join(tmp, `krb5cc_${uid}_Ab12`)].sort());
    expect(kerberosCaches(tmp, uid, 'FILE:/var/lib/tickets/op')).toContain('/var/lib/tickets/op');
    expect(kerberosCaches(tmp, uid, 'DIR:/run/op/krb5cc')).toContain('/run/op/krb5cc');
    expect(kerberosCaches(tmp, uid, 'DIR::/run/op/krb5cc/tkt')).toContain('/run/op/krb5cc/tkt');
    expect(kerberosCaches(tmp, uid, '/home/op/.krb5cc')).toContain('/home/op/.krb5cc');
    // Kept by a daemon, not a file: nothing to hide.
    expect(kerberosCaches(join(tmp, 'missing'), uid, 'KEYRING:persistent:0')).toEqual([]);
  });

  it('hides the Kerberos tickets in /tmp from a confined agent', () => {
    const p = place();
    const ticket = join('/tmp', `krb5cc_${uid}_grovetest${process.pid}`);
    writeFileSync(ticket, 'ticket');
    try {
      const inputs = confineInputs({ lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config: {}, keyless: false, bridgeDir: null, shown: [] });
      expect(inputs.hidden).toContainEqual({ path: ticket, kind: 'file' });
    } finally {
      rmSync(ticket, { force: true });
    }
  });

  it('hides Codex\'s daemon dir, made where missing: Codex\'s own sandbox, nested, must find it to mask it', () => {
    const p = place();
    const daemon = CLI_DAEMON_DIRS(uid)[0]!;
    expect(daemon).toBe(`/tmp/codex-daemon-${uid}`);
    const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config: {}, bridgeDir: null, shown: [], keyless: false };
    const inputs = confineInputs(base);
    expect(statSync(daemon).isDirectory()).toBe(true);
    expect(statSync(daemon).mode & 0o777).toBe(0o700);
    expect(inputs.hidden).toContainEqual({ path: daemon, kind: 'dir' });
    for (const socket of DESKTOP_SOCKETS(uid).filter((s) => existsSync(s))) expect(inputs.hidden.map((h) => h.path)).toContain(socket);
  });

  it("hides the system's name resolvers' sockets from an agent with network none or loopback, not from one with the network open", () => {
    const p = place();
    // nscd's directory, made for the test where it is missing and /run is ours to write (as root on a test machine).
    const nscd = '/run/nscd';
    let made = false;
    if (!existsSync(nscd)) {
      try {
        mkdirSync(nscd);
        made = true;
      } catch {
        /* not ours to write: checked with what exists */
      }
    }
    try {
      const present = RESOLVER_SOCKETS.filter((s) => existsSync(s)).map((s) => realpathSync(s));
      if (present.length === 0) return console.log('no resolver socket here, nor a way to make one: skipped');
      const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], bridgeDir: null, shown: [], keyless: false };
      const hiddenWith = (network: 'open' | 'loopback' | 'none') => confineInputs({ ...base, config: { lanes: { network } } }).hidden.map((h) => h.path);
      for (const network of ['none', 'loopback'] as const) for (const s of present) expect(hiddenWith(network)).toContain(s);
      for (const s of present) expect(hiddenWith('open')).not.toContain(s);
    } finally {
      if (made) rmSync(nscd, { recursive: true, force: true });
    }
  });
});
