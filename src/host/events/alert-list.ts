import type { Alert } from '../../shared/alerts';
import type { HostEvent } from '../../shared/events';
import type { Db } from '../db/database';

/**
 * Alerts are `alert` events, kept in the event log with everything else, and so are the
 * operator's acknowledgements of them (`alerts.acknowledged` events): this reads both back
 * for `alerts.list` (`grove alerts`) without replaying the log, and finds which of a set of
 * alerts still wait for an acknowledgement. An acknowledgement is newer than its alert, so
 * only those after the oldest alert read need reading.
 */
export interface AlertList {
  latest(limit: number): Alert[];
  /** Of `seqs` (every alert when null), the alerts' seqs not acknowledged yet, oldest first. */
  unacknowledged(seqs: readonly number[] | null): number[];
}

export function createAlertList(db: Db): AlertList {
  const selectLatest = db.prepare("SELECT seq, at, payload FROM events WHERE type = 'alert' ORDER BY seq DESC LIMIT ?");
  const selectAllSeqs = db.prepare("SELECT seq FROM events WHERE type = 'alert' ORDER BY seq");
  const selectAcks = db.prepare("SELECT at, payload FROM events WHERE type = 'alerts.acknowledged' AND seq > ? ORDER BY seq");

  /** When each alert after `after` was acknowledged (the first acknowledgement stands). */
  const acknowledgedSince = (after: number): Map<number, string> => {
    const acked = new Map<number, string>();
    for (const r of selectAcks.iterate(after) as Iterable<{ at: string; payload: string }>) {
      const e = JSON.parse(r.payload) as HostEvent;
      if (e.type !== 'alerts.acknowledged') continue;
      for (const seq of e.seqs) if (!acked.has(seq)) acked.set(seq, r.at);
    }
    return acked;
  };

  return {
    latest(limit) {
      const rows = selectLatest.all(limit) as { seq: number; at: string; payload: string }[];
      if (rows.length === 0) return [];
      const acked = acknowledgedSince(rows[rows.length - 1]!.seq);
      return rows.flatMap((r) => {
        const e = JSON.parse(r.payload) as HostEvent;
        return e.type === 'alert'
          ? [{ seq: r.seq, at: r.at, message: e.message, agentId: e.agentId, repoId: e.repoId ?? null, acknowledgedAt: acked.get(r.seq) ?? null }]
          : [];
      });
    },
    unacknowledged(seqs) {
      const alerts = (selectAllSeqs.all() as { seq: number }[]).map((r) => r.seq);
      if (alerts.length === 0) return [];
      const acked = acknowledgedSince(alerts[0]!);
      const wanted = seqs === null ? null : new Set(seqs);
      return alerts.filter((seq) => !acked.has(seq) && (wanted === null || wanted.has(seq)));
    },
  };
}
