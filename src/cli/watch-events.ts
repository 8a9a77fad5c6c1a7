import { HostConnection, type ConnectionState } from '../shared/client/host-connection';
import type { EventEnvelope } from '../shared/events';
import type { Target } from './lane-target';
import { ExitCode } from './exit-codes';
import { parseHostFrame } from '../shared/client/parse-host-frame';
import { provenSocket } from '../host-client/proven-socket';

/**
 * Follows the host's events from `since` until Ctrl-C or SIGTERM (exit 0), or until the host
 * turns out to speak another protocol (exit 4), for the CLI's `watch`
 * verbs. The connection resumes after the last event it saw when the host comes back, so
 * nothing is missed across a host restart; the state callback says when it drops.
 */
export function watchEvents(
  target: Target,
  since: number,
  on: { event: (e: EventEnvelope) => void; state?: (s: ConnectionState) => void },
): Promise<number> {
  return new Promise((resolveExit) => {
    const conn = new HostConnection({ parseFrame: parseHostFrame,
      since,
      connect: () => provenSocket(target),
    });
    conn.onEvent(on.event);
    const end = (code: number): void => {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      conn.stop();
      resolveExit(code);
    };
    const interrupted = (): void => end(ExitCode.ok);
    conn.onState((s) => {
      on.state?.(s);
      // A host of another protocol is not retried: nothing more will come, so end here.
      if (s.kind === 'incompatible') end(ExitCode.unreachable);
    });
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    conn.start();
  });
}
