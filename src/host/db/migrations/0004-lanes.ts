import type { Migration } from '../migrations';

export const lanes: Migration = {
  version: 4,
  name: 'lanes',
  up(db) {
    db.exec(`
      CREATE TABLE lanes (
        id         TEXT PRIMARY KEY,
        repo_id    TEXT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        path       TEXT NOT NULL UNIQUE,
        branch     TEXT,
        kind       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (repo_id, name)
      ) STRICT;
    `);
  },
};
