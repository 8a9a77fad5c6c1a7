import { AlertTriangle, Check, Info, XCircle, type LucideIcon } from 'lucide-react';
import type { Notification } from '../../shared/notifications';
import { routeFor } from '../../shared/ui-route';
import { navigateTo, useRouteStore } from '../navigation/use-route-focus';
import { TimeAgo } from '../ui/time-ago';
import { isUnread } from './notification-list';

/**
 * One notification as the bell and the Notifications view list it: its severity as icon
 * and word, the title as a link to its place (following it marks it read), when, why it
 * was quiet, and a "Mark read" button while unread. `isCompact` (the bell) clips the body.
 */
const SEVERITY: Record<Notification['severity'], { icon: LucideIcon; label: string }> = {
  critical: { icon: XCircle, label: 'Critical' },
  warning: { icon: AlertTriangle, label: 'Warning' },
  info: { icon: Info, label: 'Info' },
};

const QUIET_TEXT: Record<NonNullable<Notification['quiet']>, string> = {
  paused: 'quiet: paused',
  'rate-limited': 'quiet: rate limited',
};

export function NotificationRow({
  notification: n,
  isCompact = false,
  onMarkRead,
  onFollow,
}: {
  notification: Notification;
  isCompact?: boolean;
  onMarkRead: (id: string) => void;
  onFollow?: () => void;
}) {
  const routes = useRouteStore();
  const unread = isUnread(n);
  const { icon: Icon, label } = SEVERITY[n.severity];
  return (
    <li
      className={`notification-row severity-${n.severity}${unread ? ' is-unread' : ''}${n.quiet ? ' is-quiet' : ''}${isCompact ? ' is-compact' : ''}`}
      data-testid="notification"
      data-kind={n.kind}
      data-quiet={n.quiet ?? undefined}
      data-unread={unread ? 'true' : 'false'}
    >
      <span className="notification-severity" title={label}>
        <Icon size={16} aria-hidden />
        <span className="visually-hidden">{label}</span>
      </span>
      <div className="notification-main">
        <a
          className="notification-title"
          href={routeFor(n.target)}
          onClick={(e) => {
            e.preventDefault();
            if (unread) onMarkRead(n.id);
            navigateTo(routes, n.target);
            onFollow?.();
          }}
        >
          {unread && <span className="visually-hidden">Unread: </span>}
          {n.title}
        </a>
        {n.body && <p className="notification-body">{n.body}</p>}
        <div className="notification-meta">
          <TimeAgo at={n.at} />
          {n.quiet && <span className="notification-tag">{QUIET_TEXT[n.quiet]}</span>}
        </div>
      </div>
      {unread ? (
        <button type="button" className="icon-button notification-mark" onClick={() => onMarkRead(n.id)} aria-label={`Mark read: ${n.title}`} title="Mark read">
          <Check size={16} aria-hidden />
        </button>
      ) : (
        <span className="notification-mark" aria-hidden />
      )}
    </li>
  );
}
