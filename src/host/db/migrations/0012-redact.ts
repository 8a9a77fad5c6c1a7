import type { Migration } from '../migrations';

/**
 * Rewrites the shared store owes (docs/sync.md, Redactions): `sync_tombstones` names the local
 * entries a redaction tombstoned (or whose diff it withheld) while sync was configured, written
 * in the same transaction as the tombstone, so the shared row that may still hold their text
 * is rewritten by the next push even if the host dies in between. A row goes once the push
 * that rewrote the shared row committed.
 */
export const redact: Migration = {
  version: 12,
  name: 'redact',
  up(db) {
    db.exec(`
      CREATE TABLE sync_tombstones (
        entry_id TEXT PRIMARY KEY
      );
    `);
  },
};
