import type { Migration } from '../migrations';

/**
 * Browser sessions end after 30 days unused, so each keeps when it was last used (sessions
 * of an older host count from the upgrade, not from their creation, so nobody is logged out
 * by the upgrade itself). And the process groups of the commands a host runs from grove.yaml
 * (setup, probes), so the next host ends those a killed host left running.
 */
export const sessionIdleAndCommandGroups: Migration = {
  version: 7,
  name: 'session-idle-and-command-groups',
  up(db) {
    db.exec(`
      ALTER TABLE browser_sessions ADD COLUMN last_used_at TEXT;
      UPDATE browser_sessions SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

      -- One row per running command: its process group, and the marker in its environment
      -- that tells its processes from a later holder of the same ids.
      CREATE TABLE command_groups (
        marker       TEXT PRIMARY KEY,
        pgid         INTEGER NOT NULL,
        leader_start TEXT,
        what         TEXT NOT NULL,
        started_at   TEXT NOT NULL
      ) STRICT;
    `);
  },
};
