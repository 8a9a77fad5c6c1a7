import type { Repo } from '../../shared/repo';
import type { CommandEntry, TrustState } from '../../shared/trust';
import type { Db } from '../db/database';
import { freeOverrideName } from './override-name';

/** What the operator trusted for a repository (see src/host/trust). */
export interface TrustRecord {
  digest: string | null;
  commands: CommandEntry[];
  at: string | null;
  /** Registered before trust existed: its current commands are trusted at the next start. */
  migrated: boolean;
  /** The last digest a change of commands was told for. */
  alerted: string | null;
}

export interface RepoStore {
  list(): Repo[];
  get(id: string): Repo | undefined;
  findByPath(mainPath: string): Repo | undefined;
  insert(repo: Pick<Repo, 'id' | 'name' | 'mainPath' | 'addedAt'>): void;
  remove(id: string): boolean;
  trustOf(id: string): TrustRecord | undefined;
  /** Records the commands the operator trusted now. */
  trust(id: string, digest: string, commands: readonly CommandEntry[], at: string): void;
  /** The changed digest last told of; null once the commands are back to the trusted ones. */
  markAlerted(id: string, digest: string | null): void;
  clearMigrated(id: string): void;
}

/**
 * Whether a repository's commands are trusted now depends on its grove.yaml, read when the
 * repository is read; the host passes how (src/host/trust/repo-trust.ts `assessTrust`).
 * Without it, a repository is trusted only as stored: never, or by the stored digest.
 */
export type AssessTrust = (repo: Pick<Repo, 'id' | 'name' | 'mainPath' | 'trustedDigest' | 'overrideName'>, trustedCommands: () => CommandEntry[]) => TrustState;

type Row = {
  id: string;
  name: string;
  main_path: string;
  added_at: string;
  trusted_digest: string | null;
  trusted_commands: string;
  trusted_at: string | null;
  trust_migrated: number;
  trust_alerted: string | null;
  /** NULL only for a row written by hand: its override then goes by its name. */
  override_name: string | null;
};

export function createRepoStore(db: Db, assess?: AssessTrust): RepoStore {
  const toRepo = (r: Row): Repo => {
    const base = { id: r.id, name: r.name, mainPath: r.main_path, addedAt: r.added_at, trustedDigest: r.trusted_digest, overrideName: r.override_name ?? r.name };
    const trust = assess ? assess(base, () => JSON.parse(r.trusted_commands) as CommandEntry[]) : r.trusted_digest === null ? 'untrusted' : 'trusted';
    return { ...base, trusted: trust === 'trusted', trust };
  };
  const list = db.prepare('SELECT * FROM repos ORDER BY name, added_at');
  const byPath = db.prepare('SELECT * FROM repos WHERE main_path = ?');
  const byId = db.prepare('SELECT * FROM repos WHERE id = ?');
  const insert = db.prepare('INSERT INTO repos (id, name, main_path, added_at, override_name) VALUES (?, ?, ?, ?, ?)');
  const overrideNames = db.prepare('SELECT coalesce(override_name, name) AS taken FROM repos');
  const remove = db.prepare('DELETE FROM repos WHERE id = ?');
  const trust = db.prepare('UPDATE repos SET trusted_digest = ?, trusted_commands = ?, trusted_at = ?, trust_migrated = 0, trust_alerted = NULL WHERE id = ?');
  const alerted = db.prepare('UPDATE repos SET trust_alerted = ? WHERE id = ?');
  const clearMigrated = db.prepare('UPDATE repos SET trust_migrated = 0 WHERE id = ?');
  return {
    list: () => (list.all() as Row[]).map(toRepo),
    get: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toRepo(row);
    },
    findByPath: (p) => {
      const row = byPath.get(p) as Row | undefined;
      return row && toRepo(row);
    },
    insert: (r) => {
      const taken = new Set((overrideNames.all() as { taken: string }[]).map((x) => x.taken.toLowerCase()));
      insert.run(r.id, r.name, r.mainPath, r.addedAt, freeOverrideName(r.name, taken));
    },
    remove: (id) => remove.run(id).changes > 0,
    trustOf: (id) => {
      const r = byId.get(id) as Row | undefined;
      if (!r) return undefined;
      return { digest: r.trusted_digest, commands: JSON.parse(r.trusted_commands) as CommandEntry[], at: r.trusted_at, migrated: r.trust_migrated === 1, alerted: r.trust_alerted };
    },
    trust: (id, digest, commands, at) => void trust.run(digest, JSON.stringify(commands), at, id),
    markAlerted: (id, digest) => void alerted.run(digest, id),
    clearMigrated: (id) => void clearMigrated.run(id),
  };
}
