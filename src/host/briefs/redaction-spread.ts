import type { BriefEntry, Tombstone } from '../../shared/briefs';
import { ephemeralNameOf, isLaneNamedFrom, laneSlug } from '../../shared/ephemeral-lane-name';
import { REDACTED_TITLE } from '../../shared/brief-redaction';

/**
 * What a redaction reaches besides the entry named. A spec's text is copied by Grove into
 * other entries: a snapshot or an accepted plan holds it whole, and the next refinement's
 * diff holds its lines as removed. Redacting the text where it was typed while Grove's copies
 * keep it would redact nothing, so the copies go too: entries whose spec is exactly the
 * redacted text are tombstoned with it, and the diff computed from that text is withheld.
 * A title is copied too: a dispatch to a new ephemeral lane names the lane from it
 * (`new ephemeral lane brief-12-words-of-the-title`), so a request whose lane name was made
 * from the redacted title is tombstoned with it (the lane itself, once made, keeps its name:
 * docs/briefs.md). Decided from the trace alone, so every store that applies the redaction
 * (an import, later a sync) reaches the same entries.
 */
export const WITHHELD_DIFF = '[diff withheld: it was computed from a redacted entry]';

export interface RedactionSpread {
  /**
   * Other entries holding exactly the redacted spec, and dispatch requests naming a lane made
   * from the redacted title: tombstoned alike (what of them stays: scrubbedCopy in shared/brief-redaction.ts).
   */
  copies: string[];
  /** Refinements whose diff was computed from the redacted spec: their diff is withheld. */
  diffs: string[];
}

function specOf(e: BriefEntry): string | null {
  if (!e.payload) return null;
  switch (e.kind) {
    case 'created':
    case 'refinement':
    case 'spec_snapshot':
    case 'plan_proposed':
    case 'plan_accepted':
      return e.payload.spec;
    default:
      return null;
  }
}

/** The title an entry set (a redacted one reads `[redacted]`), or null. */
export function titleSetBy(e: BriefEntry): string | null {
  if (!e.payload) return null;
  if (e.kind === 'created') return e.payload.title;
  if (e.kind === 'details_changed') return e.payload.title ?? null;
  return null;
}

/** The name of the ephemeral lane a dispatch request asked for, or null (a standing lane, or a request tombstoned already). */
function requestedLane(e: BriefEntry): string | null {
  return e.kind === 'dispatch_requested' && e.payload && !e.redacted ? ephemeralNameOf(e.payload.target) : null;
}

const setsSpec = (e: BriefEntry): boolean => e.kind === 'created' || e.kind === 'refinement' || e.kind === 'plan_accepted';

/**
 * Whether a request's lane name holds words of a title no one may read any more: none of the
 * brief's readable titles gives that name (but for `redacting`, the entry being redacted now),
 * and it is not the name a `[redacted]` title gives. The one rule for a redaction applied here
 * and for a request that arrives after it, so every store tombstones the same requests.
 */
function namesUnreadableTitle(lane: string, trace: readonly BriefEntry[], redacting: string | null = null): boolean {
  if (laneSlug(lane) === null || isLaneNamedFrom(lane, REDACTED_TITLE)) return false;
  return !trace.some((e) => e.id !== redacting && !e.redacted && titleSetBy(e) !== null && isLaneNamedFrom(lane, titleSetBy(e)!));
}

export function redactionSpread(trace: readonly BriefEntry[], target: BriefEntry): RedactionSpread {
  const title = titleSetBy(target);
  const named =
    title === null
      ? []
      : trace
          .filter((e) => {
            const lane = requestedLane(e);
            return lane !== null && isLaneNamedFrom(lane, title) && namesUnreadableTitle(lane, trace, target.id);
          })
          .map((e) => e.id);
  const text = specOf(target);
  if (text === null || text.trim() === '') return { copies: named, diffs: [] };
  const holding = trace.filter((e) => specOf(e) === text);
  const copies = holding.filter((e) => e.id !== target.id && !e.redacted).map((e) => e.id);
  const diffs = new Set<string>();
  for (const source of holding.filter(setsSpec)) {
    // The spec it set was the "before" of every refinement made from it: those that name it
    // as their base, and (written before Grove recorded a base) the next entry that set the
    // spec. Not by arrival alone: a refinement another store made meanwhile may come between.
    const next = trace.slice(trace.indexOf(source) + 1).find(setsSpec);
    for (const e of trace) {
      if (e.kind !== 'refinement' || !e.payload || e.payload.diff === WITHHELD_DIFF || copies.includes(e.id)) continue;
      if (e.payload.base !== undefined ? e.payload.base === source.id : e === next) diffs.add(e.id);
    }
  }
  // The target's own diff goes with its payload (a refinement's payload is null once redacted).
  diffs.delete(target.id);
  return { copies: [...copies, ...named], diffs: [...diffs] };
}

/**
 * What a redaction applied here earlier does to an entry arriving after it (a sync pull brings
 * a copy another host made before that host saw the redaction). The redacted text is gone from
 * this store, so the spread cannot compare texts: the entry's `base` says what it copied. A
 * snapshot of a spec that was redacted is tombstoned alike (`copy`), and so is the acceptance
 * of a plan that was (its `planEntryId`); a refinement edited from a redacted spec has its
 * diff withheld (`diff`). Entries without a base (written before Grove recorded
 * one) are left as they come; the host that wrote them tombstones them when it applies the
 * redaction, and rewrites the shared store's rows.
 *
 * A dispatch request has no base, but its lane name says where its words came from: a title.
 * One whose name carries words no readable title of its brief gives was named from a title
 * since redacted (the entry that set that title reached every store before the request: the
 * dispatching host had it), and is tombstoned alike, with the latest title redacted before it.
 * `traceOf` reads the brief's trace, only for a request.
 */
export type LateReach = { kind: 'copy'; tombstone: Tombstone } | { kind: 'diff' } | null;

export function lateReach(entry: BriefEntry, baseOf: (id: string) => BriefEntry | null, traceOf: () => readonly BriefEntry[]): LateReach {
  if (entry.redacted || !entry.payload) return null;
  if (entry.kind === 'dispatch_requested') {
    const tombstone = lateTitleTombstone(entry, traceOf());
    return tombstone ? { kind: 'copy', tombstone } : null;
  }
  // An accepted plan holds the plan's text whole: a plan redacted here takes its late acceptance with it.
  if (entry.kind === 'plan_accepted') {
    const plan = baseOf(entry.payload.planEntryId);
    return plan?.redacted && plan.briefId === entry.briefId ? { kind: 'copy', tombstone: plan.redacted } : null;
  }
  if (entry.kind !== 'spec_snapshot' && entry.kind !== 'refinement') return null;
  const base = entry.payload.base === undefined ? null : baseOf(entry.payload.base);
  if (!base?.redacted || base.briefId !== entry.briefId) return null;
  if (entry.kind === 'spec_snapshot') return { kind: 'copy', tombstone: base.redacted };
  return entry.payload.diff === WITHHELD_DIFF ? null : { kind: 'diff' };
}

function lateTitleTombstone(request: BriefEntry, trace: readonly BriefEntry[]): Tombstone | null {
  const lane = requestedLane(request);
  const titles = trace.filter((e) => e.briefId === request.briefId && titleSetBy(e) !== null);
  if (lane === null || !namesUnreadableTitle(lane, titles)) return null;
  // The title's text is gone here, so which redaction reached it is told by time: the latest
  // title redacted before the request was made (the store that redacted it may name another).
  const redacted = titles.filter((e) => e.redacted !== null && e.hlc < request.hlc).sort((a, b) => (a.hlc < b.hlc ? -1 : 1));
  return redacted.at(-1)?.redacted ?? null;
}
