import { useSyncExternalStore } from 'react';

/**
 * Whether All briefs shows its rows or the project's dependency graph, kept while the
 * operator opens a brief from the graph and comes back (like the list's filters).
 */
export type BriefListView = 'list' | 'graph';

let view: BriefListView = 'list';
const listeners = new Set<() => void>();

export function setBriefListView(next: BriefListView): void {
  if (next === view) return;
  view = next;
  for (const l of listeners) l();
}

export function useBriefListView(): BriefListView {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => view,
  );
}
