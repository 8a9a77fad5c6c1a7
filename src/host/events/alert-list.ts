import type { Alert } from '../../shared/alerts';
import type { HostEvent } from '../../shared/events';
import type { Db } from '../db/database';

/**
 * Alerts are `alert` events, kept in the event log with everything else; this reads the
 * newest of them back for `alerts.list` (`grove alerts`) without replaying the log.
 */
export function createAlertList(db: Db): { latest(limit: number): Alert[] } {
  const select = db.prepare("SELECT seq, at, payload FROM events WHERE type = 'alert' ORDER BY seq DESC LIMIT ?");
  return {
    latest(limit) {
      const rows = select.all(limit) as { seq: number; at: string; payload: string }[];
      return rows.flatMap((r) => {
        const e = JSON.parse(r.payload) as HostEvent;
        return e.type === 'alert' ? [{ seq: r.seq, at: r.at, message: e.message, agentId: e.agentId, repoId: e.repoId ?? null }] : [];
      });
    },
  };
}
