import type { Migration } from '../migrations';

/** Whether the operator asked for an agent to run unconfined (issue: confined lanes); it holds across restarts. */
export const agentUnconfined: Migration = {
  version: 13,
  name: 'agent-unconfined',
  up(db) {
    db.exec('ALTER TABLE agents ADD COLUMN unconfined INTEGER NOT NULL DEFAULT 0;');
  },
};
