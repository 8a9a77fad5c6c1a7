import type { HostEvent } from '../../shared/events';
import type { Job } from '../../shared/jobs';

/**
 * What the UI remembers of lane jobs (create, remove, merge, rebase, serve), folded from
 * `job.*` events by pure functions so the store stays a thin shell. A job's output keeps
 * only its tail: the host may send up to 2 MiB per job, a lane card shows the end.
 */
export const JOB_OUTPUT_CAP = 256 * 1024;
/** Jobs kept; the oldest finished ones go first. */
export const JOBS_KEPT = 50;

export type JobOutcome = { kind: 'running' } | { kind: 'finished'; ok: boolean; message: string };

export interface JobView {
  job: Job;
  step: { index: number; total: number; title: string } | null;
  output: string;
  /** The output's head was dropped to stay under JOB_OUTPUT_CAP. */
  isOutputCut: boolean;
  outcome: JobOutcome;
}

export type JobEvent = Extract<HostEvent, { type: 'job.started' | 'job.step' | 'job.output' | 'job.finished' }>;

export function isJobEvent(e: HostEvent): e is JobEvent {
  return e.type === 'job.started' || e.type === 'job.step' || e.type === 'job.output' || e.type === 'job.finished';
}

/** Jobs oldest first; returns the same array when the event changes nothing. */
export function applyJobEvent(jobs: readonly JobView[], e: JobEvent): readonly JobView[] {
  if (e.type === 'job.started') {
    if (jobs.some((j) => j.job.id === e.job.id)) return jobs;
    const next = [...jobs, { job: e.job, step: null, output: '', isOutputCut: false, outcome: { kind: 'running' } as const }];
    return prune(next);
  }
  const i = jobs.findIndex((j) => j.job.id === e.jobId);
  if (i < 0) return jobs;
  const j = jobs[i]!;
  let changed: JobView;
  switch (e.type) {
    case 'job.step':
      changed = { ...j, step: { index: e.index, total: e.total, title: e.title } };
      break;
    case 'job.output': {
      const all = j.output + e.data;
      const isCut = all.length > JOB_OUTPUT_CAP;
      changed = { ...j, output: isCut ? all.slice(-JOB_OUTPUT_CAP) : all, isOutputCut: j.isOutputCut || isCut };
      break;
    }
    case 'job.finished':
      changed = { ...j, outcome: { kind: 'finished', ok: e.ok, message: e.message } };
      break;
  }
  return jobs.map((x, k) => (k === i ? changed : x));
}

/** A host that (re)started runs none of the jobs it announced before: they were cut short. */
export function interruptRunningJobs(jobs: readonly JobView[]): readonly JobView[] {
  if (!jobs.some((j) => j.outcome.kind === 'running')) return jobs;
  return jobs.map((j) =>
    j.outcome.kind === 'running' ? { ...j, outcome: { kind: 'finished', ok: false, message: 'Interrupted: the host stopped while this ran.' } } : j,
  );
}

function prune(jobs: JobView[]): JobView[] {
  let excess = jobs.length - JOBS_KEPT;
  if (excess <= 0) return jobs;
  const kept: JobView[] = [];
  for (const j of jobs) {
    if (excess > 0 && j.outcome.kind === 'finished') excess -= 1;
    else kept.push(j);
  }
  return kept;
}

/** The lane's running job if any, else its latest one. Lanes are named per repository. */
export function jobOfLane(jobs: readonly JobView[], repoId: string, laneName: string): JobView | null {
  let latest: JobView | null = null;
  for (const j of jobs) {
    if (j.job.repoId !== repoId || j.job.laneName !== laneName) continue;
    if (j.outcome.kind === 'running') return j;
    latest = j;
  }
  return latest;
}

/**
 * Command output as plain text: colour and cursor escapes removed, and a line redrawn with
 * `\r` (a progress bar) shown as it ended.
 */
export function plainText(output: string): string {
  // eslint-disable-next-line no-control-regex
  const noEscapes = output.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g, '');
  return noEscapes
    .split('\n')
    .map((line) => {
      const body = line.endsWith('\r') ? line.slice(0, -1) : line;
      const at = body.lastIndexOf('\r');
      return at < 0 ? body : body.slice(at + 1);
    })
    .join('\n');
}

export function describeStep(step: JobView['step']): string {
  return step ? `[${step.index}/${step.total}] ${step.title}` : '';
}
