import type { IncidentCommit } from '../../shared/incidents';
import type { CommitSummary, MergeRecord } from '../../shared/lanes';

/**
 * Which Grove merge brought a commit into MAIN: the merge whose range (mainBefore..mainAfter)
 * contains it, with the lane, branch and agents recorded at merge time. A commit no merge
 * contains came some other way (a commit or pull in MAIN): it bypassed Grove, `via` null.
 * Pure; incident-commits.ts asks git for the ranges.
 *
 * When several merges contain a commit (a lane merged, rolled back, and merged again), the
 * first merge that stayed merged brought it; failing that, the latest one rolled back.
 */
export interface MergeRange {
  merge: MergeRecord;
  /** The commits in mainBefore..mainAfter. */
  shas: readonly string[];
}

/** The merges that can have brought commits of a range: those whose result lies in it. */
export function mergesWithin(merges: readonly MergeRecord[], range: ReadonlySet<string>): MergeRecord[] {
  return merges.filter((m) => m.mainAfter !== m.mainBefore && range.has(m.mainAfter));
}

export function attributeCommits(commits: readonly CommitSummary[], ranges: readonly MergeRange[]): IncidentCommit[] {
  const byTime = [...ranges].sort((a, b) => a.merge.at.localeCompare(b.merge.at));
  const preferred = [...byTime.filter((r) => r.merge.state !== 'rolled-back'), ...byTime.filter((r) => r.merge.state === 'rolled-back').reverse()];
  const mergeOf = new Map<string, MergeRecord>();
  for (const { merge, shas } of preferred) for (const sha of shas) if (!mergeOf.has(sha)) mergeOf.set(sha, merge);
  return commits.map((c) => {
    const m = mergeOf.get(c.sha);
    return { ...c, via: m ? { mergeId: m.id, laneName: m.laneName, branch: m.branch, agents: m.agents } : null };
  });
}
