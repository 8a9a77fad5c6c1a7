import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { BriefEntry } from '../../shared/briefs';
import type { BriefStore } from '../briefs/brief-store';
import { WITHHELD_DIFF } from '../briefs/redaction-spread';
import type { Outbox } from './outbox';
import { rowValues, SHARED_COLUMNS } from './shared-rows';

/**
 * One push batch: up to BATCH entries from the outbox in ONE MySQL transaction. The counter
 * row is locked first (an UPDATE of it) and held until COMMIT, so batches commit one after
 * another in seq order and a puller reading `seq > cursor` never skips a row that commits
 * late. Entries the shared store already has (a replay after a lost COMMIT reply, or a host
 * killed before it deleted its outbox rows) get no seq and change nothing. Outbox rows go only
 * after COMMIT: a failure anywhere before leaves them to be pushed again.
 */
export const PUSH_BATCH = 500;
/** Each INSERT statement stays well under max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL 8 by default). */
const STATEMENT_BYTES = 4 * 1024 * 1024;

export async function pushBatch(conn: Connection, store: BriefStore, outbox: Outbox, origin: string): Promise<number> {
  const { ids, entries } = outbox.nextBatch(PUSH_BATCH);
  if (ids.length === 0) return 0;
  try {
    await pushEntries(conn, store, entries, origin, false);
  } catch (e) {
    // Some are there already (a replay): the batch again, skipping what the server has.
    if (!isDuplicate(e)) throw e;
    await pushEntries(conn, store, entries, origin, true);
  }
  outbox.done(ids);
  return ids.length;
}

/**
 * The batch's transaction. Asking which ids the server has first costs a sixth of a push
 * (`npm run bench -- sync`), and almost always finds none: so the first attempt inserts
 * without asking, the unique key refuses a replay (rolled back whole), and only then is the
 * batch pushed again with `checkKnown`.
 */
async function pushEntries(conn: Connection, store: BriefStore, entries: readonly BriefEntry[], origin: string, checkKnown: boolean): Promise<void> {
  await conn.beginTransaction();
  try {
    // Locks the counter row (first, as every push transaction does) and, in the same round
    // trip, takes a number for each entry (none yet when some may be known: taken below).
    const taken = checkKnown ? 0 : entries.length;
    const [counter] = await conn.query("UPDATE counters SET value = LAST_INSERT_ID(value + ?) WHERE name = 'entry_seq'", [taken]);
    let seq = Number((counter as ResultSetHeader).insertId) - taken;
    const [present] = checkKnown && entries.length ? await conn.query('SELECT id FROM entries WHERE id IN (?)', [entries.map((e) => e.id)]) : [[]];
    const known = new Set((present as { id: string }[]).map((r) => r.id));
    let rows: unknown[][] = [];
    let bytes = 0;
    const flush = async () => {
      if (rows.length === 0) return;
      await conn.query(`INSERT INTO entries (${SHARED_COLUMNS}) VALUES ?`, [rows]);
      rows = [];
      bytes = 0;
    };
    for (const e of entries) {
      if (known.has(e.id)) continue;
      const values = rowValues(e, ++seq, origin);
      const size = values.reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : 8), 0);
      if (bytes + size > STATEMENT_BYTES) await flush();
      rows.push(values);
      bytes += size;
    }
    await flush();
    if (checkKnown) await conn.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [seq]);
    // A secret must leave the shared store too: what a redaction tombstoned here replaces the row there.
    for (const e of entries) if (e.kind === 'redaction') await pushTombstones(conn, store, e);
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}

/** MySQL's and MariaDB's ER_DUP_ENTRY: a unique key refused a row. */
const isDuplicate = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { errno?: unknown }).errno === 1062;

async function pushTombstones(conn: Connection, store: BriefStore, redaction: BriefEntry): Promise<void> {
  for (const e of store.trace(redaction.briefId)) {
    const tombstoned = e.redacted?.redactionId === redaction.id;
    const withheld = e.kind === 'refinement' && e.payload?.diff === WITHHELD_DIFF;
    if (!tombstoned && !withheld) continue;
    await conn.query('UPDATE entries SET payload = ?, redacted = ? WHERE id = ?', [
      e.payload === null ? null : JSON.stringify(e.payload),
      e.redacted === null ? null : JSON.stringify(e.redacted),
      e.id,
    ]);
  }
}
