import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reposInIgnoredDirs } from '../../../../../src/host/lanes/git/ignored-repos';
import { git, makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

describe('reposInIgnoredDirs', () => {
  it('names every repository in the ignored folders, however deep, the folder itself too, and not inside one found', async () => {
    const lane = makeTempDir();
    makeRepo(join(lane, 'vendor', 'tool'));
    makeRepo(join(lane, 'vendor', 'tool', 'inner'));
    makeRepo(join(lane, 'vendor', 'deep', 'er', 'cache'));
    git(lane, 'init', '-q', join(lane, 'vendor', 'empty'));
    makeRepo(join(lane, 'scratch'));
    mkdirSync(join(lane, 'vendor', 'plain', 'files'), { recursive: true });
    writeFileSync(join(lane, 'vendor', 'plain', 'files', 'a.txt'), 'a\n');
    // A worktree's `.git` is a file: a repository's checkout all the same.
    mkdirSync(join(lane, 'vendor', 'linked'));
    writeFileSync(join(lane, 'vendor', 'linked', '.git'), 'gitdir: /elsewhere\n');
    expect((await reposInIgnoredDirs(lane, ['vendor/', 'scratch/', 'missing/'])).sort()).toEqual([
      'scratch/ (in a folder git ignores)',
      'vendor/deep/er/cache/ (in a folder git ignores)',
      'vendor/empty/ (in a folder git ignores)',
      'vendor/linked/ (in a folder git ignores)',
      'vendor/tool/ (in a folder git ignores)',
    ]);
  });

  it('never runs git in them: a filter the repository configures is not run', async () => {
    const lane = makeTempDir();
    const planted = makeRepo(join(lane, 'vendor', 'planted'));
    const witness = join(makeTempDir(), 'ran');
    git(planted, 'config', 'filter.e.clean', `sh -c 'touch ${witness}; cat'`);
    writeFileSync(join(planted, '.gitattributes'), '* filter=e\n');
    writeFileSync(join(planted, 'README.md'), 'touched\n');
    expect(await reposInIgnoredDirs(lane, ['vendor/'])).toEqual(['vendor/planted/ (in a folder git ignores)']);
    expect(existsSync(witness)).toBe(false);
  });

  it('does not follow a symlink out of the lane (what it points at is not deleted with it)', async () => {
    const lane = makeTempDir();
    mkdirSync(join(lane, 'vendor'));
    symlinkSync(makeRepo(join(makeTempDir(), 'outside')), join(lane, 'vendor', 'linked'));
    expect(await reposInIgnoredDirs(lane, ['vendor/'])).toEqual([]);
  });
});

