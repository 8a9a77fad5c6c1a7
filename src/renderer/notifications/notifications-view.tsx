import { CheckCheck } from 'lucide-react';
import { useFieldRequest } from '../ui/use-field-request';
import { ESCALATION, onEscalationRequest } from './escalation-request';
import { useId, useState } from 'react';
import { PopupLimits } from '../../shared/notification-popup';
import { MAX_ESCALATE_AFTER_MINUTES } from '../../shared/notification-pause';
import type { NotificationSettings } from '../../shared/notifications';
import { useHost } from '../connection/use-host';
import { count } from '../../shared/plural';
import { isUnread, unreadCount } from './notification-list';
import { NotificationRow } from './notification-row';
import { PauseControls } from './pause-controls';
import { PermissionPrompt } from './permission-prompt';
import { useNotificationActions, type NotificationActions } from './use-notification-actions';
import './notifications.css';

/**
 * The rail's Notifications route: every notification the client keeps (unread ones or
 * all), "Mark all read", and the settings: the pause, the escalation's minutes, and (in a
 * browser) the permission to pop up.
 */
type Filter = 'unread' | 'all';

export function NotificationsView() {
  const { notifications, notificationSettings } = useHost();
  const actions = useNotificationActions();
  const [filter, setFilter] = useState<Filter>('all');
  const unread = unreadCount(notifications);
  const shown = (notifications ?? []).filter((n) => filter === 'all' || isUnread(n));
  return (
    <section className="notifications-view" aria-labelledby="notifications-view-title" data-testid="notifications-view">
      <header className="notifications-view-header">
        <h1 id="notifications-view-title">Notifications</h1>
        <div className="notification-filter" role="group" aria-label="Show">
          <button type="button" aria-pressed={filter === 'unread'} onClick={() => setFilter('unread')}>
            Unread ({unread.toLocaleString('en')})
          </button>
          <button type="button" aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>
            All
          </button>
        </div>
        <button type="button" onClick={() => void actions.markRead()} disabled={unread === 0 || actions.isBusy}>
          <CheckCheck size={16} aria-hidden /> Mark all read
        </button>
      </header>
      {actions.error && (
        <p className="notification-error" role="alert">
          {actions.error}
        </p>
      )}
      <div className="notifications-view-body">
        <div className="notifications-view-list">
          {notifications === null ? (
            <p className="notification-empty">Loading…</p>
          ) : shown.length === 0 ? (
            <p className="notification-empty">
              {filter === 'unread' ? 'Nothing unread.' : 'None yet: MAIN breaking or recovering, an agent waiting or giving up shows here.'}
            </p>
          ) : (
            <ul className="notification-list">
              {shown.map((n) => (
                <NotificationRow key={n.id} notification={n} onMarkRead={(id) => void actions.markRead([id])} />
              ))}
            </ul>
          )}
          {notifications !== null && notifications.length > 0 && <p className="muted notification-count">{count(notifications.length, 'notification')} kept here; the host keeps the latest 500.</p>}
        </div>
        {notificationSettings && <NotificationSettingsPanel settings={notificationSettings} actions={actions} />}
      </div>
    </section>
  );
}

function NotificationSettingsPanel({ settings, actions }: { settings: NotificationSettings; actions: NotificationActions }) {
  return (
    <aside className="notification-settings" aria-label="Notification settings">
      <h2>Settings</h2>
      <PermissionPrompt />
      <h3>Do not disturb</h3>
      <p className="muted">Paused notifications are still listed, marked quiet; they do not pop up. The pause holds for every client.</p>
      <PauseControls settings={settings} actions={actions} />
      <h3>Escalation</h3>
      <EscalationField minutes={settings.escalateAfterMinutes} actions={actions} />
      <h3>When they pop up</h3>
      <p className="muted">
        Only while the window is in the background or shows another lane. The same news about one lane within {count(PopupLimits.DEBOUNCE_MS / 1000, 'second')} (its agents waiting one after another) pops up once. The escalation pops up even on the lane you are looking at.
      </p>
    </aside>
  );
}

function EscalationField({ minutes, actions }: { minutes: number; actions: NotificationActions }) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? String(minutes);
  const form = useFieldRequest(onEscalationRequest, ESCALATION);
  const parsed = Number(value);
  const isValid = value.trim() !== '' && Number.isFinite(parsed) && parsed >= 0 && parsed <= MAX_ESCALATE_AFTER_MINUTES;
  const save = async (): Promise<void> => {
    if (isValid && (await actions.setEscalation(parsed))) setDraft(null);
  };
  return (
    <form
      ref={form}
      className="notification-escalation"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor={id}>Tell me again when an agent has waited this many minutes (0: never)</label>
      <div className="notification-escalation-row">
        <input
          id={id}
          type="number"
          min={0}
          max={MAX_ESCALATE_AFTER_MINUTES}
          step="any"
          inputMode="decimal"
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={!isValid}
          aria-describedby={isValid ? undefined : `${id}-error`}
          data-testid="escalation-minutes"
        />
        <button type="submit" disabled={!isValid || draft === null || parsed === minutes || actions.isBusy}>
          Save
        </button>
      </div>
      {!isValid && (
        <p className="notification-escalation-error" id={`${id}-error`} role="alert" data-testid="escalation-error">
          Minutes from 0 to {MAX_ESCALATE_AFTER_MINUTES} (0 turns it off); {minutes === 0 ? 'it stays off' : `it stays at ${count(minutes, 'minute')}`} until then.
        </p>
      )}
      <p className="muted" data-testid="escalation-summary">
        {minutes === 0 ? 'Off: an agent waiting is told once.' : `On: once per wait, after ${count(minutes, 'minute')}.`}
      </p>
    </form>
  );
}
