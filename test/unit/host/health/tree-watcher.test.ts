import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isIgnoredBy, listGitIgnored, watchTree, type TreeWatcher } from '../../../../src/host/health/tree-watcher';
import { git, makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/** One watcher per directory, against real file events. */
const poll = { timeout: 5_000, interval: 20 };
let tree: TreeWatcher | null = null;

afterEach(() => {
  tree?.close();
  tree = null;
  removeTempDirs();
});

function watch(root: string, ignore: (rel: string) => boolean = () => false): { changes: string[] } {
  const seen = { changes: [] as string[] };
  tree = watchTree(root, { ignore, onChange: (rel) => void seen.changes.push(rel) });
  return seen;
}

describe('watchTree', () => {
  it('watches every directory but .git and ignored ones, and reports changes by relative path', async () => {
    const root = realpathSync(makeTempDir());
    mkdirSync(join(root, '.git', 'objects'), { recursive: true });
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    mkdirSync(join(root, 'vendor', 'pkg'), { recursive: true });
    const seen = watch(root, (rel) => rel === 'vendor' || rel.startsWith('vendor/'));
    await tree!.ready;
    expect(tree!.watchedDirs()).toBe(3);

    writeFileSync(join(root, 'src', 'lib', 'a.ts'), 'a');
    writeFileSync(join(root, 'vendor', 'pkg', 'b.php'), 'b');
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await expect.poll(() => seen.changes, poll).toContain('src/lib/a.ts');
    expect(seen.changes.filter((c) => c.startsWith('vendor') || c.startsWith('.git'))).toEqual([]);
  });

  it('adds directories created later, and drops removed and renamed ones', async () => {
    const root = realpathSync(makeTempDir());
    const seen = watch(root);
    await tree!.ready;
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
    await expect.poll(() => tree!.watchedDirs(), poll).toBe(4);
    writeFileSync(join(root, 'a', 'b', 'c', 'deep.txt'), 'x');
    await expect.poll(() => seen.changes, poll).toContain('a/b/c/deep.txt');

    renameSync(join(root, 'a', 'b'), join(root, 'a', 'moved'));
    await expect.poll(() => seen.changes, poll).toContain('a/moved');
    writeFileSync(join(root, 'a', 'moved', 'c', 'after.txt'), 'x');
    await expect.poll(() => seen.changes, poll).toContain('a/moved/c/after.txt');
    expect(tree!.watchedDirs()).toBe(4);

    rmSync(join(root, 'a'), { recursive: true });
    await expect.poll(() => tree!.watchedDirs(), poll).toBe(1);
  });

  it('refresh() follows a changed ignore rule both ways', async () => {
    const root = realpathSync(makeTempDir());
    mkdirSync(join(root, 'build', 'x'), { recursive: true });
    let ignoreBuild = false;
    watch(root, (rel) => ignoreBuild && (rel === 'build' || rel.startsWith('build/')));
    await tree!.ready;
    expect(tree!.watchedDirs()).toBe(3);
    ignoreBuild = true;
    await tree!.refresh();
    expect(tree!.watchedDirs()).toBe(1);
    ignoreBuild = false;
    await tree!.refresh();
    expect(tree!.watchedDirs()).toBe(3);
  });

  it('tolerates a root that does not exist, and close() is final', async () => {
    watch(join(realpathSync(makeTempDir()), 'missing'));
    await tree!.ready;
    expect(tree!.watchedDirs()).toBe(0);
    tree!.close();
    tree!.close();
    expect(tree!.watchedDirs()).toBe(0);
  });
});

describe('git-ignored paths', () => {
  it('lists ignored directories and files, not a directory that merely holds ignored files', async () => {
    const repo = makeRepo(join(realpathSync(makeTempDir()), 'app'));
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n*.log\n');
    git(repo, 'add', '.gitignore');
    git(repo, 'commit', '-q', '-m', 'ignore');
    mkdirSync(join(repo, 'node_modules', 'a'), { recursive: true });
    mkdirSync(join(repo, 'packages', 'ui', 'node_modules', 'b'), { recursive: true });
    mkdirSync(join(repo, 'logs'), { recursive: true });
    writeFileSync(join(repo, 'logs', 'app.log'), '');
    writeFileSync(join(repo, 'debug.log'), '');
    const ignored = await listGitIgnored(repo);
    expect([...ignored].sort()).toEqual(['debug.log', 'logs/app.log', 'node_modules', 'packages/ui/node_modules']);

    const isIgnored = isIgnoredBy(ignored);
    expect(isIgnored('node_modules')).toBe(true);
    expect(isIgnored('node_modules/a/b')).toBe(true);
    expect(isIgnored('packages/ui/node_modules/b')).toBe(true);
    expect(isIgnored('logs')).toBe(false);
    expect(isIgnored('node_modules_old')).toBe(false);
    expect(isIgnored('src/node_modules')).toBe(false);
  });
});
