import { useCallback, useId, useMemo, useState, type MouseEvent } from 'react';
import type { BriefSummary } from '../../../shared/briefs';
import { GraphCanvas } from './graph-canvas';
import { ArrowMarkers, GraphEdges, markerPrefix } from './graph-edges';
import { HEADER_HEIGHT, layoutProject } from './graph-layout';
import { GraphLegend } from './graph-legend';
import { buildProjectGraph, type BriefNode } from './graph-model';
import { BriefNodeView, briefHref } from './graph-nodes';
import type { Size } from './viewport';
import './graph.css';

/** How many ready briefs the summary names before it counts the rest. */
const NAMED_READY = 8;

/**
 * A project's dependency graph of briefs: what is dispatchable now (marked, and named
 * above the graph), what waits on what (arrows from what is needed to what needs it, and
 * "blocked by #N" on each waiting brief), and each epic as a section headed by the epic with
 * its progress, the one furthest along named above. `project` null shows every brief given.
 * Default-exported so it loads lazily (dagre comes with it, not with the first page).
 */
export function ProjectGraph({ project, briefs, onOpen }: { project: string | null; briefs: readonly BriefSummary[]; onOpen: (number: number) => void }) {
  const shown = useMemo(() => (project === null ? briefs : briefs.filter((b) => b.projects.some((p) => p.name === project))), [briefs, project]);
  const model = useMemo(() => buildProjectGraph(shown), [shown]);
  const [aspect, setAspect] = useState(1.6);
  const onSize = useCallback((s: Size) => setAspect(Math.min(3, Math.max(0.4, Math.round((s.width / s.height) * 4) / 4))), []);
  const layout = useMemo(() => layoutProject(model, aspect), [model, aspect]);
  const world = useMemo(() => ({ width: layout.width, height: layout.height }), [layout]);
  const [lit, setLit] = useState<string | null>(null);
  const prefix = markerPrefix(useId());
  const nodeById = useMemo(() => new Map(model.nodes.map((n) => [n.id, n])), [model]);
  const open = (n: number) => (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onOpen(n);
  };
  const where = project === null ? 'all projects' : project;
  const ready = model.dispatchable;

  return (
    <section className="brief-graph" aria-label={`Dependency graph of ${where}`} data-testid="project-graph">
      <div className="brief-graph-bar">
        <h3>Dependency graph · {where}</h3>
        <p className="brief-graph-summary" data-testid="graph-summary">
          <span data-testid="graph-ready">
            <span className="ready">{ready.length} ready to dispatch</span>
            {ready.length > 0 && ': '}
            {ready.slice(0, NAMED_READY).map((b, i) => (
              <span key={b.id}>
                {i > 0 && ' '}
                <a href={briefHref(b.number)} onClick={open(b.number)} title={b.title}>#{b.number}</a>
              </span>
            ))}
            {ready.length > NAMED_READY && ` and ${ready.length - NAMED_READY} more`}
          </span>
          <span data-testid="graph-blocked">{model.blocked.length} blocked</span>
          {model.furthest && (
            <span data-testid="graph-furthest">
              Furthest along: <a href={briefHref(model.furthest.brief.number)} onClick={open(model.furthest.brief.number)}>#{model.furthest.brief.number} {model.furthest.brief.title}</a>{' '}
              ({model.furthest.progress.done} of {model.furthest.progress.total} done)
            </span>
          )}
        </p>
      </div>
      <GraphLegend edges={['dependency']} prefix={prefix} />
      {shown.length === 0 ? (
        <p className="muted" data-testid="graph-empty">No briefs in {where} yet.</p>
      ) : (
        <GraphCanvas world={world} label={`${shown.length} briefs of ${where}; each is a link that opens it`} controlsLabel="Graph view" onSize={onSize} testId="graph-canvas">
          <ArrowMarkers prefix={prefix} />
          {layout.sections.map((s) => (
            <g key={s.epicId ?? 'none'} data-testid="graph-section" data-epic={s.epicId === null ? '' : nodeById.get(s.epicId)?.kind === 'brief' ? (nodeById.get(s.epicId) as BriefNode).brief.number : ''}>
              <rect className="bg-section" x={s.box.x} y={s.box.y} width={s.box.width} height={s.box.height} rx={10} />
              {s.epicId === null && (
                <text className="bg-section-none-label" x={s.box.x + 14} y={s.box.y + 12 + HEADER_HEIGHT / 2 + 4}>
                  Not in an epic
                </text>
              )}
            </g>
          ))}
          <GraphEdges edges={layout.edges} litNode={lit} prefix={prefix} />
          {model.nodes.map((n) => {
            const box = layout.nodes.get(n.id);
            return box && n.kind === 'brief' ? <BriefNodeView key={n.id} node={n} box={box} onOpen={onOpen} lit={lit === n.id} onHover={setLit} /> : null;
          })}
        </GraphCanvas>
      )}
    </section>
  );
}

export default ProjectGraph;
