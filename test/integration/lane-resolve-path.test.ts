import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lane } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * lanes.resolvePath against a real host and a real git lane, as a Ctrl+click on a path in a
 * lane's terminal calls it: inside the lane it says what the path is and whether the lane
 * changed it; a path leading out (by `..`, absolutely, or through a symlink) is refused.
 */
let host: HostProcess;
let main: string;
let lane: Lane;

beforeEach(async () => {
  host = await startHostProcess();
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  mkdirSync(join(main, 'src'));
  writeFileSync(join(main, 'src', 'kept.ts'), 'export const kept = 1;\n');
  writeFileSync(join(main, 'src', 'edited.ts'), 'export const edited = 1;\n');
  git(main, 'add', '.');
  git(main, 'commit', '-q', '-m', 'sources');
  const repoId = await addTrustedRepo(host, main);
  const r = await api(host, 'lanes.create', { repoId, name: 'links' });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  lane = (r.body.result as { lane: Lane }).lane;
  writeFileSync(join(lane.path, 'src', 'edited.ts'), 'export const edited = 2;\n'); // uncommitted
  writeFileSync(join(lane.path, 'src', 'added.ts'), 'export const added = 1;\n'); // untracked
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const resolvePath = (params: Record<string, unknown>) => api(host, 'lanes.resolvePath', params);

describe('lanes.resolvePath', () => {
  it('says whether a file inside the lane exists and is among its changes, by lane path or id', async () => {
    expect((await resolvePath({ lanePath: lane.path, path: 'src/edited.ts' })).body).toEqual({
      ok: true,
      result: { relative: 'src/edited.ts', exists: true, isFile: true, changed: true },
    });
    expect((await resolvePath({ laneId: lane.id, path: './src/added.ts' })).body).toMatchObject({ result: { relative: 'src/added.ts', changed: true } });
    expect((await resolvePath({ laneId: lane.id, path: 'src/kept.ts' })).body).toMatchObject({ result: { relative: 'src/kept.ts', exists: true, isFile: true, changed: false } });
    // An absolute path inside the lane, as eslint prints it.
    expect((await resolvePath({ laneId: lane.id, path: join(lane.path, 'src', 'edited.ts') })).body).toMatchObject({ result: { relative: 'src/edited.ts', changed: true } });
    expect((await resolvePath({ laneId: lane.id, path: 'src/gone.ts' })).body).toEqual({ ok: true, result: { relative: 'src/gone.ts', exists: false, isFile: false, changed: false } });
    expect((await resolvePath({ laneId: lane.id, path: 'src' })).body).toMatchObject({ result: { exists: true, isFile: false, changed: false } });
  });

  it('refuses paths that lead outside the lane: ../, absolute, and through a symlink', async () => {
    writeFileSync(join(main, 'secret.txt'), 'MAIN only\n');
    symlinkSync(main, join(lane.path, 'escape'));
    for (const path of ['../flower/README.md', join(main, 'README.md'), 'escape/secret.txt', 'escape/not-there.ts', 'src/../../x.ts']) {
      const r = await resolvePath({ lanePath: lane.path, path });
      expect(r.status, path).toBe(400);
      expect(r.body, path).toMatchObject({ ok: false, error: { code: 'path_outside_lane', details: { path, lanePath: lane.path } } });
      expect(JSON.stringify(r.body)).not.toContain('MAIN only');
    }
    expect((await resolvePath({ lanePath: lane.path, path: 'escape/secret.txt' })).body).toMatchObject({ error: { message: expect.stringContaining('is outside lane links') } });
  });

  it('answers only for lanes, and asks for exactly one way of naming the lane', async () => {
    expect((await resolvePath({ lanePath: main, path: 'README.md' })).body).toMatchObject({ ok: false, error: { code: 'lane_unknown' } });
    expect((await resolvePath({ path: 'README.md' })).body).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('laneId or by lanePath') } });
    expect((await resolvePath({ laneId: lane.id, lanePath: lane.path, path: 'README.md' })).body).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});
