import type { MainHealth, MainHealthState } from '../../shared/health';
import { worstHealth } from '../ui/attention';

/**
 * What the browser tab says from across the room: the title names MAIN's worst state over
 * every repository (and keeps the count of agents waiting for the operator), and the
 * favicon is a sapling drawn green, amber or red. Pure; use-page-badge.ts applies it.
 */

/** The worst state of MAIN over repositories that declare probes; null when none does. */
export function worstMainState(health: Readonly<Record<string, MainHealth>>): MainHealthState | null {
  return worstHealth(Object.values(health).flatMap((h) => (h.probes.length > 0 ? [h.state] : [])));
}

/** "(2) ● MAIN broken — Grove"; a healthy MAIN is not news, so it reads plain "Grove". */
export function titleFor(waitingAgents: number, main: MainHealthState | null): string {
  const waiting = waitingAgents > 0 ? `(${waitingAgents}) ` : '';
  const state = main === 'broken' || main === 'degraded' ? `● MAIN ${main} — ` : '';
  return `${waiting}${state}Grove`;
}

export type BadgeState = MainHealthState | 'none';

const COLORS: Record<BadgeState, string> = {
  healthy: '#2f7d4f',
  degraded: '#c98a00',
  broken: '#d0281e',
  unknown: '#7a847d',
  untrusted: '#7a847d',
  none: '#2f6d4f',
};

export function faviconSvg(state: BadgeState): string {
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">',
    `<circle cx="16" cy="16" r="15" fill="${COLORS[state]}"/>`,
    '<path d="M16 26V12M16 18l-6-6M16 15l6-6" stroke="#fff" stroke-width="3.2" stroke-linecap="round" fill="none"/>',
    '</svg>',
  ].join('');
}

export function faviconHref(state: BadgeState): string {
  return `data:image/svg+xml,${encodeURIComponent(faviconSvg(state))}`;
}
