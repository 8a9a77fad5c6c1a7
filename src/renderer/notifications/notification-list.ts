import type { Notification } from '../../shared/notifications';

/**
 * The store's notifications: newest first, one per id, the latest KEPT only. The same
 * notification comes from notifications.list and from a replayed `notification` event
 * after a reconnect; it is listed once.
 */
export const KEPT_NOTIFICATIONS = 50;

export function addNotifications(list: readonly Notification[], added: readonly Notification[]): Notification[] {
  const byId = new Map(list.map((n) => [n.id, n]));
  for (const n of added) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1)).slice(0, KEPT_NOTIFICATIONS);
}
