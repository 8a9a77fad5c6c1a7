import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { BriefEntry } from '../../shared/briefs';
import type { BriefStore } from '../briefs/brief-store';
import type { HybridClock } from '../briefs/hybrid-clock';
import { WITHHELD_DIFF } from '../briefs/redaction-spread';
import { imagesNamedBy, type Step } from './blob-sync';
import { MAX_BATCH_CHARS, type Outbox, type OutboxBatch } from './outbox';
import { RoundSuperseded } from './round-superseded';
import { numberNewBriefs, takeNumbers } from './shared-numbers';
import { rowValues, SHARED_COLUMNS } from './shared-rows';

/**
 * One push batch: up to BATCH entries from the outbox in ONE MySQL transaction. The counter
 * row is locked first (an UPDATE of it) and held until COMMIT, so batches commit one after
 * another in seq order and a puller reading `seq > cursor` never skips a row that commits
 * late. Entries the shared store already has (a replay after a lost COMMIT reply, or a host
 * killed before it deleted its outbox rows) get no seq and change nothing. Briefs this batch
 * brought are numbered in the same transaction (shared-numbers.ts), and the shared rows of what
 * a redaction changed here are rewritten in it. Outbox rows go only after COMMIT: a failure
 * anywhere before leaves them to be pushed again.
 */
export const PUSH_BATCH = 500;
/** Each INSERT statement stays well under max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL 8 by default). */
const STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * What a batch did: entries pushed and rows rewritten (queue rows done), and briefs the shared
 * store numbered (so the round pulls again). `imagesGone`: nothing was pushed, because images
 * the batch's attachments name were deleted from the shared store after this host uploaded
 * them (a redaction elsewhere deleted an image no entry there named yet): the caller uploads
 * them again and pushes the batch then.
 */
export type Pushed = { pushed: number; numbered: number; imagesGone: readonly string[] };

type Committed = { written: Map<string, string>; numbered: number };

/** Thrown inside the push transaction (rolled back) when images its entries name are not on the shared store. */
class ImagesGone extends Error {
  constructor(readonly sha256s: readonly string[]) {
    super(`images not on the shared store: ${sha256s.join(', ')}`);
  }
}

export interface PushOptions {
  /** The batch the caller checked (blob-sync.ts uploaded its images); else the outbox's next. */
  batch?: Pick<OutboxBatch, 'ids' | 'entries'>;
  /**
   * The images uploaded for this batch. One its entries no longer name (its attachment was
   * redacted during the upload, and the batch read again) is deleted in the push's transaction,
   * as a redaction's image is, unless an entry there names it: it would otherwise stay whole in
   * the shared store, named by nothing, until a sweep.
   */
  uploaded?: readonly string[];
  /**
   * Whether this host has an image's bytes (then it insists on the shared store having it
   * whole before the entries naming it go; without them, any row of it does).
   */
  haveImage?: (sha256: string) => boolean;
  /**
   * Local work done while the server inserts the batch's entries (the statement sent, its
   * answer not awaited): push-waiting.ts reads the next batch there. Called at most once.
   */
  whileInserting?: () => void;
  /**
   * Takes the pushed entries out of the outbox, once the batch committed; by default at once.
   * push-waiting.ts does it while the next batch is inserted: until then a crash only replays
   * them, which changes nothing (the unique key, above).
   */
  done?: (ids: readonly string[]) => void;
  /**
   * Whether sync's settings are still those the round started with (sync-service.ts): a
   * COMMIT answered after they changed touches nothing here (the outbox and tombstones were
   * queued again for the new store).
   */
  current?: () => boolean;
}

export async function pushBatch(conn: Connection, store: BriefStore, outbox: Outbox, origin: string, clock: HybridClock, storeId: string, options: PushOptions = {}): Promise<Pushed> {
  const { ids, entries } = options.batch ?? outbox.nextBatch(PUSH_BATCH);
  const haveImage = options.haveImage ?? (() => false);
  let overlap = options.whileInserting;
  const whileInserting = (): void => {
    const work = overlap;
    overlap = undefined;
    work?.();
  };
  const rewrites = outbox.nextTombstones(PUSH_BATCH);
  if (ids.length === 0 && rewrites.length === 0) return { pushed: 0, numbered: 0, imagesGone: [] };
  const named = new Set(imagesNamedBy(entries).map((b) => b.sha256));
  const unnamedUploads = (options.uploaded ?? []).filter((h) => !named.has(h));
  let committed: Committed;
  try {
    try {
      committed = await pushEntries(conn, store, entries, rewrites, origin, clock, storeId, haveImage, false, whileInserting, unnamedUploads);
    } catch (e) {
      // Some are there already (a replay): the batch again, skipping what the server has.
      if (!isDuplicate(e)) throw e;
      committed = await pushEntries(conn, store, entries, rewrites, origin, clock, storeId, haveImage, true, whileInserting, unnamedUploads);
    }
  } catch (e) {
    if (e instanceof ImagesGone) return { pushed: 0, numbered: 0, imagesGone: e.sha256s };
    throw e;
  }
  if (options.current && !options.current()) throw new RoundSuperseded();
  (options.done ?? outbox.done)(ids);
  // Cleared only for entries that still read as they were written, checked after COMMIT with no
  // await in between: a newer redaction of one (during the commit's round trip) keeps its row
  // queued, since its own enqueue found the row there and added nothing.
  outbox.tombstonesDone([...committed.written].filter(([id, form]) => formOf(store.entry(id)) === form).map(([id]) => id));
  return { pushed: ids.length + committed.written.size, numbered: committed.numbered, imagesGone: [] };
}

/**
 * The batch's transaction. Asking which ids the server has first costs a sixth of a push
 * (`npm run bench -- sync`), and almost always finds none: so the first attempt inserts
 * without asking, the unique key refuses a replay (rolled back whole), and only then is the
 * batch pushed again with `checkKnown`.
 */
async function pushEntries(
  conn: Connection,
  store: BriefStore,
  entries: readonly BriefEntry[],
  rewrites: readonly string[],
  origin: string,
  clock: HybridClock,
  storeId: string,
  haveImage: (sha256: string) => boolean,
  checkKnown: boolean,
  whileInserting: () => void,
  unnamedUploads: readonly string[],
): Promise<Committed> {
  await conn.beginTransaction();
  try {
    // Locks the counter row, first as in every push transaction, and in the same round trip
    // takes a number for each entry, and for the `numbered` entry of each brief it creates.
    // When some may be known (or there are none), the lock is a plain SELECT … FOR UPDATE and
    // the counter is written once the count is known.
    const firstPush = !checkKnown && entries.length > 0;
    const creating = firstPush ? entries.filter((e) => e.kind === 'created').map((e) => e.briefId) : [];
    const taken = firstPush ? entries.length + creating.length : 0;
    let seq: number;
    if (taken > 0) {
      const [counter] = await conn.query("UPDATE counters SET value = LAST_INSERT_ID(value + ?) WHERE name = 'entry_seq'", [taken]);
      seq = Number((counter as ResultSetHeader).insertId) - taken;
    } else {
      const [counter] = await conn.query("SELECT value FROM counters WHERE name = 'entry_seq' FOR UPDATE");
      seq = Number((counter as { value: number | string }[])[0]?.value ?? 0);
    }
    const counted = seq + taken;
    const [present] = checkKnown && entries.length ? await conn.query('SELECT id FROM entries WHERE id IN (?)', [entries.map((e) => e.id)]) : [[]];
    const known = new Set((present as { id: string }[]).map((r) => r.id));
    await checkImagesThere(conn, entries.filter((e) => !known.has(e.id)), haveImage);
    // A first push numbers its new briefs up front (the brief_number row locked second, as in
    // every push), so their `numbered` entries go in the batch's own INSERT.
    const numbers = await takeNumbers(conn, creating, seq + entries.length + 1, origin, clock, storeId);
    const inserted: BriefEntry[] = [];
    let rows: unknown[][] = [];
    let bytes = 0;
    const flush = async (last = false) => {
      if (rows.length === 0) return;
      const sent = conn.query(`INSERT INTO entries (${SHARED_COLUMNS}) VALUES ?`, [rows]);
      try {
        if (last) whileInserting();
      } finally {
        await sent;
      }
      rows = [];
      bytes = 0;
    };
    const add = async (values: unknown[]) => {
      // At most 3 UTF-8 bytes per UTF-16 unit: a bound, without encoding every string to count.
      const size = values.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length * 3 : 8), 0);
      if (bytes + size > STATEMENT_BYTES) await flush();
      rows.push(values);
      bytes += size;
    };
    for (const e of entries) {
      if (known.has(e.id)) continue;
      inserted.push(e);
      await add(rowValues(e, ++seq, origin));
    }
    for (const values of numbers.entries) await add(values);
    seq += numbers.entries.length;
    await flush(true);
    if (numbers.numbers.length > 0) await conn.query('INSERT INTO brief_numbers (brief_id, number) VALUES ?', [numbers.numbers]);
    // A push that may be a replay asks which of its briefs have a number first.
    const numbering = firstPush ? { seq, numbered: numbers.numbers.length } : await numberNewBriefs(conn, inserted, seq, origin, clock, storeId);
    seq = numbering.seq;
    if (seq !== counted) await conn.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [seq]);
    // A replay re-uploaded the images of entries the store already had (their first push
    // committed; its answer was lost): one a redaction has un-named since goes again; so does
    // one uploaded for an attachment redacted before the batch was read again.
    await deleteUnnamedImages(conn, [...imagesNamedBy(entries.filter((e) => known.has(e.id))).map((b) => b.sha256), ...unnamedUploads]);
    const written = await rewriteTombstones(conn, store, rewrites);
    await conn.commit();
    return { written, numbered: numbering.numbered };
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}

/**
 * `work` in a transaction holding the lock every push takes first (the `entry_seq` counter
 * row), so it is ordered with every push and every redaction's delete of images. Each step
 * through `step` (a timeout); rolled back if anything fails.
 */
export async function underPushLock<T>(conn: Connection, step: Step, work: () => Promise<T>): Promise<T> {
  await step(conn.beginTransaction());
  try {
    await step(conn.query("SELECT value FROM counters WHERE name = 'entry_seq' FOR UPDATE"));
    const result = await work();
    await step(conn.commit());
    return result;
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}

/** MySQL's and MariaDB's ER_DUP_ENTRY: a unique key refused a row. */
const isDuplicate = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { errno?: unknown }).errno === 1062;

/**
 * A secret must leave the shared store too, whoever pushed its copies: each entry a redaction
 * changed here (outbox.ts, `sync_tombstones`) replaces its shared row by the redacted form, in
 * the push transaction. Only ever towards the redacted form: a row the shared store already
 * holds tombstoned is left as it is (a withheld diff must not put a redacted refinement's text
 * back). Returns each id with the form this transaction carries (pushBatch clears a queue row
 * only if the entry still reads so after COMMIT).
 */
async function rewriteTombstones(conn: Connection, store: BriefStore, ids: readonly string[]): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const rows: { id: string; payload: string | null; redacted: string | null; isAttachment: boolean }[] = [];
  // Bounded by size as a batch's entries are (outbox.ts): a withheld refinement keeps its whole
  // spec, and hundreds of long ones would not cross a slow link within the step's timeout. The
  // rest stay queued for the next batch.
  let chars = 0;
  for (const id of ids) {
    const e = store.entry(id);
    const isRedactedForm = e !== null && (e.redacted !== null || (e.kind === 'refinement' && e.payload?.diff === WITHHELD_DIFF));
    const payload = isRedactedForm && e.payload !== null ? JSON.stringify(e.payload) : null;
    const redacted = isRedactedForm && e.redacted !== null ? JSON.stringify(e.redacted) : null;
    chars += (payload?.length ?? 0) + (redacted?.length ?? 0);
    if (written.size > 0 && chars > MAX_BATCH_CHARS) break;
    written.set(id, formOf(e));
    if (isRedactedForm) rows.push({ id, payload, redacted, isAttachment: e.kind === 'attachment_added' && e.redacted !== null });
  }
  // A redacted attachment's image: its sha256 is only in the shared row's payload now, read
  // before the row is rewritten. One query for the batch's attachments.
  const attachments = rows.filter((r) => r.isAttachment).map((r) => r.id);
  const [named] = attachments.length ? await conn.query('SELECT payload FROM entries WHERE id IN (?) AND redacted IS NULL', [attachments]) : [[]];
  const images = (named as { payload: string | null }[]).flatMap((r) => sha256Of(r.payload) ?? []);
  // A few statements, not one per row: a batch of hundreds of rewrites, a round trip each, would
  // outlast the step's timeout over a slow link and fail the same way on every retry. Each
  // statement stays under the packet limit (a withheld refinement keeps its whole spec).
  let chunk: typeof rows = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const cases = chunk.map(() => 'WHEN ? THEN ?').join(' ');
    await conn.query(`UPDATE entries SET payload = CASE id ${cases} END, redacted = CASE id ${cases} END WHERE id IN (?) AND redacted IS NULL`, [
      ...chunk.flatMap((r) => [r.id, r.payload]),
      ...chunk.flatMap((r) => [r.id, r.redacted]),
      chunk.map((r) => r.id),
    ]);
    chunk = [];
    bytes = 0;
  };
  for (const r of rows) {
    // At most 3 UTF-8 bytes per UTF-16 unit, as for the inserts.
    const size = ((r.payload?.length ?? 0) + (r.redacted?.length ?? 0) + 3 * r.id.length) * 3;
    if (chunk.length > 0 && bytes + size > STATEMENT_BYTES) await flush();
    chunk.push(r);
    bytes += size;
  }
  await flush();
  await deleteUnnamedImages(conn, images);
  return written;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The sha256 an attachment's payload (JSON) names, or null. */
export function sha256Of(payload: string | null): string | null {
  if (!payload) return null;
  try {
    const sha = (JSON.parse(payload) as { sha256?: unknown }).sha256;
    return typeof sha === 'string' && SHA256.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

/**
 * The images `entries` name must be on the shared store when they go: uploaded before this
 * transaction, one may have been deleted since by a redaction's push (holding the counter
 * lock, as this one now does). Checked under that lock, so a redaction either saw these
 * entries or comes after. An image this host has must be there whole (another host may have
 * begun it again and stopped); one it lacks, in any form (its row says why).
 */
async function checkImagesThere(conn: Connection, entries: readonly BriefEntry[], haveImage: (sha256: string) => boolean): Promise<void> {
  const images = imagesNamedBy(entries).map((b) => b.sha256);
  if (images.length === 0) return;
  const [rows] = await conn.query('SELECT sha256, complete FROM blobs WHERE sha256 IN (?)', [images]);
  const complete = new Map((rows as { sha256: string; complete: number }[]).map((r) => [r.sha256, Number(r.complete) === 1]));
  const gone = images.filter((h) => !complete.has(h) || (!complete.get(h) && haveImage(h)));
  if (gone.length > 0) throw new ImagesGone(gone);
}

/**
 * Redacted images leave the shared store once no attachment there names them (the same image
 * attached again elsewhere keeps it). In the push transaction, under the counter lock every
 * push takes first: a push whose entries name one either committed before (and is seen here)
 * or checks for it after (checkImagesThere) and uploads it again. One scan of the entries for
 * all of a batch's images; matched as text (`payload` is JSON.stringify's, so the field reads
 * exactly so), which MySQL and MariaDB do alike, where their JSON functions differ on bad JSON.
 */
export async function deleteUnnamedImages(conn: Connection, sha256s: readonly string[]): Promise<string[]> {
  const images = [...new Set(sha256s)];
  if (images.length === 0) return [];
  const [rows] = await conn.query(
    `SELECT payload FROM entries WHERE kind = 'attachment_added' AND redacted IS NULL AND (${images.map(() => 'payload LIKE ?').join(' OR ')})`,
    images.map((h) => `%"sha256":"${h}"%`),
  );
  const named = new Set((rows as { payload: string }[]).map((r) => sha256Of(r.payload)));
  const unnamed = images.filter((h) => !named.has(h));
  if (unnamed.length === 0) return [];
  // The row first: an upload of the same image meanwhile waits on it, then starts afresh.
  await conn.query('DELETE FROM blobs WHERE sha256 IN (?)', [unnamed]);
  await conn.query('DELETE FROM blob_chunks WHERE sha256 IN (?)', [unnamed]);
  return unnamed;
}

const formOf = (e: BriefEntry | null): string => (e ? JSON.stringify([e.payload, e.redacted]) : '');
