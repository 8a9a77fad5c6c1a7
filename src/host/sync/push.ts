import type { Connection } from 'mysql2/promise';
import type { BriefEntry } from '../../shared/briefs';
import type { BriefStore } from '../briefs/brief-store';
import type { HybridClock } from '../briefs/hybrid-clock';
import { WITHHELD_DIFF } from '../briefs/redaction-spread';
import type { Outbox } from './outbox';
import { numberNewBriefs } from './shared-numbers';
import { rowValues, SHARED_COLUMNS } from './shared-rows';

/**
 * One push batch: up to BATCH entries from the outbox in ONE MySQL transaction. The counter
 * row is locked first (`FOR UPDATE`) and held until COMMIT, so batches commit one after
 * another in seq order and a puller reading `seq > cursor` never skips a row that commits
 * late. Entries the shared store already has (a replay after a lost COMMIT reply, or a host
 * killed before it deleted its outbox rows) get no seq and change nothing. Briefs this batch
 * brought are numbered in the same transaction (shared-numbers.ts). Outbox rows go only
 * after COMMIT: a failure anywhere before leaves them to be pushed again.
 */
export const PUSH_BATCH = 500;
/** Each INSERT statement stays well under max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL 8 by default). */
const STATEMENT_BYTES = 4 * 1024 * 1024;

/** What a batch did: entries pushed (outbox rows done), and briefs the shared store numbered (so the round pulls again). */
export type Pushed = { pushed: number; numbered: number };

export async function pushBatch(conn: Connection, store: BriefStore, outbox: Outbox, origin: string, clock: HybridClock): Promise<Pushed> {
  const ids = outbox.next(PUSH_BATCH);
  const rewrites = outbox.nextTombstones(PUSH_BATCH);
  if (ids.length === 0 && rewrites.length === 0) return { pushed: 0, numbered: 0 };
  const entries = ids.map((id) => store.entry(id)).filter((e): e is BriefEntry => e !== null);
  let rewritten: string[] = [];
  let numbered = 0;
  await conn.beginTransaction();
  try {
    const [counter] = await conn.query("SELECT value FROM counters WHERE name = 'entry_seq' FOR UPDATE");
    let seq = Number((counter as { value: number | string }[])[0]?.value ?? 0);
    const [present] = entries.length ? await conn.query('SELECT id FROM entries WHERE id IN (?)', [entries.map((e) => e.id)]) : [[]];
    const known = new Set((present as { id: string }[]).map((r) => r.id));
    const inserted: BriefEntry[] = [];
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
      inserted.push(e);
      const values = rowValues(e, ++seq, origin);
      const size = values.reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : 8), 0);
      if (bytes + size > STATEMENT_BYTES) await flush();
      rows.push(values);
      bytes += size;
    }
    await flush();
    const numbering = await numberNewBriefs(conn, inserted, seq, origin, clock);
    seq = numbering.seq;
    numbered = numbering.numbered;
    await conn.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [seq]);
    rewritten = await rewriteTombstones(conn, store, rewrites);
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
  outbox.done(ids);
  outbox.tombstonesDone(rewritten);
  return { pushed: ids.length + rewrites.length, numbered };
}

/**
 * A secret must leave the shared store too, whoever pushed its copies: each entry a redaction
 * changed here (outbox.ts, `sync_tombstones`) replaces its shared row by the redacted form, in
 * the push transaction. Only ever towards the redacted form: a row the shared store already
 * holds tombstoned is left as it is (a withheld diff must not put a redacted refinement's text
 * back). Returns the ids whose rewrite this transaction carries as they read now; one a newer
 * redaction changed again while MySQL answered stays queued for the next push.
 */
async function rewriteTombstones(conn: Connection, store: BriefStore, ids: readonly string[]): Promise<string[]> {
  const written = new Map<string, string>();
  for (const id of ids) {
    const e = store.entry(id);
    const isRedactedForm = e !== null && (e.redacted !== null || (e.kind === 'refinement' && e.payload?.diff === WITHHELD_DIFF));
    if (!isRedactedForm) {
      written.set(id, formOf(e));
      continue;
    }
    const payload = e.payload === null ? null : JSON.stringify(e.payload);
    const redacted = e.redacted === null ? null : JSON.stringify(e.redacted);
    await conn.query('UPDATE entries SET payload = ?, redacted = ? WHERE id = ? AND redacted IS NULL', [payload, redacted, id]);
    written.set(id, formOf(e));
  }
  return [...written].filter(([id, form]) => formOf(store.entry(id)) === form).map(([id]) => id);
}

const formOf = (e: BriefEntry | null): string => (e ? JSON.stringify([e.payload, e.redacted]) : '');
