import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Discovery } from '../../shared/discovery';

/** Written with write-to-temp + rename so a reader never sees half a file. */
export function writeDiscovery(path: string, discovery: Discovery): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(discovery, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
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
