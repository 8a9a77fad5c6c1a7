import { MAX_LIST_PAGE } from '../../../shared/brief-constants';
import type { Brief } from '../../../shared/briefs';
import { LazyPart, lazyPart } from '../../ui/lazy-part';
import { MAX_PAGES, useBriefSummaries } from './use-brief-summaries';

/**
 * The graphs where a page wants them, fetching what they draw. The graphs (and dagre with
 * them) load when first shown, not with the briefs' list. A node opens its brief by setting
 * the `#/brief/<n>` route.
 */
const ProjectGraph = lazyPart(() => import('./project-graph'), (m) => m.default);
const BriefNeighbourhood = lazyPart(() => import('./brief-neighbourhood'), (m) => m.default);

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
