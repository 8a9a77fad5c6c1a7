import { describe, expect, it } from 'vitest';
import type { BriefSummary } from '../../../../src/shared/briefs';
import { applyChangedBrief, matchesFilters, NO_FILTERS } from '../../../../src/renderer/briefs/brief-list-merge';

function brief(number: number, updatedAt: string, over: Partial<BriefSummary> = {}): BriefSummary {
  return {
    id: `b${number}`, number, numberProvisional: false, title: `t${number}`, kind: 'feature', status: 'draft', projects: [{ name: 'flower', primary: true }], parentId: null, dependsOn: [], participants: [],
    createdAt: updatedAt, createdBy: { kind: 'operator', name: 'operator:mike' }, updatedAt, version: 1, linkCount: 0, ...over,
  };
}

describe('matchesFilters', () => {
  it('checks project, status and kind; leaves a search to the host', () => {
    const b = brief(1, '2026-01-01T00:00:00Z', { kind: 'bug', status: 'planned' });
    expect(matchesFilters(b, NO_FILTERS)).toBe(true);
    expect(matchesFilters(b, { ...NO_FILTERS, project: 'flower', kind: 'bug', status: 'planned' })).toBe(true);
    expect(matchesFilters(b, { ...NO_FILTERS, project: 'garden' })).toBe(false);
    expect(matchesFilters(b, { ...NO_FILTERS, status: 'done' })).toBe(false);
    expect(matchesFilters(b, { ...NO_FILTERS, kind: 'chore' })).toBe(false);
    expect(matchesFilters(b, { ...NO_FILTERS, query: 'x' })).toBeNull();
  });
});

describe('applyChangedBrief', () => {
  const list = [brief(2, '2026-01-02T00:00:00Z'), brief(1, '2026-01-01T00:00:00Z')];

  it('moves a changed brief to its place by latest activity, and adds a new one', () => {
    const moved = applyChangedBrief(list, brief(1, '2026-01-03T00:00:00Z', { version: 2 }), true);
    expect(moved.map((b) => b.number)).toEqual([1, 2]);
    expect(applyChangedBrief(list, brief(3, '2026-01-04T00:00:00Z'), true).map((b) => b.number)).toEqual([3, 2, 1]);
  });

  it('drops a brief that no longer matches, and never takes an older state over a newer one', () => {
    expect(applyChangedBrief(list, brief(2, '2026-01-05T00:00:00Z', { version: 2 }), false).map((b) => b.number)).toEqual([1]);
    const newer = [brief(2, '2026-01-02T00:00:00Z', { version: 5, title: 'new' })];
    expect(applyChangedBrief(newer, brief(2, '2026-01-01T00:00:00Z', { version: 4, title: 'old' }), true)[0]!.title).toBe('new');
  });
});
