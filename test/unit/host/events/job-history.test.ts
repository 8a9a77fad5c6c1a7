import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { createJobHistory, JOB_OUTPUT_TAIL } from '../../../../src/host/events/job-history';
import type { Job } from '../../../../src/shared/jobs';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const job = (id: string): Job => ({ id, kind: 'lane.create', repoId: 'r1', laneName: id, title: `Create lane ${id}`, startedAt: '2026-01-01T00:00:00.000Z' });

function logAndJobs() {
  const { db } = openDatabase(join(makeTempDir(), 'g.db'));
  return { db, log: createEventLog(db), jobs: createJobHistory(db) };
}

describe('job history', () => {
  it('lists the jobs as their events left them, with the seq it read them at', () => {
    const { log, jobs } = logAndJobs();
    log.append({ type: 'job.started', job: job('done') });
    log.append({ type: 'job.step', jobId: 'done', index: 1, total: 2, title: 'git worktree add' });
    log.append({ type: 'job.output', jobId: 'done', data: 'Preparing worktree\n' });
    log.append({ type: 'repo.removed', id: 'unrelated' });
    log.append({ type: 'job.output', jobId: 'done', data: 'copied .env\n' });
    log.append({ type: 'job.finished', jobId: 'done', ok: true, message: 'lane done is ready' });
    log.append({ type: 'job.started', job: job('running') });
    expect(jobs.list()).toEqual({
      latestSeq: 7,
      jobs: [
        {
          job: job('done'),
          step: { index: 1, total: 2, title: 'git worktree add' },
          output: 'Preparing worktree\ncopied .env\n',
          isOutputCut: false,
          outcome: { kind: 'finished', ok: true, message: 'lane done is ready' },
        },
        { job: job('running'), step: null, output: '', isOutputCut: false, outcome: { kind: 'running' } },
      ],
    });
  });

  it('a job still running when a later host started was cut short', () => {
    const { log, jobs } = logAndJobs();
    log.append({ type: 'job.started', job: job('cut') });
    log.append({ type: 'host.started', version: '0.1.0', pid: 1 });
    log.append({ type: 'job.started', job: job('new') });
    expect(jobs.list().jobs.map((j) => [j.job.id, j.outcome])).toEqual([
      ['cut', { kind: 'finished', ok: false, message: 'Interrupted: the host stopped while this ran.' }],
      ['new', { kind: 'running' }],
    ]);
  });

  it('keeps the latest jobs and the tail of a long output', () => {
    const { log, jobs } = logAndJobs();
    for (const id of ['a', 'b', 'c']) log.append({ type: 'job.started', job: job(id) });
    for (let i = 0; i < 10; i++) log.append({ type: 'job.output', jobId: 'c', data: `${i}`.repeat(16 * 1024) });
    const listed = jobs.list(2).jobs;
    expect(listed.map((j) => j.job.id)).toEqual(['b', 'c']);
    expect(listed[1]!.output).toHaveLength(JOB_OUTPUT_TAIL);
    expect(listed[1]!.output.endsWith('9'.repeat(16 * 1024))).toBe(true);
    expect(listed[1]!.isOutputCut).toBe(true);
  });

  it('reads only the output that makes up each tail: a long setup does not cost a parse of its every line', () => {
    const { db, log, jobs } = logAndJobs();
    log.append({ type: 'job.started', job: job('long') });
    const line = (i: number): string => `${String(i).padStart(6, '0')} ${'x'.repeat(92)}\n`; // 100 bytes
    // In one transaction: 20,000 commits of their own took over 5 s on a slow disk, and only the reading is under test.
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) log.append({ type: 'job.output', jobId: 'long', data: line(i) });
    })();
    log.append({ type: 'job.finished', jobId: 'long', ok: true, message: 'done' });
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const [listed] = jobs.list().jobs;
      // 64 KiB of 100-byte lines: 656 of them, not 20,000.
      expect(parse.mock.calls.length).toBeLessThan(700);
      expect(listed!.isOutputCut).toBe(true);
      expect(listed!.output).toHaveLength(JOB_OUTPUT_TAIL);
      expect(listed!.output.endsWith(line(19_999))).toBe(true);
      expect(listed!.outcome).toEqual({ kind: 'finished', ok: true, message: 'done' });
    } finally {
      parse.mockRestore();
    }
  });
});
