import { describe, expect, it } from 'vitest';
import { isFocusOn } from '../../../../src/renderer/navigation/route-focus';
import { RouteStore } from '../../../../src/renderer/navigation/route-store';
import { parseRoute } from '../../../../src/shared/ui-route';

describe('RouteStore', () => {
  it('numbers each navigation, so the same route followed twice focuses again', () => {
    const routes = new RouteStore();
    let calls = 0;
    routes.subscribe(() => calls++);
    routes.follow(parseRoute('#/repo/r1/incident/i1'));
    const first = routes.getSnapshot();
    routes.follow(parseRoute('#/repo/r1/incident/i1'));
    expect(routes.getSnapshot()!.target).toEqual({ kind: 'incident', repoId: 'r1', incidentId: 'i1' });
    expect(routes.getSnapshot()!.seq).toBe(first!.seq + 1);
    expect(calls).toBe(2);
  });

  it('stays where it is for a hash that names nothing', () => {
    const routes = new RouteStore();
    routes.follow(parseRoute('#/repo/r1'));
    routes.follow(parseRoute('#/settings/nowhere'));
    routes.follow(parseRoute(''));
    expect(routes.getSnapshot()).toEqual({ target: { kind: 'repo', repoId: 'r1' }, seq: 1 });
  });
});

describe('isFocusOn', () => {
  it('matches exactly the target: a repository route does not focus its incidents or lanes', () => {
    const focus = { target: { kind: 'repo' as const, repoId: 'r1' }, seq: 1 };
    expect(isFocusOn(focus, { kind: 'repo', repoId: 'r1' })).toBe(true);
    expect(isFocusOn(focus, { kind: 'repo', repoId: 'r2' })).toBe(false);
    expect(isFocusOn(focus, { kind: 'incident', repoId: 'r1', incidentId: 'i1' })).toBe(false);
    expect(isFocusOn({ target: { kind: 'lane', repoId: 'r1', laneId: 'l1' }, seq: 2 }, { kind: 'lane', repoId: 'r1', laneId: 'l1' })).toBe(true);
    expect(isFocusOn(null, { kind: 'agent', agentId: 'a1' })).toBe(false);
  });
});
