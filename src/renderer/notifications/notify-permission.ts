import { useSyncExternalStore } from 'react';
import type { WebPermission } from './web-notification-policy';
import { webPermission } from './web-notifier';

/**
 * The browser's permission to notify, as this page asked for it: the prompt in the
 * Notifications view and the palette's "Let this browser notify you" ask through here, so
 * whichever asked, both show the answer.
 */
const listeners = new Set<() => void>();

export async function askNotifyPermission(): Promise<WebPermission> {
  if (webPermission() === 'unsupported') return 'unsupported';
  const answer = await window.Notification.requestPermission();
  for (const l of listeners) l();
  return answer;
}

export function useNotifyPermission(): WebPermission {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, webPermission);
}
