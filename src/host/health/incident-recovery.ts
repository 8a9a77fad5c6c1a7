import type { IncidentCommit, MainEdits } from '../../shared/incidents';
import type { MergeRecord } from '../../shared/lanes';

/**
 * How MAIN recovered, in one line a person reads in the incident log. Pure: the commits
 * come from incident-commits.ts, both ways between MAIN's HEAD when it broke and when it
 * recovered:
 * - MAIN did not move: the probes pass again without a change to MAIN (a service came
 *   back, a flaky probe, an edit undone in the working tree);
 * - MAIN lost commits: a merge rolled back through Grove (named by its lane), or MAIN moved
 *   back some other way;
 * - MAIN gained commits: the merge(s) that brought them, named by lane, or commits that
 *   bypassed Grove.
 */
export interface RecoveryFacts {
  headAtOpen: string | null;
  headNow: string | null;
  /** headAtOpen..headNow: what reached MAIN while it was broken. */
  added: readonly IncidentCommit[];
  /** headNow..headAtOpen: what MAIN no longer has. */
  removed: readonly IncidentCommit[];
  /** The merges the commits name (for their result commit and whether they were rolled back). */
  merges: readonly MergeRecord[];
  /** MAIN's uncommitted edits when it broke and now (null: clean). */
  editsAtOpen?: MainEdits | null;
  editsNow?: MainEdits | null;
}

const short = (sha: string): string => sha.slice(0, 12);

export function describeRecovery(f: RecoveryFacts): string {
  const edits = describeEdits(f.editsAtOpen ?? null, f.editsNow ?? null);
  if (f.headAtOpen === f.headNow) return edits ? `${edits}; MAIN's HEAD did not change` : 'the probes pass again; MAIN did not change';
  const moved = describeMove(f);
  return edits ? `${moved}, and ${edits}` : moved;
}

/** What happened to MAIN's uncommitted edits between the break and now; null when they are as they were. */
function describeEdits(before: MainEdits | null, now: MainEdits | null): string | null {
  const paths = (e: MainEdits | null): string[] => e?.files.map((f) => f.path) ?? [];
  const list = (ps: string[]): string => ps.slice(0, 3).join(', ') + (ps.length > 3 ? ', …' : '');
  const was = paths(before);
  const is = paths(now);
  if (JSON.stringify(was) === JSON.stringify(is) && before?.diffTail === now?.diffTail) return null;
  if (is.length === 0) return `the uncommitted edits in MAIN were undone (${list(was)})`;
  if (was.length === 0) return `the probes pass again with uncommitted edits in MAIN (${list(is)})`;
  return `the uncommitted edits in MAIN changed (now ${list(is)})`;
}

function describeMove(f: RecoveryFacts): string {
  if (f.added.length === 0 && f.removed.length === 0) {
    return f.headAtOpen && f.headNow ? `MAIN moved from ${short(f.headAtOpen)} to ${short(f.headNow)}` : `MAIN is at ${f.headNow ? short(f.headNow) : 'no commit'}`;
  }
  const parts: string[] = [];
  if (f.removed.length > 0) parts.push(describeRemoved(f));
  if (f.added.length > 0) parts.push(describeCommits(f.added, f.merges));
  return parts.join(', then ');
}

/** Where MAIN ended up is only said when it stayed there (nothing reached MAIN afterwards). */
function describeRemoved(f: RecoveryFacts): string {
  const groups = groupByMerge(f.removed);
  const head = f.added.length === 0 ? (f.headNow ? short(f.headNow) : 'no commit') : null;
  const isRolledBack = (id: string): boolean => f.merges.find((m) => m.id === id)?.state === 'rolled-back';
  if (groups.bypassed.length === 0 && groups.merges.every((g) => isRolledBack(g.via.mergeId))) {
    return `${mergesPhrase(groups.merges, f.merges)} rolled back${head ? `; MAIN back at ${head}` : ''}`;
  }
  return `MAIN moved back${head ? ` to ${head}` : ''}, undoing ${describeCommits(f.removed, f.merges)}`;
}

/** "merge of lane fix (a1b2c3d4e5f6) and 1 commit that bypassed Grove (0f0f0f0f0f0f)". */
function describeCommits(commits: readonly IncidentCommit[], merges: readonly MergeRecord[]): string {
  const groups = groupByMerge(commits);
  const parts: string[] = [];
  if (groups.merges.length > 0) parts.push(mergesPhrase(groups.merges, merges));
  const n = groups.bypassed.length;
  if (n > 0) {
    const shas = groups.bypassed.slice(0, 3).map((c) => short(c.sha)).join(', ') + (n > 3 ? ', …' : '');
    parts.push(`${n} commit${n === 1 ? '' : 's'} that bypassed Grove (${shas})`);
  }
  return parts.join(' and ');
}

type Via = NonNullable<IncidentCommit['via']>;
type MergeGroup = { via: Via; newest: IncidentCommit };

/** The merges in the order their newest commit appears (newest first), and the commits no merge brought. */
function groupByMerge(commits: readonly IncidentCommit[]): { merges: MergeGroup[]; bypassed: IncidentCommit[] } {
  const merges: MergeGroup[] = [];
  const bypassed: IncidentCommit[] = [];
  for (const c of commits) {
    if (!c.via) bypassed.push(c);
    else if (!merges.some((g) => g.via.mergeId === c.via!.mergeId)) merges.push({ via: c.via, newest: c });
  }
  return { merges, bypassed };
}

function mergesPhrase(groups: readonly MergeGroup[], merges: readonly MergeRecord[]): string {
  const named = groups.map((g) => `${g.via.laneName} (${short(merges.find((m) => m.id === g.via.mergeId)?.mainAfter ?? g.newest.sha)})`);
  return named.length === 1 ? `merge of lane ${named[0]}` : `merges of lanes ${named.join(', ')}`;
}
