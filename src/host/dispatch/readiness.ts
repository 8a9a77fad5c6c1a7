import type { Brief } from '../../shared/briefs';

/**
 * Whether auto-dispatch may start a brief's build: it is planned and every brief it depends
 * on is done. The reason is the sentence the panel shows while it waits.
 */
export type Readiness = { ready: true } | { ready: false; reason: string };

export function readiness(brief: Brief, resolve: (id: string) => Brief | null): Readiness {
  if (brief.status !== 'planned') return { ready: false, reason: `waiting for #${brief.number} to be planned (it is ${brief.status.replace('_', ' ')})` };
  const open = brief.dependsOn
    .map((id) => resolve(id))
    .filter((d): d is Brief => d !== null && d.status !== 'done');
  if (open.length > 0) return { ready: false, reason: `waiting for ${open.map((d) => `#${d.number} (${d.status.replace('_', ' ')})`).join(', ')} to be done` };
  return { ready: true };
}
