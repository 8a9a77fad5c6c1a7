import { rowToEntry, type EntryRow } from './entry-row';
import type { Db } from '../db/database';
import {
  type Brief,
  type BriefEntry,
  type EntryKind,
  parseBriefRef,
  summaryOf,
  type BriefStatus,
  type BriefKind,
  type BriefSummary,
  type Tombstone,
} from '../../shared/briefs';
import { searchableText } from './searchable-text';
import { ftsQuery } from './fts-query';
import type { EntryOrigin, Outbox } from '../sync/outbox';
import type { NumberSource } from './projection';
import { deleteSetting, readSetting, writeSetting } from '../db/settings';

/**
 * The briefs' SQLite tables (migration 0009). Plain reads and writes only: what an entry
 * means is projection.ts's, who may write what is brief-service.ts's. Callers wrap writes
 * that belong together in `transaction`, so an entry, its projection and its search row
 * commit together or not at all.
 */
/** An entry before the store numbers it (Omit over each member, so the union stays discriminated). */
export type NewEntry = BriefEntry extends infer E ? (E extends BriefEntry ? Omit<E, 'seq'> : never) : never;

export interface ListQuery {
  project?: string;
  status?: readonly BriefStatus[];
  kind?: readonly BriefKind[];
  query?: string;
  cursor?: string;
  limit: number;
}

export interface BriefStore {
  transaction<T>(fn: () => T): T;
  /** Whether a transaction is open on the connection (SQLite may have rolled one back itself, on a full disk). */
  inTransaction(): boolean;
  /** The brief a reference (`#N`, `N` or an id) names. */
  resolve(ref: string): Brief | null;
  get(id: string): Brief | null;
  byNumber(n: number): Brief | null;
  /** The next free number; the one place numbers are allocated (sync moves it to the shared store). */
  nextNumber(): number;
  /** Stores an entry; one written here (`local`, the default) is queued for the shared store when sync is on. */
  insert(entry: NewEntry, origin?: EntryOrigin): BriefEntry;
  hasEntry(id: string): boolean;
  /** The briefs that hold a redaction entry. */
  briefsWithRedactions(): Set<string>;
  /** How many entries of `kind` the brief's trace holds (read from its index, not its entries). */
  countOfKind(briefId: string, kind: EntryKind): number;
  /** The redaction entry of `briefId` that names `entryId`, if one is here (one may arrive before what it redacts). */
  redactionNaming(briefId: string, entryId: string): BriefEntry | null;
  /** The first acceptance of the plan `planEntryId` in `briefId`, if it was accepted here (or arrived so). */
  acceptanceOf(briefId: string, planEntryId: string): BriefEntry | null;
  /** The latest stamp any entry here carries (an HLC stamp sorts as text), or null for none. */
  latestStamp(): string | null;
  entry(id: string): BriefEntry | null;
  /** A brief's entries, newest first, before `beforeSeq` when given. */
  page(briefId: string, limit: number, beforeSeq?: number): BriefEntry[];
  /** Whether the brief has an entry older than `seq`. */
  hasBefore(briefId: string, seq: number): boolean;
  /** A brief's entries in order of arrival. */
  trace(briefId: string): BriefEntry[];
  /** How many entries a brief has (after `afterSeq` when given). */
  count(briefId: string, afterSeq?: number): number;
  /** Every entry of the store after `afterSeq`, in order of arrival (export). */
  since(afterSeq: number, limit: number): BriefEntry[];
  /** Stores a brief's folded state (answering with it, as stored). */
  save(brief: Brief): Brief;
  /** Where brief numbers come from now: the shared store while sync is configured, and which one (projection.ts). */
  numberSource(): NumberSource;
  /**
   * The shared store whose numbers count here (its identity; null: not known yet). Kept when
   * sync goes off, so the numbers shown stay the ones a fold gives. Callers re-fold the
   * `numberedBriefs` in the same transaction (BriefService.countNumbersFrom).
   */
  setNumberStore(id: string | null): void;
  /** The briefs with a `numbered` entry: the only ones whose fold depends on the number store. */
  numberedBriefs(): string[];
  /**
   * Sync was turned on or off: every brief's `numberProvisional` as it now reads (on: the
   * briefs the current shared store has not numbered yet; off: none). Call in the transaction
   * that saves the configuration.
   */
  refreshProvisional(): void;
  /**
   * Gives up the numbers of these briefs for the rest of the transaction, so briefs whose
   * numbers an import is shuffling can each be saved with its new one (a swap included).
   */
  releaseNumbers(ids: readonly string[]): void;
  /**
   * Replaces an entry's content by what survives a redaction, and its searchable text with
   * it: with a tombstone for the redacted entry (and its exact copies), without one for an
   * entry that only loses what was derived from it (a diff). The only change ever made to a
   * stored entry.
   */
  tombstone(entryId: string, payload: unknown, tombstone: Tombstone | null): BriefEntry;
  /**
   * After a transaction that tombstoned entries (and only then): what they held goes from the
   * database's files too, not only from what Grove reads. The search index keeps a deleted
   * row's words in its segments until they are merged, so they are merged now; the WAL keeps
   * pages as they were until a checkpoint, so it is checkpointed and emptied. (Freed space
   * itself is zeroed as it is freed: secure_delete, database.ts.) A redaction is rare, and
   * a secret left in grove.db would go wherever a copy of the file goes.
   */
  purgeRemoved(): void;
  list(q: ListQuery): { briefs: BriefSummary[]; nextCursor: string | null };
  /** Every brief's id (a rebuild walks them). */
  ids(): string[];
  addAttachment(a: { id: string; briefId: string; entryId: string; sha256: string; name: string; type: string; size: number; at: string }): void;
  /** Whether an attachment row has this id (an attachment's id is unique across briefs). */
  hasAttachment(id: string): boolean;
  dropAttachment(entryId: string): { sha256: string } | null;
  /** How many attachment rows still name this blob. */
  blobRefs(sha256: string): number;
  /** The first attachment's name for a blob (what GET /blobs/<sha256> calls it); null when none names it. */
  blobName(sha256: string): string | null;
  /** Every blob an attachment row names (the start-up sweep keeps these). */
  referencedBlobs(): Set<string>;
}

function encodeCursor(updatedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : null;
  } catch {
    return null;
  }
}

export class CursorError extends Error {}

/**
 * Past this many matching entries, a search walks the briefs by activity instead of looking
 * up the brief of every match. Finding the briefs of 100,000 matches (a common word in a big
 * store) takes one row lookup each, 100-200 ms, although a page needs only the 50 most
 * recently active; walking the briefs newest first stops at the page's end, a few ms when
 * the word is common. A rare word would make that walk visit every brief, so few matches
 * keep the lookup (bench/briefs.ts measures both).
 */
export const MANY_HITS = 2000;

/** The setting naming the shared store whose numbers count here (setNumberStore). */
const NUMBER_STORE_KEY = 'sync.numberStore';

/** The settings key saying redacted words may still be in the search index's segments (purgeRemoved). */
const PURGE_PENDING = 'briefs.searchPurgePending';

export function createBriefStore(db: Db, opts: { manyHits?: number; outbox?: Outbox } = {}): BriefStore {
  const manyHits = opts.manyHits ?? MANY_HITS;
  const insertEntry = db.prepare(
    `INSERT INTO brief_entries (id, brief_id, kind, actor_kind, actor_name, channel, at, hlc, payload, redacted)
     VALUES (@id, @briefId, @kind, @actorKind, @actorName, @channel, @at, @hlc, @payload, @redacted)`,
  );
  const insertSearch = db.prepare('INSERT INTO brief_search (rowid, text) VALUES (?, ?)');
  const deleteSearch = db.prepare('DELETE FROM brief_search WHERE rowid = ?');
  const optimizeSearch = db.prepare("INSERT INTO brief_search (brief_search) VALUES ('optimize')");
  // Kept in the database too, in the tombstone's transaction: a host that dies before its purge
  // purges at the next start (host.ts), or the words would stay in the index's old segments.
  let removedSincePurge = readSetting(db, PURGE_PENDING) !== undefined;
  const selectLatestStamp = db.prepare('SELECT MAX(hlc) AS hlc FROM brief_entries');
  const selectRedactedBriefs = db.prepare("SELECT DISTINCT brief_id FROM brief_entries WHERE kind = 'redaction'");
  const countKind = db.prepare('SELECT count(*) AS n FROM brief_entries WHERE brief_id = ? AND kind = ?');
  const selectRedactionNaming = db.prepare("SELECT * FROM brief_entries WHERE brief_id = ? AND kind = 'redaction' AND json_extract(payload, '$.entryId') = ? ORDER BY seq LIMIT 1");
  const selectAcceptance = db.prepare("SELECT * FROM brief_entries WHERE brief_id = ? AND kind = 'plan_accepted' AND json_extract(payload, '$.planEntryId') = ? ORDER BY seq LIMIT 1");
  const selectEntry = db.prepare('SELECT * FROM brief_entries WHERE id = ?');
  const selectPage = db.prepare('SELECT * FROM brief_entries WHERE brief_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
  const selectBefore = db.prepare('SELECT 1 FROM brief_entries WHERE brief_id = ? AND seq < ? LIMIT 1');
  const selectTrace = db.prepare('SELECT * FROM brief_entries WHERE brief_id = ? ORDER BY seq');
  const selectCount = db.prepare('SELECT count(*) AS n FROM brief_entries WHERE brief_id = ? AND seq > ?');
  const selectSince = db.prepare('SELECT * FROM brief_entries WHERE seq > ? ORDER BY seq LIMIT ?');
  const selectState = db.prepare('SELECT state FROM briefs WHERE id = ?');
  const selectByNumber = db.prepare('SELECT state FROM briefs WHERE number = ?');
  const selectMaxNumber = db.prepare('SELECT coalesce(max(number), 0) AS n FROM briefs');
  const upsertBrief = db.prepare(
    `INSERT INTO briefs (id, number, title, kind, status, updated_at, state) VALUES (@id, @number, @title, @kind, @status, @updatedAt, @state)
     ON CONFLICT (id) DO UPDATE SET number = excluded.number, title = excluded.title, kind = excluded.kind,
       status = excluded.status, updated_at = excluded.updated_at, state = excluded.state`,
  );
  const deleteProjects = db.prepare('DELETE FROM brief_projects WHERE brief_id = ?');
  const insertProject = db.prepare('INSERT OR IGNORE INTO brief_projects (brief_id, name) VALUES (?, ?)');
  const updatePayload = db.prepare('UPDATE brief_entries SET payload = ?, redacted = coalesce(?, redacted) WHERE id = ?');
  const insertAttachment = db.prepare(
    'INSERT INTO brief_attachments (id, brief_id, entry_id, sha256, name, type, size, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const selectAttachmentOfEntry = db.prepare('SELECT sha256 FROM brief_attachments WHERE entry_id = ?');
  const selectAttachment = db.prepare('SELECT 1 FROM brief_attachments WHERE id = ?');
  const deleteAttachmentOfEntry = db.prepare('DELETE FROM brief_attachments WHERE entry_id = ?');
  const countBlobRefs = db.prepare('SELECT count(*) AS n FROM brief_attachments WHERE sha256 = ?');
  const firstBlobName = db.prepare('SELECT name FROM brief_attachments WHERE sha256 = ? ORDER BY added_at, id LIMIT 1');
  const countHits = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM brief_search WHERE brief_search MATCH ? LIMIT ?)');

  /** Whether numbers come from the shared store: sync configured (the outbox is on exactly then). */
  const numbersShared = (): boolean => opts.outbox?.isEnabled() ?? false;
  // The folded state as this store saved it (see rowToEntry on why reads are not validated again);
  // a state saved before numbers could be provisional is provisional exactly while sync is on.
  const parseState = (row: { state: string } | undefined): Brief | null => (row ? readState(row.state) : null);
  const readState = (state: string): Brief => {
    const b = JSON.parse(state) as Brief;
    return b.numberProvisional === undefined ? { ...b, numberProvisional: numbersShared() } : b;
  };
  // The current store's numbers only (projection.ts isCurrentNumbering): one without `store` counts for any.
  const refreshProvisional = db.prepare(
    `UPDATE briefs SET state = json_set(state, '$.numberProvisional',
       json(CASE WHEN @shared AND NOT EXISTS (SELECT 1 FROM brief_entries e WHERE e.brief_id = briefs.id AND e.kind = 'numbered'
         AND (json_extract(e.payload, '$.store') IS NULL OR json_extract(e.payload, '$.store') = @store)) THEN 'true' ELSE 'false' END))`,
  );
  const numberStore = (): string | null => readSetting(db, NUMBER_STORE_KEY) ?? null;
  const numberSource = (): NumberSource => ({ shared: numbersShared(), store: numberStore() });
  // Negative numbers are never a brief's: a parked row keeps the UNIQUE index out of the way until it is saved.
  const parkNumber = db.prepare('UPDATE briefs SET number = -number WHERE id = ? AND number > 0');
  const get = (id: string): Brief | null => parseState(selectState.get(id) as { state: string } | undefined);
  const byNumber = (n: number): Brief | null => parseState(selectByNumber.get(n) as { state: string } | undefined);

  return {
    transaction: (fn) => db.transaction(fn)(),
    purgeRemoved() {
      // Inside a caller's transaction (a pull applies its batch in one), the caller purges after it.
      if (!removedSincePurge || db.inTransaction) return;
      optimizeSearch.run();
      // Only once done: a purge that failed (a full disk) is tried again by the next call.
      removedSincePurge = false;
      deleteSetting(db, PURGE_PENDING);
      // Readers (a CLI, a backup) may keep it from emptying the WAL: the next checkpoint does.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    inTransaction: () => db.inTransaction,
    resolve(ref) {
      const parsed = parseBriefRef(ref);
      return parsed.kind === 'number' ? byNumber(parsed.number) : get(parsed.id);
    },
    get,
    byNumber,
    nextNumber: () => (selectMaxNumber.get() as { n: number }).n + 1,
    insert(entry, origin = 'local') {
      const info = insertEntry.run({
        id: entry.id,
        briefId: entry.briefId,
        kind: entry.kind,
        actorKind: entry.actor.kind,
        actorName: entry.actor.name,
        channel: entry.channel,
        at: entry.at,
        hlc: entry.hlc,
        payload: entry.payload === null ? null : JSON.stringify(entry.payload),
        redacted: entry.redacted === null ? null : JSON.stringify(entry.redacted),
      });
      const seq = Number(info.lastInsertRowid);
      const stored = { ...entry, seq } as BriefEntry;
      opts.outbox?.enqueue(stored, origin);
      const text = searchableText(stored);
      if (text) insertSearch.run(seq, text);
      return stored;
    },
    hasEntry: (id) => selectEntry.get(id) !== undefined,
    latestStamp: () => (selectLatestStamp.get() as { hlc: string | null }).hlc,
    briefsWithRedactions: () => new Set((selectRedactedBriefs.all() as { brief_id: string }[]).map((r) => r.brief_id)),
    countOfKind: (briefId, kind) => (countKind.get(briefId, kind) as { n: number }).n,
    redactionNaming(briefId, entryId) {
      const row = selectRedactionNaming.get(briefId, entryId) as EntryRow | undefined;
      return row ? rowToEntry(row) : null;
    },
    acceptanceOf(briefId, planEntryId) {
      const row = selectAcceptance.get(briefId, planEntryId) as EntryRow | undefined;
      return row ? rowToEntry(row) : null;
    },
    entry(id) {
      const row = selectEntry.get(id) as EntryRow | undefined;
      return row ? rowToEntry(row) : null;
    },
    page: (briefId, limit, beforeSeq) =>
      (selectPage.all(briefId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as EntryRow[]).map(rowToEntry),
    hasBefore: (briefId, seq) => selectBefore.get(briefId, seq) !== undefined,
    trace: (briefId) => (selectTrace.all(briefId) as EntryRow[]).map(rowToEntry),
    count: (briefId, afterSeq = 0) => (selectCount.get(briefId, afterSeq) as { n: number }).n,
    since: (afterSeq, limit) => (selectSince.all(afterSeq, limit) as EntryRow[]).map(rowToEntry),
    numberSource,
    setNumberStore: (id) => (id === null ? deleteSetting(db, NUMBER_STORE_KEY) : writeSetting(db, NUMBER_STORE_KEY, id)),
    numberedBriefs: () => (db.prepare("SELECT DISTINCT brief_id FROM brief_entries WHERE kind = 'numbered'").all() as { brief_id: string }[]).map((r) => r.brief_id),
    save(brief) {
      upsertBrief.run({
        id: brief.id,
        number: brief.number,
        title: brief.title,
        kind: brief.kind,
        status: brief.status,
        updatedAt: brief.updatedAt,
        state: JSON.stringify(brief),
      });
      deleteProjects.run(brief.id);
      for (const p of brief.projects) insertProject.run(brief.id, p.name);
      return brief;
    },
    refreshProvisional: () => void refreshProvisional.run({ shared: numbersShared() ? 1 : 0, store: numberStore() }),
    releaseNumbers: (ids) => ids.forEach((id) => parkNumber.run(id)),
    tombstone(entryId, payload, tombstone) {
      removedSincePurge = true;
      writeSetting(db, PURGE_PENDING, '1');
      const row = selectEntry.get(entryId) as EntryRow;
      updatePayload.run(payload === null ? null : JSON.stringify(payload), tombstone === null ? null : JSON.stringify(tombstone), entryId);
      deleteSearch.run(row.seq);
      const entry = rowToEntry(selectEntry.get(entryId) as EntryRow);
      // The shared store's copy of this entry may still hold the text: queued for rewriting, in this transaction.
      opts.outbox?.tombstoned(entryId);
      // What is left readable (a created entry keeps its structure) stays findable.
      const text = searchableText(entry);
      if (text) insertSearch.run(row.seq, text);
      return entry;
    },
    list(q) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.project !== undefined) {
        where.push('b.id IN (SELECT brief_id FROM brief_projects WHERE name = ?)');
        args.push(q.project);
      }
      if (q.status?.length) {
        where.push(`b.status IN (${q.status.map(() => '?').join(', ')})`);
        args.push(...q.status);
      }
      if (q.kind?.length) {
        where.push(`b.kind IN (${q.kind.map(() => '?').join(', ')})`);
        args.push(...q.kind);
      }
      const match = q.query ? ftsQuery(q.query) : null;
      if (match) {
        const many = (countHits.get(match, manyHits) as { n: number }).n >= manyHits;
        // `+e.seq` keeps SQLite from probing the index once per match: it reads each brief's
        // entries and checks them against the matches, gathered once.
        where.push(
          many
            ? 'EXISTS (SELECT 1 FROM brief_entries e WHERE e.brief_id = b.id AND +e.seq IN (SELECT rowid FROM brief_search WHERE brief_search MATCH ?))'
            : 'b.id IN (SELECT e.brief_id FROM brief_search s JOIN brief_entries e ON e.seq = s.rowid WHERE brief_search MATCH ?)',
        );
        args.push(match);
      }
      if (q.cursor !== undefined) {
        const c = decodeCursor(q.cursor);
        if (!c) throw new CursorError('cursor is not one this host gave out: start again without it');
        where.push('(b.updated_at < ? OR (b.updated_at = ? AND b.id < ?))');
        args.push(c[0], c[0], c[1]);
      }
      const sql = `SELECT b.state FROM briefs b ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY b.updated_at DESC, b.id DESC LIMIT ?`;
      const rows = db.prepare(sql).all(...args, q.limit + 1) as { state: string }[];
      const briefs = rows.slice(0, q.limit).map((r) => summaryOf(readState(r.state)));
      const last = briefs[briefs.length - 1];
      return { briefs, nextCursor: rows.length > q.limit && last ? encodeCursor(last.updatedAt, last.id) : null };
    },
    ids: () => (db.prepare('SELECT id FROM briefs ORDER BY number').all() as { id: string }[]).map((r) => r.id),
    addAttachment: (a) => void insertAttachment.run(a.id, a.briefId, a.entryId, a.sha256, a.name, a.type, a.size, a.at),
    hasAttachment: (id) => selectAttachment.get(id) !== undefined,
    dropAttachment(entryId) {
      const row = selectAttachmentOfEntry.get(entryId) as { sha256: string } | undefined;
      if (!row) return null;
      deleteAttachmentOfEntry.run(entryId);
      return row;
    },
    blobRefs: (sha256) => (countBlobRefs.get(sha256) as { n: number }).n,
    blobName: (sha256) => (firstBlobName.get(sha256) as { name: string } | undefined)?.name ?? null,
    referencedBlobs: () => new Set((db.prepare('SELECT DISTINCT sha256 FROM brief_attachments').all() as { sha256: string }[]).map((r) => r.sha256)),
  };
}
