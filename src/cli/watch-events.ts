import WebSocket from 'ws';
import { HostConnection, type ConnectionState } from '../shared/client/host-connection';
import type { EventEnvelope } from '../shared/events';
import type { Target } from './lane-target';
import { ExitCode } from './exit-codes';

/**
 * Follows the host's events from `since` until Ctrl-C (or SIGTERM), for the CLI's `watch`
 * verbs. The connection resumes after the last event it saw when the host comes back, so
 * nothing is missed across a host restart; the state callback says when it drops.
 */
export function watchEvents(
  target: Target,
  since: number,
  on: { event: (e: EventEnvelope) => void; state?: (s: ConnectionState) => void },
): Promise<number> {
  return new Promise((resolveExit) => {
    const conn = new HostConnection({
      since,
      connect: () => new WebSocket(target.url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${target.token}` } }),
    });
    conn.onEvent(on.event);
    if (on.state) conn.onState(on.state);
    const end = (): void => {
      process.off('SIGINT', end);
      process.off('SIGTERM', end);
      conn.stop();
      resolveExit(ExitCode.ok);
    };
    process.once('SIGINT', end);
    process.once('SIGTERM', end);
    conn.start();
  });
}
