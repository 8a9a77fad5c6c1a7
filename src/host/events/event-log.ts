import type { Db } from '../db/database';
import type { EventEnvelope, HostEvent } from '../../shared/events';
import { MAX_EVENTS_PAGE } from '../../shared/methods';

/**
 * The host's numbered event stream, stored in SQLite so sequence numbers survive restarts
 * and a client that reconnects after a host restart still gets exactly what it missed.
 * Listeners are called synchronously after the insert commits; because better-sqlite3 is
 * synchronous, a reader that replays with `since()` and then registers a listener in the
 * same tick can neither miss nor duplicate an event.
 */
export interface EventPage {
  events: EventEnvelope[];
  latestSeq: number;
  truncated: boolean;
}

export interface EventLog {
  append(event: HostEvent): EventEnvelope;
  since(since: number, limit?: number): EventPage;
  latestSeq(): number;
  subscribe(listener: (e: EventEnvelope) => void): () => void;
}

/** Keep this many events; older ones are pruned (clients then get a gap and refetch). */
export const EVENT_RETENTION = 50_000;
const PRUNE_EVERY = 1000;

export function createEventLog(db: Db, retention = EVENT_RETENTION, now = () => new Date()): EventLog {
  const insert = db.prepare('INSERT INTO events (at, type, payload) VALUES (?, ?, ?)');
  const selectSince = db.prepare(
    'SELECT seq, at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const selectOldest = db.prepare('SELECT MIN(seq) AS seq FROM events');
  // AUTOINCREMENT's counter, which survives pruning the table empty.
  const selectLatest = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  const prune = db.prepare('DELETE FROM events WHERE seq <= ?');
  const listeners = new Set<(e: EventEnvelope) => void>();
  let appendsSincePrune = 0;

  const latestSeq = (): number => (selectLatest.get() as { seq: number } | undefined)?.seq ?? 0;

  return {
    append(event) {
      const at = now().toISOString();
      const info = insert.run(at, event.type, JSON.stringify(event));
      const envelope: EventEnvelope = { seq: Number(info.lastInsertRowid), at, event };
      if (++appendsSincePrune >= PRUNE_EVERY) {
        appendsSincePrune = 0;
        prune.run(envelope.seq - retention);
      }
      for (const l of listeners) l(envelope);
      return envelope;
    },
    since(since, limit = MAX_EVENTS_PAGE) {
      const latest = latestSeq();
      const oldest = (selectOldest.get() as { seq: number | null }).seq;
      // Events after `since` were pruned, or the client's seq comes from another database.
      const truncated = since > latest || (oldest !== null ? oldest > since + 1 : since < latest);
      const from = truncated ? Math.max(0, (oldest ?? latest + 1) - 1) : since;
      const rows = selectSince.all(from, limit) as { seq: number; at: string; payload: string }[];
      return {
        events: rows.map((r) => ({ seq: r.seq, at: r.at, event: JSON.parse(r.payload) as HostEvent })),
        latestSeq: latest,
        truncated,
      };
    },
    latestSeq,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
