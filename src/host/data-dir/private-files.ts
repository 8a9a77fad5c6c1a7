import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data dir holds the operator token, agents' environments (in grove.db and its WAL) and
 * browser sessions: only its owner may read any of it. A directory made by an older Grove,
 * by hand or by another tool may be 0755, so the mode is set every start, not only on
 * creation (mkdir's mode applies only to what it creates, and the umask narrows even that).
 */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/**
 * Creates `path` empty and 0600 if missing, and narrows it to 0600 if it exists. SQLite
 * creates a database's `-wal` and `-shm` files with the database file's own mode, so a
 * 0600 database gets a 0600 journal; existing ones (from a 0644 database) are narrowed too.
 */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Narrows an existing file to 0600; a file that is not there is left not there. */
export function narrowIfPresent(path: string): void {
  try {
    chmodSync(path, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
