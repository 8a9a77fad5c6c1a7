import type { MainHealthState } from '../../shared/health';
import type { HealthSegment } from '../../shared/incidents';

/**
 * MAIN's timeline as a person reads it: the recorded changes of MAIN's state turned into
 * segments that cover a window without gaps, and the uptime over the time Grove watched.
 * Pure: the rows come from health-history.ts, the clock from the caller.
 *
 * A mark is the moment MAIN entered a state; it lasts until the next mark. Before the first
 * mark, and after `now` (a window that reaches into the future), Grove was not watching:
 * `none`. Uptime counts healthy and degraded time as up, broken as down, and leaves out
 * `none` and `unknown`, when nobody could tell.
 */
export interface StateMark {
  state: MainHealthState | 'none';
  at: string;
}

export interface TimelineView {
  segments: HealthSegment[];
  uptime: number | null;
}

/** `marks` in time order; those before `from` only matter for the state at `from`. */
export function healthTimeline(marks: readonly StateMark[], from: Date, to: Date, now: Date): TimelineView {
  const start = from.getTime();
  const end = to.getTime();
  const watchedUntil = Math.min(end, now.getTime());
  const segments: Array<{ state: HealthSegment['state']; from: number; to: number }> = [];
  const push = (state: HealthSegment['state'], a: number, b: number): void => {
    if (b <= a) return;
    const last = segments.at(-1);
    if (last && last.state === state && last.to === a) last.to = b;
    else segments.push({ state, from: a, to: b });
  };

  let cursor = start;
  let state: HealthSegment['state'] = 'none';
  for (const mark of marks) {
    const at = Date.parse(mark.at);
    if (at > start && at >= watchedUntil) break;
    if (at > cursor) {
      push(state, cursor, at);
      cursor = at;
    }
    state = mark.state;
  }
  push(state, cursor, watchedUntil);
  push('none', Math.max(start, watchedUntil), end);
  if (segments.length === 0) segments.push({ state, from: start, to: end }); // an empty window: the state at that instant

  return {
    segments: segments.map((s) => ({ state: s.state, from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() })),
    uptime: uptimeOf(segments),
  };
}

function uptimeOf(segments: ReadonlyArray<{ state: HealthSegment['state']; from: number; to: number }>): number | null {
  let up = 0;
  let down = 0;
  for (const s of segments) {
    if (s.state === 'healthy' || s.state === 'degraded') up += s.to - s.from;
    else if (s.state === 'broken') down += s.to - s.from;
  }
  return up + down > 0 ? up / (up + down) : null;
}
