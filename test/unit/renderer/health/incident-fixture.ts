import type { Incident } from '../../../../src/shared/incidents';

/** An open incident of repository r1: artisan failed right after MAIN moved from aaaa… to bbbb…. */
export const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'i1',
  repoId: 'r1',
  openedAt: '2026-03-02T10:00:00.000Z',
  closedAt: null,
  probes: [{ name: 'artisan', detail: 'exit 255', outputTail: 'PHP Fatal error' }],
  headAtOpen: 'b'.repeat(40),
  lastHealthyAt: '2026-03-02T09:58:00.000Z',
  lastHealthyHead: 'a'.repeat(40),
  commits: [],
  recovery: null,
  ...over,
});
