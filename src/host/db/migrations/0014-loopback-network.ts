import type { Migration } from '../migrations';

/**
 * A lane's network may be `loopback` too (this machine's loopback and nothing beyond). SQLite
 * cannot change a column's CHECK, so the column is made again beside the old one, filled from
 * it, and takes its name: every lane keeps the network it had.
 */
export const loopbackNetwork: Migration = {
  version: 14,
  name: 'loopback-network',
  up(db) {
    db.exec(`
      ALTER TABLE lanes ADD COLUMN network_next TEXT CHECK (network_next IN ('open', 'loopback', 'none'));
      UPDATE lanes SET network_next = network;
      ALTER TABLE lanes DROP COLUMN network;
      ALTER TABLE lanes RENAME COLUMN network_next TO network;
    `);
  },
};
