import type { BriefEntry } from '../../shared/briefs';
import type { Db } from '../db/database';

/**
 * The local entries the shared store does not have yet (docs/sync.md). The brief store calls
 * `enqueue` inside the transaction that inserts an entry, so an entry and its outbox row
 * commit together: a crash leaves both or neither. Only while sync is configured; entries
 * pulled from the shared store are never enqueued, and neither is a `renumbered` entry (a
 * renumbering is this store's own note: numbers are the shared store's to give) nor a
 * `numbered` one (born in the shared store; one from a store sync pointed at before is not
 * this store's to hand on).
 */
export type EntryOrigin = 'local' | 'shared';

const LOCAL_ONLY: readonly BriefEntry['kind'][] = ['renumbered', 'numbered'];

export interface Outbox {
  /** Whether inserts are enqueued (sync configured). */
  setEnabled(on: boolean): void;
  isEnabled(): boolean;
  enqueue(entry: Pick<BriefEntry, 'id' | 'kind' | 'seq'>, origin: EntryOrigin): void;
  /** Every entry of the store, once (turning sync on pushes the history). Call in the transaction that saves the config. */
  enqueueAll(): void;
  /** The oldest waiting entries' ids, in local order. */
  next(limit: number): string[];
  /** Pushed: these rows go. */
  done(ids: readonly string[]): void;
  waiting(): number;
  clear(): void;
}

export function createOutbox(db: Db): Outbox {
  let enabled = false;
  const insert = db.prepare('INSERT OR IGNORE INTO sync_outbox (entry_id, local_seq) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM sync_outbox WHERE entry_id = ?');
  const next = db.prepare('SELECT entry_id FROM sync_outbox ORDER BY local_seq LIMIT ?');
  const count = db.prepare('SELECT count(*) AS n FROM sync_outbox');
  return {
    setEnabled: (on) => void (enabled = on),
    isEnabled: () => enabled,
    enqueue(entry, origin) {
      if (enabled && origin === 'local' && !LOCAL_ONLY.includes(entry.kind)) insert.run(entry.id, entry.seq);
    },
    enqueueAll: () => void db.prepare("INSERT OR IGNORE INTO sync_outbox (entry_id, local_seq) SELECT id, seq FROM brief_entries WHERE kind NOT IN ('renumbered', 'numbered')").run(),
    next: (limit) => (next.all(limit) as { entry_id: string }[]).map((r) => r.entry_id),
    done: (ids) => db.transaction(() => ids.forEach((id) => remove.run(id)))(),
    waiting: () => (count.get() as { n: number }).n,
    clear: () => void db.prepare('DELETE FROM sync_outbox').run(),
  };
}
