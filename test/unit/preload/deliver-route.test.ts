import { describe, expect, it } from 'vitest';
import { deliverRoute } from '../../../src/preload/deliver-route';

describe('a route the shell sends to the page', () => {
  it('goes to the listeners the UI registered, and leaves the hash alone', () => {
    const got: string[] = [];
    const location = { hash: '#/repo/old' };
    expect(deliverRoute('#/repo/r1/incident/i1', new Set([(r: string) => got.push(r)]), location)).toBe(true);
    expect(got).toEqual(['#/repo/r1/incident/i1']);
    expect(location.hash).toBe('#/repo/old');
  });

  it('goes into location.hash while nothing listens (the page is starting)', () => {
    const location = { hash: '' };
    expect(deliverRoute('#/agent/g1', new Set(), location)).toBe(true);
    expect(location.hash).toBe('#/agent/g1');
  });

  it('is dropped when it is not one of the UI routes', () => {
    const location = { hash: '#/repo/r1' };
    const got: string[] = [];
    for (const bad of ['javascript:alert(1)', '#/settings/nowhere', '#/nowhere', 'https://example.com/#/repo/r1', 42, null]) {
      expect(deliverRoute(bad, new Set([(r: string) => got.push(r)]), location), String(bad)).toBe(false);
      expect(deliverRoute(bad, new Set(), location)).toBe(false);
    }
    expect(got).toEqual([]);
    expect(location.hash).toBe('#/repo/r1');
  });
});
