import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepIgnoredFailed, keepIgnoredFiles, unkeepable } from '../../../../src/host/lanes/keep-ignored-files';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

const MIB = 1024 * 1024;
/** A file of `mib` MiB that takes no disk (sparse). */
const sized = (path: string, mib: number): void => {
  writeFileSync(path, '');
  truncateSync(path, mib * MIB);
};

describe('which ignored files an archive can keep', () => {
  it('names a file over the per-file limit, and the total when the rest together pass it', async () => {
    const lane = makeTempDir();
    sized(join(lane, 'one.db'), 65);
    for (const n of ['a', 'b', 'c', 'd', 'e']) sized(join(lane, `${n}.bin`), 60);
    expect(await unkeepable(lane, ['one.db', 'a.bin', 'b.bin', 'c.bin', 'd.bin', 'e.bin'])).toEqual(['one.db (65 MiB)', '300 MiB of them in all, over the 256 MiB an archive keeps']);
    expect(await unkeepable(lane, ['a.bin', 'b.bin', 'c.bin', 'd.bin'])).toEqual([]);
  });

  it('counts a link as the link, and skips what has no content (a pipe) or is gone', async () => {
    const lane = makeTempDir();
    sized(join(lane, 'big'), 65);
    symlinkSync('big', join(lane, 'link'));
    makePipe(join(lane, 'pipe'));
    expect(await unkeepable(lane, ['link', 'pipe', 'vanished'])).toEqual([]);
    const dir = join(makeTempDir(), 'ignored');
    expect(await keepIgnoredFiles(lane, ['link', 'pipe', 'vanished'], dir)).toEqual(['link']);
  });

  it('never writes outside the archive for a path that leaves the lane', async () => {
    const root = makeTempDir();
    const lane = join(root, 'lane');
    mkdirSync(lane);
    writeFileSync(join(root, 'outside'), 'not the lane\'s');
    const dir = join(root, 'archive');
    expect(await keepIgnoredFiles(lane, ['../outside', '/etc/hostname'], dir)).toEqual([]);
    writeFileSync(join(lane, 'ok'), 'kept');
    expect(await keepIgnoredFiles(lane, ['ok'], dir)).toEqual(['ok']);
    expect(readFileSync(join(dir, 'ok'), 'utf8')).toBe('kept');
  });
});

describe('copying them', () => {
  it('fails whole on a file it cannot copy, deleting the copies it made (the lane keeps the originals)', async () => {
    const lane = makeTempDir();
    writeFileSync(join(lane, '.env'), 'A=1');
    mkdirSync(join(lane, 'config'));
    writeFileSync(join(lane, 'config', 'local.json'), '{}');
    const dir = join(makeTempDir(), 'ignored');
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'local.json'), 'already here'); // a name clash: never overwritten
    await expect(keepIgnoredFiles(lane, ['.env', 'config/local.json'], dir)).rejects.toBeInstanceOf(KeepIgnoredFailed);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(lane, '.env'), 'utf8')).toBe('A=1');
  });
});

function makePipe(path: string): void {
  execFileSync('mkfifo', [path]);
}
