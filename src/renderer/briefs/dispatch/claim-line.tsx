import { Lock } from 'lucide-react';
import type { Claim } from '../../../shared/dispatch';
import { useHost } from '../../connection/use-host';
import { TimeAgo } from '../../ui/time-ago';
import { RouteLink } from './route-link';

/** The brief's one claim: "claimed by flower-worker-3 since 5 min ago", the agent a link to its tab while it exists. */
export function ClaimLine({ claim }: { claim: Claim }) {
  const { agents } = useHost();
  const isAgentHere = (agents ?? []).some((a) => a.id === claim.agentId);
  return (
    <p className="dispatch-claim" data-testid="dispatch-claim">
      <Lock size={13} aria-hidden />
      <span>
        claimed by{' '}
        {isAgentHere ? (
          <RouteLink route={{ kind: 'agent', agentId: claim.agentId }} title="Open the agent’s tab">
            {claim.agentName}
          </RouteLink>
        ) : (
          <strong>{claim.agentName}</strong>
        )}{' '}
        since <TimeAgo at={claim.since} />
      </span>
    </p>
  );
}
