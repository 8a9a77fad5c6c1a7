import { pageValue } from '../ui/page-value';
import { NO_FILTERS, type BriefFilters } from './brief-list-merge';

/**
 * The list's filters, kept while the operator opens a brief and comes back (the back button,
 * the breadcrumb): one per page, like the cockpit's layout but not saved across reloads.
 */
const filters = pageValue<BriefFilters>(NO_FILTERS);

export function setBriefFilters(change: Partial<BriefFilters>): void {
  filters.set({ ...filters.get(), ...change });
}

export const useBriefFilters = (): BriefFilters => filters.use();
