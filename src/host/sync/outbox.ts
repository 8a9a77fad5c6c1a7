import type { BriefEntry } from '../../shared/briefs';
import type { Db } from '../db/database';
import { rowToEntry, type EntryRow } from '../briefs/entry-row';

/**
 * The local entries the shared store does not have yet (docs/sync.md). The brief store calls
 * `enqueue` inside the transaction that inserts an entry, so an entry and its outbox row
 * commit together: a crash leaves both or neither. Only while sync is configured; entries
 * pulled from the shared store are never enqueued, and neither is a `renumbered` entry
 * (brief numbers stay local in this version, so a renumbering is this store's own note).
 */
export type EntryOrigin = 'local' | 'shared';

export interface Outbox {
  /** Whether inserts are enqueued (sync configured). */
  setEnabled(on: boolean): void;
  enqueue(entry: Pick<BriefEntry, 'id' | 'kind' | 'seq'>, origin: EntryOrigin): void;
  /** Every entry of the store, once (turning sync on pushes the history). Call in the transaction that saves the config. */
  enqueueAll(): void;
  /**
   * The oldest waiting entries, in local order, read in one query (a push read them one by
   * one, a sixth of its time); `ids` also names any whose entry is gone, so `done` clears them.
   */
  nextBatch(limit: number): { ids: string[]; entries: BriefEntry[] };
  /** Pushed: these rows go. */
  done(ids: readonly string[]): void;
  waiting(): number;
  clear(): void;
}

export function createOutbox(db: Db): Outbox {
  let enabled = false;
  const insert = db.prepare('INSERT OR IGNORE INTO sync_outbox (entry_id, local_seq) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM sync_outbox WHERE entry_id IN (SELECT value FROM json_each(?))');
  const next = db.prepare('SELECT o.entry_id, e.* FROM sync_outbox o LEFT JOIN brief_entries e ON e.id = o.entry_id ORDER BY o.local_seq LIMIT ?');
  const count = db.prepare('SELECT count(*) AS n FROM sync_outbox');
  return {
    setEnabled: (on) => void (enabled = on),
    enqueue(entry, origin) {
      if (enabled && origin === 'local' && entry.kind !== 'renumbered') insert.run(entry.id, entry.seq);
    },
    enqueueAll: () => void db.prepare("INSERT OR IGNORE INTO sync_outbox (entry_id, local_seq) SELECT id, seq FROM brief_entries WHERE kind <> 'renumbered'").run(),
    nextBatch(limit) {
      const rows = next.all(limit) as (Partial<EntryRow> & { entry_id: string })[];
      return { ids: rows.map((r) => r.entry_id), entries: rows.filter((r): r is EntryRow & { entry_id: string } => typeof r.id === 'string').map(rowToEntry) };
    },
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
    waiting: () => (count.get() as { n: number }).n,
    clear: () => void db.prepare('DELETE FROM sync_outbox').run(),
  };
}
