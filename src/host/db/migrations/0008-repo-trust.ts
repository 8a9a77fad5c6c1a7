import type { Migration } from '../migrations';

/**
 * Trust in each repository's commands: the digest and the commands the operator trusted
 * (kept so a change can be shown against them), when, and the last digest a change was
 * told for (one alert per new set of commands, across restarts). A repository registered
 * before trust existed has already run its commands with its operator's consent: it is
 * marked `trust_migrated`, and the host trusts its current commands at its next start and
 * says so once (src/host/trust/repo-trust.ts).
 */
export const repoTrust: Migration = {
  version: 8,
  name: 'repo-trust',
  up(db) {
    db.exec(`
      ALTER TABLE repos ADD COLUMN trusted_digest TEXT;
      ALTER TABLE repos ADD COLUMN trusted_commands TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE repos ADD COLUMN trusted_at TEXT;
      ALTER TABLE repos ADD COLUMN trust_migrated INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE repos ADD COLUMN trust_alerted TEXT;
      UPDATE repos SET trust_migrated = 1;
    `);
  },
};
