import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ignoredReposHoldingWork } from '../../../../../src/host/lanes/git/ignored-repos';
import { git, makeBareRepo, makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

/** A lane-like folder whose `vendor/` git ignores, and a remote to clone from and push to. */
function setup() {
  const lane = makeTempDir();
  mkdirSync(join(lane, 'vendor'));
  const remote = makeBareRepo(join(makeTempDir(), 'tool.git'));
  const seed = makeRepo(join(makeTempDir(), 'seed'));
  git(seed, 'push', '-q', remote, 'main');
  const clone = (rel: string): string => {
    git(lane, 'clone', '-q', '-b', 'main', remote, rel);
    return join(lane, rel);
  };
  return { lane, remote, clone };
}

describe('ignoredReposHoldingWork', () => {
  it('passes over a clone with nothing of its own (a tool checkout, a cache), however deep', async () => {
    const { lane, clone } = setup();
    clone('vendor/tool');
    clone('vendor/deep/er/cache');
    expect(await ignoredReposHoldingWork(lane, ['vendor/'])).toEqual([]);
  });

  it('names a repository with commits no remote has, changes, untracked files or a stash', async () => {
    const { lane, clone } = setup();
    const committed = clone('vendor/committed');
    writeFileSync(join(committed, 'new.txt'), 'mine\n');
    git(committed, 'add', '.');
    git(committed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'local');
    writeFileSync(join(clone('vendor/edited'), 'README.md'), 'changed\n');
    writeFileSync(join(clone('vendor/untracked'), 'notes.txt'), 'notes\n');
    const stashed = clone('vendor/stashed');
    writeFileSync(join(stashed, 'README.md'), 'stashed\n');
    git(stashed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'stash', '-q');
    // A branch of its own, not checked out, counts too.
    const branched = clone('vendor/branched');
    git(branched, 'checkout', '-q', '-b', 'side');
    writeFileSync(join(branched, 'side.txt'), 'side\n');
    git(branched, 'add', '.');
    git(branched, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'side');
    git(branched, 'checkout', '-q', 'main');
    expect((await ignoredReposHoldingWork(lane, ['vendor/'])).sort()).toEqual([
      'vendor/branched/ (in a folder git ignores: commits no remote has)',
      'vendor/committed/ (in a folder git ignores: commits no remote has)',
      'vendor/edited/ (in a folder git ignores: changes not committed)',
      'vendor/stashed/ (in a folder git ignores: a stash)',
      'vendor/untracked/ (in a folder git ignores: changes not committed)',
    ]);
  });

  it('names a repository with no remote that has commits, not an empty one', async () => {
    const { lane } = setup();
    makeRepo(join(lane, 'vendor', 'local-only'));
    git(lane, 'init', '-q', join(lane, 'vendor', 'empty'));
    expect(await ignoredReposHoldingWork(lane, ['vendor/'])).toEqual(['vendor/local-only/ (in a folder git ignores: commits no remote has)']);
  });

  it('names an ignored folder that is itself a repository, and says so when it cannot be read as one', async () => {
    const { lane } = setup();
    makeRepo(join(lane, 'scratch'));
    mkdirSync(join(lane, 'broken', '.git'), { recursive: true });
    expect(await ignoredReposHoldingWork(lane, ['scratch/', 'broken/'])).toEqual([
      'scratch/ (in a folder git ignores: commits no remote has)',
      expect.stringMatching(/^broken\/ \(in a folder git ignores: could not check it: /),
    ]);
  });

  it('does not follow a symlink out of the lane (what it points at is not deleted with it)', async () => {
    const { lane } = setup();
    const outside = makeRepo(join(makeTempDir(), 'outside'));
    symlinkSync(outside, join(lane, 'vendor', 'linked'));
    expect(await ignoredReposHoldingWork(lane, ['vendor/'])).toEqual([]);
  });
});
