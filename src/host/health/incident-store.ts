import { HealthRetention, Incident } from '../../shared/incidents';
import type { Db } from '../db/database';

/**
 * The incident log: one row per incident, its payload the Incident as the contract has it
 * (opened_at and closed_at beside it for ordering and for finding the open one). An
 * incident is saved again as it learns more and when it closes; closing one drops the
 * repository's closed incidents beyond HealthRetention.incidents, oldest first. The open
 * incident is never dropped.
 */
export interface IncidentStore {
  /** Inserts or replaces the incident. */
  save(incident: Incident): void;
  get(id: string): Incident | undefined;
  /** Newest first. */
  list(repoId: string | undefined, limit: number): Incident[];
  /** The repository's open incident (MAIN is broken, or was when Grove last looked). */
  openOf(repoId: string): Incident | null;
}

type Row = { payload: string };
const toIncident = (r: Row): Incident => Incident.parse(JSON.parse(r.payload));

export function createIncidentStore(db: Db, o: { keepClosed?: number } = {}): IncidentStore {
  const keepClosed = o.keepClosed ?? HealthRetention.incidents;
  const save = db.prepare(
    `INSERT INTO incidents (id, repo_id, opened_at, closed_at, payload) VALUES (@id, @repoId, @openedAt, @closedAt, @payload)
     ON CONFLICT(id) DO UPDATE SET closed_at = excluded.closed_at, payload = excluded.payload`,
  );
  const get = db.prepare('SELECT payload FROM incidents WHERE id = ?');
  const all = db.prepare('SELECT payload FROM incidents ORDER BY opened_at DESC, id DESC LIMIT ?');
  const byRepo = db.prepare('SELECT payload FROM incidents WHERE repo_id = ? ORDER BY opened_at DESC, id DESC LIMIT ?');
  const open = db.prepare('SELECT payload FROM incidents WHERE repo_id = ? AND closed_at IS NULL ORDER BY opened_at DESC, id DESC LIMIT 1');
  const pruneClosed = db.prepare(
    `DELETE FROM incidents WHERE id IN (
       SELECT id FROM incidents WHERE repo_id = ? AND closed_at IS NOT NULL ORDER BY opened_at DESC, id DESC LIMIT -1 OFFSET ?)`,
  );
  return {
    save(incident) {
      save.run({ id: incident.id, repoId: incident.repoId, openedAt: incident.openedAt, closedAt: incident.closedAt, payload: JSON.stringify(incident) });
      if (incident.closedAt) pruneClosed.run(incident.repoId, keepClosed);
    },
    get(id) {
      const row = get.get(id) as Row | undefined;
      return row && toIncident(row);
    },
    list(repoId, limit) {
      return ((repoId ? byRepo.all(repoId, limit) : all.all(limit)) as Row[]).map(toIncident);
    },
    openOf(repoId) {
      const row = open.get(repoId) as Row | undefined;
      return row ? toIncident(row) : null;
    },
  };
}
