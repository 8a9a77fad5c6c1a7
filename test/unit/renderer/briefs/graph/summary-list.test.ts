import { describe, expect, it } from 'vitest';
import { withSummary } from '../../../../../src/renderer/briefs/graph/summary-list';
import { idOf, summary } from './brief-graph-fixture';

describe("the graphs' list kept current from brief.changed", () => {
  const list = [summary(1), summary(2, { dependsOn: [1] })];

  it('replaces a brief whose drawing changes (status, dependencies, title) and adds a new one', () => {
    const moved = withSummary(list, summary(1, { status: 'done' }));
    expect(moved.map((b) => b.status)).toEqual(['done', 'planned']);
    expect(withSummary(list, { ...list[1]!, dependsOn: [] })[1]!.dependsOn).toEqual([]);
    expect(withSummary(list, summary(3)).map((b) => b.id)).toEqual([1, 2, 3].map(idOf));
  });

  it('keeps the same list when nothing drawn changed (a note adds a version, not a node), so nothing is laid out again', () => {
    expect(withSummary(list, { ...list[1]!, version: 7, updatedAt: '2026-12-03T10:00:00.000Z', linkCount: 2 })).toBe(list);
  });
});
