import { describe, expect, it } from 'vitest';
import type { IncidentCommit } from '../../../../src/shared/incidents';
import { formatDuration } from '../../../../src/renderer/ui/time-format';
import { describeProbes, describeVia, incidentDurationMs, summarizeClosed } from '../../../../src/renderer/health/incident-labels';
import { incident } from './incident-fixture';

const commit = (via: IncidentCommit['via']): IncidentCommit => ({ sha: 'c'.repeat(40), subject: 'Add dispatch()', author: 'Ann', date: '2026-03-02T09:59:00.000Z', via });

describe('formatDuration', () => {
  it('reads like a person says it', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000 + 30_000)).toBe('12 min');
    expect(formatDuration(3 * 3600_000)).toBe('3 h');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(52 * 3600_000)).toBe('2 d 4 h');
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('incident labels', () => {
  it('names the failing probes', () => {
    expect(describeProbes(incident())).toBe('artisan failed');
    const three = incident({ probes: ['artisan', 'http', 'queue'].map((name) => ({ name, detail: '', outputTail: '' })) });
    expect(describeProbes(three)).toBe('artisan, http and queue failed');
    expect(describeProbes(incident({ probes: [] }))).toBe('MAIN broke');
  });

  it('measures an open incident to now and a closed one to its close', () => {
    expect(incidentDurationMs(incident(), new Date('2026-03-02T10:03:00.000Z'))).toBe(3 * 60_000);
    const closed = incident({ closedAt: '2026-03-02T10:04:00.000Z' });
    expect(incidentDurationMs(closed, new Date('2026-03-05T00:00:00.000Z'))).toBe(4 * 60_000);
  });

  it('sums up a closed incident with how it recovered', () => {
    const closed = incident({ closedAt: '2026-03-02T10:04:00.000Z', recovery: { at: '2026-03-02T10:04:00.000Z', head: 'd'.repeat(40), how: 'merge of lane fix (ddddddd)', commits: [] } });
    expect(summarizeClosed(closed)).toBe('artisan failed for 4 min; recovered: merge of lane fix (ddddddd)');
  });

  it('says through which lane, branch and agents a commit came, or that it bypassed Grove', () => {
    expect(describeVia(commit({ mergeId: 'm1', laneName: 'design', branch: 'design-x', agents: ['claude'] }))).toEqual({ text: 'lane design (design-x), agent claude', isOutsideGrove: false });
    expect(describeVia(commit({ mergeId: 'm1', laneName: 'design', branch: 'design', agents: ['a', 'b'] })).text).toBe('lane design (design), agents a, b');
    expect(describeVia(commit({ mergeId: 'm1', laneName: 'design', branch: 'design', agents: [] })).text).toBe('lane design (design), no agent was running there');
    expect(describeVia(commit(null))).toEqual({ text: 'committed in MAIN, not through Grove', isOutsideGrove: true });
  });
});
