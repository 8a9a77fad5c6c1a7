import type { Db } from '../db/database';
import type { EventEnvelope, HostEvent } from '../../shared/events';
import { MAX_EVENTS_PAGE } from '../../shared/methods';

/**
 * The host's numbered event stream, stored in SQLite so sequence numbers survive restarts
 * and a client that reconnects after a host restart still gets exactly what it missed.
 *
 * Delivery to listeners is in seq order, always. Listeners append too (the health monitor
 * on `repo.added`, the ops service on `agent.removed`, the notifier on almost anything), so
 * telling them re-enters `append`; calling listeners from inside `append` would tell later
 * listeners (every WebSocket) about the inner event before the outer one. So an append
 * writes its row and queues the envelope; whoever is not already delivering drains the
 * queue, oldest first, and an append made by a listener is delivered after the event being
 * told. A listener that throws is logged and skipped: it cannot starve the others, nor fail
 * the caller whose row is already written.
 *
 * A reader that replays with `since()` and then subscribes in the same tick neither misses
 * nor duplicates: a subscription starts after the latest written seq, so events still queued
 * when it subscribes (already in the replay, being committed) are not told to it again.
 *
 * An event appended inside a transaction is told once the transaction has ended, and only if
 * its row is still there as written: a write whose savepoint (or whole group commit) rolled
 * back must not reach a client, and its seq may already belong to the next event appended.
 * Transactions here are synchronous, so "ended" is the end of the current task.
 */
export interface EventPage {
  events: EventEnvelope[];
  latestSeq: number;
  truncated: boolean;
}

export interface EventLog {
  append(event: HostEvent): EventEnvelope;
  /** Events after `since`, at most `limit` of them and (past the first) at most `maxBytes` of payload. */
  since(since: number, limit?: number, maxBytes?: number): EventPage;
  latestSeq(): number;
  /** Tells `listener` every event written after this call, in seq order. */
  subscribe(listener: (e: EventEnvelope) => void): () => void;
}

/** Where a listener's failure is reported (the host's logger). */
export interface ListenerErrorSink {
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Keep this many events; older ones are pruned (clients then get a gap and refetch). */
export const EVENT_RETENTION = 50_000;
const PRUNE_EVERY = 1000;

interface Subscription {
  listener: (e: EventEnvelope) => void;
  /** Told only events after this seq: those up to it were written before it subscribed. */
  after: number;
}

export function createEventLog(
  db: Db,
  retention = EVENT_RETENTION,
  now = () => new Date(),
  errors: ListenerErrorSink = { error: (msg, fields) => console.error(msg, fields) },
): EventLog {
  const insert = db.prepare('INSERT INTO events (at, type, payload) VALUES (?, ?, ?)');
  const selectSince = db.prepare(
    'SELECT seq, at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const selectOldest = db.prepare('SELECT MIN(seq) AS seq FROM events');
  // AUTOINCREMENT's counter, which survives pruning the table empty.
  const selectLatest = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  const prune = db.prepare('DELETE FROM events WHERE seq <= ?');
  const stored = db.prepare('SELECT payload FROM events WHERE seq = ?').pluck();
  const subscriptions = new Set<Subscription>();
  /** `written`: the payload, when appended inside a transaction (checked against the row before it is told). */
  const queue: { envelope: EventEnvelope; written: string | null }[] = [];
  let isDelivering = false;
  let scheduled = false;
  /** The last seq told: a seq is told once, even when a rolled-back event and the next to take its seq wrote the same payload. */
  let lastTold = 0;

  const latestSeq = (): number => (selectLatest.get() as { seq: number } | undefined)?.seq ?? 0;

  const tell = (s: Subscription, envelope: EventEnvelope): void => {
    try {
      s.listener(envelope);
    } catch (e) {
      errors.error('an event listener failed', { seq: envelope.seq, type: envelope.event.type, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  };

  // After the current task, when its transaction has ended (a later task, should one still be open).
  const deliverLater = (): void => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (db.inTransaction) setImmediate(deliver);
      else deliver();
    });
  };

  // Never re-entered: an append from a listener lands in the queue and this loop reaches it.
  const deliver = (): void => {
    if (isDelivering) return;
    // Closed meanwhile (the host stopping): nobody is left to tell, and the rows cannot be read.
    if (!db.open) return void (queue.length = 0);
    if (db.inTransaction) return deliverLater();
    isDelivering = true;
    try {
      for (let q = queue.shift(); q; q = queue.shift()) {
        if (q.envelope.seq <= lastTold) continue;
        if (q.written !== null && stored.get(q.envelope.seq) !== q.written) continue; // rolled back
        lastTold = q.envelope.seq;
        // A copy: a listener may subscribe or unsubscribe while being told.
        for (const s of [...subscriptions]) {
          if (q.envelope.seq > s.after && subscriptions.has(s)) tell(s, q.envelope);
        }
      }
    } finally {
      isDelivering = false;
    }
  };

  return {
    append(event) {
      const at = now().toISOString();
      const written = JSON.stringify(event);
      const info = insert.run(at, event.type, written);
      const envelope: EventEnvelope = { seq: Number(info.lastInsertRowid), at, event };
      // By seq, not by appends since this host started: a host restarted more often than every
      // PRUNE_EVERY events would otherwise never prune.
      if (envelope.seq % PRUNE_EVERY === 0) prune.run(envelope.seq - retention);
      queue.push({ envelope, written: db.inTransaction ? written : null });
      deliver();
      return envelope;
    },
    since(since, limit = MAX_EVENTS_PAGE, maxBytes = Number.POSITIVE_INFINITY) {
      const latest = latestSeq();
      const oldest = (selectOldest.get() as { seq: number | null }).seq;
      // Events after `since` were pruned, or the client's seq comes from another database.
      const truncated = since > latest || (oldest !== null ? oldest > since + 1 : since < latest);
      const from = truncated ? Math.max(0, (oldest ?? latest + 1) - 1) : since;
      const events: EventEnvelope[] = [];
      let bytes = 0;
      // Iterated, so a page bounded by bytes reads no row past its end.
      for (const r of selectSince.iterate(from, limit) as Iterable<{ seq: number; at: string; payload: string }>) {
        if (events.length > 0 && bytes + r.payload.length > maxBytes) break;
        bytes += r.payload.length;
        events.push({ seq: r.seq, at: r.at, event: JSON.parse(r.payload) as HostEvent });
      }
      return { events, latestSeq: latest, truncated };
    },
    latestSeq,
    subscribe(listener) {
      const s: Subscription = { listener, after: latestSeq() };
      subscriptions.add(s);
      return () => subscriptions.delete(s);
    },
  };
}
