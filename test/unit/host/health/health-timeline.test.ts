import { describe, expect, it } from 'vitest';
import { healthTimeline, type StateMark } from '../../../../src/host/health/health-timeline';
import { HealthSegment } from '../../../../src/shared/incidents';

/** MAIN's state changes turned into the segments of an uptime bar, and the uptime. */

const t = (hhmm: string): Date => new Date(`2026-03-01T${hhmm}:00.000Z`);
const mark = (state: StateMark['state'], hhmm: string): StateMark => ({ state, at: t(hhmm).toISOString() });
const bar = (marks: StateMark[], from: string, to: string, now = to) => {
  const view = healthTimeline(marks, t(from), t(to), t(now));
  for (const s of view.segments) HealthSegment.parse(s);
  return { ...view, text: view.segments.map((s) => `${s.state} ${s.from.slice(11, 16)}-${s.to.slice(11, 16)}`) };
};

describe('health timeline', () => {
  it('covers the window without gaps: not watched before the first mark, then each state until the next', () => {
    const view = bar([mark('unknown', '10:10'), mark('healthy', '10:11'), mark('broken', '10:30'), mark('healthy', '10:45')], '10:00', '11:00');
    expect(view.text).toEqual(['none 10:00-10:10', 'unknown 10:10-10:11', 'healthy 10:11-10:30', 'broken 10:30-10:45', 'healthy 10:45-11:00']);
  });

  it('starts with the state that held at `from`, from the latest mark before it', () => {
    const view = bar([mark('healthy', '08:00'), mark('broken', '09:00'), mark('degraded', '10:30')], '10:00', '11:00');
    expect(view.text).toEqual(['broken 10:00-10:30', 'degraded 10:30-11:00']);
  });

  it('counts healthy and degraded as up, broken as down, and leaves none and unknown out', () => {
    // 20 min healthy, 10 min degraded, 10 min broken, 10 min unknown, 10 min none (host down).
    const marks = [mark('healthy', '10:00'), mark('degraded', '10:20'), mark('broken', '10:30'), mark('none', '10:40'), mark('unknown', '10:50')];
    const view = bar(marks, '10:00', '11:00');
    expect(view.text).toEqual(['healthy 10:00-10:20', 'degraded 10:20-10:30', 'broken 10:30-10:40', 'none 10:40-10:50', 'unknown 10:50-11:00']);
    expect(view.uptime).toBeCloseTo(30 / 40);
  });

  it('has no uptime when nothing was watched or nobody could tell', () => {
    expect(bar([], '10:00', '11:00')).toMatchObject({ text: ['none 10:00-11:00'], uptime: null });
    expect(bar([mark('unknown', '09:00')], '10:00', '11:00')).toMatchObject({ text: ['unknown 10:00-11:00'], uptime: null });
  });

  it('is 1 when MAIN never broke and 0 when it was broken all along', () => {
    expect(bar([mark('healthy', '09:00')], '10:00', '11:00').uptime).toBe(1);
    expect(bar([mark('broken', '09:00')], '10:00', '11:00').uptime).toBe(0);
  });

  it('shows the part of the window after now as not watched (nobody knows the future)', () => {
    const view = bar([mark('healthy', '09:00')], '10:00', '11:00', '10:15');
    expect(view.text).toEqual(['healthy 10:00-10:15', 'none 10:15-11:00']);
    expect(view.uptime).toBe(1);
  });

  it('ignores marks after the window and merges repeated states', () => {
    const view = bar([mark('healthy', '10:00'), mark('healthy', '10:20'), mark('broken', '11:30')], '10:00', '11:00');
    expect(view.text).toEqual(['healthy 10:00-11:00']);
  });

  it('drops a state that lasted no time (two marks at the same moment)', () => {
    const view = bar([mark('healthy', '10:00'), mark('none', '10:30'), mark('unknown', '10:30')], '10:00', '11:00');
    expect(view.text).toEqual(['healthy 10:00-10:30', 'unknown 10:30-11:00']);
  });
});
