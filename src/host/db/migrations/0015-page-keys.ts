import type { Migration } from '../migrations';

/**
 * A browser session is two secrets: the cookie (which every port of the machine's loopback
 * is sent, so a server an agent runs there can read it) opens only the page's files, and the
 * page key (kept in the page's own storage, which no other port can read) opens the API, on
 * the port it was given on only. The sessions opened before had no page key: they end, and
 * their browsers log in again.
 */
export const pageKeys: Migration = {
  version: 15,
  name: 'page-keys',
  up(db) {
    db.exec(`
      DELETE FROM browser_sessions;
      ALTER TABLE browser_sessions ADD COLUMN key_digest TEXT NOT NULL DEFAULT '';
      ALTER TABLE browser_sessions ADD COLUMN port INTEGER NOT NULL DEFAULT 0;
      CREATE UNIQUE INDEX browser_sessions_key ON browser_sessions (key_digest);
    `);
  },
};
