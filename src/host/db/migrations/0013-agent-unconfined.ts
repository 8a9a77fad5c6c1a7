import type { Migration } from '../migrations';

/**
 * Confined lanes (issue 16): whether the operator asked for an agent to run unconfined (it
 * holds across restarts), and a lane's own network for its confined agents (`open`, `none`;
 * NULL: the repository's grove.yaml decides).
 */
export const agentUnconfined: Migration = {
  version: 13,
  name: 'agent-unconfined',
  up(db) {
    db.exec('ALTER TABLE agents ADD COLUMN unconfined INTEGER NOT NULL DEFAULT 0;');
    db.exec("ALTER TABLE lanes ADD COLUMN network TEXT CHECK (network IN ('open', 'none'));");
  },
};
