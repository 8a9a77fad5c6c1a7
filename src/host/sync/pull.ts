import type { Connection } from 'mysql2/promise';
import { EntryPayloads } from '../../shared/briefs';
import type { BriefService } from '../briefs/brief-service';
import type { BriefStore } from '../briefs/brief-store';
import type { SyncStateStore } from './sync-state-store';
import { RoundSuperseded } from './round-superseded';
import { sharedRowToEntry, SHARED_COLUMNS, type SharedRow } from './shared-rows';

/**
 * The pull: the shared entries after this host's cursor, in seq order (commit order, see
 * push.ts), in batches, each applied through the same import as `grove brief import`
 * (entries already here are skipped, so this host's own come back as no-ops) with the cursor
 * advanced in the same SQLite transaction: a crash re-pulls the batch, and applying it again
 * changes nothing.
 *
 * A batch is one SQLite transaction, which holds the host's event loop while it is applied
 * (about 20 ms for 500 entries here): larger batches pull a backlog faster but stall the
 * terminals longer each.
 */
export const PULL_BATCH = 500;

export class PullRefused extends Error {}

export interface PullDeps {
  briefs: BriefService;
  store: BriefStore;
  state: SyncStateStore;
}

/**
 * Pulls until the shared store has nothing after this host's cursor; returns how many entries
 * came. The next batch is asked for before this one is applied, so the server reads and sends
 * it meanwhile (a 100,000-entry backlog spent a fifth of its time waiting for the next batch).
 * `step` bounds each wait (sync-service.ts); `current`: whether sync's settings are still those
 * the round started with: the rows of a store this host no longer syncs with are not applied.
 */
export async function pullAll(conn: Connection, deps: PullDeps, current: () => boolean = () => true, step: <T>(work: Promise<T>) => Promise<T> = (work) => work): Promise<number> {
  const ask = (after: number) => {
    const asked = step(selectAfter(conn, after));
    // Left unawaited when applying the batch before it throws: its failure is then nobody's.
    asked.catch(() => undefined);
    return asked;
  };
  let pending = ask(deps.state.cursor());
  let pulled = 0;
  for (;;) {
    const rows = await pending;
    if (!current()) throw new RoundSuperseded();
    if (rows.length === 0) return pulled;
    const more = rows.length === PULL_BATCH;
    if (more) pending = ask(Number(rows[rows.length - 1]!.seq));
    apply(rows, deps);
    pulled += rows.length;
    if (!more) return pulled;
  }
}

function selectAfter(conn: Connection, cursor: number): Promise<SharedRow[]> {
  return conn.query(`SELECT ${SHARED_COLUMNS} FROM entries WHERE seq > ? ORDER BY seq LIMIT ?`, [cursor, PULL_BATCH]).then(([rows]) => rows as SharedRow[]);
}

function apply(rows: readonly SharedRow[], { briefs, store, state }: PullDeps): void {
  const lastRow = rows[rows.length - 1]!;
  const last = Number(lastRow.seq);
  const entries = rows.map(sharedRowToEntry);
  for (const e of entries) {
    // A kind a newer Grove writes: said as such (the pull stops there until this Grove is
    // upgraded), rather than folded into a brief as nothing and refused as a broken trace.
    if (!Object.hasOwn(EntryPayloads, e.kind)) {
      throw new PullRefused(`The shared store holds entry ${e.id} of a kind this Grove does not know ("${String(e.kind).slice(0, 40)}"), written by a newer Grove: upgrade Grove on this machine, and sync goes on from there`);
    }
  }
  // Images a pulled redaction freed go once the batch committed: a rollback keeps them named.
  const freed: string[] = [];
  store.transaction(() => {
    const applied = briefs.importEntries(entries, { origin: 'shared', deferFreed: (shas) => freed.push(...shas) });
    if (!applied.ok) throw new PullRefused(`The shared store holds entries this Grove cannot apply (${applied.error.message})`);
    state.setCursor(last, lastRow.id);
  });
  // The search index is purged once for the whole pull (sync-service.ts).
  if (freed.length > 0) briefs.freeImages(freed);
}
