import { describe, expect, it } from 'vitest';
import { PAUSED_INDEFINITELY } from '../../../src/shared/notifications';
import { formatPauseEnd, trayMenu, type RepoLine, type TrayMenuInputs, type TrayMenuItem } from '../../../src/main/tray/tray-menu';

// Local times, so the labels read the same in every time zone.
const now = new Date(2025, 5, 3, 13, 5);
const flower: RepoLine = { id: 'r1', name: 'flower', state: 'broken', hasProbes: true, openIncidentId: null };
const api: RepoLine = { id: 'r2', name: 'api', state: 'healthy', hasProbes: true, openIncidentId: null };
const inputs: TrayMenuInputs = { hostReachable: true, repos: [flower, api], notifications: { pausedUntil: null, escalateAfterMinutes: 10 } };

const labels = (items: TrayMenuItem[]): string[] => items.map((i) => (i.kind === 'separator' ? '---' : i.label));
const itemLabelled = (items: TrayMenuItem[], label: string): Extract<TrayMenuItem, { kind: 'item' }> => {
  const found = items.find((i) => i.kind === 'item' && i.label === label);
  if (!found || found.kind !== 'item') throw new Error(`no item "${label}" in ${JSON.stringify(labels(items))}`);
  return found;
};

describe('tray menu', () => {
  it('lists Open, each repository with its MAIN (by name), pausing, and both quits', () => {
    expect(labels(trayMenu(inputs, now))).toEqual([
      'Open Grove',
      '---',
      'api — MAIN healthy',
      'flower — MAIN broken',
      '---',
      'Pause notifications for 1 hour',
      'Pause until resumed',
      '---',
      'Quit (agents keep running)',
      'Quit and stop agents',
    ]);
  });

  it('opens a repository at its open incident when one is known, else at the repository', () => {
    const withIncident = trayMenu({ ...inputs, repos: [{ ...flower, openIncidentId: 'inc 1' }, api] }, now);
    expect(itemLabelled(withIncident, 'flower — MAIN broken').action).toEqual({ kind: 'open', route: '#/repo/r1/incident/inc%201' });
    expect(itemLabelled(withIncident, 'api — MAIN healthy').action).toEqual({ kind: 'open', route: '#/repo/r2' });
    expect(itemLabelled(withIncident, 'Open Grove').action).toEqual({ kind: 'open', route: null });
  });

  it('names every state of MAIN, telling "no probes" from "not checked yet"', () => {
    const repos: RepoLine[] = [
      { ...api, id: 'a', name: 'a', state: 'degraded' },
      { ...api, id: 'b', name: 'b', state: 'unknown', hasProbes: true },
      { ...api, id: 'c', name: 'c', state: 'unknown', hasProbes: false },
    ];
    expect(labels(trayMenu({ ...inputs, repos }, now)).slice(2, 5)).toEqual(['a — MAIN degraded', 'b — MAIN not checked yet', 'c — no health probes']);
  });

  it('pauses for an hour or until resumed', () => {
    const menu = trayMenu(inputs, now);
    expect(itemLabelled(menu, 'Pause notifications for 1 hour').action).toEqual({ kind: 'pause-notifications', minutes: 60 });
    expect(itemLabelled(menu, 'Pause until resumed').action).toEqual({ kind: 'pause-notifications', minutes: null });
  });

  it('offers to resume while paused, saying until when', () => {
    const until = new Date(2025, 5, 3, 14, 5).toISOString();
    const menu = trayMenu({ ...inputs, notifications: { pausedUntil: until, escalateAfterMinutes: 10 } }, now);
    expect(labels(menu)).not.toContain('Pause notifications for 1 hour');
    expect(itemLabelled(menu, 'Resume notifications (paused until 14:05)').action).toEqual({ kind: 'resume-notifications' });
    expect(labels(trayMenu({ ...inputs, notifications: { pausedUntil: PAUSED_INDEFINITELY, escalateAfterMinutes: 10 } }, now))).toContain('Resume notifications (paused until resumed)');
  });

  it('offers to pause again once a pause has run out, or when the host has not said', () => {
    const ended = new Date(2025, 5, 3, 13, 0).toISOString();
    expect(labels(trayMenu({ ...inputs, notifications: { pausedUntil: ended, escalateAfterMinutes: 10 } }, now))).toContain('Pause notifications for 1 hour');
    expect(labels(trayMenu({ ...inputs, notifications: null }, now))).toContain('Pause until resumed');
  });

  it('while the host is away: no stale MAIN states, nothing that needs the host, but Open and Quit still work', () => {
    const menu = trayMenu({ ...inputs, hostReachable: false }, now);
    expect(labels(menu).join('\n')).not.toContain('flower');
    const away = itemLabelled(menu, 'The host is not reachable; retrying');
    expect(away.enabled).toBe(false);
    expect(itemLabelled(menu, 'Pause notifications for 1 hour').enabled).toBe(false);
    expect(itemLabelled(menu, 'Quit and stop agents').enabled).toBe(false);
    expect(itemLabelled(menu, 'Quit (agents keep running)')).toMatchObject({ enabled: true, action: { kind: 'quit' } });
    expect(itemLabelled(menu, 'Open Grove').enabled).toBe(true);
  });

  it('says so when there is no repository yet', () => {
    expect(itemLabelled(trayMenu({ ...inputs, repos: [] }, now), 'No repositories yet').enabled).toBe(false);
  });

  it('quits leaving agents running, or stops them first', () => {
    const menu = trayMenu(inputs, now);
    expect(itemLabelled(menu, 'Quit (agents keep running)').action).toEqual({ kind: 'quit' });
    expect(itemLabelled(menu, 'Quit and stop agents')).toMatchObject({ enabled: true, action: { kind: 'quit-and-stop-agents' } });
  });
});

describe('the end of a pause, as the menu says it', () => {
  it('is a time today and a weekday and time on another day', () => {
    expect(formatPauseEnd(new Date(2025, 5, 3, 9, 7), now)).toBe('09:07');
    expect(formatPauseEnd(new Date(2025, 5, 4, 0, 30), now)).toBe('Wed 00:30');
  });
});
