import type { BriefStatusName } from '../../../shared/brief-constants';
import type { BriefSummary } from '../../../shared/briefs';

/**
 * What the graphs say about a brief beyond its status: whether it can be dispatched now,
 * what it waits on, and how far an epic has come. Plain functions over summaries (no React,
 * no DOM) so the rules are unit-tested.
 *
 * The rule: a brief is dispatchable when it is `planned` and every dependency is `done`
 * (an epic never is: its children are dispatched, not it). A
 * draft is not (nobody has agreed to it yet); a cancelled dependency still blocks, since it
 * will never be done and someone has to decide what happens instead. A dependency that is
 * not among the summaries (another project, or deleted) is unknown, so it blocks too.
 */

/** A dependency standing in the way: its number and status, or null for one not in view. */
export interface Blocker {
  id: string;
  number: number | null;
  status: BriefStatusName | null;
}

export type Readiness =
  | { kind: 'dispatchable' }
  /** Draft or planned, with dependencies not done. */
  | { kind: 'blocked'; by: Blocker[] }
  /** Draft with every dependency done: someone has to plan it first. */
  | { kind: 'draft' }
  /** Started, finished or cancelled: dispatch no longer applies. */
  | { kind: 'underway' }
  /** An epic is not dispatched: its children are. */
  | { kind: 'epic' };

export type BriefIndex = ReadonlyMap<string, BriefSummary>;

export function indexBriefs(briefs: readonly BriefSummary[]): Map<string, BriefSummary> {
  return new Map(briefs.map((b) => [b.id, b]));
}

export function blockersOf(brief: BriefSummary, index: BriefIndex): Blocker[] {
  const out: Blocker[] = [];
  for (const id of new Set(brief.dependsOn)) {
    const dep = index.get(id);
    if (!dep) out.push({ id, number: null, status: null });
    else if (dep.status !== 'done') out.push({ id, number: dep.number, status: dep.status });
  }
  return out.sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity));
}

export function readinessOf(brief: BriefSummary, index: BriefIndex): Readiness {
  if (brief.kind === 'epic') return { kind: 'epic' };
  if (brief.status !== 'planned' && brief.status !== 'draft') return { kind: 'underway' };
  const by = blockersOf(brief, index);
  if (by.length > 0) return { kind: 'blocked', by };
  return brief.status === 'planned' ? { kind: 'dispatchable' } : { kind: 'draft' };
}

/** "blocked by #3, #7" / "blocked by #3 and 1 brief not shown". */
export function blockedByText(by: readonly Blocker[]): string {
  const known = by.filter((b) => b.number !== null).map((b) => `#${b.number}`);
  const unknown = by.length - known.length;
  const parts = [...known];
  if (unknown > 0) parts.push(unknown === 1 ? '1 brief not shown' : `${unknown} briefs not shown`);
  return `blocked by ${parts.join(', ')}`;
}

/**
 * The longest chain of unfinished dependencies under a brief, nearest first: "#9 waits on
 * #5, which waits on #2". Data with a cycle (the host refuses one, but an import or a stale
 * page might carry it) ends the chain where it would repeat instead of looping.
 */
export function waitChainOf(brief: BriefSummary, index: BriefIndex, memo = new Map<string, string[]>()): number[] {
  const onPath = new Set<string>();
  const walk = (b: BriefSummary): string[] => {
    const known = memo.get(b.id);
    if (known) return known;
    onPath.add(b.id);
    let best: string[] = [];
    for (const id of new Set(b.dependsOn)) {
      const dep = index.get(id);
      if (!dep || dep.status === 'done' || onPath.has(id)) continue;
      const chain = [id, ...walk(dep)];
      if (chain.length > best.length) best = chain;
    }
    onPath.delete(b.id);
    memo.set(b.id, best);
    return best;
  };
  return walk(brief).map((id) => index.get(id)!.number);
}

/** An epic's progress: done children of all children, cancelled ones left out of both. */
export interface Progress {
  done: number;
  total: number;
}

export function childrenByParent(briefs: readonly BriefSummary[]): Map<string, BriefSummary[]> {
  const out = new Map<string, BriefSummary[]>();
  for (const b of briefs) {
    if (b.parentId === null || b.parentId === b.id) continue;
    const list = out.get(b.parentId);
    if (list) list.push(b);
    else out.set(b.parentId, [b]);
  }
  return out;
}

export function progressOf(children: readonly BriefSummary[]): Progress {
  const counted = children.filter((c) => c.status !== 'cancelled');
  return { done: counted.filter((c) => c.status === 'done').length, total: counted.length };
}

export const ratioOf = (p: Progress): number => (p.total === 0 ? 0 : p.done / p.total);

/** Epics are briefs of kind epic, and any brief others name as their parent. */
export function isEpic(brief: BriefSummary, children: ReadonlyMap<string, BriefSummary[]>): boolean {
  return brief.kind === 'epic' || children.has(brief.id);
}

/** The epic furthest along: highest share done, then most done, then the lower number. Null without one that has children. */
export function furthestAlong(epics: readonly { brief: BriefSummary; progress: Progress }[]): { brief: BriefSummary; progress: Progress } | null {
  let best: { brief: BriefSummary; progress: Progress } | null = null;
  for (const e of epics) {
    if (e.progress.total === 0) continue;
    if (
      !best ||
      ratioOf(e.progress) > ratioOf(best.progress) ||
      (ratioOf(e.progress) === ratioOf(best.progress) && (e.progress.done > best.progress.done || (e.progress.done === best.progress.done && e.brief.number < best.brief.number)))
    )
      best = e;
  }
  return best;
}
