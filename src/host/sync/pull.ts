import type { Connection } from 'mysql2/promise';
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
  store.transaction(() => {
    const applied = briefs.importEntries(rows.map(sharedRowToEntry), { origin: 'shared' });
    if (!applied.ok) throw new PullRefused(`The shared store holds entries this Grove cannot apply (${applied.error.message})`);
    state.setCursor(last);
  });
  return rows.length;
}
