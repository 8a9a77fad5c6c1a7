import { useEffect, useState } from 'react';
import { MAX_LIST_PAGE } from '../../../shared/brief-constants';
import type { Brief } from '../../../shared/briefs';
import { useHost, useHostStore } from '../../connection/use-host';
import { LazyPart, lazyPart } from '../../ui/lazy-part';
import { MAX_PAGES, useBriefSummaries } from './use-brief-summaries';

/**
 * The graphs where a page wants them, fetching what they draw. The graphs (and dagre with
 * them) load when first shown, not with the briefs' list. A node opens its brief by setting
 * the `#/brief/<n>` route.
 */
const ProjectGraph = lazyPart(() => import('./project-graph').then((m) => m.default));
const BriefNeighbourhood = lazyPart(() => import('./brief-neighbourhood').then((m) => m.default));

const openBrief = (n: number): void => void (window.location.hash = `#/brief/${n}`);

/** A project's dependency graph; `project` null shows every project's briefs. */
export function ProjectGraphView({ project }: { project: string | null }) {
  const loaded = useBriefSummaries(project);
  if (loaded.kind === 'loading') return <p className="muted">Loading the briefs…</p>;
  if (loaded.kind === 'failed') return <p role="alert">The briefs could not be loaded: {loaded.message}</p>;
  return (
    <LazyPart inline fallback={<p className="muted">Loading the graph…</p>}>
      {loaded.truncated && <p className="muted">Showing the first {MAX_PAGES * MAX_LIST_PAGE} briefs.</p>}
      <ProjectGraph project={project} briefs={loaded.briefs} onOpen={openBrief} />
    </LazyPart>
  );
}

/**
 * A brief's neighbourhood, for a page that has the brief (the brief page does: pass it, it
 * stays current as the page updates it). Its neighbours come from every project, since an
 * epic or a dependency may sit in another.
 */
export function BriefNeighbourhoodView({ brief }: { brief: Brief }) {
  const loaded = useBriefSummaries(null);
  if (loaded.kind === 'loading') return <p className="muted">Loading the neighbourhood…</p>;
  if (loaded.kind === 'failed') return <p role="alert">The briefs around #{brief.number} could not be loaded: {loaded.message}</p>;
  return (
    <LazyPart inline fallback={<p className="muted">Loading the graph…</p>}>
      <BriefNeighbourhood brief={brief} briefs={loaded.briefs} onOpen={openBrief} />
    </LazyPart>
  );
}

/**
 * Until the brief page exists: the neighbourhood of the brief the `#/brief/<n>` route names,
 * fetched here (briefs.get). The brief page replaces this with BriefNeighbourhoodView.
 */
export function RoutedBriefNeighbourhood() {
  const store = useHostStore();
  const open = useHost().connection.kind === 'open';
  const number = useBriefRoute();
  const [brief, setBrief] = useState<Brief | null>(null);
  useEffect(() => {
    setBrief(null);
    if (number === null || !open) return;
    let cancelled = false;
    void store.request('briefs.get', { ref: `#${number}`, limit: 1 }).then((r) => {
      if (!cancelled && r.ok) setBrief(r.value.brief);
    });
    return () => void (cancelled = true);
  }, [store, number, open]);
  return brief ? <BriefNeighbourhoodView key={brief.id} brief={brief} /> : null;
}

function useBriefRoute(): number | null {
  const read = (): number | null => {
    const m = /^#\/brief\/(\d+)$/.exec(window.location.hash);
    return m ? Number(m[1]) : null;
  };
  const [number, setNumber] = useState(read);
  useEffect(() => {
    const onHash = (): void => setNumber(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return number;
}
