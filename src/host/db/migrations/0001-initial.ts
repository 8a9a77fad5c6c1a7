import type { Migration } from '../migrations';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- The host's numbered event stream; seq never repeats (AUTOINCREMENT), even after pruning.
      CREATE TABLE events (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,
        type    TEXT NOT NULL,
        payload TEXT NOT NULL
      );

      CREATE TABLE repos (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        main_path TEXT NOT NULL UNIQUE,
        added_at  TEXT NOT NULL
      ) STRICT;
    `);
  },
};
