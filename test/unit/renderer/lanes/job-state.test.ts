import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/shared/jobs';
import {
  applyJobEvent,
  describeStep,
  interruptRunningJobs,
  JOB_OUTPUT_CAP,
  JOBS_KEPT,
  jobOfLane,
  plainText,
  type JobEvent,
  type JobView,
} from '../../../../src/renderer/lanes/job-state';

const job = (id: string, laneName = 'design', repoId = 'r1'): Job => ({ id, kind: 'lane.create', repoId, laneName, title: `Create lane ${laneName}`, startedAt: '2025-01-01T00:00:00Z' });
const fold = (events: JobEvent[], from: readonly JobView[] = []): readonly JobView[] => events.reduce(applyJobEvent, from);

describe('job state', () => {
  it('follows a job from start through its steps and output to its end', () => {
    const jobs = fold([
      { type: 'job.started', job: job('j1') },
      { type: 'job.step', jobId: 'j1', index: 2, total: 3, title: 'npm ci' },
      { type: 'job.output', jobId: 'j1', data: 'installing step 1\n' },
      { type: 'job.output', jobId: 'j1', data: 'installing step 2\n' },
    ]);
    expect(jobs).toHaveLength(1);
    expect(describeStep(jobs[0]!.step)).toBe('[2/3] npm ci');
    expect(jobs[0]!.output).toBe('installing step 1\ninstalling step 2\n');
    expect(jobs[0]!.outcome).toEqual({ kind: 'running' });
    const done = fold([{ type: 'job.finished', jobId: 'j1', ok: false, message: 'Setup of design failed' }], jobs);
    expect(done[0]!.outcome).toEqual({ kind: 'finished', ok: false, message: 'Setup of design failed' });
  });

  it('keeps the tail of a long output and says the head was cut', () => {
    const big = 'x'.repeat(JOB_OUTPUT_CAP - 10);
    const jobs = fold([
      { type: 'job.started', job: job('j1') },
      { type: 'job.output', jobId: 'j1', data: big },
      { type: 'job.output', jobId: 'j1', data: '0123456789ABCDEF' },
    ]);
    expect(jobs[0]!.output).toHaveLength(JOB_OUTPUT_CAP);
    expect(jobs[0]!.output.endsWith('ABCDEF')).toBe(true);
    expect(jobs[0]!.isOutputCut).toBe(true);
  });

  it('ignores events of jobs it never saw start, and a repeated start', () => {
    const jobs = fold([{ type: 'job.started', job: job('j1') }]);
    expect(applyJobEvent(jobs, { type: 'job.output', jobId: 'nope', data: 'x' })).toBe(jobs);
    expect(applyJobEvent(jobs, { type: 'job.started', job: job('j1') })).toBe(jobs);
  });

  it('forgets the oldest finished jobs first, never a running one', () => {
    const events: JobEvent[] = [{ type: 'job.started', job: job('long-running') }];
    for (let i = 0; i < JOBS_KEPT + 5; i += 1) {
      events.push({ type: 'job.started', job: job(`j${i}`) }, { type: 'job.finished', jobId: `j${i}`, ok: true, message: 'ok' });
    }
    const jobs = fold(events);
    expect(jobs.length).toBeLessThanOrEqual(JOBS_KEPT);
    expect(jobs[0]!.job.id).toBe('long-running');
    expect(jobs.at(-1)!.job.id).toBe(`j${JOBS_KEPT + 4}`);
  });

  it("shows a lane's running job, else its latest, matched by repository and lane name", () => {
    const jobs = fold([
      { type: 'job.started', job: job('a', 'design') },
      { type: 'job.finished', jobId: 'a', ok: true, message: 'ok' },
      { type: 'job.started', job: job('b', 'design') },
      { type: 'job.started', job: job('c', 'design') },
      { type: 'job.finished', jobId: 'c', ok: true, message: 'ok' },
      { type: 'job.started', job: job('d', 'design', 'r2') },
    ]);
    expect(jobOfLane(jobs, 'r1', 'design')?.job.id).toBe('b');
    const finished = fold([{ type: 'job.finished', jobId: 'b', ok: true, message: 'ok' }], jobs);
    expect(jobOfLane(finished, 'r1', 'design')?.job.id).toBe('c');
    expect(jobOfLane(finished, 'r2', 'design')?.job.id).toBe('d');
    expect(jobOfLane(finished, 'r1', 'other')).toBeNull();
  });

  it('marks jobs a stopped host was running as interrupted', () => {
    const jobs = interruptRunningJobs(fold([{ type: 'job.started', job: job('j1') }]));
    expect(jobs[0]!.outcome).toMatchObject({ kind: 'finished', ok: false });
  });
});

describe('plainText', () => {
  it('drops colour escapes and shows a redrawn line as it ended', () => {
    expect(plainText('\x1b[32mok\x1b[0m done\n')).toBe('ok done\n');
    expect(plainText('progress 10%\rprogress 50%\rprogress 100%\nnext\r\n')).toBe('progress 100%\nnext\n');
    expect(plainText('\x1b]0;title\x07text')).toBe('text');
  });
});
