import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** Everything a host keeps that only its owner may read, after it has written to its store. */
async function expectPrivate(home: string): Promise<void> {
  const host = await startHostProcess({ home });
  // Writes that land in the WAL: a repository added, a login code's session traded in.
  const repo = makeTempDir('grove-modes-repo-');
  mkdirSync(join(repo, '.git'));
  await api(host, 'repos.add', { path: repo });
  await api(host, 'auth.loginCode');
  await expect.poll(() => existsSync(join(home, 'grove.db-wal')) && existsSync(join(home, 'grove.db-shm'))).toBe(true);
  expect(modeOf(home)).toBe('700');
  expect(modeOf(join(home, 'logs'))).toBe('700');
  for (const name of ['grove.db', 'grove.db-wal', 'grove.db-shm', 'token', 'host.json', 'host.lock']) {
    expect({ name, mode: modeOf(join(home, name)) }).toEqual({ name, mode: '600' });
  }
}

describe('data dir modes', () => {
  it('creates a fresh data dir 0700 with its store, WAL, token and discovery file 0600', async () => {
    await expectPrivate(join(makeTempDir('grove-modes-'), 'fresh'));
  });

  it('narrows a pre-existing 0755 data dir and a 0644 store left by an older host', async () => {
    const home = makeTempDir('grove-modes-');
    chmodSync(home, 0o755);
    const first = await startHostProcess({ home });
    await first.stop();
    // What an older Grove (or a restore from backup) leaves: world-readable files.
    chmodSync(home, 0o755);
    for (const name of ['grove.db', 'token', 'host.lock']) chmodSync(join(home, name), 0o644);
    writeFileSync(join(home, 'grove.db-wal'), '', { mode: 0o644 });
    chmodSync(join(home, 'grove.db-wal'), 0o644);
    await expectPrivate(home);
  });
});
