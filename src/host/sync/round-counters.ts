import type { Connection } from 'mysql2/promise';
import { IMAGES_WANTED } from './image-repair';
import type { SyncStateStore } from './sync-state-store';

/**
 * All an idle round asks the server, in one statement: two `counters` rows, the id of the
 * entry at this host's cursor and the shared schema's version, each read by its primary key. The `entry_seq` counter, which a push
 * moves in the transaction that inserts its entries, says whether there is anything past this
 * host's cursor to pull; `images_wanted` whether a host asked for images since this one last
 * looked (image-repair.ts); the entry at the cursor, whether the store still holds what this
 * host read there (the shared store never deletes an entry).
 */
export interface RoundCounters {
  newEntries: boolean;
  /**
   * The store went back (restored from a backup, a replica that was behind promoted): the
   * entry this host last pulled is not at its seq any more, or the counter is behind the
   * cursor. Entries past the backup are gone from the store, and the seqs it hands out next
   * are ones the hosts may have read past. Told by the entry too, not the counter alone:
   * another host's pushes after the restore may have lifted the counter past this cursor.
   */
  wentBack: boolean;
  /** The counter's value, or null when it has not moved since this host last answered it. */
  imagesWanted: number | null;
  /**
   * The id of the entry at this host's cursor, when it has none on record yet (a Grove from
   * before it was kept, upgraded): the caller records it, so a restore is told by the entry
   * from this round on, not only at its next pull. Null otherwise.
   */
  unrecordedCursorEntry: string | null;
  /**
   * The shared schema's version now: another Grove may have migrated it since this connection
   * checked it, and a store of a newer schema is not written to (shared-schema.ts).
   */
  schemaVersion: number;
}

export async function readRoundCounters(conn: Connection, state: SyncStateStore): Promise<RoundCounters> {
  const cursor = state.cursor();
  const [rows] = await conn.query(
    'SELECT (SELECT value FROM counters WHERE name = ?) AS seq, (SELECT value FROM counters WHERE name = ?) AS wanted, (SELECT id FROM entries WHERE seq = ?) AS atCursor, (SELECT version FROM grove_schema WHERE id = 1) AS schemaVersion',
    ['entry_seq', IMAGES_WANTED, cursor],
  );
  const row = (rows as { seq: number | string | null; wanted: number | string | null; atCursor: string | null; schemaVersion: number | string | null }[])[0];
  const seq = Number(row?.seq ?? 0);
  const wanted = Number(row?.wanted ?? 0);
  const held = state.cursorEntry();
  const atCursor = row?.atCursor ?? null;
  const wentBack = seq < cursor || (held !== null && atCursor !== held);
  return {
    newEntries: seq > cursor,
    wentBack,
    unrecordedCursorEntry: held === null && cursor > 0 && !wentBack ? atCursor : null,
    imagesWanted: wanted !== state.imagesWantedSeen() ? wanted : null,
    schemaVersion: Number(row?.schemaVersion ?? 0),
  };
}
