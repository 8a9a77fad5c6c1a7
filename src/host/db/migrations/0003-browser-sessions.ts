import type { Migration } from '../migrations';

export const browserSessions: Migration = {
  version: 3,
  name: 'browser-sessions',
  up(db) {
    db.exec(`
      -- Browsers hold a session secret (never the API token); only its digest is kept.
      CREATE TABLE browser_sessions (
        digest     TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
