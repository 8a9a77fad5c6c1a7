import Database from 'better-sqlite3';

/**
 * One host per data dir. The lock is an SQLite file held in exclusive locking mode: the
 * kernel owns the underlying POSIX lock and drops it when the process dies, even by
 * `kill -9`, so there is no stale lock to detect and no race between two hosts starting at
 * the same instant (a pid file has both problems).
 */
export interface HostLock {
  release(): void;
}

export function acquireHostLock(lockPath: string): HostLock | null {
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Rollback journal, not WAL: WAL's shared memory would let a second reader in.
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (pid INTEGER); COMMIT;');
    return {
      release: () => {
        if (db.open) db.close();
      },
    };
  } catch (e) {
    if (db.open) db.close();
    if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return null;
    throw e;
  }
}
