import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventLog } from '../../../../src/host/events/event-log';
import { startJob } from '../../../../src/host/lanes/job-reporter';
import { maskSecrets } from '../../../../src/host/logger';
import type { HostEvent } from '../../../../src/shared/events';

afterEach(() => vi.useRealTimers());

const TOKEN = 'grove-token-0123456789abcdef';

function job() {
  const appended: HostEvent[] = [];
  const events = { append: (e: HostEvent) => void appended.push(e) } as unknown as EventLog;
  const reporter = startJob(events, { kind: 'lane.create', repoId: 'r', laneName: 'l', title: 't' }, (t) => maskSecrets(t, [TOKEN]));
  const output = (): string => appended.flatMap((e) => (e.type === 'job.output' ? [e.data] : [])).join('');
  return { reporter, appended, output };
}

describe("a job's output", () => {
  it('masks a secret that reached it in two writes, flushed apart', () => {
    vi.useFakeTimers();
    const { reporter, output } = job();
    reporter.output(`token: ${TOKEN.slice(0, 10)}`);
    vi.advanceTimersByTime(60); // the 50 ms flush runs between the two halves
    reporter.output(`${TOKEN.slice(10)} end\n`);
    reporter.finish(true, 'done');
    expect(output()).toBe('token: gr…(masked) end\n');
  });

  it('says everything before the step that follows it and before its end, in order', () => {
    const { reporter, appended } = job();
    reporter.output('first\n');
    reporter.step(0, 1, 'install');
    reporter.output('second');
    reporter.finish(true, 'done');
    expect(appended.map((e) => (e.type === 'job.output' ? `out:${e.data}` : e.type))).toEqual(['job.started', 'out:first\n', 'job.step', 'out:second', 'job.finished']);
  });
});
