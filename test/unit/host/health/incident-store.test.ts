import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createIncidentStore } from '../../../../src/host/health/incident-store';
import type { Incident } from '../../../../src/shared/incidents';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/** The incident log in a real SQLite file: the open one, newest first, bounded closed ones. */
afterEach(removeTempDirs);

function open(path = join(makeTempDir(), 'grove.db')) {
  const { db } = openDatabase(path);
  for (const id of ['r1', 'r2']) db.prepare("INSERT OR IGNORE INTO repos (id, name, main_path, added_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')").run(id, id, `/srv/${id}`);
  return { db, path };
}

function incident(id: string, repoId: string, minute: number, closed: boolean): Incident {
  const at = (m: number) => new Date(Date.UTC(2026, 2, 1, 10, m)).toISOString();
  return {
    id,
    repoId,
    openedAt: at(minute),
    closedAt: closed ? at(minute + 1) : null,
    probes: [{ name: 'artisan', detail: 'exit 255', outputTail: 'PHP Fatal error' }],
    headAtOpen: 'b'.repeat(40),
    lastHealthyAt: null,
    lastHealthyHead: null,
    commits: [],
    recovery: closed ? { at: at(minute + 1), head: 'c'.repeat(40), how: 'the probes pass again; MAIN did not change', commits: [] } : null,
  };
}

describe('incident store', () => {
  it('finds the open incident, updates it as it learns more and closes, and keeps it across a reopen', () => {
    const { db, path } = open();
    const store = createIncidentStore(db);
    store.save(incident('i1', 'r1', 0, false));
    expect(store.openOf('r1')!.id).toBe('i1');
    expect(store.openOf('r2')).toBeNull();
    store.save({ ...incident('i1', 'r1', 0, false), commits: [{ sha: 'b'.repeat(40), subject: 'bad', author: 'Ada', date: '2026-03-01T09:59:00Z', via: null }] });
    expect(store.get('i1')!.commits).toHaveLength(1);
    store.save(incident('i1', 'r1', 0, true));
    expect(store.openOf('r1')).toBeNull();
    db.close();
    const reopened = createIncidentStore(openDatabase(path).db);
    expect(reopened.get('i1')).toEqual(incident('i1', 'r1', 0, true));
    expect(reopened.get('nope')).toBeUndefined();
  });

  it('lists newest first, per repository or all', () => {
    const store = createIncidentStore(open().db);
    store.save(incident('i1', 'r1', 0, true));
    store.save(incident('i2', 'r2', 5, true));
    store.save(incident('i3', 'r1', 10, false));
    expect(store.list('r1', 10).map((i) => i.id)).toEqual(['i3', 'i1']);
    expect(store.list(undefined, 10).map((i) => i.id)).toEqual(['i3', 'i2', 'i1']);
    expect(store.list(undefined, 1).map((i) => i.id)).toEqual(['i3']);
  });

  it('keeps the newest closed incidents per repository up to the limit, and always the open one', () => {
    const store = createIncidentStore(open().db, { keepClosed: 3 });
    store.save(incident('open', 'r1', 0, false)); // the oldest of all, still open
    for (let i = 1; i <= 6; i++) store.save(incident(`c${i}`, 'r1', i * 2, true));
    store.save(incident('other', 'r2', 1, true));
    expect(store.list('r1', 100).map((i) => i.id)).toEqual(['c6', 'c5', 'c4', 'open']);
    expect(store.list('r2', 100).map((i) => i.id)).toEqual(['other']);
  });
});
