import type { Db } from '../db/database';
import type { HostEvent } from '../../shared/events';
import type { JobState } from '../../shared/jobs';

/**
 * The latest lane jobs, folded from their `job.*` events in the log, so a client that loads
 * the current state (rather than replaying history) still shows a lane's running setup or
 * its last failed merge. A job the log shows started before the latest host start and never
 * finished was cut short by that host's end.
 */
export const JOBS_LISTED = 50;
/** A job's output is returned as its tail: a lane card shows the end, and 50 full outputs would be 100 MiB. */
export const JOB_OUTPUT_TAIL = 64 * 1024;

const INTERRUPTED = 'Interrupted: the host stopped while this ran.';

export interface JobHistory {
  list(limit?: number): { jobs: JobState[]; latestSeq: number };
}

export function createJobHistory(db: Db): JobHistory {
  const firstOfLatest = db.prepare("SELECT MIN(seq) AS seq FROM (SELECT seq FROM events WHERE type = 'job.started' ORDER BY seq DESC LIMIT ?)");
  const jobEvents = db.prepare(
    "SELECT payload FROM events WHERE seq >= ? AND type IN ('job.started', 'job.step', 'job.output', 'job.finished', 'host.started') ORDER BY seq",
  );
  const selectLatest = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");

  return {
    list(limit = JOBS_LISTED) {
      const latestSeq = (selectLatest.get() as { seq: number } | undefined)?.seq ?? 0;
      const from = (firstOfLatest.get(limit) as { seq: number | null }).seq;
      if (from === null) return { jobs: [], latestSeq };
      const jobs = new Map<string, JobState>();
      for (const row of jobEvents.iterate(from) as Iterable<{ payload: string }>) {
        const event = JSON.parse(row.payload) as HostEvent;
        if (event.type === 'host.started') {
          for (const [id, j] of jobs) if (j.outcome.kind === 'running') jobs.set(id, { ...j, outcome: { kind: 'finished', ok: false, message: INTERRUPTED } });
          continue;
        }
        if (event.type === 'job.started') {
          jobs.set(event.job.id, { job: event.job, step: null, output: '', isOutputCut: false, outcome: { kind: 'running' } });
          continue;
        }
        if (event.type !== 'job.step' && event.type !== 'job.output' && event.type !== 'job.finished') continue;
        const j = jobs.get(event.jobId);
        if (!j) continue;
        if (event.type === 'job.step') jobs.set(j.job.id, { ...j, step: { index: event.index, total: event.total, title: event.title } });
        else if (event.type === 'job.finished') jobs.set(j.job.id, { ...j, outcome: { kind: 'finished', ok: event.ok, message: event.message } });
        else {
          const all = j.output + event.data;
          const isCut = all.length > JOB_OUTPUT_TAIL;
          jobs.set(j.job.id, { ...j, output: isCut ? all.slice(-JOB_OUTPUT_TAIL) : all, isOutputCut: j.isOutputCut || isCut });
        }
      }
      return { jobs: [...jobs.values()], latestSeq };
    },
  };
}
