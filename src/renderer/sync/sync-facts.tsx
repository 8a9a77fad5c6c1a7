import type { ReactNode } from 'react';
import type { SyncStatus } from '../../shared/sync';
import { waitingWords } from '../../shared/sync-words';
import { TimeAgo } from '../ui/time-ago';
import { wantsPassword } from './sync-indicator-model';
import './sync-indicator.css';

/**
 * Sync's facts as the popover and the settings page both list them: the shared store, TLS,
 * (on the settings page) where the password comes from, the last push and pull, what waits,
 * the last error (not when it is only the missing password: see wantsPassword). Never a
 * password: the host's status holds none.
 */
export function SyncFacts({ status, password }: { status: SyncStatus; password?: ReactNode }) {
  return (
    <dl className="sync-facts">
      <dt>Shared store</dt>
      <dd>
        <code data-testid="sync-url">{status.url ?? '–'}</code>
      </dd>
      <dt>TLS</dt>
      <dd data-testid="sync-tls">{status.tls ?? '–'}</dd>
      {password !== undefined && (
        <>
          <dt>Password</dt>
          <dd data-testid="sync-password-from">{password}</dd>
        </>
      )}
      <dt>Last push</dt>
      <dd>{status.lastPushAt ? <TimeAgo at={status.lastPushAt} /> : 'never'}</dd>
      <dt>Last pull</dt>
      <dd>{status.lastPullAt ? <TimeAgo at={status.lastPullAt} /> : 'never'}</dd>
      <dt>Waiting</dt>
      <dd data-testid="sync-waiting">{status.waiting > 0 ? waitingWords(status) : 'nothing'}</dd>
      {status.lastError && !wantsPassword(status) && (
        <>
          <dt>Last error</dt>
          <dd className="sync-error" data-testid="sync-last-error">
            {status.lastError.message} <TimeAgo at={status.lastError.at} className="muted" />
          </dd>
        </>
      )}
    </dl>
  );
}
