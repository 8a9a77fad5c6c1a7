import type { Migration } from '../migrations';

/**
 * When an agent's recorded process started (process-tree.ts processStartTime), next to its
 * pid: off Linux, where a process carries no marker Grove can read, a pid the next host
 * finds on record counts as the agent's only while a process of that start time holds it
 * (a reboot or a long gap hands pids to other programs). NULL for records from before.
 */
export const agentLeaderStart: Migration = {
  version: 17,
  name: 'agent-leader-start',
  up(db) {
    db.exec('ALTER TABLE agents ADD COLUMN pid_start TEXT;');
  },
};
