import type { ConnectionState } from '../../shared/client/host-connection';

/** Always visible: whether the UI is talking to the host, and if not, what it is doing about it. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const [tone, text] = describe(state);
  return (
    <span className={`badge badge-${tone}`} data-testid="connection-state" data-state={state.kind} role="status">
      {text}
    </span>
  );
}

function describe(s: ConnectionState): [string, string] {
  switch (s.kind) {
    case 'open':
      return ['ok', 'Connected'];
    case 'connecting':
      return ['pending', s.attempt > 1 ? `Reconnecting (attempt ${s.attempt})…` : 'Connecting…'];
    case 'waiting':
      return ['bad', `Host unreachable, retrying in ${(s.retryInMs / 1000).toFixed(1)} s`];
    case 'incompatible':
      return ['bad', `This UI does not match the host (protocol ${s.hostProtocolVersion}); reload the page`];
    case 'stopped':
      return ['bad', 'Disconnected'];
  }
}
