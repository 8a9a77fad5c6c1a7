import type { IncidentCommit } from '../../shared/incidents';
import type { CommitSummary, MergeRecord } from '../../shared/lanes';
import { runGit } from '../lanes/git/run-git';
import { attributeCommits, mergesWithin, type MergeRange } from './commit-attribution';

/**
 * What reached MAIN between two of its HEADs (`base..head`), newest first, each commit
 * attributed to the Grove merge that brought it (commit-attribution.ts). Read-only git.
 * A base git no longer knows (garbage-collected, or the repository was replaced) gives an
 * empty list: the incident then says nothing about commits rather than something wrong.
 */
export const INCIDENT_COMMITS_MAX = 50;
/** How far the range is walked to find the merges in it; beyond this a commit stays unattributed. */
const RANGE_MAX = 1000;

export async function commitsBetween(mainPath: string, base: string | null, head: string | null, merges: readonly MergeRecord[]): Promise<IncidentCommit[]> {
  if (!base || !head || base === head) return [];
  const range = `${base}..${head}`;
  const log = await runGit(mainPath, ['log', '-z', `--max-count=${INCIDENT_COMMITS_MAX}`, '--format=%H%x1f%s%x1f%an%x1f%aI', range, '--'], { okCodes: [128] });
  if (log.code !== 0) return [];
  const commits = log.stdout
    .split('\0')
    .filter(Boolean)
    .map((record): CommitSummary => {
      const [sha = '', subject = '', author = '', date = ''] = record.split('\x1f');
      return { sha, subject, author, date };
    });
  if (commits.length === 0) return [];
  const inRange = new Set(await revList(mainPath, range));
  const ranges: MergeRange[] = [];
  for (const merge of mergesWithin(merges, inRange)) ranges.push({ merge, shas: await revList(mainPath, `${merge.mainBefore}..${merge.mainAfter}`) });
  return attributeCommits(commits, ranges);
}

async function revList(mainPath: string, range: string): Promise<string[]> {
  const out = await runGit(mainPath, ['rev-list', `--max-count=${RANGE_MAX}`, range, '--'], { okCodes: [128] });
  return out.code === 0 ? out.stdout.split('\n').filter(Boolean) : [];
}

/** MAIN's HEAD, or null when it has none (no commit yet) or cannot be read (MAIN's directory is gone). */
export async function mainHead(mainPath: string): Promise<string | null> {
  try {
    const out = await runGit(mainPath, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { okCodes: [1] });
    return out.code === 0 ? out.stdout.trim() : null;
  } catch {
    return null;
  }
}
