import type { OpsCheckout } from '../../shared/ops';
import type { Db } from '../db/database';

/**
 * Each repository's ops loop, one row per repository (table ops_loops): where its checkout
 * is, the command its agent runs, the agent, and where the checkout stands against MAIN.
 * The status file's path is not stored: it follows from the data dir and the repository.
 */
export interface OpsRecord {
  repoId: string;
  checkout: OpsCheckout;
  path: string;
  command: string;
  agentId: string | null;
  head: string | null;
  behindReason: string | null;
  createdAt: string;
}

export type OpsChange = Partial<Pick<OpsRecord, 'command' | 'agentId' | 'head' | 'behindReason'>>;

export interface OpsStore {
  list(repoId?: string): OpsRecord[];
  get(repoId: string): OpsRecord | undefined;
  insert(r: OpsRecord): void;
  update(repoId: string, change: OpsChange): OpsRecord | undefined;
  remove(repoId: string): boolean;
}

type Row = {
  repo_id: string;
  checkout: string;
  path: string;
  command: string;
  agent_id: string | null;
  head: string | null;
  behind_reason: string | null;
  created_at: string;
};

const toRecord = (r: Row): OpsRecord => ({
  repoId: r.repo_id,
  checkout: r.checkout as OpsCheckout,
  path: r.path,
  command: r.command,
  agentId: r.agent_id,
  head: r.head,
  behindReason: r.behind_reason,
  createdAt: r.created_at,
});

export function createOpsStore(db: Db): OpsStore {
  const all = db.prepare('SELECT * FROM ops_loops ORDER BY created_at');
  const byRepo = db.prepare('SELECT * FROM ops_loops WHERE repo_id = ?');
  const insert = db.prepare(
    `INSERT INTO ops_loops (repo_id, checkout, path, command, agent_id, head, behind_reason, created_at)
     VALUES (@repoId, @checkout, @path, @command, @agentId, @head, @behindReason, @createdAt)`,
  );
  const update = db.prepare(
    'UPDATE ops_loops SET command = @command, agent_id = @agentId, head = @head, behind_reason = @behindReason WHERE repo_id = @repoId',
  );
  const remove = db.prepare('DELETE FROM ops_loops WHERE repo_id = ?');
  const read = (repoId: string): OpsRecord | undefined => {
    const row = byRepo.get(repoId) as Row | undefined;
    return row && toRecord(row);
  };
  return {
    list: (repoId) => (repoId ? [read(repoId)].filter((r): r is OpsRecord => r !== undefined) : (all.all() as Row[]).map(toRecord)),
    get: read,
    insert: (r) => void insert.run(r),
    update: (repoId, change) => {
      const current = read(repoId);
      if (!current) return undefined;
      const next = { ...current, ...change };
      update.run(next);
      return next;
    },
    remove: (repoId) => remove.run(repoId).changes > 0,
  };
}
