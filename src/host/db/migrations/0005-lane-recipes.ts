import type { Migration } from '../migrations';

/**
 * Lanes get what their recipe gave them (a port block, key-less or not, how setup went,
 * whether they are served); merges into MAIN are recorded with their recovery refs.
 */
export const laneRecipes: Migration = {
  version: 5,
  name: 'lane-recipes',
  up(db) {
    db.exec(`
      ALTER TABLE lanes ADD COLUMN port INTEGER;
      ALTER TABLE lanes ADD COLUMN keyless INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lanes ADD COLUMN setup TEXT NOT NULL DEFAULT 'none';
      ALTER TABLE lanes ADD COLUMN served_url TEXT;
      ALTER TABLE lanes ADD COLUMN serve_mode TEXT;
      ALTER TABLE lanes ADD COLUMN serve_agent_id TEXT;
      CREATE UNIQUE INDEX lanes_port ON lanes(port) WHERE port IS NOT NULL;

      CREATE TABLE merges (
        id           TEXT PRIMARY KEY,
        repo_id      TEXT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
        lane_id      TEXT,
        lane_name    TEXT NOT NULL,
        branch       TEXT NOT NULL,
        strategy     TEXT NOT NULL,
        main_before  TEXT NOT NULL,
        main_after   TEXT NOT NULL,
        recovery_ref TEXT NOT NULL,
        state        TEXT NOT NULL,
        gate_output  TEXT,
        at           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX merges_repo ON merges(repo_id, at);
    `);
  },
};
