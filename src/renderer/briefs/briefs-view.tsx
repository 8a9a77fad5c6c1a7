import { FileText } from 'lucide-react';
import { ProjectGraphView, RoutedBriefNeighbourhood } from './graph/graph-route';

/**
 * Briefs' place in the cockpit. Briefs (specs with an append-only trace, shared through
 * the team's store and read by agents) arrive in a coming release; until then this says
 * what will be here rather than showing an empty list.
 */
export function BriefsView() {
  return (
    <section className="view briefs-view" aria-label="Briefs" data-testid="briefs-view">
      <header className="view-header">
        <h2>
          <FileText size={18} aria-hidden /> Briefs
        </h2>
      </header>
      <div className="view-empty">
        <p><strong>Briefs are coming.</strong> A brief is what an agent is asked to do and the record of everything that happened to it: the spec, an append-only trace, screenshots dropped on it, links to lanes, merges and incidents.</p>
        <p className="muted">This is where they will be listed, filtered by project and status, and dispatched to agents.</p>
      </div>
      <RoutedBriefNeighbourhood />
      <ProjectGraphView project={null} />
    </section>
  );
}
