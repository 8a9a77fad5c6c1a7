import { Lock } from 'lucide-react';
import type { Claim } from '../../../shared/dispatch';
import { routeFor } from '../../../shared/ui-route';
import { useHost } from '../../connection/use-host';
import { TimeAgo } from '../../ui/time-ago';

/** The brief's one claim: "claimed by flower-worker-3 since 5 min ago", the agent a link to its tab while it exists. */
export function ClaimLine({ claim }: { claim: Claim }) {
  const { agents } = useHost();
  const isAgentHere = (agents ?? []).some((a) => a.id === claim.agentId);
  return (
    <p className="dispatch-claim" data-testid="dispatch-claim">
      <Lock size={13} aria-hidden /> claimed by{' '}
      {isAgentHere ? <a href={routeFor({ kind: 'agent', agentId: claim.agentId })}>{claim.agentName}</a> : <strong>{claim.agentName}</strong>} since <TimeAgo at={claim.since} />
    </p>
  );
}
