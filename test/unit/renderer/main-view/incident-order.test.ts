import { describe, expect, it } from 'vitest';
import { incidentsForHealth } from '../../../../src/renderer/main-view/incident-order';
import { incident } from '../health/incident-fixture';

describe('incidents across repositories', () => {
  it('lists every open incident first, longest broken first, then the most recently recovered', () => {
    const list = [
      incident({ id: 'closed-old', repoId: 'r1', openedAt: '2026-03-01T08:00:00.000Z', closedAt: '2026-03-01T08:10:00.000Z' }),
      incident({ id: 'open-new', repoId: 'r2', openedAt: '2026-03-02T12:00:00.000Z' }),
      incident({ id: 'closed-late', repoId: 'r2', openedAt: '2026-03-01T07:00:00.000Z', closedAt: '2026-03-02T09:00:00.000Z' }),
      incident({ id: 'open-old', repoId: 'r1', openedAt: '2026-03-02T10:00:00.000Z' }),
    ];
    const { open, closed } = incidentsForHealth(list, 10);
    expect(open.map((i) => i.id)).toEqual(['open-old', 'open-new']);
    expect(closed.map((i) => i.id)).toEqual(['closed-late', 'closed-old']);
  });

  it('keeps only the most recent closed incidents, never dropping an open one', () => {
    const list = [
      incident({ id: 'c1', closedAt: '2026-03-02T10:01:00.000Z' }),
      incident({ id: 'c2', closedAt: '2026-03-02T10:02:00.000Z' }),
      incident({ id: 'o1', repoId: 'r2' }),
      incident({ id: 'o2', repoId: 'r3' }),
    ];
    const { open, closed } = incidentsForHealth(list, 1);
    expect(open).toHaveLength(2);
    expect(closed.map((i) => i.id)).toEqual(['c2']);
  });
});
