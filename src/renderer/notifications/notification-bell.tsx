import { Bell, BellOff, CheckCheck } from 'lucide-react';
import { useState } from 'react';
import { isPaused } from '../../shared/notification-pause';
import { useHost } from '../connection/use-host';
import { PopoverButton } from '../ui/popover-button';
import { useNow } from '../ui/use-now';
import { unreadCount } from './notification-list';
import { NotificationRow } from './notification-row';
import { PauseControls } from './pause-controls';
import { useNotificationActions } from './use-notification-actions';
import './notifications.css';

/**
 * The top bar's bell: the unread count on it (in its name too: "Notifications, 3 unread"),
 * the latest notifications in a popover, each a link to its place, with "Mark all read" and
 * the pause. `onShowAll` leads to the Notifications view (the cockpit's route).
 */
const SHOWN = 8;

export function NotificationBell({ onShowAll }: { onShowAll?: () => void }) {
  const { notifications, notificationSettings } = useHost();
  const actions = useNotificationActions();
  const [isOpen, setOpen] = useState(false);
  // The clock matters only for a pause running out.
  const now = useNow(30_000, notificationSettings?.pausedUntil != null);
  const unread = unreadCount(notifications);
  const paused = notificationSettings !== null && isPaused(notificationSettings, now);
  const name = `Notifications${unread > 0 ? `, ${unread} unread` : ''}${paused ? ', paused' : ''}`;
  const Icon = paused ? BellOff : Bell;
  const latest = (notifications ?? []).slice(0, SHOWN);
  return (
    <PopoverButton
      isOpen={isOpen}
      onOpenChange={setOpen}
      className="icon-button notification-bell"
      aria-label={name}
      title={name}
      data-testid="notification-bell"
      data-unread={unread}
      surface={{
        className: 'notification-popover',
        label: 'Notifications',
        testId: 'notification-popover',
        children: (
          <>
            <header className="notification-popover-header">
              <h2>Notifications</h2>
              <span className="muted">{unread > 0 ? `${unread.toLocaleString('en')} unread` : 'All read'}</span>
              <button type="button" className="icon-button" onClick={() => void actions.markRead()} disabled={unread === 0 || actions.isBusy} aria-label="Mark all read" title="Mark all read">
                <CheckCheck size={16} aria-hidden />
              </button>
            </header>
            {notificationSettings && <PauseControls settings={notificationSettings} actions={actions} />}
            {actions.error && (
              <p className="notification-error" role="alert">
                {actions.error}
              </p>
            )}
            {latest.length === 0 ? (
              <p className="notification-empty">None yet: MAIN breaking or recovering, an agent waiting or giving up shows here.</p>
            ) : (
              <ul className="notification-list">
                {latest.map((n) => (
                  <NotificationRow key={n.id} notification={n} isCompact onMarkRead={(id) => void actions.markRead([id])} onFollow={() => setOpen(false)} />
                ))}
              </ul>
            )}
            {onShowAll && (
              <footer className="notification-popover-footer">
                <button
                  type="button"
                  onClick={() => {
                    setOpen(false);
                    onShowAll();
                  }}
                >
                  All notifications and settings
                </button>
              </footer>
            )}
          </>
        ),
      }}
    >
      <Icon size={18} aria-hidden />
      {unread > 0 && (
        <span className="notification-bell-count" aria-hidden>
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </PopoverButton>
  );
}
