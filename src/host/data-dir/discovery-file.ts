import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Discovery } from '../../shared/discovery';

/**
 * Written with write-to-temp, fsync, rename, fsync of the folder: a reader never sees half a
 * file, and a power cut never leaves an empty one (which would stop `grove open` until
 * removed by hand).
 */
export function writeDiscovery(path: string, discovery: Discovery): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(discovery, null, 2) + '\n', { mode: 0o600 });
  syncPath(tmp);
  renameSync(tmp, path);
  syncPath(dirname(path));
}

function syncPath(path: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // A file system that refuses fsync on a folder: the rename is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Removes the file only if it is still ours: never erase a successor's. */
export function removeDiscovery(path: string, pid: number): void {
  try {
    const current = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
    if (current.pid === pid) unlinkSync(path);
  } catch {
    /* already gone or unreadable: nothing of ours to remove */
  }
}
