import { Menu, PanelLeft, Search } from 'lucide-react';
import type { ReactNode } from 'react';
import type { MainHealthState } from '../../shared/health';
import { ConnectionBadge } from '../connection/connection-badge';
import type { ConnectionState } from '../../shared/client/host-connection';
import { HEALTH_LABEL } from '../ui/attention';
import { nounFor } from '../../shared/plural';
import { HealthBadge } from '../ui/status-badge';

/**
 * The top bar: the worst MAIN across repositories and how many agents wait for the
 * operator (a click jumps to the next one), the command palette, sync with the shared
 * store (only while it is on), the notification bell and the connection. On a phone the rail's drawer opens from here.
 */
export function TopBar({
  worstHealth,
  worstRepoName,
  waiting,
  connection,
  onNextWaiting,
  onOpenPalette,
  onOpenRail,
  onToggleRail,
  isRailShown,
  paletteKey,
  sync,
  bell,
}: {
  worstHealth: MainHealthState | null;
  worstRepoName: string | null;
  waiting: number;
  connection: ConnectionState;
  onNextWaiting: () => void;
  onOpenPalette: () => void;
  /** On a phone: opens the rail's drawer. */
  onOpenRail: (() => void) | null;
  /** On a wide screen: shows or hides the rail. */
  onToggleRail: (() => void) | null;
  isRailShown: boolean;
  paletteKey: string;
  /** The sync indicator (it renders nothing while sync is off). */
  sync: ReactNode;
  bell: ReactNode;
}) {
  return (
    <header className="topbar" data-testid="topbar">
      {onOpenRail && (
        <button className="icon-button" aria-label="Open the rail" onClick={onOpenRail}>
          <Menu size={18} aria-hidden />
        </button>
      )}
      {onToggleRail && (
        <button className="icon-button" aria-label="Show the rail" aria-pressed={isRailShown} title="Show or hide the rail" onClick={onToggleRail}>
          <PanelLeft size={18} aria-hidden />
        </button>
      )}
      <span className="brand">Grove</span>
      <div className="global-status" role="status" aria-label="Global status" data-testid="global-status" data-health={worstHealth ?? 'none'}>
        {worstHealth && (
          <span className="worst-main" title={worstRepoName ? `Worst MAIN: ${worstRepoName} (${HEALTH_LABEL[worstHealth]})` : undefined}>
            <HealthBadge state={worstHealth} />
            {/* Set apart from the state's words ("no probes yet · flower", not one phrase). */}
            {worstRepoName && worstHealth !== 'healthy' && <span className="muted">· {worstRepoName}</span>}
          </span>
        )}
        <button className={`waiting-button${waiting > 0 ? ' has-waiting' : ''}`} onClick={onNextWaiting} disabled={waiting === 0} data-testid="agents-waiting" title="Jump to the next agent waiting for you">
          {waiting > 0 ? (
            <>
              {waiting} <span className="waiting-noun">{nounFor(waiting, 'agent')} </span>waiting
            </>
          ) : (
            'No agent waiting'
          )}
        </button>
      </div>
      <button className="palette-button" onClick={onOpenPalette} aria-label="Open the command palette" data-testid="open-palette">
        <Search size={14} aria-hidden />
        <span className="palette-hint">Go to or run…</span>
        <kbd>{paletteKey}</kbd>
      </button>
      {sync}
      {bell}
      <ConnectionBadge state={connection} />
    </header>
  );
}
