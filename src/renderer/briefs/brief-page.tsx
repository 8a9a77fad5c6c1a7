import { AgentsEyeSection } from './agents-eye-section';
import { BriefHeader } from './brief-header';
import { DispatchSection } from './dispatch-section';
import { LinksSection } from './links-section';
import { NeighbourhoodSection } from './neighbourhood-section';
import { ParticipantsSection } from './participants-section';
import { ProjectsSection } from './projects-section';
import { RelationshipsSection } from './relationships-section';
import { SpecSection } from './spec-section';
import { TraceSection } from './trace-section';
import { useBrief } from './use-brief';
import { routeFor } from '../../shared/ui-route';

/**
 * A brief's page, laid out like the seed: the header, then the spec, dispatch and trace in
 * the main column and the relationships, participants, links, projects and the agent's-eye
 * payload beside it (one column on a phone).
 */
export function BriefPage({ number }: { number: number }) {
  const open = useBrief(number);
  const { brief, load } = open;
  if (load.kind === 'missing' || load.kind === 'failed') {
    return (
      <div className="brief-page" data-testid="brief-page" data-state={load.kind}>
        <p className="brief-error" role="alert">
          {load.message}
        </p>
        <a href={routeFor({ kind: 'briefs' })}>All briefs</a>
      </div>
    );
  }
  if (!brief) return <p className="muted">Loading…</p>;
  return (
    <article className="brief-page" data-testid="brief-page" data-number={brief.number} aria-label={`Brief #${brief.number}`}>
      {open.stale && (
        <p className="brief-error" role="status" data-testid="brief-stale">
          {open.stale}{' '}
          <button type="button" className="link-button" onClick={open.readAgain}>
            Read it again
          </button>
        </p>
      )}
      <BriefHeader brief={brief} append={open.append} />
      <div className="brief-columns">
        <div className="brief-main">
          <SpecSection brief={brief} trace={open.trace} append={open.append} />
          <NeighbourhoodSection brief={brief} />
          <DispatchSection brief={brief} />
          <TraceSection open={open} brief={brief} />
        </div>
        <aside className="brief-side" aria-label="About this brief">
          <RelationshipsSection brief={brief} append={open.append} />
          <ParticipantsSection brief={brief} />
          <LinksSection brief={brief} append={open.append} />
          <ProjectsSection brief={brief} />
          <AgentsEyeSection recall={open.recall} />
        </aside>
      </div>
    </article>
  );
}
