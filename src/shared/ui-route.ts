import type { NotificationTarget } from './notifications';

/** The sections of the settings page a route can name. */
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export const SETTINGS_SECTIONS = ['sync', 'terminal', 'keyboard'] as const;

/** Every place a hash can name: a notification's targets, the briefs' list and pages, the settings (or one section of them). */
export type UiRoute = NotificationTarget | { kind: 'briefs' } | { kind: 'brief'; number: number } | { kind: 'settings'; section?: SettingsSection };

/**
 * Where in the UI a notification leads, as a URL hash: the shell appends it to the window's
 * URL (or sends it to an open window), a browser notification sets it, and the renderer
 * follows it (selects the repository, scrolls to the incident, opens the agent's tab).
 * One format, parsed in one place.
 *
 *   #/repo/<repoId>
 *   #/repo/<repoId>/incident/<incidentId>
 *   #/repo/<repoId>/lane/<laneId>
 *   #/agent/<agentId>
 *   #/briefs
 *   #/brief/<number>
 *   #/settings
 *   #/settings/sync       (or terminal, keyboard)
 */
export function routeFor(target: UiRoute): string {
  const e = encodeURIComponent;
  switch (target.kind) {
    case 'repo':
      return `#/repo/${e(target.repoId)}`;
    case 'incident':
      return `#/repo/${e(target.repoId)}/incident/${e(target.incidentId)}`;
    case 'lane':
      return `#/repo/${e(target.repoId)}/lane/${e(target.laneId)}`;
    case 'agent':
      return `#/agent/${e(target.agentId)}`;
    case 'briefs':
      return '#/briefs';
    case 'brief':
      return `#/brief/${target.number}`;
    case 'settings':
      return target.section ? `#/settings/${target.section}` : '#/settings';
  }
}

/** The target a hash names, or null for anything else (the UI then stays where it is). */
export function parseRoute(hash: string): UiRoute | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  let d: string[];
  try {
    d = parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  if (d[0] === 'agent' && d.length === 2) return { kind: 'agent', agentId: d[1]! };
  if (d[0] === 'briefs' && d.length === 1) return { kind: 'briefs' };
  if (d[0] === 'settings' && d.length === 1) return { kind: 'settings' };
  if (d[0] === 'settings' && d.length === 2 && (SETTINGS_SECTIONS as readonly string[]).includes(d[1]!)) return { kind: 'settings', section: d[1] as SettingsSection };
  if (d[0] === 'brief' && d.length === 2 && /^\d{1,9}$/.test(d[1]!) && Number(d[1]) > 0) return { kind: 'brief', number: Number(d[1]) };
  if (d[0] !== 'repo' || d.length < 2) return null;
  const repoId = d[1]!;
  if (d.length === 2) return { kind: 'repo', repoId };
  if (d.length === 4 && d[2] === 'incident') return { kind: 'incident', repoId, incidentId: d[3]! };
  if (d.length === 4 && d[2] === 'lane') return { kind: 'lane', repoId, laneId: d[3]! };
  return null;
}
