import type { BriefEntry } from '../../shared/briefs';

/**
 * The trace the page shows, newest first, with entries from any source laid in: a page of
 * older entries, a write's answer, a `brief.changed` event (which may repeat what an answer
 * already brought). Ordered by the host's order of arrival (`seq`), never by when they
 * reached this page; `replaced` entries (a redaction's tombstones) swap in for the ones
 * already shown, and are not added when they are not.
 */
export function mergeTrace(trace: readonly BriefEntry[], added: readonly BriefEntry[], replaced: readonly BriefEntry[] = []): BriefEntry[] {
  const byId = new Map(trace.map((e) => [e.id, e]));
  for (const e of added) byId.set(e.id, e);
  for (const e of replaced) if (byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.seq - a.seq);
}

