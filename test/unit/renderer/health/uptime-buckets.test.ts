import { describe, expect, it } from 'vitest';
import type { HealthSegment } from '../../../../src/shared/incidents';
import { bucketsOf, describeSpent, formatUptime, worseOf } from '../../../../src/renderer/health/uptime-buckets';

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();
const seg = (state: HealthSegment['state'], fromMin: number, toMin: number): HealthSegment => ({ state, from: at(fromMin), to: at(toMin) });

describe('bucketsOf', () => {
  it('cuts the timeline into equal buckets that cover it exactly', () => {
    const b = bucketsOf({ from: at(0), to: at(60), segments: [seg('healthy', 0, 60)] }, 4);
    expect(b.map((x) => [x.from, x.to])).toEqual([
      [at(0), at(15)],
      [at(15), at(30)],
      [at(30), at(45)],
      [at(45), at(60)],
    ]);
    expect(b.every((x) => x.state === 'healthy')).toBe(true);
  });

  it('paints a bucket with the worst state it saw, so a two-minute outage in a day is visible', () => {
    const day = 24 * 60;
    const b = bucketsOf({ from: at(0), to: at(day), segments: [seg('healthy', 0, 600), seg('broken', 600, 602), seg('healthy', 602, day)] });
    expect(b).toHaveLength(96);
    const broken = b.filter((x) => x.state === 'broken');
    expect(broken).toHaveLength(1);
    expect(broken[0]!.from).toBe(at(600));
    expect(broken[0]!.spent).toEqual([
      { state: 'broken', ms: 2 * 60_000 },
      { state: 'healthy', ms: 13 * 60_000 },
    ]);
  });

  it('prefers what was seen over what was not: healthy beats unknown and not watched', () => {
    const b = bucketsOf({ from: at(0), to: at(30), segments: [seg('none', 0, 10), seg('unknown', 10, 12), seg('healthy', 12, 20), seg('none', 20, 30)] }, 2);
    expect(b.map((x) => x.state)).toEqual(['healthy', 'healthy']);
    expect(bucketsOf({ from: at(0), to: at(30), segments: [seg('none', 0, 20), seg('unknown', 20, 30)] }, 2).map((x) => x.state)).toEqual(['none', 'unknown']);
  });

  it('counts time no segment covers as not watched, and draws nothing for an empty range', () => {
    expect(bucketsOf({ from: at(0), to: at(30), segments: [seg('degraded', 0, 10)] }, 2).map((x) => x.state)).toEqual(['degraded', 'none']);
    expect(bucketsOf({ from: at(10), to: at(10), segments: [] })).toEqual([]);
  });

  it('orders states worst first', () => {
    expect(worseOf('healthy', 'broken')).toBe('broken');
    expect(worseOf('degraded', 'unknown')).toBe('degraded');
    expect(worseOf('none', 'unknown')).toBe('unknown');
  });
});

describe('describeSpent', () => {
  it('says how long each state lasted in the bucket, worst first', () => {
    const [b] = bucketsOf({ from: at(0), to: at(15), segments: [seg('healthy', 0, 13), seg('broken', 13, 15)] }, 1);
    expect(describeSpent(b!)).toBe('broken 2 min, healthy 13 min');
    const [empty] = bucketsOf({ from: at(0), to: at(15), segments: [] }, 1);
    expect(describeSpent(empty!)).toBe('not watched');
  });
});

describe('formatUptime', () => {
  it('rounds down, so any downtime shows', () => {
    expect(formatUptime(1)).toBe('100 %');
    expect(formatUptime(0.99996)).toBe('99.99 %');
    expect(formatUptime(0.999)).toBe('99.90 %');
    expect(formatUptime(0.29)).toBe('29.0 %');
    expect(formatUptime(0)).toBe('0.0 %');
    expect(formatUptime(null)).toBe('—');
  });
});
