import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo } from '../fixtures/git-repo';
import { api, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/**
 * fs.directories over HTTP, as the browser's add-a-repository field calls it: behind the
 * token like every method, and answering directory names only.
 */
describe('fs.directories over the API', () => {
  it('needs the token', async () => {
    const host = await startHostProcess();
    const r = await api(host, 'fs.directories', { prefix: '/' }, { authorization: 'Bearer wrong' });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(JSON.stringify(r.body)).not.toContain('entries');
  });

  it('completes a typed path with directories only, marks checkouts, and expands ~ to the host user\'s home', async () => {
    const userHome = realpathSync(makeTempDir());
    const sites = join(userHome, 'Sites');
    makeRepo(join(sites, 'flower'));
    mkdirSync(join(sites, 'flowers-archive'));
    writeFileSync(join(sites, 'flow-notes.md'), 'secret plans');
    const host = await startHostProcess({ env: { HOME: userHome } });

    const r = await api(host, 'fs.directories', { prefix: join(sites, 'flow') });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: true,
      result: {
        directory: sites + '/',
        entries: [
          { name: 'flower', path: join(sites, 'flower'), isGitCheckout: true },
          { name: 'flowers-archive', path: join(sites, 'flowers-archive'), isGitCheckout: false },
        ],
        truncated: false,
      },
    });
    expect(JSON.stringify(r.body)).not.toContain('flow-notes');
    expect(JSON.stringify(r.body)).not.toContain('secret');

    const home = await api(host, 'fs.directories', { prefix: '~/Si' });
    expect(home.body).toMatchObject({ ok: true, result: { directory: userHome + '/', entries: [{ name: 'Sites' }] } });
  });

  it('answers clear errors: a relative path, a missing directory, a file', async () => {
    const root = realpathSync(makeTempDir());
    writeFileSync(join(root, 'file.txt'), '');
    const host = await startHostProcess();

    const relative = await api(host, 'fs.directories', { prefix: 'Sites/fl' });
    expect(relative.status).toBe(400);
    expect(relative.body.error?.message).toContain('prefix must be absolute');

    const missing = await api(host, 'fs.directories', { prefix: join(root, 'nope', 'fl') });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'dir_missing', message: expect.stringContaining(`${join(root, 'nope')} does not exist`) });

    const file = await api(host, 'fs.directories', { prefix: join(root, 'file.txt') + '/' });
    expect(file.body.error).toMatchObject({ code: 'dir_not_directory' });
  });
});
