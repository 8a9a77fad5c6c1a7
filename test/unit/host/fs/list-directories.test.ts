import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listDirectories, parsePrefix } from '../../../../src/host/fs/list-directories';
import { MAX_DIRECTORY_ENTRIES } from '../../../../src/shared/directories';
import { makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A temp "home" with Sites/ holding two checkouts, a plain folder, a file and a hidden folder. */
function sites(): string {
  const home = realpathSync(makeTempDir());
  const root = join(home, 'Sites');
  makeRepo(join(root, 'flower'));
  makeRepo(join(root, 'flowchart'));
  mkdirSync(join(root, 'notes'));
  mkdirSync(join(root, '.cache'));
  writeFileSync(join(root, 'flow.txt'), 'a file whose name matches');
  return home;
}

function namesOf(r: Awaited<ReturnType<typeof listDirectories>>): string[] {
  if (!r.ok) throw new Error(r.error.message);
  return r.value.entries.map((e) => e.name);
}

describe('parsePrefix', () => {
  it('splits a typed path into the directory to list and the start of a name', () => {
    expect(parsePrefix('/home/me/Si', '/home/me')).toEqual({ directory: '/home/me', segment: 'Si' });
    expect(parsePrefix('/home/me/', '/home/me')).toEqual({ directory: '/home/me', segment: '' });
    expect(parsePrefix('/', '/home/me')).toEqual({ directory: '/', segment: '' });
  });

  it('expands ~ to the home directory', () => {
    expect(parsePrefix('~/Si', '/home/me')).toEqual({ directory: '/home/me', segment: 'Si' });
    expect(parsePrefix('~/', '/home/me')).toEqual({ directory: '/home/me', segment: '' });
    expect(parsePrefix('~', '/home/me')).toEqual({ directory: '/home', segment: 'me' });
    expect(parsePrefix('~/.c', '/home/me')).toEqual({ directory: '/home/me', segment: '.c' });
    expect(parsePrefix('~/.', '/home/me')).toEqual({ directory: '/home/me', segment: '.' });
  });
});

describe('listDirectories', () => {
  it('completes the last segment with directory names only, sorted, marking git checkouts', async () => {
    const home = sites();
    const r = await listDirectories(join(home, 'Sites', 'flo'));
    expect(r).toEqual({
      ok: true,
      value: {
        directory: join(home, 'Sites') + '/',
        entries: [
          { name: 'flowchart', path: join(home, 'Sites', 'flowchart'), isGitCheckout: true },
          { name: 'flower', path: join(home, 'Sites', 'flower'), isGitCheckout: true },
        ],
        truncated: false,
      },
    });
  });

  it('lists every visible child of a path ending with a slash, never files nor hidden ones', async () => {
    const home = sites();
    const r = await listDirectories(join(home, 'Sites') + '/');
    expect(namesOf(r)).toEqual(['flowchart', 'flower', 'notes']);
    expect(r.ok && r.value.entries.find((e) => e.name === 'notes')?.isGitCheckout).toBe(false);
  });

  it('lists hidden directories when the typed name starts with a dot', async () => {
    const home = sites();
    expect(namesOf(await listDirectories(join(home, 'Sites') + '/.'))).toEqual(['.cache']);
  });

  it('expands ~ to the host user\'s home', async () => {
    const home = sites();
    expect(namesOf(await listDirectories('~/Si', home))).toEqual(['Sites']);
  });

  it('follows a link to a directory but not one to a file or nowhere', async () => {
    const home = sites();
    const root = join(home, 'Sites');
    symlinkSync(join(root, 'notes'), join(root, 'link-dir'));
    symlinkSync(join(root, 'flow.txt'), join(root, 'link-file'));
    symlinkSync(join(root, 'gone'), join(root, 'link-dangling'));
    expect(namesOf(await listDirectories(join(root, 'link')))).toEqual(['link-dir']);
  });

  it(`answers at most ${MAX_DIRECTORY_ENTRIES} names and says the rest were cut`, async () => {
    const root = realpathSync(makeTempDir());
    for (let i = 0; i < MAX_DIRECTORY_ENTRIES + 5; i++) mkdirSync(join(root, `d${i}`));
    const r = await listDirectories(root + '/');
    expect(r.ok && r.value.entries.length).toBe(MAX_DIRECTORY_ENTRIES);
    expect(r.ok && r.value.truncated).toBe(true);
    // Numeric order, so d2 comes before d10.
    expect(namesOf(r).slice(0, 3)).toEqual(['d0', 'd1', 'd2']);
  });

  it('says which directory does not exist, and how to fix it', async () => {
    const home = sites();
    const r = await listDirectories(join(home, 'Nope', 'fl'));
    expect(r).toEqual({ ok: false, error: { code: 'dir_missing', message: expect.stringContaining(`${join(home, 'Nope')} does not exist`), details: { path: join(home, 'Nope') } } });
  });

  it('says when the path goes through a file', async () => {
    const home = sites();
    const r = await listDirectories(join(home, 'Sites', 'flow.txt') + '/');
    expect(r.ok ? null : r.error.code).toBe('dir_not_directory');
    expect(r.ok ? '' : r.error.message).toContain('is a file, not a directory');
  });

  it('says when a name is too long or a link loops, instead of failing inside the host', async () => {
    const home = sites();
    const long = await listDirectories(join(home, 'x'.repeat(300)) + '/');
    expect(long.ok ? null : long.error).toMatchObject({ code: 'dir_missing', message: expect.stringContaining('longer than the file system allows') });
    symlinkSync(join(home, 'loop'), join(home, 'loop'));
    const loop = await listDirectories(join(home, 'loop') + '/');
    expect(loop.ok ? null : loop.error).toMatchObject({ code: 'dir_missing', message: expect.stringContaining('points back at itself') });
  });

  it('leaves out a directory whose name is not UTF-8: it could not be completed to a real path', async () => {
    const home = sites();
    mkdirSync(Buffer.concat([Buffer.from(join(home, 'Sites') + '/'), Buffer.from([0x66, 0xff, 0x6f])]) as unknown as string);
    const r = await listDirectories(join(home, 'Sites') + '/');
    expect(r.ok && r.value.entries.some((e) => e.name.includes('\uFFFD'))).toBe(false);
    expect(r.ok && r.value.entries.length).toBeGreaterThan(0);
  });

  it.skipIf(process.getuid?.() === 0)('says when the host may not read the directory', async () => {
    const home = sites();
    const locked = join(home, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    try {
      const r = await listDirectories(locked + '/');
      expect(r.ok ? null : r.error.code).toBe('dir_unreadable');
      expect(r.ok ? '' : r.error.message).toContain('permission denied');
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});
