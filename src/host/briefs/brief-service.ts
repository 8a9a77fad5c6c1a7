import { createPatch } from 'diff';
import type { z } from 'zod';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import {
  AGENT_ACTIONS,
  AGENT_STATUSES,
  summaryOf,
  type Actor,
  type AttachmentType,
  type Brief,
  type BriefAction,
  type BriefEntry,
  type Channel,
  type NewBrief,
  type Tombstone,
} from '../../shared/briefs';
import type { Principal } from '../api/dispatch';
import type { Logger } from '../logger';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { BriefStore, NewEntry } from './brief-store';
import { parseStamp, type HybridClock } from './hybrid-clock';
import type { EntryOrigin } from '../sync/outbox';
import { applyEntry, project, ProjectionError, type NumberSource } from './projection';
import { fullyRedacted, scrubbed, scrubbedCopy } from '../../shared/brief-redaction';
import { lateReach, redactionSpread, titleSetBy, WITHHELD_DIFF } from './redaction-spread';
import { findCycle } from './relationship-cycles';
import { GroupCommit } from '../db/group-commit';

/** How far ahead of this machine's clock an imported entry's stamp may be (another machine's clock, set a little ahead). */
const MAX_STAMP_AHEAD_MS = 24 * 60 * 60 * 1000;

/** An entry's or a brief's id, as Grove makes them (uuidv7), any UUID's shape. */
const ENTRY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Every write to a brief goes through here, whoever asks (UI, CLI, API, later MCP and
 * dispatch): who may do it, what entry it becomes, and the entry, its projection and its
 * search row committed in one SQLite transaction, then announced. See docs/briefs.md.
 */
export interface BlobCatalog {
  /** The stored blob's type (sniffed from its bytes) and size; null when no such blob is stored. */
  describe(sha256: string): { type: AttachmentType; size: number } | null;
  remove(sha256: string): void;
}

export interface BriefServiceDeps {
  store: BriefStore;
  events: EventLog;
  clock: HybridClock;
  blobs: BlobCatalog;
  /** The operator's name in the trace: `operator:<name>`. */
  operatorName: string;
  /** An agent's name from its id (its token names the id); null when it is gone. */
  agentName(agentId: string): string | null;
  /** Rewrites past events that carried these entries so they read as the entries now do (a redaction's text leaves the event log too). */
  scrubEvents?(entries: readonly BriefEntry[]): void;
  /** Images no attachment names any more (a redaction, here or pulled), once their blobs are gone: their copies elsewhere go too (lanes' `.grove/briefs`). */
  imagesFreed?(sha256s: readonly string[]): void;
  /**
   * A title was redacted (here or pulled): copies of it kept outside the trace go too (the
   * dispatch records). Called inside the redaction's transaction, once nothing can refuse it.
   */
  titleRedacted?(briefId: string, title: string): void;
  now?: () => Date;
  /** Where a step after a redaction's commit that failed is said (the redaction itself stands). */
  logger?: Pick<Logger, 'warn'>;
}

export type Written = { brief: Brief; entries: BriefEntry[] };

type Draft = Pick<NewEntry, 'kind' | 'payload'> & { actor?: Actor; channel?: Channel };
/** An entry the host writes itself (see `record`); actor and channel default to the call's. */
export type HostDraft = Draft;

export class BriefService {
  private readonly now: () => Date;
  private readonly appends: GroupCommit;

  constructor(private readonly deps: BriefServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.appends = new GroupCommit((fn) => deps.store.transaction(fn), () => deps.store.inTransaction());
  }

  actorOf(principal: Principal): Result<Actor, ApiError> {
    if (principal.kind === 'operator') return ok({ kind: 'operator', name: `operator:${this.deps.operatorName}` });
    const name = this.deps.agentName(principal.agentId);
    return name ? ok({ kind: 'agent', name }) : err(apiError('forbidden', 'This agent is no longer known to the host.'));
  }

  create(params: z.output<typeof NewBrief>, actor: Actor, channel: Channel): Result<Written, ApiError> {
    return this.deps.store.transaction(() => {
      let parentId: string | null = null;
      if (params.parent !== undefined) {
        const parent = this.deps.store.resolve(params.parent);
        if (!parent) return err(unknownBrief(params.parent));
        if (parent.kind !== 'epic') return err(notAnEpic(parent));
        parentId = parent.id;
      }
      const twice = projectNamedTwice(params.projects);
      if (twice) return err(twice);
      const briefId = uuidv7();
      const projects = params.projects.map((name, i) => ({ name, primary: i === 0 }));
      const drafts: Draft[] = [
        {
          kind: 'created',
          payload: { title: params.title, kind: params.kind, status: 'draft', spec: params.spec, projects, number: this.deps.store.nextNumber() },
        },
        ...this.joinDrafts(null, actor),
      ];
      if (parentId) drafts.push({ kind: 'parent_set', payload: { parentId } });
      return ok(this.commit(briefId, null, drafts, actor, channel));
    });
  }

  append(ref: string, action: BriefAction, actor: Actor, channel: Channel, expectedVersion?: number): Result<Written, ApiError> {
    return this.deps.store.transaction(() => {
      const brief = this.deps.store.resolve(ref);
      if (!brief) return err(unknownBrief(ref));
      if (expectedVersion !== undefined && expectedVersion !== brief.version) {
        return err(
          apiError('brief_version_conflict', `#${brief.number} is at version ${brief.version}, not ${expectedVersion}: someone wrote to it since you read it. Read it again and retry.`, {
            expected: expectedVersion,
            actual: brief.version,
          }),
        );
      }
      const allowed = this.mayWrite(brief, action, actor);
      if (!allowed.ok) return allowed;
      const drafts = this.draftsFor(brief, action, actor);
      if (!drafts.ok) return drafts;
      return ok(this.commit(brief.id, brief, [...this.joinDrafts(brief, actor), ...drafts.value], actor, channel));
    });
  }

  /**
   * `append` for a request: committed with the other appends that arrived in the same turn
   * of the event loop, one wait for the disk for all (group-commit.ts). Answers once it is
   * on disk, like `append`.
   */
  appendTogether(ref: string, action: BriefAction, actor: Actor, channel: Channel, expectedVersion?: number): Promise<Result<Written, ApiError>> {
    return this.appends.run(() => this.append(ref, action, actor, channel, expectedVersion));
  }

  /**
   * Entries only the host writes on its own account (dispatch requests, claims, a merge's
   * status change): no permission check, as no token asked for them. `check` runs inside the
   * transaction, on the brief as it is, and may refuse.
   */
  record(briefId: string, build: (brief: Brief) => Result<HostDraft[], ApiError>, actor: Actor, channel: Channel): Result<Written, ApiError> {
    return this.deps.store.transaction(() => {
      const brief = this.deps.store.resolve(briefId);
      if (!brief) return err(unknownBrief(briefId));
      const drafts = build(brief);
      if (!drafts.ok) return drafts;
      if (drafts.value.length === 0) return ok({ brief, entries: [] });
      return ok(this.commit(brief.id, brief, drafts.value, actor, channel));
    });
  }

  /** The operator replaces an entry's content by a tombstone; a blob nothing else names is deleted. */
  redact(ref: string, entryId: string, reason: string, actor: Actor, channel: Channel): Result<Written & { redacted: BriefEntry }, ApiError> {
    const outcome = this.deps.store.transaction(() => {
      const brief = this.deps.store.resolve(ref);
      if (!brief) return err(unknownBrief(ref));
      const target = this.deps.store.entry(entryId);
      if (!target || target.briefId !== brief.id) {
        return err(apiError('brief_entry_unknown', `#${brief.number} has no entry ${entryId}.`, { entryId, ref }));
      }
      if (target.redacted && fullyRedacted(target)) return err(apiError('brief_change_invalid', `Entry ${entryId} was already redacted by ${target.redacted.by.name}.`, { entryId }));
      const scrub = scrubbed(target);
      if (!scrub.ok) return err(apiError('brief_change_invalid', `Entry ${entryId} cannot be redacted: ${scrub.reason}.`, { entryId }));
      // One instant for the redaction entry and its tombstone: a replica that applies the pulled
      // redaction stamps the tombstone with the entry's `at`, and must read the same as this one.
      const now = this.now();
      const redactionId = uuidv7(now.getTime());
      const applied = this.applyRedaction(target, { by: actor, reason, at: now.toISOString(), redactionId });
      const written = this.commit(brief.id, brief, [{ kind: 'redaction', payload: { entryId, reason } }], actor, channel, { id: redactionId, at: now }, applied.replaced);
      if (applied.title !== null) this.deps.titleRedacted?.(brief.id, applied.title);
      return ok({ ...written, redacted: applied.replaced[0]!, freed: applied.freed });
    });
    if (!outcome.ok) return outcome;
    // After the commit: a crash before this leaves an orphan blob, which the next start sweeps.
    this.afterRedactions(outcome.value.freed);
    const { freed: _freed, ...rest } = outcome.value;
    return ok(rest);
  }

  /**
   * What follows a committed redaction (made here, imported or pulled): its words leave the
   * search index's files, and the images no attachment names any more go, with their copies in
   * lanes. Each step on its own: one failing (a full disk) must neither skip the others nor
   * turn a redaction that stands into an error. What fails is said, and done again later
   * (the next redaction's purge; the next start's sweep of blobs nothing names).
   */
  afterRedactions(freed: readonly string[]): void {
    this.purgeRedactedWords();
    this.freeImages(freed);
  }

  /** The search index's segments merged, so no redacted word stays in its files (nothing to do when no redaction came since). */
  purgeRedactedWords(): void {
    this.step('purge the redacted words from the search index', () => this.deps.store.purgeRemoved());
  }

  /** Images no attachment names any more, deleted with their copies in lanes. */
  freeImages(freed: readonly string[]): void {
    for (const sha of freed) this.step('delete a redacted image', () => this.deps.blobs.remove(sha), { sha256: sha });
    if (freed.length > 0) this.step("delete copies of redacted images from lanes' .grove/briefs", () => this.deps.imagesFreed?.(freed));
  }

  private step(what: string, work: () => void, fields: Record<string, unknown> = {}): void {
    try {
      work();
    } catch (e) {
      this.deps.logger?.warn(`after a redaction: could not ${what}; it is tried again later`, { ...fields, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * Entries exported from another store, applied in their order. An entry already here is
   * skipped, so importing twice changes nothing. A brief whose number is taken here gets the
   * next free one, recorded as a `renumbered` entry by Grove; from a sync pull, a brief's
   * shared number (its `numbered` entry) is never the one to move: a provisional brief holding
   * it here moves instead (docs/sync.md, Brief numbers). Every attachment's blob must be
   * stored first (the CLI uploads them before the entries).
   */
  importEntries(
    entries: readonly BriefEntry[],
    opts: {
      origin?: EntryOrigin;
      /**
       * Inside the caller's transaction (a sync pull applies each batch in one): the images the
       * import's redactions freed are handed here instead of deleted, for the caller to pass to
       * `freeImages` once its transaction committed (a rollback must find them still there), and
       * to purge the search index after (`purgeRedactedWords`).
       */
      deferFreed?: (sha256s: readonly string[]) => void;
    } = {},
  ): Result<{ imported: number; skipped: number; renumbered: { briefId: string; from: number; to: number }[] }, ApiError> {
    // A refusal mid-import throws, so the transaction rolls back everything the import wrote.
    const refuse = (error: ApiError): never => {
      throw new Refusal(error);
    };
    let outcome;
    try {
      outcome = this.importInTransaction(entries, refuse, opts.origin ?? 'local');
    } catch (e) {
      if (e instanceof Refusal) return err(e.error);
      throw e;
    }
    const { freed, ...rest } = outcome;
    // A redaction imported (nothing to do when none was; the purge waits for the caller's commit).
    if (opts.deferFreed) opts.deferFreed(freed);
    else this.afterRedactions(freed);
    return ok(rest);
  }

  /**
   * `origin: 'shared'` is a sync pull: its entries are not queued to be pushed back, and an
   * attachment whose blob is not here yet is kept (its image is fetched from the shared store when first asked for: sync/blob-sync.ts).
   */
  private importInTransaction(entries: readonly BriefEntry[], refuse: (e: ApiError) => never, origin: EntryOrigin) {
    const store = this.deps.store;
    return store.transaction(() => {
      const invalid = (entry: BriefEntry, message: string) => refuse(apiError('brief_import_invalid', `Entry ${entry.id}: ${message}`, { entryId: entry.id }));
      const touched = new Map<string, { added: BriefEntry[]; replaced: BriefEntry[] }>();
      const created = new Set<string>();
      /** Whether this import tombstoned anything (a pulled redaction, a late copy): entries are then read back as they now read. */
      let rewrote = false;
      // Briefs found in the store, remembered: reading one parses its whole state, and a long
      // brief's export would pay that once per entry (28 s for 5,000 entries with long lists).
      const present = new Set<string>();
      const isKnown = (briefId: string): boolean => {
        if (created.has(briefId) || present.has(briefId)) return true;
        if (store.get(briefId) === null) return false;
        present.add(briefId);
        return true;
      };
      const renumbered: { briefId: string; from: number; to: number }[] = [];
      const freed: string[] = [];
      const titles: { briefId: string; title: string }[] = [];
      let skipped = 0;
      /** Briefs with a redaction here: only their new entries are looked up for one naming them. */
      const redactionsIn = store.briefsWithRedactions();
      // The lowest number a renumbering may give: past every number this import folded or gave.
      let numbersFrom = 1;
      /** The brief takes the next number free here and in this import, recorded as Grove's renumbering. */
      const renumber = (briefId: string, from: number): void => {
        const to = Math.max(store.nextNumber(), numbersFrom);
        numbersFrom = to + 1;
        renumbered.push({ briefId, from, to });
        const at = this.now();
        touch(briefId).added.push(
          store.insert({ id: uuidv7(at.getTime()), briefId, kind: 'renumbered', actor: { kind: 'system', name: 'grove' }, channel: 'automatic', at: at.toISOString(), hlc: this.deps.clock.now(), payload: { from, to }, redacted: null }),
        );
      };
      const touch = (id: string) => {
        let t = touched.get(id);
        if (!t) touched.set(id, (t = { added: [], replaced: [] }));
        return t;
      };
      for (const e of entries) {
        if (store.hasEntry(e.id)) {
          skipped++;
          continue;
        }
        // A file's entries (a pull's were checked by the host that pushed them, and one old row
        // refused here would stop every host's pull) must be what every store and the shared one
        // can hold and order: ids as Grove makes them (the shared table's columns are 36
        // characters), a stamp as a clock writes one (one of any other shape, or far ahead,
        // would sort past every real one, win every conflict everywhere, and pull clocks along).
        if (origin === 'local') {
          for (const [what, id] of [['id', e.id], ['briefId', e.briefId]] as const) {
            if (!ENTRY_ID.test(id)) return invalid(e, `its ${what} "${id.slice(0, 60)}" is not an id Grove writes (a UUID, 36 characters); was the file edited?`);
          }
          const stamp = parseStamp(e.hlc);
          if (stamp === null) return invalid(e, `its hlc "${e.hlc.slice(0, 60)}" is not a stamp Grove writes (<13-digit ms>-<4-digit counter>-<node>); was the file edited?`);
          const ahead = stamp.ms - this.now().getTime();
          if (ahead > MAX_STAMP_AHEAD_MS) return invalid(e, `its hlc is ${Math.round(ahead / 86_400_000)} days ahead of this machine's clock; was the file edited, or is a clock wrong?`);
        }
        const known = isKnown(e.briefId);
        if (e.kind === 'created' ? known : !known) {
          return invalid(e, e.kind === 'created' ? `it creates brief ${e.briefId}, which this store already has under another entry` : `it belongs to brief ${e.briefId}, which neither this store nor the import creates (export from the start, or import the earlier file first)`);
        }
        // An attachment's id is its row's key: a file's entry reusing one is refused (it was
        // edited); a pulled one (another store's old row) keeps its entry, not a second row.
        const takenAttachment = e.kind === 'attachment_added' && e.payload && !e.redacted && store.hasAttachment(e.payload.attachmentId);
        if (origin === 'local' && takenAttachment && e.kind === 'attachment_added' && e.payload) {
          return invalid(e, `its attachment id ${e.payload.attachmentId} is another attachment's here; was the file edited?`);
        }
        if (origin === 'local' && e.kind === 'attachment_added' && e.payload && !this.deps.blobs.describe(e.payload.sha256)) {
          return refuse(apiError('attachment_missing', `Entry ${e.id} attaches ${e.payload.name} (sha256 ${e.payload.sha256}), whose bytes are not stored here; upload the export's blobs first.`, { entryId: e.id, sha256: e.payload.sha256 }));
        }
        const { seq: _seq, ...rest } = e;
        const stored = store.insert(rest, origin);
        this.deps.clock.observe(e.hlc);
        touch(e.briefId).added.push(stored);
        if (e.kind === 'created') created.add(e.briefId);
        if (e.kind === 'attachment_added' && e.payload && !e.redacted && !takenAttachment) {
          const p = e.payload;
          store.addAttachment({ id: p.attachmentId, briefId: e.briefId, entryId: e.id, sha256: p.sha256, name: p.name, type: p.type, size: p.size, at: e.at });
        }
        const late = lateReach(stored, (id) => store.entry(id), () => store.trace(stored.briefId));
        if (late?.kind === 'copy') {
          const scrub = scrubbedCopy(stored);
          if (scrub.ok) {
            store.tombstone(stored.id, scrub.payload, late.tombstone);
            rewrote = true;
          }
        } else if (late?.kind === 'diff' && stored.kind === 'refinement' && stored.payload) {
          store.tombstone(stored.id, { ...stored.payload, diff: WITHHELD_DIFF }, null);
          rewrote = true;
        }
        // A redaction and the entry it names may come in either order: a redaction applies to its
        // entry when both are here, whichever came last (an entry imported elsewhere, and pushed
        // by its author after the redaction, reaches this host after it).
        const redaction = e.kind === 'redaction' ? e : redactionsIn.has(e.briefId) && !e.redacted ? store.redactionNaming(e.briefId, e.id) : null;
        if (e.kind === 'redaction') redactionsIn.add(e.briefId);
        if (redaction?.kind === 'redaction' && redaction.payload) {
          const target = redaction === e ? store.entry(redaction.payload.entryId) : store.entry(e.id);
          if (target && target.briefId === redaction.briefId && !fullyRedacted(target) && scrubbed(target).ok) {
            const applied = this.applyRedaction(target, { by: redaction.actor, reason: redaction.payload.reason, at: redaction.at, redactionId: redaction.id });
            touch(redaction.briefId).replaced.push(...applied.replaced);
            rewrote = true;
            freed.push(...applied.freed);
            if (applied.title !== null) titles.push({ briefId: redaction.briefId, title: applied.title });
          }
        }
      }
      // Every brief folded and saved before any is announced: a refusal rolls the import back,
      // and listeners must not have been told of entries that then never were.
      // A brief this import created has no entries but the ones it added: folded from those, not
      // read back (a 100,000-entry pull re-read them all), unless a redaction rewrote some.
      const fold = (briefId: string) =>
        foldImported(created.has(briefId) && !rewrote ? touched.get(briefId)!.added : store.trace(briefId), store.numberSource(), (message) =>
          refuse(apiError('brief_import_invalid', `Brief ${briefId}: its entries do not make a brief: ${message}.`, { briefId })),
        );
      const folded = new Map([...touched.keys()].map((id) => [id, fold(id)] as const));
      numbersFrom = Math.max(0, ...[...folded.values()].map((b) => b.number)) + 1;
      const decided = new Map<number, string>();
      /** The brief this store gives `n` to, apart from the briefs this import folds (their numbers are being decided). */
      const holderOf = (n: number): string | undefined => {
        const decidedFor = decided.get(n);
        if (decidedFor !== undefined) return decidedFor;
        const h = store.byNumber(n);
        return h && !folded.has(h.id) ? h.id : undefined;
      };
      // Shared numbers first: they are the shared store's word, and a provisional number in
      // their way moves aside (docs/sync.md, Brief numbers). Then the briefs this store had
      // before the import: a number they hold here stays theirs, a brief new here moves.
      const rank = (b: Brief) => (b.numberProvisional ? 2 : 0) + (created.has(b.id) ? 1 : 0);
      const order = [...folded.values()].sort((a, b) => rank(a) - rank(b));
      for (let brief of order) {
        const holder = holderOf(brief.number);
        if (holder !== undefined && holder !== brief.id) {
          const holderBrief = folded.get(holder) ?? store.get(holder)!;
          if (origin === 'shared' && !brief.numberProvisional && holderBrief.numberProvisional) {
            renumber(holder, holderBrief.number);
            const moved = fold(holder);
            folded.set(holder, moved);
            decided.set(moved.number, holder);
          } else {
            // A number this store already gives another brief (an imported renumbering can
            // name one): the brief takes the next free number, recorded as Grove's renumbering.
            renumber(brief.id, brief.number);
            brief = fold(brief.id);
            folded.set(brief.id, brief);
          }
        }
        decided.set(brief.number, brief.id);
      }
      store.releaseNumbers([...folded.keys()]);
      const saved = [...folded.values()].map((brief) => {
        try {
          return store.save(brief);
        } catch (e) {
          if (!(e instanceof Error && /UNIQUE/.test(e.message))) throw e;
          return refuse(apiError('brief_import_invalid', `Brief ${brief.id} would take #${brief.number}, which another brief here holds; nothing was imported.`, { briefId: brief.id }));
        }
      });
      // As the entries read now: a redaction later in the same import already tombstoned some.
      // Read back only then: a 100,000-entry pull spent a tenth of its time re-reading entries
      // no redaction touched.
      const now = (list: BriefEntry[]) => (rewrote ? list.map((e) => store.entry(e.id) ?? e) : list);
      for (const brief of saved) {
        const t = touched.get(brief.id)!;
        this.deps.events.append({ type: 'brief.changed', brief: summaryOf(brief), entries: now(t.added), replaced: now(t.replaced) });
      }
      for (const { briefId, title } of titles) this.deps.titleRedacted?.(briefId, title);
      const imported = entries.length - skipped;
      return { imported, skipped, renumbered, freed: freed.filter((sha) => store.blobRefs(sha) === 0) };
    });
  }

  /**
   * Numbers count from this shared store from now on (its identity; null until the store is
   * reached): sync was pointed at a store, or this host learned which store it reached. Only
   * the briefs with a `numbered` entry fold differently, so only they are folded again, in one
   * transaction with the change. Their number stays (another store's number is kept, just
   * provisional) unless the new store numbered the brief before, when its number comes back;
   * a brief that held that number here meanwhile moves to the next free one with a
   * `renumbered` entry, as a pull would move it (docs/sync.md, Brief numbers).
   */
  countNumbersFrom(storeId: string | null): void {
    const store = this.deps.store;
    if (store.numberSource().store === storeId) return;
    const changed = store.transaction(() => {
      store.setNumberStore(storeId);
      const ids = store.numberedBriefs();
      const folded = ids.map((id) => project(store.trace(id), store.numberSource()));
      store.releaseNumbers(ids);
      let numbersFrom = Math.max(0, ...folded.map((b) => b.number)) + 1;
      const saved = new Map<string, { brief: Brief; entries: BriefEntry[] }>();
      /** Moves a provisional brief to the next free number, recorded as Grove's renumbering. */
      const moveAside = (id: string, from: number): void => {
        const at = this.now();
        const to = Math.max(store.nextNumber(), numbersFrom++);
        const entry = store.insert({ id: uuidv7(at.getTime()), briefId: id, kind: 'renumbered', actor: { kind: 'system', name: 'grove' }, channel: 'automatic', at: at.toISOString(), hlc: this.deps.clock.now(), payload: { from, to }, redacted: null });
        saved.set(id, { brief: store.save(project(store.trace(id), store.numberSource())), entries: [entry] });
      };
      // The store's numbers first; a provisional number in their way moves aside, and so does a
      // provisional brief whose number is taken (released numbers are parked, so a holder is a
      // brief saved already or one this change does not fold).
      for (const brief of folded.sort((a, b) => Number(a.numberProvisional) - Number(b.numberProvisional))) {
        const holder = store.byNumber(brief.number);
        if (holder && holder.id !== brief.id) {
          if (brief.numberProvisional || !holder.numberProvisional) {
            moveAside(brief.id, brief.number);
            continue;
          }
          moveAside(holder.id, holder.number);
        }
        saved.set(brief.id, { brief: store.save(brief), entries: [] });
      }
      return [...saved.values()];
    });
    for (const { brief, entries } of changed) this.deps.events.append({ type: 'brief.changed', brief: summaryOf(brief), entries, replaced: [] });
  }

  /**
   * Tombstones `target` and what holds copies of its text (redaction-spread.ts), withholds the
   * diffs computed from it, drops the attachment rows of what was tombstoned, and rewrites the
   * stored events that carried any of them. Returns the entries as they now read (the target
   * first), the blobs nothing names any more, and the title the target set (null when it set
   * none), for the copies outside the trace. Call inside a transaction.
   */
  private applyRedaction(target: BriefEntry, tombstone: Tombstone): { replaced: BriefEntry[]; freed: string[]; title: string | null } {
    const store = this.deps.store;
    const spread = redactionSpread(store.trace(target.briefId), target);
    const replaced: BriefEntry[] = [];
    const freed: string[] = [];
    for (const id of [target.id, ...spread.copies]) {
      const entry = id === target.id ? target : store.entry(id);
      // A copy loses only what it copied (a created entry holding the spec keeps its title).
      const scrub = entry && (id === target.id ? scrubbed(entry) : scrubbedCopy(entry));
      if (!entry || !scrub?.ok) continue;
      replaced.push(store.tombstone(id, scrub.payload, tombstone));
      const dropped = store.dropAttachment(id);
      if (dropped && store.blobRefs(dropped.sha256) === 0) freed.push(dropped.sha256);
    }
    for (const id of spread.diffs) {
      const entry = store.entry(id);
      if (entry?.kind === 'refinement' && entry.payload) replaced.push(store.tombstone(id, { ...entry.payload, diff: WITHHELD_DIFF }, null));
    }
    this.deps.scrubEvents?.(replaced);
    return { replaced, freed, title: titleSetBy(target) };
  }

  private mayWrite(brief: Brief, action: BriefAction, actor: Actor): Result<true, ApiError> {
    if (actor.kind !== 'agent') return ok(true);
    if (!AGENT_ACTIONS.includes(action.kind)) {
      return err(apiError('forbidden', `An agent may not write a ${action.kind.replace(/_/g, ' ')} entry; it may add notes, comments, plan proposals, links and attachments, and move a brief it takes part in to in_progress or in_review.`, { action: action.kind }));
    }
    if (action.kind === 'status_change') {
      const participates = brief.participants.some((p) => p.name === actor.name && p.active);
      if (!participates || !AGENT_STATUSES.includes(action.to)) {
        return err(
          apiError('forbidden', participates ? `An agent may move a brief only to in_progress or in_review, not ${action.to}.` : `${actor.name} does not take part in #${brief.number}, so it may not change its status.`, {
            action: action.kind,
          }),
        );
      }
      // Reopening a finished brief is the operator's call (as claiming one is refused: claims.ts).
      if (brief.status === 'done' || brief.status === 'cancelled') {
        return err(apiError('forbidden', `#${brief.number} is ${brief.status}; an agent may not reopen it. Ask the operator to reopen it.`, { action: action.kind, status: brief.status }));
      }
    }
    return ok(true);
  }

  /** The entries an action becomes, checked against the brief as it is. */
  private draftsFor(brief: Brief, action: BriefAction, actor: Actor): Result<Draft[], ApiError> {
    const invalid = (message: string, details?: Record<string, unknown>) => err(apiError('brief_change_invalid', message, details));
    const store = this.deps.store;
    switch (action.kind) {
      case 'note':
      case 'comment':
        return ok([{ kind: action.kind, payload: { text: action.text } }]);
      case 'refinement': {
        // The same text again is how a contested spec is kept as it stands (it resolves the conflict).
        if (action.spec === brief.spec && !brief.specConflicts?.length) return invalid(`The spec of #${brief.number} is already that text.`);
        return ok([{ kind: 'refinement', payload: { spec: action.spec, diff: specDiff(brief.spec, action.spec), ...specBase(brief) } }]);
      }
      case 'spec_snapshot':
        return ok([{ kind: 'spec_snapshot', payload: { spec: brief.spec, reason: action.reason ?? null, ...specBase(brief) } }]);
      case 'plan_proposed':
        return ok([{ kind: 'plan_proposed', payload: { spec: action.spec, summary: action.summary } }]);
      case 'plan_accepted': {
        const plan = store.entry(action.planEntryId);
        if (!plan || plan.briefId !== brief.id || plan.kind !== 'plan_proposed') {
          return err(apiError('brief_entry_unknown', `#${brief.number} has no proposed plan ${action.planEntryId}.`, { entryId: action.planEntryId }));
        }
        if (!plan.payload) return invalid(`The plan ${action.planEntryId} was redacted; it cannot be accepted.`);
        // Once is what accepting means; a second acceptance would put the plan's spec back over
        // every refinement since, with a trace that reads as if the plan were new.
        const accepted = store.acceptanceOf(brief.id, plan.id);
        if (accepted) {
          return invalid(`The plan ${plan.id} of #${brief.number} was already accepted (${accepted.at}, by ${accepted.actor.name}). To make its spec the brief's spec again, refine the spec with its text.`, { acceptedEntryId: accepted.id });
        }
        const drafts: Draft[] = [];
        // The spec the plan replaces is kept as it was, by Grove, before it goes.
        if (brief.spec.trim() !== '' && brief.spec !== plan.payload.spec) {
          drafts.push({ kind: 'spec_snapshot', payload: { spec: brief.spec, reason: 'before a plan was accepted', ...specBase(brief) }, actor: { kind: 'system', name: actor.name }, channel: 'automatic' });
        }
        drafts.push({ kind: 'plan_accepted', payload: { planEntryId: plan.id, spec: plan.payload.spec } });
        return ok(drafts);
      }
      case 'status_change':
        if (action.to === brief.status) return invalid(`#${brief.number} is already ${action.to}.`);
        return ok([{ kind: 'status_change', payload: { from: brief.status, to: action.to, reason: action.reason?.trim() || null } }]);
      case 'details_changed': {
        const payload: { title?: string; kind?: Brief['kind'] } = {};
        if (action.title !== undefined && action.title !== brief.title) payload.title = action.title;
        if (action.briefKind !== undefined && action.briefKind !== brief.kind) payload.kind = action.briefKind;
        if (Object.keys(payload).length === 0) return invalid(`#${brief.number} already has that title and kind.`);
        return ok([{ kind: 'details_changed', payload }]);
      }
      case 'projects_set': {
        const twice = projectNamedTwice(action.projects.map((p) => p.name));
        if (twice) return err(twice);
        const primaries = action.projects.filter((p) => p.primary).length;
        if (primaries > 1) return invalid('Only one project can be primary.');
        const projects = primaries === 0 ? action.projects.map((p, i) => ({ ...p, primary: i === 0 })) : action.projects;
        return ok([{ kind: 'projects_set', payload: { projects } }]);
      }
      case 'link_added': {
        let target = action.target;
        if (action.type === 'url' && !/^(https?:|mailto:)/i.test(target)) {
          return invalid('A URL link must start with http:, https: or mailto:.', { target });
        }
        if (action.type === 'brief') {
          const other = store.resolve(target);
          if (!other) return err(unknownBrief(target));
          target = other.id;
        }
        return ok([{ kind: 'link_added', payload: { linkId: uuidv7(this.now().getTime()), type: action.type, target, label: action.label?.trim() || null } }]);
      }
      case 'link_removed':
        if (!brief.links.some((l) => l.id === action.linkId)) return invalid(`#${brief.number} has no link ${action.linkId}.`, { linkId: action.linkId });
        return ok([{ kind: 'link_removed', payload: { linkId: action.linkId, reason: action.reason?.trim() || null } }]);
      case 'participant_joined': {
        const role = action.role ?? 'participant';
        const wave = action.wave ?? null;
        const present = brief.participants.find((p) => p.name === action.name);
        if (present?.active && present.role === role && present.wave === wave) return invalid(`${action.name} already takes part in #${brief.number} as ${role}.`);
        return ok([{ kind: 'participant_joined', payload: { name: action.name, kind: action.participantKind, role, wave } }]);
      }
      case 'participant_left':
        if (!brief.participants.some((p) => p.name === action.name && p.active)) return invalid(`${action.name} does not take part in #${brief.number}.`);
        return ok([{ kind: 'participant_left', payload: { name: action.name, reason: action.reason?.trim() || null } }]);
      case 'dependency_added':
      case 'dependency_removed': {
        const other = store.resolve(action.on);
        if (!other) return err(unknownBrief(action.on));
        if (action.kind === 'dependency_removed') {
          if (!brief.dependsOn.includes(other.id)) return invalid(`#${brief.number} does not depend on #${other.number}.`);
          return ok([{ kind: 'dependency_removed', payload: { briefId: other.id } }]);
        }
        if (other.id === brief.id) return invalid(`#${brief.number} cannot depend on itself.`);
        if (brief.dependsOn.includes(other.id)) return invalid(`#${brief.number} already depends on #${other.number}.`);
        const cycle = findCycle(brief.id, other.id, (id) => store.get(id)?.dependsOn ?? []);
        if (cycle) return err(cycleError('depend on', brief, other, cycle.map((id) => numberOf(store, id))));
        return ok([{ kind: 'dependency_added', payload: { briefId: other.id } }]);
      }
      case 'parent_set': {
        if (action.parent === null) {
          if (brief.parentId === null) return invalid(`#${brief.number} has no epic parent.`);
          return ok([{ kind: 'parent_set', payload: { parentId: null } }]);
        }
        const parent = store.resolve(action.parent);
        if (!parent) return err(unknownBrief(action.parent));
        if (parent.id === brief.id) return invalid(`#${brief.number} cannot be its own parent.`);
        if (parent.kind !== 'epic') return err(notAnEpic(parent));
        if (brief.parentId === parent.id) return invalid(`#${parent.number} is already the parent of #${brief.number}.`);
        const cycle = findCycle(brief.id, parent.id, (id) => {
          const p = store.get(id)?.parentId;
          return p ? [p] : [];
        });
        if (cycle) return err(cycleError('have as its parent', brief, parent, cycle.map((id) => numberOf(store, id))));
        return ok([{ kind: 'parent_set', payload: { parentId: parent.id } }]);
      }
      case 'attachment_added': {
        const blob = this.deps.blobs.describe(action.sha256);
        if (!blob) return err(apiError('attachment_missing', `No image with sha256 ${action.sha256} is stored; upload it first.`, { sha256: action.sha256 }));
        return ok([
          {
            kind: 'attachment_added',
            payload: { attachmentId: uuidv7(this.now().getTime()), sha256: action.sha256, name: action.name, type: blob.type, size: blob.size },
          },
        ]);
      }
    }
  }

  /** A writer who does not yet take part joins first, by Grove's hand (as the seed's trace shows). */
  private joinDrafts(brief: Brief | null, actor: Actor): Draft[] {
    if (actor.kind === 'system') return [];
    const present = brief?.participants.find((p) => p.name === actor.name);
    if (present?.active) return [];
    // An agent the operator took off a brief does not rejoin it by writing: only the operator brings it back.
    if (present && actor.kind === 'agent') return [];
    return [
      {
        kind: 'participant_joined',
        payload: { name: actor.name, kind: actor.kind, role: 'participant', wave: null },
        actor: { kind: 'system', name: actor.name },
        channel: 'automatic',
      },
    ];
  }

  /** Writes the drafts as entries of one brief, folds them onto its state, saves and announces. Call inside a transaction. */
  private commit(briefId: string, before: Brief | null, drafts: Draft[], actor: Actor, channel: Channel, first?: { id: string; at: Date }, replaced: BriefEntry[] = []): Written {
    const store = this.deps.store;
    let state = before;
    const entries: BriefEntry[] = [];
    for (const [i, d] of drafts.entries()) {
      const at = i === 0 && first ? first.at : this.now();
      const entry = store.insert({
        id: i === 0 && first ? first.id : uuidv7(at.getTime()),
        briefId,
        kind: d.kind,
        actor: d.actor ?? actor,
        channel: d.channel ?? channel,
        at: at.toISOString(),
        hlc: this.deps.clock.now(),
        payload: d.payload,
        redacted: null,
      } as NewEntry);
      state = applyEntry(state, entry, store.numberSource());
      entries.push(entry);
      if (entry.kind === 'attachment_added' && entry.payload) {
        const p = entry.payload;
        store.addAttachment({ id: p.attachmentId, briefId, entryId: entry.id, sha256: p.sha256, name: p.name, type: p.type, size: p.size, at: entry.at });
      }
    }
    // A redaction changes what earlier entries say: fold the whole trace again.
    const brief = store.save(replaced.length > 0 ? project(store.trace(briefId), store.numberSource()) : state!);
    this.deps.events.append({ type: 'brief.changed', brief: summaryOf(brief), entries, replaced });
    return { brief, entries };
  }
}

/** An imported trace folded; one that does not fold (a hand-edited `created` with no content) is refused, not a crash. */
function foldImported(trace: BriefEntry[], numbers: NumberSource, refuse: (message: string) => never): Brief {
  try {
    return project(trace, numbers);
  } catch (e) {
    if (e instanceof ProjectionError) return refuse(e.message);
    throw e;
  }
}

class Refusal extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export function unknownBrief(ref: string): ApiError {
  return apiError('brief_unknown', `No brief ${/^#?\d+$/.test(ref.trim()) ? ref.trim().replace(/^(?!#)/, '#') : JSON.stringify(ref)} in this store. List them with \`grove brief list\`.`, { ref });
}

function notAnEpic(b: Brief): ApiError {
  return apiError('brief_change_invalid', `#${b.number} is a ${b.kind}, not an epic: only an epic can be a parent.`, { parent: `#${b.number}` });
}

function numberOf(store: BriefStore, id: string): string {
  const b = store.get(id);
  return b ? `#${b.number}` : id;
}

function cycleError(verb: string, brief: Brief, other: Brief, cycle: string[]): ApiError {
  return apiError('brief_cycle', `#${brief.number} cannot ${verb} #${other.number}: that closes the loop ${cycle.join(' → ')}.`, { cycle });
}

/** What a spec edit or copy was based on: the entry the current spec comes from (none on a brief folded before Grove recorded it). */
function specBase(brief: Brief): { base?: string } {
  return brief.specSource ? { base: brief.specSource.entryId } : {};
}

function specDiff(before: string, after: string): string {
  // Header lines name nothing useful (both sides are "the spec"); the hunks are the diff.
  return createPatch('spec', before, after, 'before', 'after', { context: 3 }).split('\n').slice(2).join('\n');
}

/** A project named twice, refused when a brief is made and when its projects are set: it would sit in the trace and the projection twice. */
function projectNamedTwice(names: readonly string[]): ApiError | null {
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  return twice === undefined ? null : apiError('brief_change_invalid', `The project ${twice} is named twice.`, { project: twice });
}
