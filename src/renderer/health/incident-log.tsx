import { useState } from 'react';
import type { Incident } from '../../shared/incidents';
import { useRouteFocus } from '../navigation/use-route-focus';
import { IncidentCard } from './incident-card';
import { incidentsOf } from './incident-list';
import './health.css';

/**
 * A repository's incidents: the open one first and loud, then the closed ones, newest
 * first. A route to an older closed incident unfolds the whole log, so it can be reached.
 */
const SHOWN_CLOSED = 5;

export function IncidentLog({ repoId, incidents }: { repoId: string; incidents: readonly Incident[] | null }) {
  const [isAll, setAll] = useState(false);
  const focus = useRouteFocus();
  if (incidents === null) return null;
  const { open, closed } = incidentsOf(incidents, repoId);
  const focusedId = focus?.target.kind === 'incident' && focus.target.repoId === repoId ? focus.target.incidentId : null;
  const isFocusHidden = focusedId !== null && closed.slice(SHOWN_CLOSED).some((i) => i.id === focusedId);
  const shown = isAll || isFocusHidden ? closed : closed.slice(0, SHOWN_CLOSED);
  return (
    <div className="incidents" data-testid="incident-log">
      {open && <IncidentCard key={open.id} incident={open} />}
      {!open && closed.length === 0 && <p className="muted">None: MAIN has not broken while Grove watched it.</p>}
      {shown.map((i) => (
        <IncidentCard key={i.id} incident={i} />
      ))}
      {closed.length > SHOWN_CLOSED && !isFocusHidden && (
        <button type="button" className="incident-log-more" onClick={() => setAll(!isAll)}>
          {isAll ? 'Show fewer' : `Show all ${closed.length}`}
        </button>
      )}
    </div>
  );
}
