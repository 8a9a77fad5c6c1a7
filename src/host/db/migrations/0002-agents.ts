import type { Migration } from '../migrations';

export const agents: Migration = {
  version: 2,
  name: 'agents',
  up(db) {
    db.exec(`
      CREATE TABLE agents (
        id                  TEXT PRIMARY KEY,
        name                TEXT NOT NULL,
        lane_path           TEXT NOT NULL,
        preset              TEXT NOT NULL,
        command             TEXT NOT NULL,
        args                TEXT NOT NULL,   -- JSON array
        env                 TEXT NOT NULL,   -- JSON object, non-secret additions only
        withhold_env        TEXT NOT NULL,   -- JSON array of variable names
        restart             TEXT NOT NULL,
        auto_resume         INTEGER NOT NULL,
        is_ops_loop         INTEGER NOT NULL,
        session_id          TEXT,
        context_warn_tokens INTEGER NOT NULL,
        cols                INTEGER NOT NULL,
        rows                INTEGER NOT NULL,
        -- Last known supervision: on host start, 'running' here means "was running when the
        -- previous host went away" and triggers reconciliation.
        state               TEXT NOT NULL,
        pid                 INTEGER,
        created_at          TEXT NOT NULL
      ) STRICT;
    `);
  },
};
