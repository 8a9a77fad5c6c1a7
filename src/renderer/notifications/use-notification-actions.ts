import { useCallback, useState } from 'react';
import type { NotificationSettings } from '../../shared/notifications';
import { useHostStore } from '../connection/use-host';

/**
 * What the bell and the Notifications view ask of the host: mark read, pause, resume, set
 * the escalation. Each answer's settings are applied at once (the event follows); a refusal
 * is kept as the one message to show where the controls are.
 */
export interface NotificationActions {
  isBusy: boolean;
  error: string | null;
  /** The named notifications, or every unread one when `ids` is left out. */
  markRead(ids?: string[]): Promise<void>;
  /** For `minutes`, or until resumed. */
  pause(minutes?: number): Promise<void>;
  resume(): Promise<void>;
  setEscalation(minutes: number): Promise<boolean>;
}

export function useNotificationActions(): NotificationActions {
  const store = useHostStore();
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async (call: () => Promise<{ ok: true; settings?: NotificationSettings } | { ok: false; message: string }>): Promise<boolean> => {
      setBusy(true);
      const r = await call();
      setBusy(false);
      setError(r.ok ? null : r.message);
      if (r.ok && r.settings) store.setNotificationSettings(r.settings);
      return r.ok;
    },
    [store],
  );
  const settingsOf = useCallback(
    async (answer: ReturnType<typeof store.request<'notifications.resume'>>) => {
      const r = await answer;
      return r.ok ? { ok: true as const, settings: r.value.settings } : { ok: false as const, message: r.error.message };
    },
    [],
  );

  return {
    isBusy,
    error,
    markRead: async (ids) => void (await run(() => store.act('notifications.markRead', ids ? { ids } : {}))),
    pause: async (minutes) => void (await run(() => settingsOf(store.request('notifications.pause', minutes === undefined ? {} : { minutes })))),
    resume: async () => void (await run(() => settingsOf(store.request('notifications.resume', {})))),
    setEscalation: (minutes) => run(() => settingsOf(store.request('notifications.configure', { escalateAfterMinutes: minutes }))),
  };
}
