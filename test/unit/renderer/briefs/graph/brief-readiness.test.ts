import { describe, expect, it } from 'vitest';
import {
  blockedByText,
  childrenByParent,
  furthestAlong,
  indexBriefs,
  progressOf,
  readinessOf,
  waitChainOf,
} from '../../../../../src/renderer/briefs/graph/brief-readiness';
import { idOf, summary } from './brief-graph-fixture';

describe('what can be dispatched now', () => {
  it('a planned brief whose dependencies are all done is dispatchable', () => {
    const briefs = [summary(1, { status: 'done' }), summary(2, { status: 'done' }), summary(3, { dependsOn: [1, 2] })];
    expect(readinessOf(briefs[2]!, indexBriefs(briefs))).toEqual({ kind: 'dispatchable' });
  });

  it('a planned brief with no dependencies is dispatchable; a draft is not, it needs planning first', () => {
    const briefs = [summary(1), summary(2, { status: 'draft' })];
    const index = indexBriefs(briefs);
    expect(readinessOf(briefs[0]!, index).kind).toBe('dispatchable');
    expect(readinessOf(briefs[1]!, index).kind).toBe('draft');
  });

  it('an epic is never dispatched itself, planned or not: its children are', () => {
    const briefs = [summary(1, { kind: 'epic' }), summary(2, { parent: 1 })];
    const index = indexBriefs(briefs);
    expect(readinessOf(briefs[0]!, index)).toEqual({ kind: 'epic' });
    expect(readinessOf(briefs[1]!, index)).toEqual({ kind: 'dispatchable' });
  });

  it('an unfinished, cancelled or unknown dependency blocks, and says which', () => {
    const briefs = [summary(1, { status: 'in_review' }), summary(2, { status: 'cancelled' }), summary(3, { status: 'done' })];
    const blocked = { ...summary(4, { dependsOn: [3, 2, 1] }), dependsOn: [idOf(3), idOf(2), idOf(1), 'elsewhere'] };
    const r = readinessOf(blocked, indexBriefs(briefs));
    expect(r.kind).toBe('blocked');
    if (r.kind !== 'blocked') return;
    expect(r.by.map((b) => b.number)).toEqual([1, 2, null]);
    expect(blockedByText(r.by)).toBe('blocked by #1, #2, 1 brief not shown');
  });

  it('a draft with an open dependency is blocked too; started and finished briefs are underway, whatever their dependencies', () => {
    const briefs = [summary(1, { status: 'in_progress' }), summary(2, { status: 'draft', dependsOn: [1] }), summary(3, { status: 'in_progress', dependsOn: [1] }), summary(4, { status: 'done' })];
    const index = indexBriefs(briefs);
    expect(readinessOf(briefs[1]!, index)).toEqual({ kind: 'blocked', by: [{ id: idOf(1), number: 1, status: 'in_progress' }] });
    expect(readinessOf(briefs[2]!, index).kind).toBe('underway');
    expect(readinessOf(briefs[3]!, index).kind).toBe('underway');
  });
});

describe('what waits on what', () => {
  it('follows the longest chain of unfinished dependencies, skipping done ones', () => {
    const briefs = [summary(1), summary(2, { dependsOn: [1] }), summary(3, { status: 'done' }), summary(4, { dependsOn: [2, 3] }), summary(5, { dependsOn: [4, 1] })];
    expect(waitChainOf(briefs[4]!, indexBriefs(briefs))).toEqual([4, 2, 1]);
    expect(waitChainOf(briefs[0]!, indexBriefs(briefs))).toEqual([]);
  });

  it('ends, without hanging, on data with a cycle (which the host refuses, but an import might carry)', () => {
    const briefs = [summary(1, { dependsOn: [3] }), summary(2, { dependsOn: [1] }), summary(3, { dependsOn: [2] }), summary(4, { dependsOn: [4] })];
    const index = indexBriefs(briefs);
    expect(waitChainOf(briefs[0]!, index)).toEqual([3, 2]);
    expect(waitChainOf(briefs[3]!, index)).toEqual([]);
    expect(readinessOf(briefs[3]!, index).kind).toBe('blocked');
  });
});

describe('epics', () => {
  it('progress counts done children of all children, cancelled ones left out', () => {
    const briefs = [
      summary(1, { kind: 'epic' }),
      summary(2, { parent: 1, status: 'done' }),
      summary(3, { parent: 1, status: 'cancelled' }),
      summary(4, { parent: 1, status: 'in_progress' }),
      summary(5, { parent: 1, status: 'done' }),
    ];
    expect(progressOf(childrenByParent(briefs).get(idOf(1))!)).toEqual({ done: 2, total: 3 });
    expect(progressOf([])).toEqual({ done: 0, total: 0 });
  });

  it('the epic furthest along has the highest share done, then the most done; one with no children is not a candidate', () => {
    const e = (n: number, done: number, total: number) => ({ brief: summary(n, { kind: 'epic' }), progress: { done, total } });
    expect(furthestAlong([e(1, 1, 4), e(2, 3, 4), e(3, 6, 8), e(4, 0, 0)])?.brief.number).toBe(3);
    expect(furthestAlong([e(1, 0, 0)])).toBeNull();
  });
});
