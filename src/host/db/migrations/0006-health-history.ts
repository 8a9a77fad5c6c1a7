import type { Migration } from '../migrations';

/**
 * MAIN's history (probe runs, its state over time, incidents), the notifications the host
 * decided on, each repository's ops loop, and the agents working in a lane when it merged.
 */
export const healthHistory: Migration = {
  version: 6,
  name: 'health-history',
  up(db) {
    db.exec(`
      CREATE TABLE probe_runs (
        id          INTEGER PRIMARY KEY,
        repo_id     TEXT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
        probe       TEXT NOT NULL,
        ok          INTEGER NOT NULL,
        at          TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        detail      TEXT NOT NULL,
        output_tail TEXT NOT NULL
      ) STRICT;
      CREATE INDEX probe_runs_repo ON probe_runs(repo_id, id);

      CREATE TABLE health_states (
        id      INTEGER PRIMARY KEY,
        repo_id TEXT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
        state   TEXT NOT NULL,
        at      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX health_states_repo ON health_states(repo_id, at);

      CREATE TABLE incidents (
        id        TEXT PRIMARY KEY,
        repo_id   TEXT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        payload   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX incidents_repo ON incidents(repo_id, opened_at);

      CREATE TABLE notifications (
        id      TEXT PRIMARY KEY,
        at      TEXT NOT NULL,
        payload TEXT NOT NULL
      ) STRICT;
      CREATE INDEX notifications_at ON notifications(at);

      CREATE TABLE ops_loops (
        repo_id       TEXT PRIMARY KEY REFERENCES repos(id) ON DELETE CASCADE,
        checkout      TEXT NOT NULL,
        path          TEXT NOT NULL,
        command       TEXT NOT NULL,
        agent_id      TEXT,
        head          TEXT,
        behind_reason TEXT,
        created_at    TEXT NOT NULL
      ) STRICT;

      ALTER TABLE merges ADD COLUMN agents TEXT NOT NULL DEFAULT '[]';
    `);
  },
};
