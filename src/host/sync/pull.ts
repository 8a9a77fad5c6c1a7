import type { Connection } from 'mysql2/promise';
import { EntryPayloads } from '../../shared/briefs';
import type { BriefService } from '../briefs/brief-service';
import type { BriefStore } from '../briefs/brief-store';
import type { SyncStateStore } from './sync-state-store';
import { RoundSuperseded } from './round-superseded';
import { sharedRowToEntry, SHARED_COLUMNS, type SharedRow } from './shared-rows';

/**
 * One pull batch: the shared entries after this host's cursor, in seq order (commit order, see
 * push.ts), applied through the same import as `grove brief import` (entries already here are
 * skipped, so this host's own come back as no-ops) with the cursor advanced in the same SQLite
 * transaction: a crash re-pulls the batch, and applying it again changes nothing.
 */
export const PULL_BATCH = 500;

export class PullRefused extends Error {}

/** `current`: whether sync's settings are still those the round started with (sync-service.ts); the rows of a store this host no longer syncs with are not applied. */
export async function pullBatch(conn: Connection, briefs: BriefService, store: BriefStore, state: SyncStateStore, current: () => boolean = () => true): Promise<number> {
  const cursor = state.cursor();
  const [result] = await conn.query(`SELECT ${SHARED_COLUMNS} FROM entries WHERE seq > ? ORDER BY seq LIMIT ?`, [cursor, PULL_BATCH]);
  if (!current()) throw new RoundSuperseded();
  const rows = result as SharedRow[];
  if (rows.length === 0) return 0;
  const last = Number(rows[rows.length - 1]!.seq);
  const entries = rows.map(sharedRowToEntry);
  for (const e of entries) {
    // A kind a newer Grove writes: said as such (the pull stops there until this Grove is
    // upgraded), rather than folded into a brief as nothing and refused as a broken trace.
    if (!Object.hasOwn(EntryPayloads, e.kind)) {
      throw new PullRefused(`The shared store holds entry ${e.id} of a kind this Grove does not know ("${String(e.kind).slice(0, 40)}"), written by a newer Grove: upgrade Grove on this machine, and sync goes on from there`);
    }
  }
  store.transaction(() => {
    const applied = briefs.importEntries(entries, { origin: 'shared' });
    if (!applied.ok) throw new PullRefused(`The shared store holds entries this Grove cannot apply (${applied.error.message})`);
    state.setCursor(last);
  });
  return rows.length;
}
