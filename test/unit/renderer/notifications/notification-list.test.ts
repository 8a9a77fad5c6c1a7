import { describe, expect, it } from 'vitest';
import { addNotifications, KEPT_NOTIFICATIONS, markNotificationsRead, unreadCount } from '../../../../src/renderer/notifications/notification-list';
import { notification } from './notification-fixture';

describe('addNotifications', () => {
  it('lists newest first, each id once, whether it came from the list or a replayed event', () => {
    const broken = notification({ id: 'a', at: '2026-03-02T10:00:00.000Z' });
    const recovered = notification({ id: 'b', kind: 'main.recovered', at: '2026-03-02T10:05:00.000Z' });
    const list = addNotifications([broken], [recovered, broken]);
    expect(list.map((n) => n.id)).toEqual(['b', 'a']);
  });

  it('keeps the latest KEPT_NOTIFICATIONS', () => {
    const many = Array.from({ length: KEPT_NOTIFICATIONS + 5 }, (_, i) => notification({ id: `n${i}`, at: new Date(i * 1000).toISOString() }));
    const list = addNotifications([], many);
    expect(list).toHaveLength(KEPT_NOTIFICATIONS);
    expect(list[0]!.id).toBe(`n${KEPT_NOTIFICATIONS + 4}`);
    expect(list.some((n) => n.id === 'n0')).toBe(false);
  });
});

describe('read state', () => {
  it('marks the named ones read; the unread count follows', () => {
    const list = [notification({ id: 'a' }), notification({ id: 'b' }), notification({ id: 'c', readAt: '2026-03-02T09:00:00.000Z' })];
    expect(unreadCount(list)).toBe(2);
    const read = markNotificationsRead(list, ['a', 'c'], '2026-03-02T11:00:00.000Z');
    expect(read.map((n) => n.readAt)).toEqual(['2026-03-02T11:00:00.000Z', null, '2026-03-02T09:00:00.000Z']);
    expect(unreadCount(read)).toBe(1);
    expect(unreadCount(null)).toBe(0);
  });

  it('a replayed notification event (unread when it was made) does not make a read one unread again', () => {
    const read = [notification({ id: 'a', readAt: '2026-03-02T11:00:00.000Z' })];
    expect(addNotifications(read, [notification({ id: 'a' })])[0]!.readAt).toBe('2026-03-02T11:00:00.000Z');
  });
});
