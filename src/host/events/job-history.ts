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
  const lifecycle = db.prepare("SELECT seq, payload FROM events WHERE seq >= ? AND type IN ('job.started', 'job.step', 'job.finished', 'host.started')");
  // Newest first, without parsing in JavaScript: how long each output is, and for which job.
  const outputSizes = db.prepare(
    "SELECT seq, json_extract(payload, '$.jobId') AS jobId, length(json_extract(payload, '$.data')) AS size FROM events WHERE seq >= ? AND type = 'job.output' ORDER BY seq DESC",
  );
  const payloadOf = db.prepare('SELECT payload FROM events WHERE seq = ?');
  const selectLatest = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");

  return {
    list(limit = JOBS_LISTED) {
      const latestSeq = (selectLatest.get() as { seq: number } | undefined)?.seq ?? 0;
      const from = (firstOfLatest.get(limit) as { seq: number | null }).seq;
      if (from === null) return { jobs: [], latestSeq };
      // Only the output rows that make up each job's tail are read and parsed: a long setup
      // leaves tens of thousands of them, and this runs on every UI load.
      const kept = new Map<string, number>();
      const cut = new Set<string>();
      const rows: { seq: number; payload: string }[] = lifecycle.all(from) as { seq: number; payload: string }[];
      for (const o of outputSizes.iterate(from) as Iterable<{ seq: number; jobId: string | null; size: number | null }>) {
        if (o.jobId === null) continue;
        const sofar = kept.get(o.jobId) ?? 0;
        if (sofar >= JOB_OUTPUT_TAIL) {
          cut.add(o.jobId);
          continue;
        }
        kept.set(o.jobId, sofar + (o.size ?? 0));
        rows.push({ seq: o.seq, payload: (payloadOf.get(o.seq) as { payload: string }).payload });
      }
      rows.sort((a, b) => a.seq - b.seq);
      const jobs = new Map<string, JobState>();
      for (const row of rows) {
        const event = JSON.parse(row.payload) as HostEvent;
        if (event.type === 'host.started') {
          for (const [id, j] of jobs) if (j.outcome.kind === 'running') jobs.set(id, { ...j, outcome: { kind: 'finished', ok: false, message: INTERRUPTED } });
          continue;
        }
        if (event.type === 'job.started') {
          jobs.set(event.job.id, { job: event.job, step: null, output: '', isOutputCut: cut.has(event.job.id), outcome: { kind: 'running' } });
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
