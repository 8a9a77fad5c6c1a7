import { useEffect, useState } from 'react';
import { MAX_LIST_PAGE } from '../../../shared/brief-constants';
import type { BriefSummary } from '../../../shared/briefs';
import { useHost, useHostStore } from '../../connection/use-host';
import { withSummary } from './summary-list';

/** Pages enough for 10,000 briefs; past that the caller says it shows the first ones. */
export const MAX_PAGES = 20;

export type LoadedSummaries = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; briefs: BriefSummary[]; truncated: boolean };

/**
 * Every brief of a project (null: of every project) as the graphs need them: all pages of
 * briefs.list, kept current from `brief.changed` events, fetched again when the connection
 * comes back (events missed while it was down are not replayed to the page).
 */
export function useBriefSummaries(project: string | null): LoadedSummaries {
  const store = useHostStore();
  const open = useHost().connection.kind === 'open';
  const [loaded, setLoaded] = useState<LoadedSummaries>({ kind: 'loading' });

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    void (async () => {
      const briefs: BriefSummary[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await store.request('briefs.list', { ...(project === null ? {} : { project }), limit: MAX_LIST_PAGE, ...(cursor ? { cursor } : {}) });
        if (cancelled) return;
        if (!r.ok) return setLoaded({ kind: 'failed', message: r.error.message });
        briefs.push(...r.value.briefs);
        if (!r.value.nextCursor) return setLoaded({ kind: 'ready', briefs, truncated: false });
        cursor = r.value.nextCursor;
      }
      setLoaded({ kind: 'ready', briefs, truncated: true });
    })();
    return () => void (cancelled = true);
  }, [store, project, open]);

  useEffect(
    () =>
      store.onEventOf('brief.changed', (event) => {
        const changed = event.brief;
        setLoaded((l) => {
          if (l.kind !== 'ready') return l;
          const briefs = withSummary(l.briefs, changed);
          return briefs === l.briefs ? l : { ...l, briefs };
        });
      }),
    [store],
  );
  return loaded;
}
