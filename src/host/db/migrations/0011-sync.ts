import type { Migration } from '../migrations';

/**
 * Sync with the shared MySQL (docs/sync.md). `sync_outbox` names the local entries the shared
 * store does not have yet; a row is written in the same transaction as its entry (only while
 * sync is configured) and deleted once the push that carried it committed, so a crash at any
 * point leaves it either waiting or pushed, and a replayed push changes nothing there.
 * `sync_state` keeps the pull cursor (the last shared seq applied here) and the like.
 */
export const sync: Migration = {
  version: 11,
  name: 'sync',
  up(db) {
    db.exec(`
      CREATE TABLE sync_outbox (
        entry_id TEXT PRIMARY KEY,
        local_seq INTEGER NOT NULL
      );
      CREATE INDEX sync_outbox_by_seq ON sync_outbox (local_seq);
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
