import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reposInIgnoredDirs } from '../../../../../src/host/lanes/git/ignored-repos';
import { git, makeBareRepo, makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

/** A lane-like folder whose `vendor/` git ignores, and a remote to clone from. */
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
  return { lane, clone };
}
const commit = (dir: string, file: string): void => {
  writeFileSync(join(dir, file), `${file}\n`);
  git(dir, 'add', '.');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', file);
};

describe('reposInIgnoredDirs', () => {
  it('passes over a clone with nothing of its own (a tool checkout, a cache), however deep, and an empty repository', async () => {
    const { lane, clone } = setup();
    clone('vendor/tool');
    clone('vendor/deep/er/cache');
    git(lane, 'init', '-q', join(lane, 'vendor', 'empty'));
    expect(await reposInIgnoredDirs(lane, ['vendor/'])).toEqual([]);
  });

  it('names a repository with commits no remote has (on any branch), changes, untracked files or a stash', async () => {
    const { lane, clone } = setup();
    commit(clone('vendor/committed'), 'mine.txt');
    writeFileSync(join(clone('vendor/edited'), 'README.md'), 'changed\n');
    writeFileSync(join(clone('vendor/untracked'), 'notes.txt'), 'notes\n');
    const stashed = clone('vendor/stashed');
    writeFileSync(join(stashed, 'README.md'), 'stashed\n');
    git(stashed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'stash', '-q');
    const branched = clone('vendor/branched');
    git(branched, 'checkout', '-q', '-b', 'side');
    commit(branched, 'side.txt');
    git(branched, 'checkout', '-q', 'main');
    makeRepo(join(lane, 'vendor', 'local-only'));
    expect((await reposInIgnoredDirs(lane, ['vendor/'])).sort()).toEqual([
      'vendor/branched/ (in a folder git ignores: commits no remote has)',
      'vendor/committed/ (in a folder git ignores: commits no remote has)',
      'vendor/edited/ (in a folder git ignores: changes not committed)',
      'vendor/local-only/ (in a folder git ignores: commits no remote has)',
      'vendor/stashed/ (in a folder git ignores: a stash)',
      'vendor/untracked/ (in a folder git ignores: changes not committed)',
    ]);
  });

  it('never runs a program a repository\'s config names (it reads through a git folder of its own), and names one it cannot read', async () => {
    const { lane, clone } = setup();
    const planted = clone('vendor/planted');
    const witness = join(makeTempDir(), 'ran');
    git(planted, 'config', 'filter.e.clean', `sh -c 'touch ${witness}; cat'`);
    git(planted, 'config', 'core.fsmonitor', `sh -c 'touch ${witness}'`);
    writeFileSync(join(planted, '.gitattributes'), '* filter=e\n');
    // Same size, new content: git must read (and, with that config, filter) the file to know.
    writeFileSync(join(planted, 'README.md'), '# APP\n');
    mkdirSync(join(lane, 'vendor', 'broken', '.git'), { recursive: true });
    expect((await reposInIgnoredDirs(lane, ['vendor/'])).sort()).toEqual([
      'vendor/broken/ (in a folder git ignores: Grove could not read it)',
      'vendor/planted/ (in a folder git ignores: changes not committed)',
    ]);
    expect(existsSync(witness)).toBe(false);
  });

  it('does not follow a symlink out of the lane (what it points at is not deleted with it)', async () => {
    const lane = makeTempDir();
    mkdirSync(join(lane, 'vendor'));
    symlinkSync(makeRepo(join(makeTempDir(), 'outside')), join(lane, 'vendor', 'linked'));
    expect(await reposInIgnoredDirs(lane, ['vendor/'])).toEqual([]);
  });
});
