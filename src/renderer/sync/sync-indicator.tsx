import { Cloud, CloudCog, CloudOff, RefreshCw, Ban, Settings, type LucideIcon } from 'lucide-react';
import { useRef, useState } from 'react';
import type { SyncStatus } from '../../shared/sync';
import { routeFor, type UiRoute } from '../../shared/ui-route';
import { useHostStore } from '../connection/use-host';
import { navigateTo, useRouteStore } from '../navigation/use-route-focus';
import { PopoverButton } from '../ui/popover-button';
import { useViewRequest } from '../ui/use-view-request';
import { SyncFacts } from './sync-facts';
import { onSyncNowRequest, SYNC_CHIP } from './sync-requests';
import { syncIndicator, wantsPassword, type SyncIndicator as Indicator } from './sync-indicator-model';
import '../ui/status-badge.css';
import './sync-indicator.css';

const SYNC_SETTINGS: UiRoute = { kind: 'settings', section: 'sync' };

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
 * last pushed and pulled, what waits, the last error, "Sync now", and a link to the Sync
 * section of the settings (where it is set up). Never a password: the host's status holds none.
 */
/** `status` from useSyncStatus(), read once by the cockpit (its palette offers "Sync now" by it too). */
export function SyncIndicator({ status }: { status: SyncStatus | null }) {
  const shown = syncIndicator(status);
  if (!status || !shown) return null;
  return <SyncChip status={status} shown={shown} />;
}

function SyncChip({ status, shown }: { status: SyncStatus; shown: Indicator }) {
  const store = useHostStore();
  const routes = useRouteStore();
  const [isOpen, setOpen] = useState(false);
  const isLeaving = useRef(false);
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
  // The palette's "Sync now" runs here and opens the chip, so its answer shows.
  useViewRequest(onSyncNowRequest, SYNC_CHIP, () => {
    setOpen(true);
    if (!isBusy) void syncNow();
  });
  return (
    <PopoverButton
      isOpen={isOpen}
      onOpenChange={setOpen}
      className={`sync-chip tone-${shown.tone}`}
      aria-label={shown.name}
      title={shown.name}
      data-testid="sync-indicator"
      data-state={shown.state}
      data-waiting={status.waiting}
      surface={{
        className: 'sync-popover',
        label: 'Sync',
        testId: 'sync-popover',
        // Going to the settings, the focus goes there (to the Sync section's heading), not back to the chip.
        shouldRefocusAnchor: () => {
          const isStaying = !isLeaving.current;
          isLeaving.current = false;
          return isStaying;
        },
        children: (
          <>
            <h2>Sync</h2>
            <p className={`sync-summary tone-${shown.tone}`}>{shown.summary}</p>
            <SyncFacts status={status} />
            {status.passwordFrom === 'none' && <p className="sync-hint">{status.passwordProblem ?? `${wantsPassword(status) ? 'Give it' : 'No password found: give it'} in the sync settings, or set GROVE_SYNC_PASSWORD for the host.`}</p>}
            {error && (
              <p className="sync-error" role="alert">
                {error}
              </p>
            )}
            <footer className="sync-popover-footer">
              <a
                href={routeFor(SYNC_SETTINGS)}
                data-testid="sync-settings-link"
                onClick={(e) => {
                  e.preventDefault();
                  isLeaving.current = true;
                  setOpen(false);
                  navigateTo(routes, SYNC_SETTINGS);
                }}
              >
                <Settings size={14} aria-hidden /> Sync settings
              </a>
              <button type="button" onClick={() => void syncNow()} disabled={isBusy}>
                <RefreshCw size={14} aria-hidden className={isBusy ? 'spin' : undefined} />
                Sync now
              </button>
            </footer>
          </>
        ),
      }}
    >
      <Icon size={14} aria-hidden className={shown.state === 'syncing' ? 'spin' : undefined} />
      <span className="sync-chip-label">{shown.label}</span>
    </PopoverButton>
  );
}
