import type { Brief, BriefLink, BriefSummary } from '../../../shared/briefs';
import { parseBriefRef } from '../../../shared/brief-constants';
import {
  childrenByParent,
  furthestAlong,
  indexBriefs,
  isEpic,
  progressOf,
  readinessOf,
  waitChainOf,
  type Progress,
  type Readiness,
} from './brief-readiness';

/**
 * The graphs as data: which nodes and edges a project's dependency graph and a brief's
 * neighbourhood have, each node with what it says (status, dispatchable or blocked, what it
 * waits on, an epic's progress). Layout is graph-layout.ts; drawing is graph-canvas.tsx.
 */

/** Where a brief sits relative to the one in focus (a project's graph has no focus: all are `member`). */
export type NodeRole = 'focus' | 'epic' | 'sibling' | 'child' | 'dependency' | 'dependant' | 'linked' | 'member';

export interface BriefNode {
  kind: 'brief';
  id: string;
  brief: BriefSummary;
  role: NodeRole;
  readiness: Readiness;
  /** Numbers of the longest chain of unfinished dependencies, nearest first. */
  waitsOn: number[];
  /** For an epic: its children's progress; null for any other brief. */
  progress: Progress | null;
}

/** A link of the focused brief to something that is not a brief: a lane, a merge, an incident, a commit, a URL. */
export interface LinkNode {
  kind: 'link';
  id: string;
  link: BriefLink;
}

export type GraphNode = BriefNode | LinkNode;

/**
 * Edges point the way work flows: from a dependency to the brief that waits on it, from an
 * epic to its child, from the focused brief to what it links to.
 */
export interface GraphEdge {
  id: string;
  kind: 'dependency' | 'child' | 'link';
  from: string;
  to: string;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface EpicSummary {
  brief: BriefSummary;
  progress: Progress;
}

export interface ProjectGraphModel extends GraphModel {
  /** Each epic with its children, in number order; `epicOf` names the section a brief sits in. */
  epics: EpicSummary[];
  epicOf: Map<string, string | null>;
  dispatchable: BriefSummary[];
  blocked: BriefSummary[];
  furthest: EpicSummary | null;
}

function briefNode(brief: BriefSummary, role: NodeRole, ctx: Ctx): BriefNode {
  const children = ctx.children.get(brief.id);
  return {
    kind: 'brief',
    id: brief.id,
    brief,
    role,
    readiness: readinessOf(brief, ctx.index),
    waitsOn: waitChainOf(brief, ctx.index, ctx.chains),
    progress: isEpic(brief, ctx.children) ? progressOf(children ?? []) : null,
  };
}

interface Ctx {
  index: Map<string, BriefSummary>;
  children: Map<string, BriefSummary[]>;
  chains: Map<string, string[]>;
}

const contextOf = (briefs: readonly BriefSummary[]): Ctx => ({ index: indexBriefs(briefs), children: childrenByParent(briefs), chains: new Map() });
const byNumber = (a: BriefSummary, b: BriefSummary): number => a.number - b.number;

/** Dependency edges among the briefs in view; a dependency on a brief not in view has no edge (its node says "not shown"). */
function dependencyEdges(briefs: readonly BriefSummary[], inView: ReadonlySet<string>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const b of briefs) {
    for (const dep of new Set(b.dependsOn)) {
      if (dep === b.id || !inView.has(dep)) continue;
      edges.push({ id: `dep:${dep}>${b.id}`, kind: 'dependency', from: dep, to: b.id });
    }
  }
  return edges;
}

/**
 * A project's graph: every brief of the project (the list's summaries, which the caller
 * filtered by project), with dependency and epic→child edges, what is dispatchable now,
 * what is blocked, and each epic's progress.
 */
export function buildProjectGraph(briefs: readonly BriefSummary[]): ProjectGraphModel {
  const sorted = [...briefs].sort(byNumber);
  const ctx = contextOf(sorted);
  const nodes = sorted.map((b) => briefNode(b, 'member', ctx));
  const inView = new Set(ctx.index.keys());
  const edges = dependencyEdges(sorted, inView);
  for (const b of sorted) {
    if (b.parentId && b.parentId !== b.id && inView.has(b.parentId)) edges.push({ id: `child:${b.parentId}>${b.id}`, kind: 'child', from: b.parentId, to: b.id });
  }
  const epics = nodes.filter((n) => n.progress !== null).map((n) => ({ brief: n.brief, progress: n.progress! }));
  const epicIds = new Set(epics.map((e) => e.brief.id));
  const epicOf = new Map(sorted.map((b) => [b.id, b.parentId && epicIds.has(b.parentId) && b.parentId !== b.id ? b.parentId : null]));
  return {
    nodes,
    edges,
    epics,
    epicOf,
    dispatchable: nodes.filter((n) => n.readiness.kind === 'dispatchable').map((n) => n.brief),
    blocked: nodes.filter((n) => n.readiness.kind === 'blocked').map((n) => n.brief),
    furthest: furthestAlong(epics),
  };
}

/** At most this many siblings are drawn around a brief; the rest are counted. */
export const MAX_SIBLINGS = 12;

export interface NeighbourhoodModel extends GraphModel {
  focusId: string;
  /** Siblings left out past MAX_SIBLINGS. */
  moreSiblings: number;
}

/**
 * A brief's neighbourhood: its epic, siblings, children, dependencies and dependants, the
 * briefs it links to, and its other links (lanes, merges, incidents, commits, URLs). The
 * focused brief is the full Brief (for its links); the rest are summaries from the list.
 */
export function buildNeighbourhood(focus: Brief, briefs: readonly BriefSummary[]): NeighbourhoodModel {
  const focusSummary: BriefSummary = { ...stripFocus(focus), linkCount: focus.links.length };
  const all = [...briefs.filter((b) => b.id !== focus.id), focusSummary];
  const ctx = contextOf(all);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const add = (b: BriefSummary, role: NodeRole): void => {
    if (!nodes.has(b.id)) nodes.set(b.id, briefNode(b, role, ctx));
  };
  const edge = (e: GraphEdge): void => void edges.set(e.id, e);

  add(focusSummary, 'focus');
  const parent = focus.parentId && focus.parentId !== focus.id ? ctx.index.get(focus.parentId) : undefined;
  if (parent) {
    add(parent, 'epic');
    edge({ id: `child:${parent.id}>${focus.id}`, kind: 'child', from: parent.id, to: focus.id });
  }
  for (const c of [...(ctx.children.get(focus.id) ?? [])].sort(byNumber)) {
    add(c, 'child');
    edge({ id: `child:${focus.id}>${c.id}`, kind: 'child', from: focus.id, to: c.id });
  }
  for (const id of new Set(focus.dependsOn)) {
    const dep = ctx.index.get(id);
    if (!dep || id === focus.id) continue;
    add(dep, 'dependency');
    edge({ id: `dep:${id}>${focus.id}`, kind: 'dependency', from: id, to: focus.id });
  }
  for (const b of all) {
    if (b.id === focus.id || !b.dependsOn.includes(focus.id)) continue;
    add(b, 'dependant');
    edge({ id: `dep:${focus.id}>${b.id}`, kind: 'dependency', from: focus.id, to: b.id });
  }
  for (const link of focus.links) {
    const target = link.type === 'brief' ? resolveBriefRef(link.target, ctx.index) : undefined;
    if (target && target.id !== focus.id) {
      add(target, 'linked');
      edge({ id: `link:${focus.id}>${target.id}`, kind: 'link', from: focus.id, to: target.id });
    } else if (!target) {
      const id = `link:${link.id}`;
      nodes.set(id, { kind: 'link', id, link });
      edge({ id: `link:${focus.id}>${id}`, kind: 'link', from: focus.id, to: id });
    }
  }
  // Siblings last: one that is also a dependency, a dependant or linked is drawn as that, the relation that says more.
  let moreSiblings = 0;
  if (parent) {
    const siblings = (ctx.children.get(parent.id) ?? []).filter((s) => s.id !== focus.id).sort(byNumber);
    const others = siblings.filter((s) => !nodes.has(s.id));
    moreSiblings = Math.max(0, others.length - MAX_SIBLINGS);
    const drawn = new Set(others.slice(0, MAX_SIBLINGS).map((s) => s.id));
    for (const s of siblings) {
      if (drawn.has(s.id)) add(s, 'sibling');
      if (nodes.has(s.id)) edge({ id: `child:${parent.id}>${s.id}`, kind: 'child', from: parent.id, to: s.id });
    }
  }
  // Dependencies among the briefs already drawn (two siblings, say) are edges too.
  for (const e of dependencyEdges([...nodes.values()].flatMap((n) => (n.kind === 'brief' ? [n.brief] : [])), new Set(nodes.keys()))) edge(e);

  return { nodes: [...nodes.values()], edges: [...edges.values()], focusId: focus.id, moreSiblings };
}

function stripFocus(focus: Brief): Omit<Brief, 'spec' | 'links' | 'attachments'> {
  const { spec: _spec, links: _links, attachments: _attachments, ...rest } = focus;
  return rest;
}

/** A brief link's target: `#N`, `N` or an id (the host stores the id). */
function resolveBriefRef(target: string, index: ReadonlyMap<string, BriefSummary>): BriefSummary | undefined {
  const ref = parseBriefRef(target);
  if (ref.kind === 'id') return index.get(ref.id);
  for (const b of index.values()) if (b.number === ref.number) return b;
  return undefined;
}
