import type { ProbeHealth } from '../../shared/health';

/** How a probe's state reads in its row: the word and its tone (the icon comes with the state). */
const TONE: Record<ProbeHealth['state'], string> = { passing: 'tone-ok', failing: 'tone-bad', unknown: 'tone-idle' };

/** "failing", "passing", "passing, last run failed" (MAIN degraded), "not run yet". */
export function describeProbeState(p: ProbeHealth): { word: string; tone: string } {
  if (p.state === 'passing' && p.last && !p.last.ok) return { word: 'passing, last run failed', tone: 'tone-warn' };
  if (p.state === 'unknown') return p.last ? { word: 'failed, below the threshold', tone: 'tone-warn' } : { word: 'not run yet', tone: 'tone-idle' };
  return { word: p.state, tone: TONE[p.state] };
}
