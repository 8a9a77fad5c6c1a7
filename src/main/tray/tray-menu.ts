import type { MainHealthState } from '../../shared/health';
import { isPaused, PAUSE_FOR_AN_HOUR_MINUTES, PAUSED_INDEFINITELY, type NotificationSettings } from '../../shared/notifications';
import { routeFor } from '../../shared/ui-route';

/**
 * The tray's menu as data: what it lists and what each item does, decided here so it is
 * tested under Node. src/main/index.ts maps the items onto Electron's Menu and each action
 * onto a window, a host call or a quit.
 *
 * The menu depends on the clock (a pause ends at a time), so it is computed with `now`;
 * TrayFeed recomputes it when a pause runs out.
 */
export type TrayAction =
  /** Show the window; with a route, at that place in the UI (see ui-route.ts). */
  | { kind: 'open'; route: string | null }
  /** `minutes` null: until resumed. */
  | { kind: 'pause-notifications'; minutes: number | null }
  | { kind: 'resume-notifications' }
  /** Quit the app; the host and its agents keep running. */
  | { kind: 'quit' }
  | { kind: 'quit-and-stop-agents' };

export type TrayMenuItem =
  | { kind: 'item'; label: string; enabled: boolean; action: TrayAction | null }
  | { kind: 'separator' };

/** What the menu knows of one repository's MAIN. */
export interface RepoLine {
  id: string;
  name: string;
  state: MainHealthState;
  /** False when grove.yaml declares no probes: "unknown" then means "not watched", not "not yet". */
  hasProbes: boolean;
  /** The incident open now, if the shell knows it; clicking the repository opens it. */
  openIncidentId: string | null;
}

export interface TrayMenuInputs {
  hostReachable: boolean;
  repos: readonly RepoLine[];
  /** Null until the host has said (an older host without notifications says nothing). */
  notifications: NotificationSettings | null;
}

export function trayMenu(inputs: TrayMenuInputs, now: Date): TrayMenuItem[] {
  const item = (label: string, action: TrayAction | null, enabled = action !== null): TrayMenuItem => ({ kind: 'item', label, enabled, action });
  const separator: TrayMenuItem = { kind: 'separator' };
  return [
    item('Open Grove', { kind: 'open', route: null }),
    separator,
    ...repoItems(inputs).map(({ label, action }) => item(label, action)),
    separator,
    ...notificationItems(inputs, now).map(({ label, action }) => item(label, action, action !== null && inputs.hostReachable)),
    separator,
    item('Quit (agents keep running)', { kind: 'quit' }),
    // Stopping agents needs the host; while it cannot be reached, the item would only quit.
    item('Quit and stop agents', { kind: 'quit-and-stop-agents' }, inputs.hostReachable),
  ];
}

function repoItems(inputs: TrayMenuInputs): { label: string; action: TrayAction | null }[] {
  // Last known states are not shown while the host is away: nothing is being watched.
  if (!inputs.hostReachable) return [{ label: 'The host is not reachable; retrying', action: null }];
  if (inputs.repos.length === 0) return [{ label: 'No repositories yet', action: null }];
  return [...inputs.repos]
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((r) => ({
      label: `${r.name} — ${mainLabel(r)}`,
      action: {
        kind: 'open',
        route: routeFor(r.openIncidentId ? { kind: 'incident', repoId: r.id, incidentId: r.openIncidentId } : { kind: 'repo', repoId: r.id }),
      },
    }));
}

function mainLabel(r: Pick<RepoLine, 'state' | 'hasProbes'>): string {
  switch (r.state) {
    case 'broken':
      return 'MAIN broken';
    case 'degraded':
      return 'MAIN degraded';
    case 'healthy':
      return 'MAIN healthy';
    case 'unknown':
      return r.hasProbes ? 'MAIN not checked yet' : 'no health probes';
    case 'untrusted':
      return 'commands not trusted';
  }
}

function notificationItems(inputs: TrayMenuInputs, now: Date): { label: string; action: TrayAction | null }[] {
  const settings = inputs.notifications;
  if (settings && isPaused(settings, now)) {
    const until = settings.pausedUntil === PAUSED_INDEFINITELY ? 'until resumed' : `until ${formatPauseEnd(new Date(settings.pausedUntil!), now)}`;
    return [{ label: `Resume notifications (paused ${until})`, action: { kind: 'resume-notifications' } }];
  }
  return [
    { label: 'Pause notifications for 1 hour', action: { kind: 'pause-notifications', minutes: PAUSE_FOR_AN_HOUR_MINUTES } },
    { label: 'Pause until resumed', action: { kind: 'pause-notifications', minutes: null } },
  ];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** Local time: "14:05" today, "Tue 14:05" another day (a pause lasts at most a week). */
export function formatPauseEnd(until: Date, now: Date): string {
  const hhmm = `${String(until.getHours()).padStart(2, '0')}:${String(until.getMinutes()).padStart(2, '0')}`;
  const sameDay = until.getFullYear() === now.getFullYear() && until.getMonth() === now.getMonth() && until.getDate() === now.getDate();
  return sameDay ? hhmm : `${WEEKDAYS[until.getDay()]} ${hhmm}`;
}
