import Database from 'better-sqlite3';
import { ensurePrivateFile, narrowIfPresent } from '../data-dir/private-files';
import { migrate, type MigrationOutcome } from './migrations';

export type Db = Database.Database;

/**
 * Opens the host's SQLite store. WAL lets readers run beside the one writer; the busy
 * timeout absorbs a brief lock by a backup tool or a CLI reader; synchronous=FULL makes a
 * committed write durable before the host reports success, so it survives `kill -9` and a
 * power cut alike. The store is small (no terminal output lives here), so FULL costs little.
 */
export function openDatabase(path: string): { db: Db; migration: MigrationOutcome } {
  // 0600 before SQLite sees it: the store holds agents' environments, and SQLite gives the
  // -wal and -shm files it creates the database file's mode.
  if (path !== ':memory:') {
    ensurePrivateFile(path);
    for (const companion of [`${path}-wal`, `${path}-shm`, `${path}-journal`]) narrowIfPresent(companion);
  }
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Deleted and overwritten content is zeroed in the file, not left in free space: a redacted
  // secret (briefs.md, Redaction) must not stay readable in a copy of grove.db. The cost is
  // writing the zeros, on pages a delete writes anyway (and on pages it frees).
  db.pragma('secure_delete = ON');
  const migration = migrate(db);
  return { db, migration };
}

/** An explanation for the one failure a user can fix themselves: an addon built for another runtime. */
export function explainAddonLoadError(e: unknown): string | null {
  const msg = e instanceof Error ? e.message : String(e);
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|ERR_DLOPEN_FAILED|invalid ELF header/.test(msg)) {
    return `better-sqlite3 was built for another runtime than the Node.js running the host (${process.version}). Run \`npm rebuild better-sqlite3\` in the Grove checkout. Detail: ${msg.split('\n')[0]}`;
  }
  return null;
}
