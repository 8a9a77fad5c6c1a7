import type { Brief } from '../../shared/briefs';
import { BriefSection } from './brief-section';
import { BriefNeighbourhoodView } from './graph/graph-route';

/**
 * "trace · graph", drawn: the brief among its epic, siblings, dependencies, dependants and
 * what it links to, coloured by status. The graph (and its layout library) loads when shown.
 */
export function NeighbourhoodSection({ brief }: { brief: Brief }) {
  return (
    <BriefSection eyebrow="trace · graph" title="Neighbourhood" testId="brief-neighbourhood-section">
      <BriefNeighbourhoodView brief={brief} />
    </BriefSection>
  );
}
