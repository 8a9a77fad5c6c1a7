import type { Db } from '../db/database';
import { readSetting, writeSetting } from '../db/settings';

/**
 * The commits that bypassed Grove which the MAIN guard already alerted about, per
 * repository, kept as a setting so a host restart never alerts about (or re-lists) one
 * again: one alert per commit, ever. Bounded: the newest REPORTED_MAX are kept; an older
 * one is far behind any MAIN HEAD that could be reported again.
 */
export const REPORTED_MAX = 2000;

export interface ReportedCommits {
  has(sha: string): boolean;
  add(shas: readonly string[]): void;
}

export function reportedCommits(db: Db, repoId: string): ReportedCommits {
  const key = `main.reportedCommits.${repoId}`;
  const parsed = ((): unknown => {
    try {
      return JSON.parse(readSetting(db, key) ?? '[]');
    } catch {
      return [];
    }
  })();
  // Insertion order is age order: the oldest go first when the bound is reached.
  const known = new Set<string>(Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : []);
  return {
    has: (sha) => known.has(sha),
    add(shas) {
      const before = known.size;
      for (const sha of shas) known.add(sha);
      if (known.size === before) return;
      const kept = [...known].slice(-REPORTED_MAX);
      known.clear();
      for (const sha of kept) known.add(sha);
      writeSetting(db, key, JSON.stringify(kept));
    },
  };
}
