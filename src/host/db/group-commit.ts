/**
 * Writes that arrive together share one commit. With `synchronous = FULL` every commit
 * waits for the disk, and that wait, not the write, is most of an append's cost; eight
 * agents appending at once would queue eight waits. Here the writes asked for in one turn
 * of the event loop run in one transaction, each in its own savepoint, and the commit waits
 * for the disk once for all of them.
 *
 * What an answer means does not change: each caller's promise settles only after the shared
 * commit, so "done" still means "on disk". A write that throws rolls back its savepoint
 * alone and its caller gets the error; the others commit. If the commit itself fails,
 * nothing of the group is written and every caller gets that error.
 *
 * The price is ordering across requests: a read that arrives before a queued write is
 * committed does not see it. A caller that needs its write read back waits for the answer.
 */
export type Transaction = <T>(fn: () => T) => T;

type Queued = { write: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

export class GroupCommit {
  private queue: Queued[] = [];

  /**
   * `transaction` runs `fn` in a transaction, or in a savepoint when one is open (as
   * better-sqlite3's `db.transaction(fn)()` does).
   */
  constructor(
    private readonly transaction: Transaction,
    /** Whether the group's transaction is still open: SQLite rolls the whole of it back on some errors (a full disk, an I/O error), not only the failing write's savepoint. */
    private readonly inTransaction: () => boolean,
    private readonly later: (fn: () => void) => void = setImmediate,
  ) {}

  /** Runs `write` in the next group; settles once the group is committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      // The first of a group schedules it: after the I/O callbacks of this turn, so
      // requests that came in together are all queued by then.
      if (this.queue.length === 1) this.later(() => this.commit());
    });
  }

  private commit(): void {
    const group = this.queue;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.transaction(() => {
        for (const q of group) {
          try {
            outcomes.push({ ok: true, value: this.transaction(q.write) });
          } catch (error) {
            // The whole transaction went with it: what the group wrote so far is gone, and
            // what came next would commit on its own. The group fails, with this error.
            if (!this.inTransaction()) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const q of group) q.reject(error);
      return;
    }
    group.forEach((q, i) => {
      const o = outcomes[i]!;
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }
}
