import { routeFor } from '../../shared/ui-route';
import { briefRef } from './brief-labels';
import { BriefStatusBadge } from './brief-status-badge';
import type { BriefName } from './use-brief-names';

/** Another brief, named where this one mentions it: "#3 Title" with its status, linking to its page. */
export function BriefRefLink({ name, id, withStatus = true }: { name: BriefName | null | undefined; id: string; withStatus?: boolean }) {
  if (name === undefined) return <span className="muted">…</span>;
  if (name === null) return <span className="muted" title={id}>a brief not in this store</span>;
  return (
    <span className="brief-ref">
      <a href={routeFor({ kind: 'brief', number: name.number })}>
        {briefRef(name.number)} {name.title}
      </a>
      {withStatus && <BriefStatusBadge status={name.status} />}
    </span>
  );
}
