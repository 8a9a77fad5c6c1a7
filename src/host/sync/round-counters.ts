import type { Connection } from 'mysql2/promise';
import { IMAGES_WANTED } from './image-repair';
import type { SyncStateStore } from './sync-state-store';

/**
 * All an idle round asks the server: one primary-key read of two `counters` rows. The
 * `entry_seq` counter, which a push moves in the transaction that inserts its entries, says
 * whether there is anything past this host's cursor to pull; `images_wanted` whether a host
 * asked for images since this one last looked (image-repair.ts).
 */
export interface RoundCounters {
  newEntries: boolean;
  /**
   * The counter is behind this host's cursor: the store went back (restored from a backup, a
   * replica that was behind promoted). Entries past it are gone from the store, and the seqs it
   * hands out next are ones the hosts already read past.
   */
  wentBack: boolean;
  /** The counter's value, or null when it has not moved since this host last answered it. */
  imagesWanted: number | null;
}

export async function readRoundCounters(conn: Connection, state: SyncStateStore): Promise<RoundCounters> {
  const [rows] = await conn.query('SELECT name, value FROM counters WHERE name IN (?, ?)', ['entry_seq', IMAGES_WANTED]);
  const value = (name: string) => Number((rows as { name: string; value: number | string }[]).find((r) => r.name === name)?.value ?? 0);
  const wanted = value(IMAGES_WANTED);
  const seq = value('entry_seq');
  return { newEntries: seq > state.cursor(), wentBack: seq < state.cursor(), imagesWanted: wanted !== state.imagesWantedSeen() ? wanted : null };
}
