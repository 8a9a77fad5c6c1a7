import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { checkObjectsSince, sharedObjectsCheck } from '../../../src/host/lanes/git/object-integrity';
import { GitError } from '../../../src/host/lanes/git/run-git';
import { addWorktree, git, makeRepo } from '../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

/**
 * The merge's `objects` check on real repositories: git reads an object without checking
 * its content against its name, so one written under another's name passes every diff and
 * lands in MAIN at the next checkout. The check finds it by hashing what was written.
 */
afterEach(() => removeTempDirs());

const LONG_AGO = '2000-01-01T00:00:00.000Z';

function repoWithLane(): { main: string; lane: string; objects: string } {
  const root = realpathSync(makeTempDir());
  const main = makeRepo(join(root, 'flower'));
  const lane = addWorktree(main, join(root, 'flower-design'), 'design');
  return { main, lane, objects: join(main, '.git', 'objects') };
}

/** A lane's commit, then everything packed: MAIN's objects in one pack. */
function repoWithPack(): { main: string; lane: string } {
  const { main, lane } = repoWithLane();
  writeFileSync(join(lane, 'petals.txt'), 'pink\n'.repeat(1000));
  git(lane, 'add', 'petals.txt');
  git(lane, 'commit', '-qm', 'petals');
  git(main, 'repack', '-adq');
  return { main, lane };
}

/** What an agent can do with a writable object store: MAIN's README blob made to hold other text. */
function forgeReadme(main: string, lane: string, objects: string, text: string): string {
  const readme = git(main, 'rev-parse', 'HEAD:README.md');
  const file = join(makeTempDir(), 'other.txt');
  writeFileSync(file, text);
  const evil = git(lane, 'hash-object', '-w', file);
  const path = join(objects, readme.slice(0, 2), readme.slice(2));
  chmodSync(path, 0o644);
  copyFileSync(join(objects, evil.slice(0, 2), evil.slice(2)), path);
  return readme;
}

describe('the shared object store\'s check', () => {
  it('finds an object whose content is not what its name says, which git itself reads without a word', async () => {
    const { main, lane, objects } = repoWithLane();
    const clean = await checkObjectsSince(main, Date.parse(LONG_AGO));
    expect(clean.forged).toEqual([]);
    expect(clean.checked).toBeGreaterThanOrEqual(3); // a commit, its tree, README's blob

    const readme = forgeReadme(main, lane, objects, 'rm -rf / # trust me\n');
    // git shows MAIN's README with the other text, and its diff against MAIN shows nothing.
    expect(git(main, 'show', 'HEAD:README.md')).toBe('rm -rf / # trust me');
    expect(git(main, 'status', '--porcelain')).toBe('');

    const found = await checkObjectsSince(main, Date.parse(LONG_AGO));
    expect(found.forged).toEqual([readme]);
  });

  it('as a merge check: refuses a symbolic link planted in the shared refs or reflogs (git would write through it)', async () => {
    const { main } = repoWithLane();
    const dataDir = makeTempDir();
    const repo = { id: 'r1', mainPath: main, addedAt: LONG_AGO };
    const elsewhere = makeTempDir();
    mkdirSync(join(main, '.git', 'refs', 'grove'), { recursive: true });
    symlinkSync(elsewhere, join(main, '.git', 'refs', 'grove', 'recovery'));
    symlinkSync(join(elsewhere, 'bashrc'), join(main, '.git', 'logs', 'HEAD.planted'));
    const failed = await sharedObjectsCheck(repo, dataDir);
    expect(failed).toMatchObject({ name: 'objects', ok: false, message: expect.stringContaining('refs hold 2 symbolic links, written from a lane') });
    expect([...failed.detail].sort()).toEqual(['logs/HEAD.planted', 'refs/grove/recovery']);
    rmSync(join(main, '.git', 'refs', 'grove', 'recovery'));
    rmSync(join(main, '.git', 'logs', 'HEAD.planted'));
    expect((await sharedObjectsCheck(repo, dataDir)).ok).toBe(true);
  });

  it('as a merge check: names the object, keeps its mark until the store is clean, and checks only what was written since', async () => {
    const { main, lane, objects } = repoWithLane();
    const dataDir = makeTempDir();
    const repo = { id: 'r1', mainPath: main, addedAt: LONG_AGO };
    const first = await sharedObjectsCheck(repo, dataDir);
    expect(first).toMatchObject({ name: 'objects', ok: true });
    const mark = Number(readFileSync(join(dataDir, 'objects-checked', 'r1'), 'utf8'));
    expect(mark).toBeGreaterThan(Date.parse(LONG_AGO));

    const readme = forgeReadme(main, lane, objects, 'other\n');
    const failed = await sharedObjectsCheck(repo, dataDir);
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain('1 object in the shared store holds content that is not what its name says');
    expect(failed.detail).toEqual([readme]);
    // The mark stays: the next check reads the forged file again.
    expect(Number(readFileSync(join(dataDir, 'objects-checked', 'r1'), 'utf8'))).toBe(mark);
    expect((await sharedObjectsCheck(repo, dataDir)).ok).toBe(false);

    // Put right (the operator deleted the file and fetched the object again), it passes.
    const path = join(objects, readme.slice(0, 2), readme.slice(2));
    rmSync(path);
    git(main, 'hash-object', '-w', 'README.md');
    expect(existsSync(path)).toBe(true);
    expect((await sharedObjectsCheck(repo, dataDir)).ok).toBe(true);
  });

  it('a pack whose bytes were changed fails git verify-pack, and is named', async () => {
    const { main } = repoWithPack();
    const packDir = join(main, '.git', 'objects', 'pack');
    const pack = readdirSync(packDir).find((f) => f.endsWith('.pack'))!;
    expect((await checkObjectsSince(main, Date.parse(LONG_AGO))).forged).toEqual([]);
    const bytes = readFileSync(join(packDir, pack));
    const at = bytes.length - 30;
    bytes[at] = bytes[at]! ^ 0xff;
    chmodSync(join(packDir, pack), 0o644);
    writeFileSync(join(packDir, pack), bytes);
    expect((await checkObjectsSince(main, Date.parse(LONG_AGO))).forged).toEqual([`pack/${pack}`]);
  });

  it('a verify-pack that is killed (the OOM killer) is no verdict on the pack: the check fails saying so, and names nothing forged', async () => {
    const { main } = repoWithPack();
    // git as found first on PATH: the real one, except that verify-pack dies of SIGKILL.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const bin = makeTempDir();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nfor a in "$@"; do [ "$a" = verify-pack ] && kill -9 $$; done\nexec ${realGit} "$@"\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const failed = await checkObjectsSince(main, Date.parse(LONG_AGO)).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(GitError);
      expect((failed as GitError).args[0]).toBe('verify-pack');
      expect((failed as GitError).output.code).toBe(-1);
    } finally {
      process.env.PATH = path;
    }
    expect((await checkObjectsSince(main, Date.parse(LONG_AGO))).forged).toEqual([]);
  });
});
