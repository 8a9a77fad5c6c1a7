import type { Incident } from '../../shared/incidents';

/**
 * The store's incidents: every repository's, newest first, one entry per id. Pure, so the
 * store's handling of `incident.updated` (including replays after a reconnect) is tested
 * on its own.
 */

/** At most this many kept in the UI; the host keeps more (incidents.list pages them). */
export const KEPT_INCIDENTS = 200;

function sortIncidents(list: readonly Incident[]): Incident[] {
  return [...list].sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : a.id < b.id ? 1 : -1)).slice(0, KEPT_INCIDENTS);
}

/**
 * An incident's newer version replaces the older one. A closed incident is never reopened
 * by an update that says it is open: that can only be an older version arriving late
 * (replayed while the fresh list was on its way), since the host opens a new incident for
 * a new break.
 */
export function upsertIncident(list: readonly Incident[], incident: Incident): Incident[] {
  const known = list.find((i) => i.id === incident.id);
  if (!known) return sortIncidents([incident, ...list]);
  if (known.closedAt !== null && incident.closedAt === null) return list as Incident[];
  return list.map((i) => (i.id === incident.id ? incident : i));
}

/** One repository's incidents: the open one (if MAIN is broken now) and the closed ones, newest first. */
export function incidentsOf(list: readonly Incident[], repoId: string): { open: Incident | null; closed: Incident[] } {
  const mine = list.filter((i) => i.repoId === repoId);
  return { open: mine.find((i) => i.closedAt === null) ?? null, closed: mine.filter((i) => i.closedAt !== null) };
}
