import { useState } from 'react';
import type { CallError } from '../../shared/client/host-connection';
import { isPaused, PAUSE_FOR_AN_HOUR_MINUTES, PAUSED_INDEFINITELY, type Notification, type NotificationSettings } from '../../shared/notifications';
import type { Result } from '../../shared/result';
import { routeFor } from '../../shared/ui-route';
import { useHost, useHostStore } from '../connection/use-host';
import { formatClock } from '../ui/time-format';
import { useNow } from '../ui/use-now';
import { navigateTo, useRouteStore } from '../navigation/use-route-focus';
import { PermissionPrompt } from './permission-prompt';

/**
 * The latest notifications (quiet ones too, marked: held back while paused or by the rate
 * limit), each a link to what it is about, with Pause and Resume. The host decides what is
 * a notification; this panel and the browser's (or the shell's) popups show the same list.
 */
const SHOWN = 8;
const QUIET_TEXT: Record<NonNullable<Notification['quiet']>, string> = {
  paused: 'quiet: paused',
  'rate-limited': 'quiet: rate limited',
};

export function NotificationsPanel() {
  const { notifications, notificationSettings } = useHost();
  if (notifications === null) return null;
  return (
    <section className="panel notifications" aria-label="Notifications" data-testid="notifications">
      <h2>Notifications</h2>
      <PermissionPrompt />
      {notificationSettings && <PauseControls settings={notificationSettings} />}
      {notifications.length === 0 ? (
        <p className="hint">None yet: MAIN breaking or recovering, an agent waiting or giving up shows here.</p>
      ) : (
        <ul className="notification-list">
          {notifications.slice(0, SHOWN).map((n) => (
            <NotificationRow key={n.id} notification={n} />
          ))}
        </ul>
      )}
    </section>
  );
}

function NotificationRow({ notification: n }: { notification: Notification }) {
  const routes = useRouteStore();
  return (
    <li className={`notification severity-${n.severity}${n.quiet ? ' is-quiet' : ''}`} data-testid="notification" data-kind={n.kind} data-quiet={n.quiet ?? undefined}>
      <a
        href={routeFor(n.target)}
        onClick={(e) => {
          e.preventDefault();
          navigateTo(routes, n.target);
        }}
      >
        {n.title}
      </a>{' '}
      <time className="muted" dateTime={n.at}>
        {formatClock(n.at, new Date())}
      </time>
      {n.quiet && <span className="tag">{QUIET_TEXT[n.quiet]}</span>}
      {n.body && <p className="notification-body">{n.body}</p>}
    </li>
  );
}

function PauseControls({ settings }: { settings: NotificationSettings }) {
  const store = useHostStore();
  const now = useNow(30_000);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const run = async (call: () => Promise<Result<{ settings: NotificationSettings }, CallError>>): Promise<void> => {
    setBusy(true);
    const r = await call();
    setBusy(false);
    setError(r.ok ? null : r.error.message);
    if (r.ok) store.setNotificationSettings(r.value.settings);
  };
  const paused = isPaused(settings, now);
  return (
    <div className="notify-controls">
      {paused ? (
        <>
          <span className="tag tag-pending" data-testid="notifications-paused">
            Paused {settings.pausedUntil === PAUSED_INDEFINITELY ? 'until resumed' : `until ${formatClock(settings.pausedUntil!, now)}`}
          </span>
          <button type="button" onClick={() => void run(() => store.request('notifications.resume', {}))} disabled={isBusy}>
            Resume
          </button>
        </>
      ) : (
        <>
          <button type="button" onClick={() => void run(() => store.request('notifications.pause', { minutes: PAUSE_FOR_AN_HOUR_MINUTES }))} disabled={isBusy}>
            Pause 1 h
          </button>
          <button type="button" onClick={() => void run(() => store.request('notifications.pause', {}))} disabled={isBusy}>
            Pause until resumed
          </button>
        </>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
