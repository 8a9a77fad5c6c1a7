import { describe, expect, it } from 'vitest';
import { parseRoute, routeFor, type UiRoute } from '../../../src/shared/ui-route';

describe('briefs routes', () => {
  it('reads back what it writes: All briefs and a brief by number', () => {
    const routes: UiRoute[] = [{ kind: 'briefs' }, { kind: 'brief', number: 12 }, { kind: 'repo', repoId: 'r 1' }];
    for (const r of routes) expect(parseRoute(routeFor(r))).toEqual(r);
    expect(routeFor({ kind: 'brief', number: 12 })).toBe('#/brief/12');
  });

  it('names nothing for a brief that is not a positive number', () => {
    for (const hash of ['#/brief/', '#/brief/0', '#/brief/abc', '#/brief/1/2', '#/brief/-3', '#/briefs/x', '#/brief/1e3']) expect(parseRoute(hash)).toBeNull();
  });
});

describe('settings routes', () => {
  it('names the settings and their sections (sync, terminal, keyboard), and reads them back', () => {
    expect(routeFor({ kind: 'settings' })).toBe('#/settings');
    expect(routeFor({ kind: 'settings', section: 'sync' })).toBe('#/settings/sync');
    expect(parseRoute('#/settings/sync')).toEqual({ kind: 'settings', section: 'sync' });
    expect(parseRoute('#/settings')).toEqual({ kind: 'settings' });
    for (const section of ['terminal', 'keyboard'] as const) expect(parseRoute(routeFor({ kind: 'settings', section }))).toEqual({ kind: 'settings', section });
  });

  it('names nothing for a section it does not know', () => {
    for (const hash of ['#/settings/keys', '#/settings/sync/x']) expect(parseRoute(hash)).toBeNull();
  });
});
