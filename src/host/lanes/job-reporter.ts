import type { Job, JobKind } from '../../shared/jobs';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import { createStreamMask } from '../stream-mask';

/**
 * Turns one long lane operation into `job.*` events. Command output is coalesced (50 ms or
 * 16 KiB per event) because every event is a stored row; past 2 MiB a job's output is cut
 * with one notice, so a runaway build log cannot flood the event store.
 *
 * Every job ends: operations start theirs through `withJobs`, which finishes any job the
 * work started and left running, whatever the work threw or returned. A job left
 * "running" would show as running in every client until the host restarts.
 */
const FLUSH_MS = 50;
const CHUNK_BYTES = 16 * 1024;
const MAX_JOB_OUTPUT = 2 * 1024 * 1024;

export interface JobReporter {
  readonly job: Job;
  /** The title of the step the job is at, or null before its first step. */
  readonly currentStep: string | null;
  step(index: number, total: number, title: string): void;
  output(data: string): void;
  finish(ok: boolean, message: string): void;
}

export function startJob(
  events: EventLog,
  o: { kind: JobKind; repoId: string; laneName: string; title: string },
  mask: (text: string) => string = (t) => t,
): JobReporter {
  const job: Job = { id: uuidv7(), ...o, startedAt: new Date().toISOString() };
  events.append({ type: 'job.started', job });
  let pending = '';
  let timer: NodeJS.Timeout | null = null;
  let emitted = 0;
  let cut = false;
  let finished = false;
  let currentStep: string | null = null;

  // Masked as one stream: a secret cut by a flush or a chunk's end is masked too.
  const masked = createStreamMask(mask, (text) => {
    for (let at = 0; at < text.length; at += CHUNK_BYTES) events.append({ type: 'job.output', jobId: job.id, data: text.slice(at, at + CHUNK_BYTES) });
  });
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    masked.push(pending);
    pending = '';
  };

  return {
    job,
    get currentStep() {
      return currentStep;
    },
    step(index, total, title) {
      currentStep = title;
      flush();
      masked.flush();
      events.append({ type: 'job.step', jobId: job.id, index, total, title });
    },
    output(data) {
      if (finished || cut) return;
      if (emitted + data.length > MAX_JOB_OUTPUT) {
        pending += data.slice(0, Math.max(0, MAX_JOB_OUTPUT - emitted)) + '\n[grove: output cut at 2 MiB]\n';
        cut = true;
        flush();
        masked.flush();
        return;
      }
      emitted += data.length;
      pending += data;
      if (pending.length >= CHUNK_BYTES) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
    finish(ok, message) {
      if (finished) return;
      flush();
      masked.end();
      finished = true;
      events.append({ type: 'job.finished', jobId: job.id, ok, message });
    },
  };
}

export type StartJob = (o: { kind: JobKind; repoId: string; laneName: string; title: string }) => JobReporter;

/**
 * Runs `work`, which starts its jobs (none, or several, when it gets that far) through the
 * `start` it is given. When `work` throws, each of them that is still running ends failed
 * with the error's message, then the error goes on. When it returns without finishing one,
 * that is a bug in Grove, and the job ends failed rather than running forever.
 */
export async function withJobs<T>(events: EventLog, mask: ((text: string) => string) | undefined, work: (start: StartJob) => Promise<T>): Promise<T> {
  const started: JobReporter[] = [];
  const start: StartJob = (o) => {
    const job = startJob(events, o, mask);
    started.push(job);
    return job;
  };
  try {
    return await work(start);
  } catch (e) {
    for (const job of started) job.finish(false, `Grove failed: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  } finally {
    for (const job of started) job.finish(false, 'Grove ended this job without saying how it went (a bug in Grove).');
  }
}
