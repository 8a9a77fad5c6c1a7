import { isPaused, PAUSE_FOR_AN_HOUR_MINUTES, PAUSED_INDEFINITELY } from '../../shared/notification-pause';
import type { NotificationSettings } from '../../shared/notifications';
import { formatClock } from '../ui/time-format';
import { useNow } from '../ui/use-now';
import type { NotificationActions } from './use-notification-actions';

/**
 * Pause (for an hour, or until resumed) and Resume. A pause is the host's: it holds for
 * every client, and notifications made meanwhile are listed, marked quiet.
 */
export function PauseControls({ settings, actions }: { settings: NotificationSettings; actions: NotificationActions }) {
  const now = useNow(30_000, settings.pausedUntil !== null);
  if (isPaused(settings, now)) {
    const until = settings.pausedUntil === PAUSED_INDEFINITELY ? 'until resumed' : `until ${formatClock(settings.pausedUntil!, now)}`;
    return (
      <div className="notification-pause">
        <span className="notification-paused" data-testid="notifications-paused">
          Paused {until}
        </span>
        <button type="button" onClick={() => void actions.resume()} disabled={actions.isBusy}>
          Resume
        </button>
      </div>
    );
  }
  return (
    <div className="notification-pause">
      <button type="button" onClick={() => void actions.pause(PAUSE_FOR_AN_HOUR_MINUTES)} disabled={actions.isBusy}>
        Pause 1 h
      </button>
      <button type="button" onClick={() => void actions.pause()} disabled={actions.isBusy}>
        Pause until resumed
      </button>
    </div>
  );
}
