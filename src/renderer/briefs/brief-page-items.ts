import { useEffect } from 'react';
import { pageValue } from '../ui/page-value';

/**
 * What the brief page on screen lists that the command palette acts on one at a time: its
 * dispatches that can still be cancelled, its trace's entries as loaded (those the operator
 * may redact) and proposed plans not accepted yet, its dependencies and links (to remove),
 * and a contested spec's versions. The page's parts publish them while mounted; the open
 * palette lists them (cockpit-commands.ts) and asks the part to act (brief-part-requests.ts),
 * so each action runs, and answers, where its button is.
 */
export interface BriefPageItem {
  id: string;
  /** How the palette names it: "wave 2, queued, lane brief-12-pool (Claude Code)". */
  label: string;
  /** What it says, shown beside the label (an entry's first words). */
  detail?: string;
  /** More words it is found by (an entry's author and text). */
  words?: string;
  /** Why it cannot be acted on from here now, if it cannot (listed, disabled, with this). */
  unavailable?: string;
}

export type BriefItemKind = 'dispatches' | 'entries' | 'plans' | 'dependencies' | 'links' | 'contested';

export type BriefPageItems = Readonly<Record<BriefItemKind, readonly BriefPageItem[]>>;

const EMPTY: BriefPageItems = { dispatches: [], entries: [], plans: [], dependencies: [], links: [], contested: [] };
const items = pageValue(EMPTY);

function publish(kind: BriefItemKind, list: readonly BriefPageItem[]): void {
  const current = items.get();
  // An empty list for an empty one is no change (a part's memo may make a new one each time).
  if (current[kind] === list || (current[kind].length === 0 && list.length === 0)) return;
  items.set({ ...current, [kind]: list });
}

/** The items of the brief page on screen (none while no brief's page is). */
export const useBriefPageItems = (): BriefPageItems => items.use();

/** Publishes `list` (memoised by the caller) while the part is mounted; it goes with it. */
export function usePublishBriefItems(kind: BriefItemKind, list: readonly BriefPageItem[]): void {
  useEffect(() => {
    publish(kind, list);
    return () => publish(kind, EMPTY[kind]);
  }, [kind, list]);
}
