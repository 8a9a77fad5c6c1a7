import type { BriefEntry } from '../../shared/briefs';
import type { Db } from '../db/database';
import { WITHHELD_DIFF } from '../briefs/redaction-spread';
import { rowToEntry, type EntryRow } from '../briefs/entry-row';

/**
 * What the shared store does not have yet (docs/sync.md), in two queues:
 *
 * - `sync_outbox`, the local entries not pushed yet. The brief store calls `enqueue` inside the
 *   transaction that inserts an entry, so an entry and its outbox row commit together: a crash
 *   leaves both or neither. Entries pulled from the shared store are never enqueued, and neither
 *   is a `renumbered` entry (a renumbering is this store's own note: numbers are the shared
 *   store's to give) nor a `numbered` one (born in the shared store; one from a store sync
 *   pointed at before is not this store's to hand on).
 * - `sync_tombstones`, the entries a redaction changed here (`tombstoned`, called by the brief
 *   store in the transaction that tombstones): their shared row may still hold the text, whoever
 *   pushed it, so the next push rewrites it to the redacted form (push.ts).
 *
 * Both only while sync is configured.
 */
export type EntryOrigin = 'local' | 'shared';

const LOCAL_ONLY: readonly BriefEntry['kind'][] = ['renumbered', 'numbered'];

/**
 * Queued ids in local order, and the entries of those still stored (an id whose entry is gone
 * is only cleared); `lastSeq`, the local seq of the last (to read the batch after this one).
 */
export type OutboxBatch = { ids: string[]; entries: BriefEntry[]; lastSeq: number };

export interface Outbox {
  /** Whether inserts and tombstones are queued (sync configured). */
  setEnabled(on: boolean): void;
  isEnabled(): boolean;
  enqueue(entry: Pick<BriefEntry, 'id' | 'kind' | 'seq'>, origin: EntryOrigin): void;
  /** A redaction changed this entry here: its shared row must be rewritten. */
  tombstoned(entryId: string): void;
  /**
   * Every entry of the store, once (turning sync on pushes the history), and every entry a
   * redaction changed (a server that had them before sync was turned off may still hold their
   * text). Call in the transaction that saves the config.
   */
  enqueueAll(): void;
  /**
   * The oldest waiting entries, in local order, read in one query (a push read them one by
   * one, a sixth of its time); `ids` also names any whose entry is gone, so `done` clears them.
   * With `after`, those queued after that local seq (the batch after one not pushed yet).
   */
  nextBatch(limit: number, after?: number): OutboxBatch;
  /**
   * Moves when the queue's order was reset (`enqueueAll` queued older entries, or `clear`
   * emptied it), or an entry was redacted: a batch read ahead before then may skip or resend
   * entries, or hold text since redacted, and is read again.
   */
  generation(): number;
  /** Pushed: these rows go. */
  done(ids: readonly string[]): void;
  /** The entries whose shared row waits to be rewritten. */
  nextTombstones(limit: number): string[];
  /** Rewritten: these rows go. */
  tombstonesDone(ids: readonly string[]): void;
  /** Entries to push plus shared rows to rewrite. */
  waiting(): number;
  /** Entries a redaction changed (made here or pulled) whose shared row is still to be rewritten: it may hold the text removed. */
  redactedWaiting(): number;
  clear(): void;
}

/** About 2 MB of entries' text a batch carries at most (utf8mb4 may make it up to 4 times that on the wire). */
export const MAX_BATCH_CHARS = 2 * 1024 * 1024;

export function createOutbox(db: Db): Outbox {
  let enabled = false;
  let generation = 0;
  const insert = db.prepare('INSERT OR IGNORE INTO sync_outbox (entry_id, local_seq) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM sync_outbox WHERE entry_id IN (SELECT value FROM json_each(?))');
  const next = db.prepare('SELECT o.entry_id, o.local_seq AS outbox_seq, e.* FROM sync_outbox o LEFT JOIN brief_entries e ON e.id = o.entry_id WHERE o.local_seq > ? ORDER BY o.local_seq LIMIT ?');
  const insertTombstone = db.prepare('INSERT OR IGNORE INTO sync_tombstones (entry_id) VALUES (?)');
  const removeTombstone = db.prepare('DELETE FROM sync_tombstones WHERE entry_id = ?');
  const nextTombstones = db.prepare('SELECT entry_id FROM sync_tombstones ORDER BY entry_id LIMIT ?');
  const count = db.prepare('SELECT (SELECT count(*) FROM sync_outbox) + (SELECT count(*) FROM sync_tombstones) AS n');
  const countTombstones = db.prepare('SELECT count(*) AS n FROM sync_tombstones');
  return {
    setEnabled: (on) => void (enabled = on),
    isEnabled: () => enabled,
    enqueue(entry, origin) {
      if (enabled && origin === 'local' && !LOCAL_ONLY.includes(entry.kind)) insert.run(entry.id, entry.seq);
    },
    tombstoned(entryId) {
      generation++;
      if (enabled) insertTombstone.run(entryId);
    },
    enqueueAll() {
      generation++;
      db.prepare("INSERT OR IGNORE INTO sync_outbox (entry_id, local_seq) SELECT id, seq FROM brief_entries WHERE kind NOT IN ('renumbered', 'numbered')").run();
      db.prepare(
        "INSERT OR IGNORE INTO sync_tombstones (entry_id) SELECT id FROM brief_entries WHERE redacted IS NOT NULL OR (kind = 'refinement' AND json_extract(payload, '$.diff') = ?)",
      ).run(WITHHELD_DIFF);
    },
    nextBatch(limit, after = -1) {
      const read = next.all(after, limit) as (Partial<EntryRow> & { entry_id: string; outbox_seq: number })[];
      // Bounded by size too: a batch is one statement within one timeout, and 500 long specs
      // (each refinement carries its whole spec) would not cross a slow link in time, failing
      // the same way on every retry. One entry, however large, always goes.
      let bytes = 0;
      let count = 0;
      for (const r of read) {
        bytes += (typeof r.payload === 'string' ? r.payload.length : 0) + (typeof r.redacted === 'string' ? r.redacted.length : 0);
        if (count > 0 && bytes > MAX_BATCH_CHARS) break;
        count++;
      }
      const rows = read.slice(0, count);
      return {
        ids: rows.map((r) => r.entry_id),
        entries: rows.filter((r): r is EntryRow & { entry_id: string; outbox_seq: number } => typeof r.id === 'string').map(rowToEntry),
        lastSeq: rows.at(-1)?.outbox_seq ?? after,
      };
    },
    generation: () => generation,
    done(ids) {
      // Not synced to disk on its own (a push paid for that fsync a sixth of its time): a power
      // cut that loses this delete only replays the batch, which the shared store's unique key
      // makes a no-op (push.ts), and the next commit here syncs it anyway. A crash of the host
      // alone loses nothing: the WAL is written before this returns.
      const was = db.pragma('synchronous', { simple: true }) as number;
      db.pragma('synchronous = NORMAL');
      try {
        remove.run(JSON.stringify(ids));
      } finally {
        db.pragma(`synchronous = ${was}`);
      }
    },
    nextTombstones: (limit) => (nextTombstones.all(limit) as { entry_id: string }[]).map((r) => r.entry_id),
    tombstonesDone: (ids) => db.transaction(() => ids.forEach((id) => removeTombstone.run(id)))(),
    waiting: () => (count.get() as { n: number }).n,
    redactedWaiting: () => (countTombstones.get() as { n: number }).n,
    clear: () => db.transaction(() => {
      generation++;
      db.prepare('DELETE FROM sync_outbox').run();
      db.prepare('DELETE FROM sync_tombstones').run();
    })(),
  };
}
