import type { BriefKindName, BriefStatusName } from '../../shared/brief-constants';
import type { BriefSummary } from '../../shared/briefs';

/** The list's filters, as briefs.list takes them (one status and one kind at a time in the UI). */
export interface BriefFilters {
  project: string | null;
  status: BriefStatusName | null;
  kind: BriefKindName | null;
  query: string;
}

export const NO_FILTERS: BriefFilters = { project: null, status: null, kind: null, query: '' };

/** Whether a brief belongs in a list with these filters; a search is the host's to answer (null). */
export function matchesFilters(brief: BriefSummary, f: BriefFilters): boolean | null {
  if (f.query.trim() !== '') return null;
  if (f.project !== null && !brief.projects.some((p) => p.name === f.project)) return false;
  if (f.status !== null && brief.status !== f.status) return false;
  if (f.kind !== null && brief.kind !== f.kind) return false;
  return true;
}

/** Latest activity first, as briefs.list orders them; the number breaks ties. */
function byActivity(a: BriefSummary, b: BriefSummary): number {
  return a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.number - a.number;
}

/**
 * The list after a brief changed (`brief.changed`): replaced, added at its place, or dropped
 * when it no longer matches. An older state of a brief never overwrites a newer one.
 */
export function applyChangedBrief(list: readonly BriefSummary[], brief: BriefSummary, isMatch: boolean): BriefSummary[] {
  const known = list.find((b) => b.id === brief.id);
  if (known && known.version > brief.version) return [...list];
  const rest = list.filter((b) => b.id !== brief.id);
  return isMatch ? [...rest, brief].sort(byActivity) : rest;
}
