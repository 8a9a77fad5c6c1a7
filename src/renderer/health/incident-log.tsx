import { useState } from 'react';
import type { Incident } from '../../shared/incidents';
import { IncidentCard } from './incident-card';
import { incidentsOf } from './incident-list';

/** A repository's incidents: the open one first and loud, then the closed ones, newest first. */
const SHOWN_CLOSED = 5;

export function IncidentLog({ repoId, incidents }: { repoId: string; incidents: readonly Incident[] | null }) {
  const [isAll, setAll] = useState(false);
  if (incidents === null) return null;
  const { open, closed } = incidentsOf(incidents, repoId);
  const shown = isAll ? closed : closed.slice(0, SHOWN_CLOSED);
  return (
    <div className="incident-log" data-testid="incident-log">
      <h3>Incidents</h3>
      {open && <IncidentCard key={open.id} incident={open} />}
      {!open && closed.length === 0 && <p className="hint">None: MAIN has not broken while Grove watched it.</p>}
      {shown.map((i) => (
        <IncidentCard key={i.id} incident={i} />
      ))}
      {closed.length > SHOWN_CLOSED && (
        <button type="button" className="link-button" onClick={() => setAll(!isAll)}>
          {isAll ? 'Show fewer' : `Show all ${closed.length}`}
        </button>
      )}
    </div>
  );
}
