import type { Notification } from '../../../../src/shared/notifications';

/** MAIN of flower broke: a critical notification that leads to its incident. */
export const notification = (over: Partial<Notification> = {}): Notification => ({
  id: 'n1',
  kind: 'main.broken',
  severity: 'critical',
  title: 'MAIN of flower is broken',
  body: 'artisan: exit 255',
  target: { kind: 'incident', repoId: 'r1', incidentId: 'i1' },
  at: '2026-03-02T10:00:00.000Z',
  quiet: null,
  workspace: '/srv/flower',
  readAt: null,
  ...over,
});
