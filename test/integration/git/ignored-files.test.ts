import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listIgnored } from '../../../src/host/lanes/git/ignored-files';
import { git, makeRepo } from '../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

/** Writes `text` at `rel` in `dir`, making its folders. */
const put = (dir: string, rel: string, text = 'x'): void => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

describe('what a lane holds that git ignores', () => {
  it('names folders ignored whole once, and every other ignored file, by git\'s own rules', async () => {
    const repo = makeRepo(join(makeTempDir(), 'r'));
    put(repo, '.gitignore', 'node_modules/\n*.pem\n.env\ncache/*\n!cache/keep.env\n');
    git(repo, 'add', '.gitignore');
    git(repo, 'commit', '-q', '-m', 'ignore');
    put(repo, 'node_modules/a/index.js');
    put(repo, 'certs/sub/a.pem'); // a folder holding only files ignored by name: not ignored whole
    put(repo, 'src/dev.pem');
    put(repo, 'src/main.ts'); // untracked, not ignored: not listed
    put(repo, '.env');
    put(repo, 'tmp/.env'); // inside an untracked folder
    put(repo, 'cache/blob');
    put(repo, 'cache/keep.env'); // un-ignored by a negation
    put(repo, 'we ird\nname.pem');
    const { files, dirs } = await listIgnored(repo);
    expect(dirs).toEqual(['node_modules/']);
    expect([...files].sort()).toEqual(['.env', 'cache/blob', 'certs/sub/a.pem', 'src/dev.pem', 'tmp/.env', 'we ird\nname.pem']);
  });
});
