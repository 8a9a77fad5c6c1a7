import type { Migration } from '../migrations';

/**
 * Dispatch and claims (docs/mcp.md). An agent records its role and the dispatch that started
 * it: its token is bound to that brief, across host restarts. `dispatches` records each
 * request and where it went (a lane, an agent) and its state; `brief_claims` holds the one
 * claim a brief may have, with the lease the host renews while the claiming agent lives
 * (the sync issue moves the decision to the shared store's compare-and-set).
 */
export const dispatch: Migration = {
  version: 10,
  name: 'dispatch',
  up(db) {
    db.exec(`
      ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'worker';
      ALTER TABLE agents ADD COLUMN dispatch_id TEXT;
      CREATE TABLE dispatches (
        id TEXT PRIMARY KEY,
        brief_id TEXT NOT NULL,
        repo_id TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX dispatches_by_brief ON dispatches (brief_id, created_at);
      CREATE INDEX dispatches_by_state ON dispatches (state, created_at);
      CREATE TABLE brief_claims (
        brief_id TEXT PRIMARY KEY,
        dispatch_id TEXT,
        agent_id TEXT NOT NULL,
        agent_name TEXT NOT NULL,
        since TEXT NOT NULL,
        lease_until TEXT NOT NULL
      );
    `);
  },
};
