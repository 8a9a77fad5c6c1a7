import { pageValue } from '../ui/page-value';

/**
 * Whether All briefs shows its rows or the project's dependency graph, kept while the
 * operator opens a brief from the graph and comes back (like the list's filters).
 */
export type BriefListView = 'list' | 'graph';

const view = pageValue<BriefListView>('list');

export const setBriefListView = (next: BriefListView): void => view.set(next);
export const useBriefListView = (): BriefListView => view.use();
