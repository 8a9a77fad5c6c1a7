import type { BriefEntry, Tombstone } from '../../shared/briefs';

/**
 * What a redaction reaches besides the entry named. A spec's text is copied by Grove into
 * other entries: a snapshot or an accepted plan holds it whole, and the next refinement's
 * diff holds its lines as removed. Redacting the text where it was typed while Grove's copies
 * keep it would redact nothing, so the copies go too: entries whose spec is exactly the
 * redacted text are tombstoned with it, and the diff computed from that text is withheld.
 * Decided from the trace alone, so every store that applies the redaction (an import, later
 * a sync) reaches the same entries.
 */
export const WITHHELD_DIFF = '[diff withheld: it was computed from a redacted entry]';

export interface RedactionSpread {
  /** Other entries holding exactly the redacted spec: tombstoned alike (a created entry loses only its spec). */
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

const setsSpec = (e: BriefEntry): boolean => e.kind === 'created' || e.kind === 'refinement' || e.kind === 'plan_accepted';

export function redactionSpread(trace: readonly BriefEntry[], target: BriefEntry): RedactionSpread {
  const text = specOf(target);
  if (text === null || text.trim() === '') return { copies: [], diffs: [] };
  const holding = trace.filter((e) => specOf(e) === text);
  const copies = holding.filter((e) => e.id !== target.id && !e.redacted).map((e) => e.id);
  const diffs = new Set<string>();
  for (const source of holding.filter(setsSpec)) {
    // The spec it set was the "before" of the next entry that set the spec.
    const next = trace.slice(trace.indexOf(source) + 1).find(setsSpec);
    if (next?.kind === 'refinement' && next.payload && next.payload.diff !== WITHHELD_DIFF && !copies.includes(next.id)) diffs.add(next.id);
  }
  // The target's own diff goes with its payload (a refinement's payload is null once redacted).
  diffs.delete(target.id);
  return { copies, diffs: [...diffs] };
}

/**
 * What a redaction applied here earlier does to an entry arriving after it (a sync pull brings
 * a copy another host made before that host saw the redaction). The redacted text is gone from
 * this store, so the spread cannot compare texts: the entry's `base` says what it copied. A
 * snapshot of a spec that was redacted is tombstoned alike (`copy`); a refinement edited from
 * it has its diff withheld (`diff`). Entries without a base (written before Grove recorded
 * one) are left as they come; the host that wrote them tombstones them when it applies the
 * redaction, and rewrites the shared store's rows.
 */
export type LateReach = { kind: 'copy'; tombstone: Tombstone } | { kind: 'diff' } | null;

export function lateReach(entry: BriefEntry, baseOf: (id: string) => BriefEntry | null): LateReach {
  if (entry.redacted || !entry.payload) return null;
  if (entry.kind !== 'spec_snapshot' && entry.kind !== 'refinement') return null;
  const base = entry.payload.base === undefined ? null : baseOf(entry.payload.base);
  if (!base?.redacted || base.briefId !== entry.briefId) return null;
  if (entry.kind === 'spec_snapshot') return { kind: 'copy', tombstone: base.redacted };
  return entry.payload.diff === WITHHELD_DIFF ? null : { kind: 'diff' };
}
