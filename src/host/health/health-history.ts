import type { ProbeResult } from '../../shared/health';
import { HealthRetention, type HealthTimeline } from '../../shared/incidents';
import type { Db } from '../db/database';
import { readSetting, writeSetting } from '../db/settings';
import { healthTimeline, type StateMark } from './health-timeline';

/**
 * MAIN's recorded past, per repository: every probe run (a failed one keeps its output
 * tail, already masked by the probe; a passing one keeps none, it says nothing new) and
 * every change of MAIN's state, including `none` while Grove is not watching. Retention is
 * HealthRetention's, enforced every few inserts per repository so that a write stays one
 * insert most of the time. The latest state change older than the retention is kept: it
 * says what MAIN was at the start of the kept window.
 *
 * Also the moment MAIN was last seen healthy and its HEAD then (a setting, so a host
 * restart keeps it): where an incident's "what reached MAIN since" starts.
 */
export interface LastHealthy {
  at: string;
  head: string | null;
}

export interface HealthHistory {
  recordRun(repoId: string, result: ProbeResult): void;
  /** Records MAIN's state if it differs from the last one recorded. */
  recordState(repoId: string, state: StateMark['state'], at?: Date): void;
  lastState(repoId: string): StateMark | null;
  /**
   * A host that died without stopping (kill -9, power loss) left MAIN's last state running:
   * end it at the last thing that host saw (its last probe run), so the timeline shows the
   * gap instead of claiming the state held while nobody watched.
   */
  markUnwatchedSinceLastSeen(repoId: string): void;
  /** The latest runs, newest first. */
  runs(repoId: string, limit: number): ProbeResult[];
  timeline(repoId: string, from: Date, to: Date, runs: number): HealthTimeline;
  markHealthy(repoId: string, mark: LastHealthy): void;
  lastHealthy(repoId: string): LastHealthy | null;
}

export interface HealthHistoryOptions {
  retention?: { probeRuns: number; days: number };
  /** Prune a repository's rows after this many inserts for it. */
  pruneEvery?: number;
  now?: () => Date;
}

type RunRow = { probe: string; ok: number; at: string; duration_ms: number; detail: string; output_tail: string };
const toResult = (r: RunRow): ProbeResult => ({ probe: r.probe, ok: r.ok === 1, at: r.at, durationMs: r.duration_ms, detail: r.detail, outputTail: r.output_tail });
const DAY_MS = 24 * 60 * 60 * 1000;

export function createHealthHistory(db: Db, o: HealthHistoryOptions = {}): HealthHistory {
  const retention = o.retention ?? HealthRetention;
  const pruneEvery = o.pruneEvery ?? 50;
  const now = o.now ?? (() => new Date());

  const insertRun = db.prepare('INSERT INTO probe_runs (repo_id, probe, ok, at, duration_ms, detail, output_tail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const latestRuns = db.prepare('SELECT * FROM probe_runs WHERE repo_id = ? ORDER BY id DESC LIMIT ?');
  const insertState = db.prepare('INSERT INTO health_states (repo_id, state, at) VALUES (?, ?, ?)');
  const latestState = db.prepare('SELECT state, at FROM health_states WHERE repo_id = ? ORDER BY at DESC, id DESC LIMIT 1');
  const stateBefore = db.prepare('SELECT state, at FROM health_states WHERE repo_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1');
  const statesWithin = db.prepare('SELECT state, at FROM health_states WHERE repo_id = ? AND at >= ? AND at <= ? ORDER BY at, id');
  const pruneOldRuns = db.prepare('DELETE FROM probe_runs WHERE repo_id = ? AND at < ?');
  const pruneExtraRuns = db.prepare(
    'DELETE FROM probe_runs WHERE repo_id = ? AND id <= (SELECT id FROM probe_runs WHERE repo_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
  );
  // Every state change before the cutoff but the newest of them, which still holds at the cutoff.
  const pruneOldStates = db.prepare(
    'DELETE FROM health_states WHERE id IN (SELECT id FROM health_states WHERE repo_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT -1 OFFSET 1)',
  );
  const insertsSincePrune = new Map<string, number>();

  const prune = (repoId: string): void => {
    const cutoff = new Date(now().getTime() - retention.days * DAY_MS).toISOString();
    pruneOldRuns.run(repoId, cutoff);
    pruneExtraRuns.run(repoId, repoId, retention.probeRuns);
    pruneOldStates.run(repoId, cutoff);
  };
  const inserted = (repoId: string): void => {
    const n = (insertsSincePrune.get(repoId) ?? 0) + 1;
    insertsSincePrune.set(repoId, n >= pruneEvery ? 0 : n);
    if (n >= pruneEvery) prune(repoId);
  };
  const lastState = (repoId: string): StateMark | null => (latestState.get(repoId) as StateMark | undefined) ?? null;
  const runs = (repoId: string, limit: number): ProbeResult[] => (latestRuns.all(repoId, limit) as RunRow[]).map(toResult);
  const lastHealthyKey = (repoId: string): string => `health.lastHealthy.${repoId}`;

  return {
    recordRun(repoId, r) {
      insertRun.run(repoId, r.probe, r.ok ? 1 : 0, r.at, r.durationMs, r.detail, r.ok ? '' : r.outputTail);
      inserted(repoId);
    },
    recordState(repoId, state, at = now()) {
      if (lastState(repoId)?.state === state) return;
      insertState.run(repoId, state, at.toISOString());
      inserted(repoId);
    },
    lastState,
    markUnwatchedSinceLastSeen(repoId) {
      const last = lastState(repoId);
      if (!last || last.state === 'none') return;
      const run = runs(repoId, 1)[0];
      const runEnd = run ? Date.parse(run.at) + run.durationMs : 0;
      insertState.run(repoId, 'none', new Date(Math.max(Date.parse(last.at), runEnd)).toISOString());
    },
    runs,
    timeline(repoId, from, to, runCount) {
      const before = stateBefore.get(repoId, from.toISOString()) as StateMark | undefined;
      const within = statesWithin.all(repoId, from.toISOString(), to.toISOString()) as StateMark[];
      const view = healthTimeline(before ? [before, ...within] : within, from, to, now());
      return { repoId, from: from.toISOString(), to: to.toISOString(), ...view, runs: runCount > 0 ? runs(repoId, runCount) : [] };
    },
    markHealthy(repoId, mark) {
      writeSetting(db, lastHealthyKey(repoId), JSON.stringify(mark));
    },
    lastHealthy(repoId) {
      const raw = readSetting(db, lastHealthyKey(repoId));
      return raw ? (JSON.parse(raw) as LastHealthy) : null;
    },
  };
}
