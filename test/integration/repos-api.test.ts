import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo } from '../fixtures/git-repo';
import { api, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('repositories over the API', () => {
  it('adds, lists, refuses a duplicate, removes, and keeps them across a restart', async () => {
    const host = await startHostProcess();
    const repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    const added = await api(host, 'repos.add', { path: repo });
    expect(added.status).toBe(200);
    const dup = await api(host, 'repos.add', { path: join(repo, '.') });
    expect(dup.status).toBe(409);
    expect(dup.body.error?.code).toBe('repo_already_added');

    await host.stop();
    const again = await startHostProcess({ home: host.home });
    const listed = await api(again, 'repos.list');
    expect(listed.body.result).toEqual({ repos: [expect.objectContaining({ name: 'flower', mainPath: repo })] });

    const id = (listed.body.result as { repos: { id: string }[] }).repos[0]!.id;
    expect((await api(again, 'repos.remove', { id })).body).toEqual({ ok: true, result: { removed: true } });
    expect((await api(again, 'repos.remove', { id })).status).toBe(404);
    expect((await api(again, 'repos.list')).body.result).toEqual({ repos: [] });
  });

  it('says what is wrong with a relative path', async () => {
    const host = await startHostProcess();
    const r = await api(host, 'repos.add', { path: 'flower' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request' });
    expect(r.body.error?.message).toContain('params.path: path must be absolute');
  });

  it('refuses one MAIN inside another, and a folder of the home folder’s repository (a dotfiles repository) taken for its top level', async () => {
    const home = realpathSync(makeTempDir());
    makeRepo(home); // the home folder is a repository itself
    const host = await startHostProcess({ env: { HOME: home } });
    const project = join(home, 'proj', 'new');
    mkdirSync(project, { recursive: true });
    const dotfiles = await api(host, 'repos.add', { path: project });
    expect(dotfiles.status).toBe(400);
    expect(dotfiles.body.error?.message).toBe(`${project} is not a repository of its own: it is inside the one at your home folder (${home}). Run git init in it first, or register ${home} itself if you mean that.`);

    const outer = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    expect((await api(host, 'repos.add', { path: outer })).status).toBe(200);
    const inner = makeRepo(join(outer, 'vendor', 'lib'));
    const nested = await api(host, 'repos.add', { path: inner });
    expect(nested.status).toBe(409);
    expect(nested.body.error).toMatchObject({ code: 'repo_nested', message: `${inner} is inside ${outer}, already registered as "flower"; one MAIN cannot hold another. Register a checkout outside it.` });
    expect(((await api(host, 'repos.list')).body.result as { repos: unknown[] }).repos).toHaveLength(1);
  });
});
