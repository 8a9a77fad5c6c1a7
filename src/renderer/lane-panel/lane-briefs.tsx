import { routeFor } from '../../shared/ui-route';
import type { Dispatch } from '../../shared/dispatch';
import { useLaneDispatches } from './use-lane-dispatches';

/** The briefs dispatched to this lane: "#12 Title", what the dispatch is doing, and by whom. */
export function LaneBriefs({ laneId }: { laneId: string }) {
  const { dispatches, error } = useLaneDispatches(laneId);
  if (error) return <p className="lp-error">The briefs dispatched here could not be read: {error}</p>;
  if (dispatches === null) return <p className="lp-hint">Reading…</p>;
  if (dispatches.length === 0) return <p className="lp-hint">No briefs dispatched to this lane.</p>;
  // One row per brief: its latest dispatch here.
  const latest = [...new Map(dispatches.map((d) => [d.briefId, d] as const)).values()];
  return (
    <ul className="lp-briefs" data-testid="lane-brief-list">
      {latest.map((d) => (
        <li key={d.id}>
          <a href={routeFor({ kind: 'brief', number: d.briefNumber })}>
            #{d.briefNumber} {d.briefTitle}
          </a>{' '}
          <span className="lp-hint">{describe(d)}</span>
        </li>
      ))}
    </ul>
  );
}

function describe(d: Dispatch): string {
  const who = d.agentName ? `${d.agentName}, ` : '';
  return `${who}${d.phase === 'design' ? 'design pass' : 'build'} · ${d.state}`;
}
