import type { Migration } from '../migrations';

/**
 * The redactions of each brief, found without reading its trace: an entry that arrives after a
 * redaction naming it (imported, or pulled late) is looked up against them, and each import
 * first asks which briefs have any (brief-service.ts).
 */
export const redactionIndex: Migration = {
  version: 16,
  name: 'redaction-index',
  up(db) {
    db.exec(`CREATE INDEX brief_entries_redactions ON brief_entries (brief_id) WHERE kind = 'redaction';`);
  },
};
