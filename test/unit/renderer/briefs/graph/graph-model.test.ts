import { describe, expect, it } from 'vitest';
import type { BriefSummary } from '../../../../../src/shared/briefs';
import { buildNeighbourhood, buildProjectGraph, MAX_SIBLINGS } from '../../../../../src/renderer/briefs/graph/graph-model';
import { layoutNeighbourhood, layoutProject, type Box } from '../../../../../src/renderer/briefs/graph/graph-layout';
import { fullBrief, idOf, summary } from './brief-graph-fixture';

/** 200 briefs as a project grows them: 5 epics of 30 children each, chains of dependencies inside and across epics, 45 loose briefs. */
function twoHundred(): BriefSummary[] {
  const out: BriefSummary[] = [];
  const statuses = ['done', 'done', 'in_progress', 'in_review', 'planned', 'planned', 'draft', 'cancelled'] as const;
  for (let e = 0; e < 5; e++) out.push(summary(e + 1, { kind: 'epic', status: 'in_progress', title: `Epic ${e + 1}` }));
  for (let n = 6; n <= 200; n++) {
    const epic = n <= 155 ? ((n - 6) % 5) + 1 : undefined;
    const dependsOn = n % 3 === 0 && n > 10 ? [n - 5] : n % 7 === 0 && n > 20 ? [n - 14, n - 3] : [];
    out.push(summary(n, { parent: epic, dependsOn, status: statuses[n % statuses.length], title: `A long title for brief number ${n} that needs truncating on screen` }));
  }
  return out;
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("a project's graph", () => {
  it('has dependency edges from what is needed to what needs it, epic edges, and what is dispatchable or blocked', () => {
    const m = buildProjectGraph([summary(3, { dependsOn: [2] }), summary(1, { kind: 'epic' }), summary(2, { parent: 1, status: 'in_progress' }), summary(4, { parent: 1, dependsOn: [99] }), summary(5)]);
    expect(m.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4, 5].map(idOf));
    expect(m.edges).toContainEqual({ id: `dep:${idOf(2)}>${idOf(3)}`, kind: 'dependency', from: idOf(2), to: idOf(3) });
    expect(m.edges).toContainEqual({ id: `child:${idOf(1)}>${idOf(2)}`, kind: 'child', from: idOf(1), to: idOf(2) });
    expect(m.edges.some((e) => e.from === idOf(99))).toBe(false);
    // The epic is planned with nothing to wait on, but an epic is not dispatched: its children are.
    expect(m.dispatchable.map((b) => b.number)).toEqual([5]);
    expect(m.blocked.map((b) => b.number)).toEqual([3, 4]);
    expect(m.epics).toEqual([{ brief: expect.objectContaining({ number: 1 }), progress: { done: 0, total: 2 } }]);
    expect(m.epicOf.get(idOf(2))).toBe(idOf(1));
    expect(m.epicOf.get(idOf(3))).toBeNull();
  });

  it('200 briefs in 5 epics lay out quickly, every position finite, no two nodes overlapping', () => {
    const briefs = twoHundred();
    const started = performance.now();
    const model = buildProjectGraph(briefs);
    const layout = layoutProject(model, 1440 / 800);
    const took = performance.now() - started;
    expect(took).toBeLessThan(2_000);
    expect(layout.nodes.size).toBe(200);
    expect(layout.sections.map((s) => s.epicId)).toEqual([1, 2, 3, 4, 5].map(idOf).concat([null as unknown as string]));
    const boxes = [...layout.nodes.values()];
    for (const b of boxes) for (const v of [b.x, b.y, b.width, b.height]) expect(Number.isFinite(v)).toBe(true);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!), `nodes ${i} and ${j} overlap`).toBe(false);
    for (const e of layout.edges) for (const p of e.points) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
    expect(layout.edges.filter((e) => e.kind === 'dependency')).toHaveLength(model.edges.filter((e) => e.kind === 'dependency').length);
    // Shaped for the screen, not a 16,000-unit column.
    expect(layout.width / layout.height).toBeGreaterThan(0.8);
    expect(layout.width / layout.height).toBeLessThan(4);
  });

  it('lays out data with a cycle and self-dependencies without hanging', () => {
    const briefs = [summary(1, { dependsOn: [3] }), summary(2, { dependsOn: [1] }), summary(3, { dependsOn: [2] }), summary(4, { dependsOn: [4], parent: 4 })];
    const layout = layoutProject(buildProjectGraph(briefs));
    expect(layout.nodes.size).toBe(4);
    for (const b of layout.nodes.values()) expect(Number.isFinite(b.x + b.y)).toBe(true);
  });

  it('an empty project has an empty layout', () => {
    const layout = layoutProject(buildProjectGraph([]));
    expect(layout.nodes.size).toBe(0);
    expect(layout.sections).toEqual([]);
  });
});

describe("a brief's neighbourhood", () => {
  const briefs = [
    summary(1, { kind: 'epic', status: 'in_progress' }),
    summary(2, { parent: 1, status: 'done' }),
    summary(3, { parent: 1, dependsOn: [2, 5] }),
    summary(4, { parent: 1, dependsOn: [3] }),
    summary(5, { status: 'in_review' }),
    summary(6),
    summary(7, { dependsOn: [6] }),
  ];

  it('has its epic, siblings, dependencies, dependants, linked briefs and other links', () => {
    const focus = fullBrief(briefs[2]!, [{ type: 'lane', target: 'flower-design' }, { type: 'brief', target: '#6' }, { type: 'merge', target: 'abc123' }]);
    const m = buildNeighbourhood(focus, briefs);
    const roles = Object.fromEntries(m.nodes.flatMap((n) => (n.kind === 'brief' ? [[n.brief.number, n.role]] : [])));
    expect(roles).toEqual({ 3: 'focus', 1: 'epic', 2: 'dependency', 4: 'dependant', 5: 'dependency', 6: 'linked' });
    expect(m.nodes.filter((n) => n.kind === 'link').map((n) => n.kind === 'link' && n.link.type)).toEqual(['lane', 'merge']);
    const edgeIds = m.edges.map((e) => e.id);
    expect(edgeIds).toEqual(expect.arrayContaining([`dep:${idOf(5)}>${idOf(3)}`, `dep:${idOf(3)}>${idOf(4)}`, `dep:${idOf(2)}>${idOf(3)}`, `child:${idOf(1)}>${idOf(3)}`, `link:${idOf(3)}>${idOf(6)}`]));
    const focusNode = m.nodes.find((n) => n.id === idOf(3));
    expect(focusNode?.kind === 'brief' && focusNode.readiness).toEqual({ kind: 'blocked', by: [{ id: idOf(5), number: 5, status: 'in_review' }] });
    const layout = layoutNeighbourhood(m);
    expect(layout.nodes.size).toBe(m.nodes.length);
    expect(layout.nodes.get(idOf(5))!.x).toBeLessThan(layout.nodes.get(idOf(3))!.x);
    expect(layout.nodes.get(idOf(4))!.x).toBeGreaterThan(layout.nodes.get(idOf(3))!.x);
  });

  it('an epic in focus shows its children and their progress; a crowd of siblings is capped and counted', () => {
    const crowd = [summary(1, { kind: 'epic' }), ...Array.from({ length: 30 }, (_, i) => summary(i + 2, { parent: 1, status: i < 10 ? 'done' : 'planned' }))];
    const epic = buildNeighbourhood(fullBrief(crowd[0]!), crowd);
    expect(epic.nodes.filter((n) => n.kind === 'brief' && n.role === 'child')).toHaveLength(30);
    const focus = epic.nodes.find((n) => n.id === idOf(1));
    expect(focus?.kind === 'brief' && focus.progress).toEqual({ done: 10, total: 30 });
    const child = buildNeighbourhood(fullBrief(crowd[5]!), crowd);
    expect(child.nodes.filter((n) => n.kind === 'brief' && n.role === 'sibling')).toHaveLength(MAX_SIBLINGS);
    expect(child.moreSiblings).toBe(29 - MAX_SIBLINGS);
  });

  it('a sibling that is also a dependency or a dependant is drawn as that, and is not counted among the siblings', () => {
    const family = [summary(1, { kind: 'epic' }), summary(2, { parent: 1 }), summary(3, { parent: 1, dependsOn: [2] }), summary(4, { parent: 1, dependsOn: [3] }), summary(5, { parent: 1 })];
    const m = buildNeighbourhood(fullBrief(family[2]!), family);
    const roles = Object.fromEntries(m.nodes.flatMap((n) => (n.kind === 'brief' ? [[n.brief.number, n.role]] : [])));
    expect(roles).toEqual({ 1: 'epic', 2: 'dependency', 3: 'focus', 4: 'dependant', 5: 'sibling' });
    expect(m.edges.filter((e) => e.kind === 'child')).toHaveLength(4);
  });

  it('a brief alone is a graph of one', () => {
    const m = buildNeighbourhood(fullBrief(summary(9)), []);
    expect(m.nodes).toHaveLength(1);
    expect(layoutNeighbourhood(m).nodes.get(idOf(9))).toEqual(expect.objectContaining({ width: 216 }));
  });
});
