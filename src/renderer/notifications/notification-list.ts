import type { Notification } from '../../shared/notifications';

/**
 * The store's notifications: newest first, one per id, the latest KEPT only. The same
 * notification comes from notifications.list and from a replayed `notification` event
 * after a reconnect; it is listed once. Read state only goes one way: a replayed event
 * (made unread) never makes a read notification unread again.
 */
export const KEPT_NOTIFICATIONS = 100;

export function addNotifications(list: readonly Notification[], added: readonly Notification[]): Notification[] {
  const byId = new Map(list.map((n) => [n.id, n]));
  for (const n of added) {
    const readAt = n.readAt ?? byId.get(n.id)?.readAt ?? null;
    byId.set(n.id, { ...n, readAt });
  }
  return [...byId.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1)).slice(0, KEPT_NOTIFICATIONS);
}

export function markNotificationsRead(list: readonly Notification[], ids: readonly string[], readAt: string): Notification[] {
  const marked = new Set(ids);
  return list.map((n) => (marked.has(n.id) && n.readAt === null ? { ...n, readAt } : n));
}

export const isUnread = (n: Notification): boolean => n.readAt === null;

export function unreadCount(list: readonly Notification[] | null): number {
  return (list ?? []).filter(isUnread).length;
}
