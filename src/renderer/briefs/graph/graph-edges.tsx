import type { LaidOutEdge, Point } from './graph-layout';

/**
 * The graphs' edges with arrowheads: solid for "needed before", dotted from an epic to its
 * child, dashed to a link. Edges of the node under the pointer or focus are lit.
 */
const path = (points: readonly Point[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');

/** Marker ids unique to one graph on the page (useId's characters are not all valid in url(#…)). */
export const markerPrefix = (reactId: string): string => `bg-arrow-${reactId.replace(/[^a-zA-Z0-9_-]/g, '')}`;

export function ArrowMarkers({ prefix }: { prefix: string }) {
  return (
    <defs>
      {(['plain', 'lit'] as const).map((tone) => (
        <marker key={tone} id={`${prefix}-${tone}`} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={10} markerHeight={10} markerUnits="userSpaceOnUse" orient="auto-start-reverse">
          <path className={`bg-arrow${tone === 'lit' ? ' lit' : ''}`} d="M0 0 L10 5 L0 10 z" />
        </marker>
      ))}
    </defs>
  );
}

export function GraphEdges({ edges, litNode, prefix }: { edges: readonly LaidOutEdge[]; litNode: string | null; prefix: string }) {
  return (
    <g aria-hidden data-testid="graph-edges">
      {edges.map((e) => {
        const lit = litNode !== null && (e.from === litNode || e.to === litNode);
        return <path key={e.id} className={`bg-edge ${e.kind}${e.across ? ' across' : ''}${lit ? ' lit' : ''}`} d={path(e.points)} markerEnd={`url(#${prefix}-${lit ? 'lit' : 'plain'})`} data-kind={e.kind} />;
      })}
    </g>
  );
}
