import { useId, useMemo, useState } from 'react';
import type { Brief, BriefSummary } from '../../../shared/briefs';
import { count } from '../../../shared/plural';
import { GraphCanvas } from './graph-canvas';
import { ArrowMarkers, GraphEdges, markerPrefix } from './graph-edges';
import { layoutNeighbourhood } from './graph-layout';
import { GraphLegend } from './graph-legend';
import { buildNeighbourhood } from './graph-model';
import { BriefNodeView, LinkNodeView } from './graph-nodes';
import './graph.css';

/**
 * A brief's neighbourhood: its epic and siblings, its children, what it needs first and
 * what waits on it, the briefs it links to and its lanes, merges, incidents, commits and
 * URLs, each brief coloured by status and opening on click. `briefs` are the list's
 * summaries (the page has them); the focused brief is the full one, for its links.
 * Default-exported so it loads lazily with dagre.
 */
export function BriefNeighbourhood({ brief, briefs, onOpen }: { brief: Brief; briefs: readonly BriefSummary[]; onOpen: (number: number) => void }) {
  const model = useMemo(() => buildNeighbourhood(brief, briefs), [brief, briefs]);
  const layout = useMemo(() => layoutNeighbourhood(model), [model]);
  const world = useMemo(() => ({ width: layout.width, height: layout.height }), [layout]);
  const [lit, setLit] = useState<string | null>(null);
  const prefix = markerPrefix(useId());
  const edgeKinds = useMemo(() => (['dependency', 'child', 'link'] as const).filter((k) => model.edges.some((e) => e.kind === k)), [model]);

  return (
    <section className="brief-graph brief-neighbourhood" aria-label={`Neighbourhood of #${brief.number}`} data-testid="brief-neighbourhood">
      {edgeKinds.length > 0 && <GraphLegend edges={edgeKinds} prefix={prefix} />}
      <GraphCanvas world={world} label={`#${brief.number} and ${count(model.nodes.length - 1, 'neighbour')}; each brief is a link that opens it`} controlsLabel="Neighbourhood view" openAround={layout.nodes.get(model.focusId)} testId="neighbourhood-canvas">
        <ArrowMarkers prefix={prefix} />
        <GraphEdges edges={layout.edges} litNode={lit} prefix={prefix} />
        {model.nodes.map((n) => {
          const box = layout.nodes.get(n.id);
          if (!box) return null;
          return n.kind === 'brief' ? <BriefNodeView key={n.id} node={n} box={box} onOpen={onOpen} lit={lit === n.id} onHover={setLit} /> : <LinkNodeView key={n.id} node={n} box={box} />;
        })}
      </GraphCanvas>
      {model.moreSiblings > 0 && <p className="muted">and {count(model.moreSiblings, 'more sibling')} in the epic, not drawn</p>}
    </section>
  );
}

export default BriefNeighbourhood;
