import { describe, expect, it } from 'vitest';
import { incidentsOf, KEPT_INCIDENTS, upsertIncident } from '../../../../src/renderer/health/incident-list';
import { incident } from './incident-fixture';

describe('incident list', () => {
  it('adds incidents newest first and replaces one by its id', () => {
    const a = incident({ id: 'a', openedAt: '2026-03-01T00:00:00.000Z', closedAt: '2026-03-01T00:05:00.000Z' });
    const b = incident({ id: 'b', openedAt: '2026-03-02T00:00:00.000Z' });
    let list = upsertIncident(upsertIncident([], a), b);
    expect(list.map((i) => i.id)).toEqual(['b', 'a']);
    const learned = { ...b, commits: [{ sha: 'c', subject: 's', author: 'x', date: b.openedAt, via: null }] };
    list = upsertIncident(list, learned);
    expect(list).toEqual([learned, a]);
  });

  it('never reopens a closed incident with an older, open version that arrives late', () => {
    const closed = incident({ id: 'a', closedAt: '2026-03-02T10:05:00.000Z' });
    const list = [closed];
    expect(upsertIncident(list, incident({ id: 'a' }))).toEqual([closed]);
  });

  it('keeps at most KEPT_INCIDENTS', () => {
    let list = upsertIncident([], incident({ id: 'x0', openedAt: new Date(0).toISOString() }));
    for (let i = 1; i <= KEPT_INCIDENTS; i++) list = upsertIncident(list, incident({ id: `x${i}`, openedAt: new Date(i * 1000).toISOString() }));
    expect(list).toHaveLength(KEPT_INCIDENTS);
    expect(list.some((i) => i.id === 'x0')).toBe(false);
  });

  it("splits a repository's incidents into the open one and the closed ones", () => {
    const open = incident({ id: 'o', repoId: 'r1' });
    const closed = incident({ id: 'c', repoId: 'r1', closedAt: '2026-03-02T10:05:00.000Z' });
    const other = incident({ id: 'x', repoId: 'r2' });
    expect(incidentsOf([open, closed, other], 'r1')).toEqual({ open, closed: [closed] });
    expect(incidentsOf([closed], 'r1')).toEqual({ open: null, closed: [closed] });
  });
});
