import type Database from 'better-sqlite3';
import { initial } from './migrations/0001-initial';
import { agents } from './migrations/0002-agents';
import { browserSessions } from './migrations/0003-browser-sessions';
import { lanes } from './migrations/0004-lanes';
import { laneRecipes } from './migrations/0005-lane-recipes';
import { healthHistory } from './migrations/0006-health-history';
import { sessionIdleAndCommandGroups } from './migrations/0007-session-idle-and-command-groups';
import { repoTrust } from './migrations/0008-repo-trust';
import { briefs } from './migrations/0009-briefs';
import { dispatch } from './migrations/0010-dispatch';
import { sync } from './migrations/0011-sync';
import { redact } from './migrations/0012-redact';
import { agentUnconfined } from './migrations/0013-agent-unconfined';
import { loopbackNetwork } from './migrations/0014-loopback-network';
import { pageKeys } from './migrations/0015-page-keys';
import { redactionIndex } from './migrations/0016-redaction-index';
import { agentLeaderStart } from './migrations/0017-agent-leader-start';
import { repoOverrideName } from './migrations/0018-repo-override-name';
import { dispatchLaneIndex } from './migrations/0019-dispatch-lane-index';
import { agentConfineCeiling } from './migrations/0020-agent-confine-ceiling';

/**
 * Versioned schema migrations. The schema version is SQLite's `user_version`; migration N
 * takes a database at version N-1 to N inside one transaction, so a crash mid-migration
 * leaves the previous version intact. Migrations are append-only: never edit a released
 * one, add the next. test/unit/host/db/migrations.test.ts upgrades from every version.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: readonly Migration[] = [initial, agents, browserSessions, lanes, laneRecipes, healthHistory, sessionIdleAndCommandGroups, repoTrust, briefs, dispatch, sync, redact, agentUnconfined, loopbackNetwork, pageKeys, redactionIndex, agentLeaderStart, repoOverrideName, dispatchLaneIndex, agentConfineCeiling];

export const LATEST_SCHEMA_VERSION = migrations.length;

export type MigrationOutcome =
  | { kind: 'current'; version: number }
  | { kind: 'migrated'; from: number; to: number };

export class SchemaTooNewError extends Error {
  readonly code = 'schema_too_new';
  constructor(
    readonly found: number,
    readonly supported: number,
    readonly path: string,
  ) {
    super(
      `The database ${path} is at schema version ${found}, newer than this Grove supports (${supported}). ` +
        'Run the newer Grove that wrote it, or point GROVE_HOME at another data dir.',
    );
  }
}

export function schemaVersionOf(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Migrate up to `target` (the latest by default; tests stop early to build old versions). */
export function migrate(
  db: Database.Database,
  target: number = LATEST_SCHEMA_VERSION,
): MigrationOutcome {
  const from = schemaVersionOf(db);
  if (from > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(from, LATEST_SCHEMA_VERSION, db.name);
  if (from >= target) return { kind: 'current', version: from };
  for (const m of migrations) {
    if (m.version <= from || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { kind: 'migrated', from, to: target };
}
