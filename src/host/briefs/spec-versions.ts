import type { Brief, BriefEntry, EntryOfKind, SpecVersion } from '../../shared/briefs';

/**
 * Which version of a brief's spec stands, and which lost to a concurrent edit (docs/briefs.md,
 * The spec). A refinement names its `base`, the entry whose spec it edited; folded in HLC order
 * (projection.ts), an edit whose base is not the spec it replaces was made without seeing that
 * spec: both versions stay in the trace, the later stands, and the one it replaced is kept in
 * `specConflicts` by reference until someone edits the spec again, knowing the current one (a
 * refinement based on it, which is also how "keep the other version" is written). Every replica
 * folds the same entries in the same order, so every replica shows the same conflict.
 *
 * A refinement without a base (written before Grove recorded one) is taken as based on
 * whatever preceded it. An accepted plan replaces the spec knowingly and leaves the conflicts as
 * they were.
 */
export type SpecState = Pick<Brief, 'spec' | 'specSource' | 'specConflicts'>;

export const versionOf = (e: BriefEntry): SpecVersion => ({ entryId: e.id, actor: e.actor, at: e.at });

export function specAfter(state: Brief, entry: EntryOfKind<'refinement'> | EntryOfKind<'plan_accepted'>): SpecState {
  if (!entry.payload) return { spec: state.spec, specSource: state.specSource, specConflicts: state.specConflicts };
  const spec = entry.payload.spec;
  const specSource = versionOf(entry);
  if (entry.kind === 'plan_accepted') return { spec, specSource, specConflicts: state.specConflicts ?? [] };
  const base = entry.payload.base;
  const replaced = state.specSource;
  const isConcurrent = base !== undefined && replaced != null && base !== replaced.entryId;
  return { spec, specSource, specConflicts: isConcurrent ? [...(state.specConflicts ?? []), replaced] : [] };
}

/** The spec as of `upTo` when a spec-setting entry there was redacted: the latest readable one up to it (the created spec if none). */
export function latestReadableSpec(entries: readonly BriefEntry[], upTo: BriefEntry): Pick<SpecState, 'spec' | 'specSource'> {
  let found: Pick<SpecState, 'spec' | 'specSource'> = { spec: '', specSource: null };
  for (const e of entries) {
    if ((e.kind === 'created' || e.kind === 'refinement' || e.kind === 'plan_accepted') && e.payload) found = { spec: e.payload.spec, specSource: versionOf(e) };
    if (e === upTo) break;
  }
  return found;
}
