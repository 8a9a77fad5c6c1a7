import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphModel, GraphNode, ProjectGraphModel } from './graph-model';

/**
 * Where each node and edge of a graph goes, computed with dagre (a layered layout that
 * needs no DOM, so positions are unit-tested). Coordinates are the SVG's user units.
 *
 * A project of 200 briefs as one layered graph is a column (or a row) thousands of units
 * long, since most briefs share a rank. So a project is laid out in sections, one per epic
 * (its header is the epic itself, with its progress) and one for briefs in no epic; inside a
 * section each group of briefs connected by dependencies is laid out by dagre, and the groups
 * are packed in rows to a width that suits the screen's shape. Dependencies between sections
 * are drawn straight from one node to the other.
 */

export interface Point {
  x: number;
  y: number;
}
/** A node's box, top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface LaidOutEdge extends GraphEdge {
  points: Point[];
  /** Drawn straight across sections (over other nodes), so faint until its node is pointed at. */
  across?: boolean;
}
export interface LaidOutSection {
  /** The epic this section is (its header is the epic's node), or null for briefs in no epic. */
  epicId: string | null;
  box: Box;
}
export interface GraphLayout {
  nodes: Map<string, Box>;
  edges: LaidOutEdge[];
  sections: LaidOutSection[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 216;
export const NODE_HEIGHT = 64;
export const LINK_HEIGHT = 44;
export const HEADER_HEIGHT = 64;
const RANK_SEP = 56;
const NODE_SEP = 14;
const GAP = 20;
const SECTION_PAD = 12;
const SECTION_GAP = 24;

const sizeOf = (n: GraphNode): { width: number; height: number } => ({ width: NODE_WIDTH, height: n.kind === 'link' ? LINK_HEIGHT : NODE_HEIGHT });

interface Layered {
  nodes: Map<string, Box>;
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

/** dagre, left to right (work flows from what is needed to what needs it), origin at 0,0. */
export function layoutLayered(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Layered {
  // A brief on its own needs no layout (and most of a project's are on their own: dagre's setup per call adds up).
  if (nodes.length === 1 && edges.every((e) => e.from === e.to)) {
    const size = sizeOf(nodes[0]!);
    return { nodes: new Map([[nodes[0]!.id, { x: 0, y: 0, ...size }]]), edges: [], width: size.width, height: size.height };
  }
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', ranksep: RANK_SEP, nodesep: NODE_SEP, edgesep: 8, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, sizeOf(n));
  const drawn = edges.filter((e) => e.from !== e.to && g.hasNode(e.from) && g.hasNode(e.to));
  for (const e of drawn) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const out = new Map<string, Box>();
  let width = 0;
  let height = 0;
  for (const n of nodes) {
    const l = g.node(n.id) as { x: number; y: number; width: number; height: number };
    const box = { x: l.x - l.width / 2, y: l.y - l.height / 2, width: l.width, height: l.height };
    out.set(n.id, box);
    width = Math.max(width, box.x + box.width);
    height = Math.max(height, box.y + box.height);
  }
  const laidEdges = drawn.map((e) => {
    const points = ((g.edge(e.from, e.to) as { points?: Point[] } | undefined)?.points ?? []).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    return { ...e, points: points.length >= 2 ? points : straight(out.get(e.from)!, out.get(e.to)!) };
  });
  return { nodes: out, edges: laidEdges, width, height };
}

/** A brief's neighbourhood: small, so one layered layout. */
export function layoutNeighbourhood(model: GraphModel): GraphLayout {
  const l = layoutLayered(model.nodes, model.edges);
  return { ...l, sections: [] };
}

/** Groups of node ids joined by edges (union-find), each group's ids in their given order. */
function componentsOf(ids: readonly string[], edges: readonly GraphEdge[]): string[][] {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const e of edges) if (parent.has(e.from) && parent.has(e.to)) parent.set(find(e.from), find(e.to));
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const root = find(id);
    const g = groups.get(root);
    if (g) g.push(id);
    else groups.set(root, [id]);
  }
  return [...groups.values()];
}

/**
 * A project's graph in sections. `aspect` is the view's width over its height: the rows are
 * packed so the whole graph has about that shape, so fit-to-view wastes little room.
 */
export function layoutProject(model: ProjectGraphModel, aspect = 16 / 10): GraphLayout {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const epicIds = new Set(model.epics.map((e) => e.brief.id));
  const deps = model.edges.filter((e) => e.kind === 'dependency');
  const sectionKeys: (string | null)[] = [...model.epics.map((e) => e.brief.id), null];
  const members = new Map<string | null, string[]>(sectionKeys.map((k) => [k, []]));
  for (const n of model.nodes) {
    if (epicIds.has(n.id)) continue;
    members.get(model.epicOf.get(n.id) ?? null)!.push(n.id);
  }

  // Each section's groups, laid out on their own.
  const groups = new Map<string | null, Layered[]>();
  let area = 0;
  let widest = NODE_WIDTH;
  for (const key of sectionKeys) {
    const ids = members.get(key)!;
    const inside = new Set(ids);
    const sectionDeps = deps.filter((e) => inside.has(e.from) && inside.has(e.to));
    const laid = componentsOf(ids, sectionDeps)
      .map((ids) => {
        const set = new Set(ids);
        return layoutLayered(ids.map((id) => byId.get(id)!), sectionDeps.filter((e) => set.has(e.from)));
      })
      // Bigger groups first; single briefs fill the rows after them, in number order.
      .sort((a, b) => b.nodes.size - a.nodes.size);
    groups.set(key, laid);
    for (const l of laid) {
      area += (l.width + GAP) * (l.height + GAP);
      widest = Math.max(widest, l.width);
    }
    if (key !== null || ids.length > 0) area += (HEADER_HEIGHT + SECTION_GAP) * NODE_WIDTH;
  }
  const column = NODE_WIDTH + GAP;
  const innerWidth = Math.max(widest, Math.ceil(Math.sqrt(area * Math.max(0.3, aspect)) / column) * column - GAP);

  const nodes = new Map<string, Box>();
  const edges: LaidOutEdge[] = [];
  const sections: LaidOutSection[] = [];
  let y = 0;
  for (const key of sectionKeys) {
    const laid = groups.get(key)!;
    if (key === null && laid.length === 0) continue;
    const top = y;
    const header: Box = { x: SECTION_PAD, y: top + SECTION_PAD, width: Math.min(innerWidth, 2 * NODE_WIDTH + GAP), height: HEADER_HEIGHT };
    if (key !== null) nodes.set(key, header);
    let rowX = 0;
    let rowY = top + SECTION_PAD + HEADER_HEIGHT + GAP;
    let rowHeight = 0;
    for (const l of laid) {
      if (rowX > 0 && rowX + l.width > innerWidth) {
        rowX = 0;
        rowY += rowHeight + GAP;
        rowHeight = 0;
      }
      const dx = SECTION_PAD + rowX;
      const dy = rowY;
      for (const [id, b] of l.nodes) nodes.set(id, { ...b, x: b.x + dx, y: b.y + dy });
      for (const e of l.edges) edges.push({ ...e, points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) });
      rowX += l.width + GAP;
      rowHeight = Math.max(rowHeight, l.height);
    }
    const bottom = laid.length > 0 ? rowY + rowHeight + SECTION_PAD : top + SECTION_PAD + HEADER_HEIGHT + SECTION_PAD;
    sections.push({ epicId: key, box: { x: 0, y: top, width: innerWidth + 2 * SECTION_PAD, height: bottom - top } });
    y = bottom + SECTION_GAP;
  }

  // Dependencies across sections (and to or from an epic), and an epic's place under its parent epic.
  const drawn = new Set(edges.map((e) => e.id));
  for (const e of model.edges) {
    if (drawn.has(e.id)) continue;
    const isNestedEpic = e.kind === 'child' && epicIds.has(e.to);
    if (e.kind !== 'dependency' && !isNestedEpic) continue;
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    if (from && to) edges.push({ ...e, points: straight(from, to), across: true });
  }
  return { nodes, edges, sections, width: innerWidth + 2 * SECTION_PAD, height: Math.max(0, y - SECTION_GAP) };
}

const centre = (b: Box): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** Where the line from a box's centre towards `towards` leaves the box. */
function exitPoint(b: Box, towards: Point): Point {
  const c = centre(b);
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const t = Math.min(dx === 0 ? Infinity : b.width / 2 / Math.abs(dx), dy === 0 ? Infinity : b.height / 2 / Math.abs(dy));
  return { x: c.x + dx * t, y: c.y + dy * t };
}

function straight(from: Box, to: Box): Point[] {
  return [exitPoint(from, centre(to)), exitPoint(to, centre(from))];
}
