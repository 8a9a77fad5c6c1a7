import type { Migration } from '../migrations';

/**
 * Briefs (docs/briefs.md). `brief_entries` is the append-only trace, the truth: rows are
 * only ever inserted, except that a redaction replaces one row's payload by a tombstone.
 * `briefs` caches each brief's projection (rebuildable from its entries) with the columns
 * the list filters and sorts on. `brief_search` is a contentless FTS5 index of the entries'
 * text keyed by entry seq (the text lives once, in the entries). `brief_attachments` names
 * the blobs that entries reference; `blobs` records each content-addressed file under the
 * data dir's `blobs/` (its sniffed type and size) once the file is whole on disk.
 */
export const briefs: Migration = {
  version: 9,
  name: 'briefs',
  up(db) {
    db.exec(`
      CREATE TABLE briefs (
        id TEXT PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        state TEXT NOT NULL
      );
      CREATE INDEX briefs_by_activity ON briefs (updated_at DESC, id DESC);
      CREATE TABLE brief_projects (
        brief_id TEXT NOT NULL REFERENCES briefs (id),
        name TEXT NOT NULL,
        PRIMARY KEY (brief_id, name)
      );
      CREATE INDEX brief_projects_by_name ON brief_projects (name);
      CREATE TABLE brief_entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        brief_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        channel TEXT NOT NULL,
        at TEXT NOT NULL,
        hlc TEXT NOT NULL,
        payload TEXT,
        redacted TEXT
      );
      CREATE INDEX brief_entries_by_brief ON brief_entries (brief_id, seq);
      CREATE TABLE brief_attachments (
        id TEXT PRIMARY KEY,
        brief_id TEXT NOT NULL,
        entry_id TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        size INTEGER NOT NULL,
        added_at TEXT NOT NULL
      );
      CREATE INDEX brief_attachments_by_blob ON brief_attachments (sha256);
      CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        size INTEGER NOT NULL,
        stored_at TEXT NOT NULL
      );
      CREATE VIRTUAL TABLE brief_search USING fts5 (text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
    `);
  },
};
