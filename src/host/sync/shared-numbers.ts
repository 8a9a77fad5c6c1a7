import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { BriefEntry } from '../../shared/briefs';
import type { HybridClock } from '../briefs/hybrid-clock';
import { uuidv7 } from '../ids';
import { rowValues, SHARED_COLUMNS } from './shared-rows';

/**
 * Brief numbers given by the shared store (docs/sync.md, Brief numbers). Inside the push
 * transaction (a batch's first push takes them up front, takeNumbers; one that may be a
 * replay after its entries are in, numberNewBriefs): every brief whose `created` entry this batch brought
 * to the store gets the next number of the `brief_number` counter, a row of `brief_numbers`
 * (its UNIQUE key on the number is the guarantee that no two briefs share one), and a
 * `numbered` entry appended to the shared trace with its own seq, so every host, the pusher
 * too, learns the number by pulling, in commit order like everything else.
 *
 * The caller holds the `entry_seq` row lock; the `brief_number` row is locked second, the
 * one order every push takes (no deadlock between two hosts pushing at once). A replayed
 * batch inserts no `created` entry, so it numbers nothing; a brief that already has a number
 * keeps it.
 */
const NUMBERING_ACTOR = { kind: 'system', name: 'grove' } as const;

export async function numberNewBriefs(
  conn: Connection,
  inserted: readonly BriefEntry[],
  seq: number,
  origin: string,
  clock: HybridClock,
  /** This store's identity (sharedStoreId), recorded in each `numbered` entry. */
  storeId: string,
): Promise<{ seq: number; numbered: number }> {
  const briefIds = inserted.filter((e) => e.kind === 'created').map((e) => e.briefId);
  if (briefIds.length === 0) return { seq, numbered: 0 };
  const [counter] = await conn.query("SELECT value FROM counters WHERE name = 'brief_number' FOR UPDATE");
  let number = Number((counter as { value: number | string }[])[0]?.value ?? 0);
  const [had] = await conn.query('SELECT brief_id FROM brief_numbers WHERE brief_id IN (?)', [briefIds]);
  const numberedAlready = new Set((had as { brief_id: string }[]).map((r) => r.brief_id));
  const numbers: unknown[][] = [];
  const entries: unknown[][] = [];
  for (const briefId of briefIds) {
    if (numberedAlready.has(briefId)) continue;
    number++;
    numbers.push([briefId, number]);
    entries.push(numberedRow(briefId, number, ++seq, origin, clock, storeId));
  }
  if (numbers.length === 0) return { seq, numbered: 0 };
  await conn.query('INSERT INTO brief_numbers (brief_id, number) VALUES ?', [numbers]);
  await conn.query(`INSERT INTO entries (${SHARED_COLUMNS}) VALUES ?`, [entries]);
  await conn.query("UPDATE counters SET value = ? WHERE name = 'brief_number'", [number]);
  return { seq, numbered: numbers.length };
}

/** The shared row of the `numbered` entry that gives `briefId` its number. */
function numberedRow(briefId: string, number: number, seq: number, origin: string, clock: HybridClock, storeId: string): unknown[] {
  const at = new Date();
  const entry: BriefEntry = {
    id: uuidv7(at.getTime()),
    briefId,
    seq: 0,
    kind: 'numbered',
    actor: NUMBERING_ACTOR,
    channel: 'automatic',
    at: at.toISOString(),
    hlc: clock.now(),
    payload: { number, store: storeId },
    redacted: null,
  };
  return rowValues(entry, seq, origin);
}

/**
 * Numbers for a batch's first push (none of its entries on the store yet), taken in one
 * statement without asking which of its briefs have one: none can, since a brief is numbered
 * in the transaction that first inserts its `created` entry. Should one have a row anyway,
 * inserting `numbers` is refused by the key, and the batch goes again the careful way
 * (numberNewBriefs). The caller holds the `entry_seq` lock and took seqs for these entries
 * too: `firstSeq` is the first of them. Returns the `brief_numbers` rows and the `numbered`
 * entries' shared rows, for the caller to insert with the batch's own.
 */
export async function takeNumbers(
  conn: Connection,
  briefIds: readonly string[],
  firstSeq: number,
  origin: string,
  clock: HybridClock,
  storeId: string,
): Promise<{ numbers: unknown[][]; entries: unknown[][] }> {
  if (briefIds.length === 0) return { numbers: [], entries: [] };
  const [taken] = await conn.query("UPDATE counters SET value = LAST_INSERT_ID(value + ?) WHERE name = 'brief_number'", [briefIds.length]);
  const first = Number((taken as ResultSetHeader).insertId) - briefIds.length + 1;
  return {
    numbers: briefIds.map((briefId, i) => [briefId, first + i]),
    entries: briefIds.map((briefId, i) => numberedRow(briefId, first + i, firstSeq + i, origin, clock, storeId)),
  };
}
