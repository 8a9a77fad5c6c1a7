import { realpathSync } from 'node:fs';
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
});
