import * as Popover from '@radix-ui/react-popover';
import { Cloud, CloudCog, CloudOff, RefreshCw, Ban, type LucideIcon } from 'lucide-react';
import { useState } from 'react';
import type { SyncStatus } from '../../shared/sync';
import { useHostStore } from '../connection/use-host';
import { count } from '../ui/plural';
import { TimeAgo } from '../ui/time-ago';
import { syncIndicator, type SyncIndicator as Indicator } from './sync-indicator-model';
import { useSyncStatus } from './use-sync-status';
import '../ui/status-badge.css';
import './sync-indicator.css';

const ICON: Record<Indicator['state'], LucideIcon> = {
  connecting: CloudCog,
  idle: Cloud,
  syncing: RefreshCw,
  offline: CloudOff,
  refused: Ban,
};

/**
 * The top bar's sync chip: hidden while sync is off; else the state (icon and word; on a
 * phone the icon, the word staying its name), and in a popover the shared store, when it
 * last pushed and pulled, what waits, the last error, and "Sync now". Never a password: the
 * host's status holds none.
 */
export function SyncIndicator() {
  const status = useSyncStatus();
  const shown = syncIndicator(status);
  if (!status || !shown) return null;
  return <SyncChip status={status} shown={shown} />;
}

function SyncChip({ status, shown }: { status: SyncStatus; shown: Indicator }) {
  const store = useHostStore();
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const Icon = ICON[shown.state];
  const syncNow = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const r = await store.request('sync.now', {});
    setBusy(false);
    if (!r.ok) setError(r.error.message);
  };
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button type="button" className={`sync-chip tone-${shown.tone}`} aria-label={shown.name} title={shown.name} data-testid="sync-indicator" data-state={shown.state} data-waiting={status.waiting}>
          <Icon size={14} aria-hidden className={shown.state === 'syncing' ? 'spin' : undefined} />
          <span className="sync-chip-label">{shown.label}</span>
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content className="sync-popover" align="end" sideOffset={6} collisionPadding={8} aria-label="Sync" data-testid="sync-popover">
          <h2>Sync</h2>
          <p className={`sync-summary tone-${shown.tone}`}>{shown.summary}</p>
          <dl className="sync-facts">
            <dt>Shared store</dt>
            <dd>
              <code>{status.url ?? '–'}</code>
            </dd>
            <dt>TLS</dt>
            <dd>{status.tls ?? '–'}</dd>
            <dt>Last push</dt>
            <dd>{status.lastPushAt ? <TimeAgo at={status.lastPushAt} /> : 'never'}</dd>
            <dt>Last pull</dt>
            <dd>{status.lastPullAt ? <TimeAgo at={status.lastPullAt} /> : 'never'}</dd>
            <dt>Waiting</dt>
            <dd data-testid="sync-waiting">{status.waiting > 0 ? `${count(status.waiting, 'entry')} not yet in the shared store` : 'nothing'}</dd>
            {status.lastError && (
              <>
                <dt>Last error</dt>
                <dd className="sync-error" data-testid="sync-last-error">
                  {status.lastError.message} <TimeAgo at={status.lastError.at} className="muted" />
                </dd>
              </>
            )}
          </dl>
          {status.passwordFrom === 'none' && <p className="sync-hint">No password found: set GROVE_SYNC_PASSWORD for the host, or write it to the data dir&apos;s sync-password file (chmod 600).</p>}
          {error && (
            <p className="sync-error" role="alert">
              {error}
            </p>
          )}
          <footer className="sync-popover-footer">
            <span className="muted">
              <code>grove sync status</code> in a terminal
            </span>
            <button type="button" onClick={() => void syncNow()} disabled={isBusy}>
              <RefreshCw size={14} aria-hidden className={isBusy ? 'spin' : undefined} />
              Sync now
            </button>
          </footer>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
