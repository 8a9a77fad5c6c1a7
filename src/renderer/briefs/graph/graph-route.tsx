import { useEffect, useState } from 'react';
import { MAX_LIST_PAGE } from '../../../shared/brief-constants';
import type { BriefSummary } from '../../../shared/briefs';
import { useHost, useHostStore } from '../../connection/use-host';
import { LazyPart, lazyPart } from '../../ui/lazy-part';

/** The graph (and dagre with it) loads when first shown, not with the briefs' list. */
const ProjectGraph = lazyPart(() => import('./project-graph').then((m) => m.default));

/** Pages enough for 10,000 briefs; past that the graph says it shows the first ones. */
const MAX_PAGES = 20;

type Loaded = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; briefs: BriefSummary[]; truncated: boolean };

/**
 * A project's dependency graph where a page wants one: it fetches the project's briefs
 * (every page of briefs.list), keeps them current from `brief.changed` events, fetches again
 * when the connection comes back, and opens a brief by setting the `#/brief/<n>` route.
 * `project` null shows every project's briefs.
 */
export function ProjectGraphView({ project }: { project: string | null }) {
  const store = useHostStore();
  const open = useHost().connection.kind === 'open';
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

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
      store.connection.onEvent(({ event }) => {
        if (event.type !== 'brief.changed') return;
        const changed = event.brief;
        setLoaded((l) => (l.kind === 'ready' ? { ...l, briefs: withSummary(l.briefs, changed) } : l));
      }),
    [store],
  );

  if (loaded.kind === 'loading') return <p className="muted">Loading the briefs…</p>;
  if (loaded.kind === 'failed') return <p role="alert">The briefs could not be loaded: {loaded.message}</p>;
  return (
    <LazyPart inline fallback={<p className="muted">Loading the graph…</p>}>
      {loaded.truncated && <p className="muted">Showing the first {MAX_PAGES * MAX_LIST_PAGE} briefs.</p>}
      <ProjectGraph project={project} briefs={loaded.briefs} onOpen={(n) => void (window.location.hash = `#/brief/${n}`)} />
    </LazyPart>
  );
}

/** The list with `changed` in place of its older self, or added. */
function withSummary(briefs: readonly BriefSummary[], changed: BriefSummary): BriefSummary[] {
  const at = briefs.findIndex((b) => b.id === changed.id);
  return at === -1 ? [...briefs, changed] : briefs.map((b, i) => (i === at ? changed : b));
}
