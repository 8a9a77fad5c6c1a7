import type { HealthSegment, HealthTimeline } from '../../shared/incidents';
import { formatDuration } from '../ui/time-format';

/**
 * The uptime bar's layout, status-page style: the timeline cut into equal buckets, each
 * coloured by the worst state MAIN was in during it. Proportional widths would hide a
 * two-minute outage in a day (0.1 % of the bar); a bucket that saw it is red all over,
 * which is what a person reading at a glance needs. Each bucket's title says what
 * happened in it, with times.
 */
export type BarState = HealthSegment['state'];

export interface UptimeBucket {
  from: string;
  to: string;
  state: BarState;
  /** Time spent in each state within the bucket, worst first. */
  spent: { state: BarState; ms: number }[];
}

/** 24 h in quarter hours. */
const DEFAULT_BUCKETS = 96;

/** Worst first: what colours a bucket. Healthy beats unknown: a bucket where the probes passed is known to be fine. */
const SEVERITY: BarState[] = ['broken', 'degraded', 'healthy', 'unknown', 'untrusted', 'none'];

export function worseOf(a: BarState, b: BarState): BarState {
  return SEVERITY.indexOf(a) <= SEVERITY.indexOf(b) ? a : b;
}

export function bucketsOf(timeline: Pick<HealthTimeline, 'from' | 'to' | 'segments'>, count = DEFAULT_BUCKETS): UptimeBucket[] {
  const from = Date.parse(timeline.from);
  const to = Date.parse(timeline.to);
  if (!(to > from) || count < 1) return [];
  const width = (to - from) / count;
  const segments = timeline.segments.map((s) => ({ state: s.state, from: Date.parse(s.from), to: Date.parse(s.to) }));
  const buckets: UptimeBucket[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + i * width;
    const end = i === count - 1 ? to : from + (i + 1) * width;
    const spent = new Map<BarState, number>();
    for (const s of segments) {
      const overlap = Math.min(end, s.to) - Math.max(start, s.from);
      if (overlap > 0) spent.set(s.state, (spent.get(s.state) ?? 0) + overlap);
    }
    const list = [...spent].map(([state, ms]) => ({ state, ms })).sort((a, b) => SEVERITY.indexOf(a.state) - SEVERITY.indexOf(b.state));
    buckets.push({
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      // A bucket no segment covers is time Grove knows nothing about.
      state: list[0]?.state ?? 'none',
      spent: list,
    });
  }
  return buckets;
}

const STATE_WORDS: Record<BarState, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  broken: 'broken',
  unknown: 'unknown',
  untrusted: 'not trusted',
  none: 'not watched',
};

/** "broken 2 min, healthy 13 min". */
export function describeSpent(bucket: UptimeBucket): string {
  return bucket.spent.map((s) => `${STATE_WORDS[s.state]} ${formatDuration(s.ms)}`).join(', ') || STATE_WORDS.none;
}

/**
 * The share MAIN was up, rounded down so that any downtime shows: 99.996 % reads
 * "99.99 %", never "100 %". null (nothing watched) reads as a dash.
 */
export function formatUptime(uptime: number | null): string {
  if (uptime === null) return '—';
  if (uptime >= 1) return '100 %';
  // The epsilon keeps 0.29 * 10000 = 2899.9999… from losing a hundredth.
  const floored = Math.floor(uptime * 10000 + 1e-6) / 100;
  return `${floored.toFixed(floored >= 99 ? 2 : 1)} %`;
}
