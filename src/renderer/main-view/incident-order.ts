import type { Incident } from '../../shared/incidents';

/**
 * Incidents across repositories as the Health view lists them: every open one first (MAIN
 * broken now; the longest-broken first, it has waited most), then the closed ones, the
 * most recently recovered first, up to `recent` of them.
 */
export function incidentsForHealth(list: readonly Incident[], recent: number): { open: Incident[]; closed: Incident[] } {
  const open = list.filter((i) => i.closedAt === null).sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  const closed = list
    .filter((i) => i.closedAt !== null)
    .sort((a, b) => b.closedAt!.localeCompare(a.closedAt!) || b.openedAt.localeCompare(a.openedAt))
    .slice(0, recent);
  return { open, closed };
}
