import { describe, expect, it } from 'vitest';
import { buildNeighbourhood, buildProjectGraph, type BriefNode } from '../../../../../src/renderer/briefs/graph/graph-model';
import { describeNode, footOf, truncate } from '../../../../../src/renderer/briefs/graph/graph-text';
import { fullBrief, idOf, summary } from './brief-graph-fixture';

const nodeOf = (nodes: ReturnType<typeof buildProjectGraph>['nodes'], n: number): BriefNode => nodes.find((x) => x.id === idOf(n)) as BriefNode;

describe('what a node says', () => {
  const m = buildProjectGraph([
    summary(1, { kind: 'epic', status: 'in_progress', title: 'Graphs' }),
    summary(2, { parent: 1, status: 'done' }),
    summary(3, { parent: 1, status: 'in_progress' }),
    summary(4, { dependsOn: [3], title: 'Draw the legend' }),
    summary(5, { dependsOn: [4], title: 'Screenshot it' }),
    summary(6, { status: 'draft' }),
    summary(7, { status: 'in_review' }),
  ]);

  it('its bottom line says what to do: dispatch it, what blocks it, plan it, or how far the epic is', () => {
    expect(footOf(nodeOf(m.nodes, 2))).toBe('');
    expect(footOf(nodeOf(m.nodes, 1))).toBe('1 of 2 done');
    expect(footOf(nodeOf(m.nodes, 4))).toBe('blocked by #3');
    expect(footOf(nodeOf(m.nodes, 6))).toBe('draft: plan it first');
    expect(footOf(buildProjectGraph([summary(8)]).nodes[0] as BriefNode)).toBe('ready to dispatch');
  });

  it('its accessible name (and tooltip) is the whole story: number, full title, status, blockers and the chain it waits on', () => {
    expect(describeNode(nodeOf(m.nodes, 5))).toBe('#5 Screenshot it, planned, blocked by #4, waits on #4 → #3');
    expect(describeNode(nodeOf(m.nodes, 1))).toBe('#1 Graphs, epic, in progress, 1 of 2 done');
    expect(describeNode(nodeOf(m.nodes, 7))).toBe('#7 Brief 7, in review');
    // A number the shared store has not given yet says so.
    const provisional = buildProjectGraph([{ ...summary(8), numberProvisional: true }]).nodes[0] as BriefNode;
    expect(describeNode(provisional)).toBe('#8 Brief 8, planned, provisional: the shared store numbers it at its first push, ready to dispatch');
  });

  it('in a neighbourhood it also says where the brief stands relative to the one in focus', () => {
    const briefs = [summary(1), summary(2, { dependsOn: [1] })];
    const n = buildNeighbourhood(fullBrief(briefs[1]!), briefs);
    expect(describeNode(n.nodes.find((x) => x.id === idOf(1)) as BriefNode)).toBe('#1 Brief 1, planned, needed first, ready to dispatch');
    expect(describeNode(n.nodes.find((x) => x.id === idOf(2)) as BriefNode)).toBe('#2 Brief 2, planned, this brief, blocked by #1');
  });
});

describe('truncate', () => {
  it('cuts long titles at a word with an ellipsis, and leaves short ones whole', () => {
    expect(truncate('Short title', 29)).toBe('Short title');
    expect(truncate('Make the recall of a brief fit in four thousand tokens', 29)).toBe('Make the recall of a brief…');
    expect(truncate('Averyveryverylongwordwithoutspacesatall', 12)).toBe('Averyveryve…');
    expect(truncate('  spaced\n\nout  ', 29)).toBe('spaced out');
  });
});
