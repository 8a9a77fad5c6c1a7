import { writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectRepo } from '../../../../src/host/repos/inspect-repo';
import { addWorktree, makeBareRepo, makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

describe('inspectRepo: is this a MAIN checkout?', () => {
  it('accepts a repository\'s main working tree', async () => {
    const repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    expect(await inspectRepo(repo)).toEqual({ ok: true, value: { mainPath: repo, name: 'flower' } });
  });

  it('takes a directory inside the checkout to mean its top level', async () => {
    const repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    mkdirSync(join(repo, 'app', 'Http'), { recursive: true });
    const r = await inspectRepo(join(repo, 'app', 'Http'));
    expect(r.ok && r.value.mainPath).toBe(repo);
  });

  it('refuses a linked worktree and names the main checkout', async () => {
    const root = realpathSync(makeTempDir());
    const repo = makeRepo(join(root, 'flower'));
    const lane = addWorktree(repo, join(root, 'flower-design'), 'design');
    const r = await inspectRepo(lane);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('repo_is_linked_worktree');
      expect(r.error.message).toContain(repo);
    }
  });

  it('refuses a directory inside .git saying to pick the checkout, not "failed inside the host"', async () => {
    const repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    const r = await inspectRepo(join(repo, '.git', 'refs'));
    expect(r.ok ? null : r.error).toMatchObject({ code: 'repo_not_git', message: expect.stringContaining("inside a repository's .git directory") });
  });

  it('refuses a bare repository', async () => {
    const r = await inspectRepo(makeBareRepo(join(makeTempDir(), 'bare.git')));
    expect(!r.ok && r.error.code).toBe('repo_is_bare');
  });

  it('refuses a directory outside git, a missing path and a file', async () => {
    const dir = makeTempDir();
    expect(await inspectRepo(dir)).toMatchObject({ ok: false, error: { code: 'repo_not_git' } });
    expect(await inspectRepo(join(dir, 'nope'))).toMatchObject({ ok: false, error: { code: 'repo_path_missing' } });
    writeFileSync(join(dir, 'f'), 'x');
    expect(await inspectRepo(join(dir, 'f'))).toMatchObject({ ok: false, error: { code: 'repo_path_missing' } });
  });
});
