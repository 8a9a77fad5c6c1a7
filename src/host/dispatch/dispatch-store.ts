import type { Claim, Dispatch, DispatchState } from '../../shared/dispatch';
import type { Db } from '../db/database';

/**
 * Dispatches and claims, in the host's SQLite. A dispatch is kept whole as JSON (it is read
 * whole and small) with the columns lists filter on; its lane is read from the JSON through
 * expression indexes (migration 19). Claims have a row each, one per brief (the primary key is
 * the "one claim per brief" rule). A list returns every match unless it asks for a limit: the
 * host's own lookups (the open dispatches, a lane's) must never lose an old one behind newer
 * finished ones.
 */
export interface DispatchStore {
  get(id: string): Dispatch | null;
  /**
   * Newest first; all of them unless `limit`. `lane`: only those that worked in it (a lane was
   * made or named for them), by its id, or, the lane perhaps gone, by its repository and name.
   */
  list(o: { briefId?: string; states?: readonly DispatchState[]; lane?: LaneKey; limit?: number }): Dispatch[];
  save(d: Dispatch): void;
  claim(briefId: string): Claim | null;
  claims(): Claim[];
  /** Inserts the claim unless the brief has one: false when another holds it. */
  insertClaim(c: Claim): boolean;
  renewClaim(briefId: string, leaseUntil: string): void;
  removeClaim(briefId: string): void;
  transaction<T>(fn: () => T): T;
}

export type LaneKey = { id: string } | { repoId: string; name: string };

type ClaimRow = { brief_id: string; dispatch_id: string | null; agent_id: string; agent_name: string; since: string; lease_until: string };
const toClaim = (r: ClaimRow): Claim => ({
  briefId: r.brief_id,
  dispatchId: r.dispatch_id,
  agentId: r.agent_id,
  agentName: r.agent_name,
  since: r.since,
  leaseUntil: r.lease_until,
});

export function createDispatchStore(db: Db): DispatchStore {
  const get = db.prepare('SELECT record FROM dispatches WHERE id = ?');
  const save = db.prepare(`INSERT INTO dispatches (id, brief_id, repo_id, state, created_at, record) VALUES (@id, @brief_id, @repo_id, @state, @created_at, @record)
    ON CONFLICT (id) DO UPDATE SET state = excluded.state, record = excluded.record`);
  const claim = db.prepare('SELECT * FROM brief_claims WHERE brief_id = ?');
  const claims = db.prepare('SELECT * FROM brief_claims ORDER BY since');
  const insertClaim = db.prepare(`INSERT INTO brief_claims VALUES (@brief_id, @dispatch_id, @agent_id, @agent_name, @since, @lease_until) ON CONFLICT (brief_id) DO NOTHING`);
  const renew = db.prepare('UPDATE brief_claims SET lease_until = ? WHERE brief_id = ?');
  const remove = db.prepare('DELETE FROM brief_claims WHERE brief_id = ?');
  const parse = (row: { record: string } | undefined): Dispatch | null => (row ? (JSON.parse(row.record) as Dispatch) : null);
  return {
    get: (id) => parse(get.get(id) as { record: string } | undefined),
    list: ({ briefId, states, lane, limit }) => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (briefId) {
        where.push('brief_id = ?');
        args.push(briefId);
      }
      // Written as the indexes are (dispatches_by_lane, dispatches_by_lane_name), so they are used.
      if (lane && 'id' in lane) {
        where.push("json_extract(record, '$.laneId') = ?");
        args.push(lane.id);
      } else if (lane) {
        where.push("repo_id = ? AND json_extract(record, '$.laneName') = ? AND json_extract(record, '$.laneId') IS NOT NULL");
        args.push(lane.repoId, lane.name);
      }
      if (states && states.length > 0) {
        where.push(`state IN (${states.map(() => '?').join(', ')})`);
        args.push(...states);
      }
      const sql = `SELECT record FROM dispatches ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
      // -1: no limit.
      return (db.prepare(sql).all(...args, limit ?? -1) as { record: string }[]).map((r) => JSON.parse(r.record) as Dispatch);
    },
    save: (d) => void save.run({ id: d.id, brief_id: d.briefId, repo_id: d.repoId, state: d.state, created_at: d.createdAt, record: JSON.stringify(d) }),
    claim: (briefId) => {
      const row = claim.get(briefId) as ClaimRow | undefined;
      return row ? toClaim(row) : null;
    },
    claims: () => (claims.all() as ClaimRow[]).map(toClaim),
    insertClaim: (c) =>
      insertClaim.run({ brief_id: c.briefId, dispatch_id: c.dispatchId, agent_id: c.agentId, agent_name: c.agentName, since: c.since, lease_until: c.leaseUntil }).changes === 1,
    renewClaim: (briefId, leaseUntil) => void renew.run(leaseUntil, briefId),
    removeClaim: (briefId) => void remove.run(briefId),
    transaction: (fn) => db.transaction(fn)(),
  };
}
