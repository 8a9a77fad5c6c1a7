import { afterEach, describe, expect, it } from 'vitest';
import { getVisibleWorkspace, setVisibleWorkspace } from '../../../../src/renderer/notifications/visible-workspace';

/** The workspace on screen, and the app's shell told of each change (and of the first, even "none"). */
const g = globalThis as { grove?: { reportVisibleWorkspace(path: string | null): void } };
afterEach(() => delete g.grove);

describe('visible workspace', () => {
  it('tells the shell the first answer, even none, then each change once', () => {
    const told: (string | null)[] = [];
    g.grove = { reportVisibleWorkspace: (path) => void told.push(path) };
    expect(getVisibleWorkspace()).toBeNull();
    setVisibleWorkspace(null);
    setVisibleWorkspace('/srv/flower-design');
    setVisibleWorkspace('/srv/flower-design');
    setVisibleWorkspace('/srv/flower');
    expect(told).toEqual([null, '/srv/flower-design', '/srv/flower']);
    expect(getVisibleWorkspace()).toBe('/srv/flower');
  });
});
