import { useCallback, useEffect, useRef, useState } from 'react';
import type { BriefSummary } from '../../shared/briefs';
import { useHost, useHostStore } from '../connection/use-host';
import { applyChangedBrief, matchesFilters, type BriefFilters } from './brief-list-merge';
import { useDebounced } from './use-debounced';

const PAGE = 50;
/** Typing pauses this long before the host is asked. */
const SEARCH_DEBOUNCE_MS = 250;

export interface BriefList {
  briefs: BriefSummary[] | null;
  error: string | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore(): void;
}

/**
 * All briefs matching the filters, latest activity first, a page at a time, kept current by
 * `brief.changed`: a changed brief moves to the top (or leaves a filtered list). While a
 * search is typed, the host answers (FTS5); a change then asks it again, after a pause.
 */
export function useBriefList(filters: BriefFilters): BriefList {
  const store = useHostStore();
  const isOpen = useHost().connection.kind === 'open';
  const query = useDebounced(filters.query.trim(), SEARCH_DEBOUNCE_MS);
  const key = JSON.stringify({ ...filters, query });
  const [briefs, setBriefs] = useState<BriefSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  // Answers to an older set of filters are dropped.
  const generation = useRef(0);
  const [reloads, setReloads] = useState(0);

  const params = useCallback(
    (after: string | null) => {
      const p = JSON.parse(key) as BriefFilters;
      return {
        limit: PAGE,
        ...(p.project ? { project: p.project } : {}),
        ...(p.status ? { status: [p.status] } : {}),
        ...(p.kind ? { kind: [p.kind] } : {}),
        ...(p.query ? { query: p.query } : {}),
        ...(after ? { cursor: after } : {}),
      };
    },
    [key],
  );

  useEffect(() => {
    if (!isOpen) return;
    const g = ++generation.current;
    void store.request('briefs.list', params(null)).then((r) => {
      if (g !== generation.current) return;
      if (!r.ok) return setError(r.error.message);
      setError(null);
      setBriefs(r.value.briefs);
      setCursor(r.value.nextCursor);
    });
  }, [store, params, isOpen, reloads]);

  // Live: a changed brief is laid in here; a search's results are the host's to recompute.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = store.onEventOf('brief.changed', (e) => {
      const current = JSON.parse(key) as BriefFilters;
      const isMatch = matchesFilters(e.brief, current);
      if (isMatch === null) {
        if (timer === null) timer = setTimeout(() => ((timer = null), setReloads((n) => n + 1)), 300);
        return;
      }
      setBriefs((list) => (list ? applyChangedBrief(list, e.brief, isMatch) : list));
    });
    return () => {
      stop();
      if (timer !== null) clearTimeout(timer);
    };
  }, [store, key]);

  // Sync turned on (`connecting` follows sync.set) or off changes which numbers are provisional
  // on every brief at once, with no brief.changed for each: the list is asked again.
  const syncState = useRef<string | null>(null);
  useEffect(
    () =>
      store.onEventOf('sync.status', (e) => {
        const state = e.status.state;
        if (state !== syncState.current && (state === 'off' || state === 'connecting')) setReloads((n) => n + 1);
        syncState.current = state;
      }),
    [store],
  );

  const loadMore = (): void => {
    if (!cursor || isLoadingMore) return;
    const g = generation.current;
    setLoadingMore(true);
    void store.request('briefs.list', params(cursor)).then((r) => {
      setLoadingMore(false);
      if (g !== generation.current) return;
      if (!r.ok) return setError(r.error.message);
      setBriefs((list) => {
        const known = new Set((list ?? []).map((b) => b.id));
        return [...(list ?? []), ...r.value.briefs.filter((b) => !known.has(b.id))];
      });
      setCursor(r.value.nextCursor);
    });
  };

  return { briefs, error, hasMore: cursor !== null, isLoadingMore, loadMore };
}
