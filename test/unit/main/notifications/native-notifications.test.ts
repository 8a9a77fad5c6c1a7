import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../../src/shared/events';
import type { Notification } from '../../../../src/shared/notifications';
import { NativeNotificationLimits, NativeNotifications } from '../../../../src/main/notifications/native-notifications';

const now = new Date('2025-06-03T12:00:00.000Z');
const broken: Notification = {
  id: 'n1',
  kind: 'main.broken',
  severity: 'critical',
  title: 'MAIN of flower is broken',
  body: 'probe artisan: exit 255',
  target: { kind: 'incident', repoId: 'r1', incidentId: 'i1' },
  at: '2025-06-03T11:59:58.000Z',
  quiet: null,
  workspace: null,
  readAt: null,
};
/** Each notification about a lane of its own (unless it names one), so none folds into another's burst. */
const envelope = (seq: number, n: Notification): EventEnvelope => ({
  seq,
  at: n.at,
  event: { type: 'notification', notification: { ...n, workspace: n.workspace ?? `/srv/lane-${n.id}` } },
});
const attachedAt10 = (): NativeNotifications => new NativeNotifications({ attachedAfterSeq: 10, now: () => now });
/** What the shell shows for `broken` under another id: the same words, urgency and route. */
const shown = (id: string) => ({ id, title: 'MAIN of flower is broken', body: 'probe artisan: exit 255', urgency: 'critical', route: '#/repo/r1/incident/i1' });

describe('native notifications', () => {
  it('shows a notification that came after the shell attached: title, body, urgency and where a click leads', () => {
    expect(attachedAt10().decide(envelope(11, broken))).toEqual({
      id: 'n1',
      title: 'MAIN of flower is broken',
      body: 'probe artisan: exit 255',
      urgency: 'critical',
      route: '#/repo/r1/incident/i1',
    });
  });

  it('leads each kind of target to its place in the UI, and maps severity to urgency', () => {
    const n = attachedAt10();
    const lane = n.decide(envelope(11, { ...broken, id: 'a', severity: 'warning', kind: 'merge.rolled-back', target: { kind: 'lane', repoId: 'r1', laneId: 'l1' } }));
    expect(lane).toMatchObject({ urgency: 'normal', route: '#/repo/r1/lane/l1' });
    const agent = n.decide(envelope(12, { ...broken, id: 'b', severity: 'info', kind: 'agent.waiting', target: { kind: 'agent', agentId: 'g1' } }));
    expect(agent).toMatchObject({ urgency: 'low', route: '#/agent/g1' });
    const repo = n.decide(envelope(13, { ...broken, id: 'c', kind: 'main.recovered', severity: 'info', target: { kind: 'repo', repoId: 'r1' } }));
    expect(repo).toMatchObject({ route: '#/repo/r1' });
  });

  it('does not show what the connection replays from before the shell attached', () => {
    const n = attachedAt10();
    expect(n.decide(envelope(9, broken))).toBeNull();
    expect(n.decide(envelope(10, { ...broken, id: 'n2' }))).toBeNull();
    expect(n.decide(envelope(11, { ...broken, id: 'n3' }))).toEqual(shown('n3'));
  });

  it('does not show quiet ones (paused, rate limited)', () => {
    const n = attachedAt10();
    expect(n.decide(envelope(11, { ...broken, quiet: 'paused' }))).toBeNull();
    expect(n.decide(envelope(12, { ...broken, id: 'n2', quiet: 'rate-limited' }))).toBeNull();
  });

  it('shows each id once, even when a reconnect delivers it again', () => {
    const n = attachedAt10();
    expect(n.decide(envelope(11, broken))).toEqual(shown('n1'));
    expect(n.decide(envelope(12, broken))).toBeNull();
  });

  it('leaves old news to the app: a notification older than the limit is not shown', () => {
    const n = attachedAt10();
    const old = new Date(now.getTime() - NativeNotificationLimits.MAX_AGE_MS - 1000).toISOString();
    expect(n.decide(envelope(11, { ...broken, at: old }))).toBeNull();
    const recent = new Date(now.getTime() - NativeNotificationLimits.MAX_AGE_MS + 1000).toISOString();
    expect(n.decide(envelope(12, { ...broken, id: 'n2', at: recent }))).toEqual(shown('n2'));
  });

  it('ignores every other event', () => {
    expect(attachedAt10().decide({ seq: 11, at: now.toISOString(), event: { type: 'repo.removed', id: 'r1' } })).toBeNull();
  });

  it('clips a long title and body', () => {
    const long = attachedAt10().decide(envelope(11, { ...broken, title: 't'.repeat(500), body: 'b'.repeat(5000) }))!;
    expect(long.title).toHaveLength(NativeNotificationLimits.TITLE_CHARS);
    expect(long.title.endsWith('…')).toBe(true);
    expect(long.body).toHaveLength(NativeNotificationLimits.BODY_CHARS);
  });

  it('remembers a bounded number of ids, forgetting the oldest first', () => {
    const n = attachedAt10();
    for (let i = 0; i <= NativeNotificationLimits.REMEMBERED_IDS; i++) expect(n.decide(envelope(11 + i, { ...broken, id: `id${i}` }))).toEqual(shown(`id${i}`));
    expect(n.decide(envelope(5000, { ...broken, id: `id${NativeNotificationLimits.REMEMBERED_IDS}` }))).toBeNull();
    // Forgotten, so shown again (about another lane: its own lane's burst is still on).
    expect(n.decide(envelope(5001, { ...broken, id: 'id0', workspace: '/srv/again' }))).toEqual(shown('id0'));
  });

  it('asks the window: nothing while it is focused on the workspace; shown when unfocused or showing another lane', () => {
    let viewer = { isFocused: true, visibleWorkspace: '/srv/flower-backend' as string | null };
    const n = new NativeNotifications({ attachedAfterSeq: 10, now: () => now, viewer: () => viewer });
    const about = (id: string, workspace: string): Notification => ({ ...broken, id, workspace });
    expect(n.decide(envelope(11, about('on-screen', '/srv/flower-backend')))).toBeNull();
    expect(n.decide(envelope(12, about('other-lane', '/srv/flower-design')))).toMatchObject({ id: 'other-lane' });
    viewer = { isFocused: false, visibleWorkspace: '/srv/flower-backend' };
    expect(n.decide(envelope(13, about('unfocused', '/srv/flower-backend')))).toMatchObject({ id: 'unfocused' });
  });

  it('folds a burst about one workspace into one native notification', () => {
    const n = attachedAt10();
    const about = (id: string): Notification => ({ ...broken, id, severity: 'warning', kind: 'agent.exited', workspace: '/srv/flower-backend' });
    expect(n.decide(envelope(11, about('first')))).toMatchObject({ id: 'first' });
    expect(n.decide(envelope(12, about('second')))).toBeNull();
  });
});
