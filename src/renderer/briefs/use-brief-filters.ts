import { useSyncExternalStore } from 'react';
import { NO_FILTERS, type BriefFilters } from './brief-list-merge';

/**
 * The list's filters, kept while the operator opens a brief and comes back (the back button,
 * the breadcrumb): one per page, like the cockpit's layout but not saved across reloads.
 */
let filters: BriefFilters = NO_FILTERS;
const listeners = new Set<() => void>();

export function setBriefFilters(change: Partial<BriefFilters>): void {
  filters = { ...filters, ...change };
  for (const l of listeners) l();
}

export function useBriefFilters(): BriefFilters {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => filters,
  );
}
