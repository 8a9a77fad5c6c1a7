import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createNotificationStore, currentSettings } from '../../../../src/host/notify/notification-store';
import { PAUSED_INDEFINITELY, type Notification } from '../../../../src/shared/notifications';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/** The notifications table and the pause setting, in a real SQLite file. */
afterEach(removeTempDirs);

const open = () => openDatabase(join(makeTempDir(), 'grove.db')).db;

function note(i: number, over: Partial<Notification> = {}): Notification {
  return {
    id: `n${i}`,
    kind: 'agent.waiting',
    severity: 'info',
    title: `t${i}`,
    body: 'b',
    target: { kind: 'agent', agentId: 'a1' },
    at: '2026-01-01T00:00:00.000Z', // all in one millisecond: order is insertion order
    quiet: null,
    workspace: '/srv/flower-backend',
    readAt: null,
    ...over,
  };
}

describe('notification store', () => {
  it('lists newest first and keeps only the latest ones', () => {
    const store = createNotificationStore(open(), 5);
    for (let i = 1; i <= 8; i++) store.insert(note(i));
    expect(store.list(100).map((n) => n.id)).toEqual(['n8', 'n7', 'n6', 'n5', 'n4']);
    expect(store.list(2).map((n) => n.id)).toEqual(['n8', 'n7']);
  });

  it('drops held-back ones before shown ones and critical ones last, so a flood never pushes out a crash notice', () => {
    const store = createNotificationStore(open(), 5);
    store.insert(note(1, { kind: 'main.broken', severity: 'critical', title: 'MAIN broke' }));
    store.insert(note(2, { kind: 'agent.exited', severity: 'warning', title: 'claude-1 exited unexpectedly' }));
    for (let i = 3; i <= 40; i++) store.insert(note(i, { quiet: 'rate-limited' }));
    expect(store.list(100).map((n) => `${n.id} ${n.title} ${n.quiet ?? 'shown'}`)).toEqual([
      'n40 t40 rate-limited',
      'n39 t39 rate-limited',
      'n38 t38 rate-limited',
      'n2 claude-1 exited unexpectedly shown',
      'n1 MAIN broke shown',
    ]);
    // Shown ones beyond the cap go oldest first, critical ones after every other.
    for (let i = 41; i <= 50; i++) store.insert(note(i));
    expect(store.list(100).map((n) => n.id)).toEqual(['n50', 'n49', 'n48', 'n47', 'n1']);
    // A quiet one made when every one kept was shown stays: the oldest shown one goes instead.
    store.insert(note(51, { quiet: 'paused' }));
    expect(store.list(100).map((n) => `${n.id} ${n.quiet ?? 'shown'}`)).toEqual(['n51 paused', 'n50 shown', 'n49 shown', 'n48 shown', 'n1 shown']);
    expect(store.markRead(null, '2026-12-06T00:00:00.000Z')).toEqual(['n51', 'n50', 'n49', 'n48', 'n1']);
    // The next quiet one takes the earlier quiet one's place.
    store.insert(note(52, { quiet: 'paused' }));
    expect(store.list(100).map((n) => n.id)).toEqual(['n52', 'n50', 'n49', 'n48', 'n1']);
  });

  it('drops read ones before unread ones: a quiet notice left unread outlives every shown one already read', () => {
    const store = createNotificationStore(open(), 4);
    for (let i = 1; i <= 3; i++) store.insert(note(i));
    store.insert(note(4, { quiet: 'paused' }));
    store.markRead(['n1', 'n2', 'n3'], '2026-12-06T00:00:00.000Z');
    // Full of read shown ones: the unread quiet one stays, the oldest read one goes.
    store.insert(note(5));
    store.insert(note(6));
    expect(store.list(100).map((n) => `${n.id} ${n.readAt ? 'read' : 'unread'}`)).toEqual(['n6 unread', 'n5 unread', 'n4 unread', 'n3 read']);
    // With nothing read left, the unread quiet one goes before unread shown ones, and its
    // client, marking it read later, is answered that it is.
    store.insert(note(7));
    store.insert(note(8));
    expect(store.list(100).map((n) => n.id)).toEqual(['n8', 'n7', 'n6', 'n5']);
    expect(store.markRead(['n4'], '2026-12-06T00:01:00.000Z')).toEqual(['n4']);
  });

  it('knows which incidents were told opening and closing, across a reopen of the file', () => {
    const dir = makeTempDir();
    const db = openDatabase(join(dir, 'grove.db')).db;
    const store = createNotificationStore(db);
    store.insert(note(1, { kind: 'main.broken', severity: 'critical', target: { kind: 'incident', repoId: 'r1', incidentId: 'i1' } }));
    store.insert(note(2, { kind: 'main.recovered', target: { kind: 'incident', repoId: 'r1', incidentId: 'i1' } }));
    store.insert(note(3, { kind: 'main.broken', severity: 'critical', target: { kind: 'incident', repoId: 'r1', incidentId: 'i2' } }));
    store.insert(note(4));
    db.close();
    expect(createNotificationStore(openDatabase(join(dir, 'grove.db')).db).toldIncidents()).toEqual({ open: ['i1', 'i2'], closed: ['i1'] });
  });

  it('keeps the pause; one that is over reads as none', () => {
    const store = createNotificationStore(open());
    const now = new Date('2026-01-01T12:00:00.000Z');
    expect(currentSettings(store.pausedUntil(), 10, now)).toEqual({ pausedUntil: null, escalateAfterMinutes: 10 });
    store.setPausedUntil('2026-01-01T12:30:00.000Z');
    expect(currentSettings(store.pausedUntil(), 10, now)).toEqual({ pausedUntil: '2026-01-01T12:30:00.000Z', escalateAfterMinutes: 10 });
    expect(currentSettings(store.pausedUntil(), 10, new Date('2026-01-01T12:30:00.000Z'))).toEqual({ pausedUntil: null, escalateAfterMinutes: 10 });
    store.setPausedUntil(PAUSED_INDEFINITELY);
    expect(currentSettings(store.pausedUntil(), 10, now)).toEqual({ pausedUntil: PAUSED_INDEFINITELY, escalateAfterMinutes: 10 });
    store.setPausedUntil(null);
    expect(store.pausedUntil()).toBeNull();
  });

  it('keeps the escalation delay (10 minutes until set; 0 turns it off)', () => {
    const db = open();
    expect(createNotificationStore(db).escalateAfterMinutes()).toBe(10);
    createNotificationStore(db).setEscalateAfterMinutes(0);
    expect(createNotificationStore(db).escalateAfterMinutes()).toBe(0);
    createNotificationStore(db).setEscalateAfterMinutes(2.5);
    expect(createNotificationStore(db).escalateAfterMinutes()).toBe(2.5);
  });

  it('marks read what is named, or every unread one; never one twice; the read state is in the list', () => {
    const store = createNotificationStore(open());
    for (let i = 1; i <= 4; i++) store.insert(note(i));
    // One not kept (pruned, or never here) reads as read: no client can be left holding it unread.
    expect(store.markRead(['n2', 'n2', 'nope'], '2026-01-01T13:00:00.000Z')).toEqual(['n2', 'nope']);
    expect(store.markRead(['n2'], '2026-01-01T13:05:00.000Z')).toEqual([]);
    expect(store.list(10).map((n) => [n.id, n.readAt])).toEqual([
      ['n4', null],
      ['n3', null],
      ['n2', '2026-01-01T13:00:00.000Z'],
      ['n1', null],
    ]);
    expect(store.markRead(null, '2026-01-01T14:00:00.000Z')).toEqual(['n4', 'n3', 'n1']);
    expect(store.list(10).every((n) => n.readAt !== null)).toBe(true);
  });

  it('reads a notification stored before read state and workspaces existed as unread, about no workspace', () => {
    const db = open();
    const { workspace: _w, readAt: _r, ...old } = note(1);
    db.prepare('INSERT INTO notifications (id, at, payload) VALUES (?, ?, ?)').run(old.id, old.at, JSON.stringify(old));
    expect(createNotificationStore(db).list(1)[0]).toMatchObject({ id: 'n1', workspace: null, readAt: null });
  });
});
