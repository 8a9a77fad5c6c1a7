import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../src/shared/events';
import type { MainHealth } from '../../../src/shared/health';
import type { Incident } from '../../../src/shared/incidents';
import type { MethodName, ResultOf } from '../../../src/shared/methods';
import { err, ok } from '../../../src/shared/result';
import { TrayFeed, type HostCall } from '../../../src/main/tray/tray-feed';
import type { TrayMenuItem } from '../../../src/main/tray/tray-menu';

/**
 * The feed's decisions with the host's answers scripted: what it shows on connect, how it
 * settles the race between those answers and the event stream, and when a pause runs out.
 * test/integration/tray-feed.test.ts runs the same feed against a real host.
 */
const healthOf = (state: MainHealth['state']): MainHealth => ({
  state,
  probes: [{ name: 'artisan', state: state === 'broken' ? 'failing' : 'passing', consecutiveFailures: state === 'broken' ? 2 : 0, last: null }],
});
const flower = { id: 'r1', name: 'flower', mainPath: '/src/flower', addedAt: '2025-06-03T00:00:00.000Z', trustedDigest: null, trusted: false, trust: 'untrusted' as const };
const openIncident: Incident = {
  id: 'i1',
  repoId: 'r1',
  openedAt: '2025-06-03T11:00:00.000Z',
  closedAt: null,
  probes: [],
  headAtOpen: null,
  lastHealthyAt: null,
  lastHealthyHead: null,
  commits: [],
  recovery: null,
};

type Answers = { [M in MethodName]?: () => ResultOf<M> | Promise<ResultOf<M>> };

/** A host that answers these methods and knows no others (like an older host). */
function host(answers: Answers): HostCall {
  return (async (method: MethodName) => {
    const answer = answers[method] as (() => unknown) | undefined;
    if (!answer) return err({ code: 'unknown_method', message: `no ${method}` });
    return ok(await answer());
  }) as HostCall;
}

const truth = (state: MainHealth['state']): Answers => ({
  'repos.list': () => ({ repos: [flower] }),
  'health.get': () => ({ repos: [{ repoId: 'r1', health: healthOf(state) }] }),
  'agents.list': () => ({ agents: [] }),
  'notifications.list': () => ({ notifications: [], settings: { pausedUntil: null, escalateAfterMinutes: 10 } }),
  'incidents.list': () => ({ incidents: state === 'broken' ? [openIncident] : [] }),
});

const labels = (menu: TrayMenuItem[]): string[] => menu.flatMap((i) => (i.kind === 'item' ? [i.label] : []));
/** Where clicking the item labelled so leads. */
const routeOf = (menu: TrayMenuItem[], label: string): string | null | undefined => {
  const item = menu.find((i) => i.kind === 'item' && i.label === label);
  return item?.kind === 'item' && item.action?.kind === 'open' ? item.action.route : undefined;
};
const open = { kind: 'open', hostVersion: '0.1.0', protocolVersion: 1 } as const;
let seq = 0;
const envelope = (event: HostEvent) => ({ seq: ++seq, at: new Date().toISOString(), event });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('tray feed', () => {
  it('shows the host\'s truth on connect, before any event: MAIN broken in flower, opening its incident', async () => {
    const feed = new TrayFeed({ call: host(truth('broken')) });
    expect(feed.current.face).toBe('attention');
    feed.onConnection(open);
    await expect.poll(() => feed.current).toEqual({ face: 'broken', tooltip: 'Grove: MAIN is broken in flower' });
    expect(labels(feed.currentMenu)).toContain('flower — MAIN broken');
    expect(routeOf(feed.currentMenu, 'flower — MAIN broken')).toBe('#/repo/r1/incident/i1');
  });

  it('keeps what events said while the answers were on their way: the stream is newer', async () => {
    let answerHealth!: () => void;
    const held = new Promise<void>((r) => (answerHealth = r));
    const answers = truth('broken');
    const feed = new TrayFeed({
      call: host({ ...answers, 'health.get': async () => (await held, answers['health.get']!()) }),
    });
    feed.onConnection(open);
    // MAIN recovered after the host computed its answer, and the event overtook it.
    feed.onEvent(envelope({ type: 'health.updated', repoId: 'r1', health: healthOf('healthy') }));
    answerHealth();
    await settle();
    await expect.poll(() => labels(feed.currentMenu)).toContain('flower — MAIN healthy');
    expect(feed.current.face).toBe('ok');
  });

  it('follows events: a new repository, MAIN breaking and recovering, an incident opening and closing, a removal', async () => {
    const feed = new TrayFeed({ call: host({ ...truth('healthy'), 'repos.list': () => ({ repos: [] }), 'health.get': () => ({ repos: [] }) }) });
    feed.onConnection(open);
    await expect.poll(() => labels(feed.currentMenu)).toContain('No repositories yet');
    feed.onEvent(envelope({ type: 'repo.added', repo: flower }));
    feed.onEvent(envelope({ type: 'health.updated', repoId: 'r1', health: healthOf('healthy') }));
    expect(labels(feed.currentMenu)).toContain('flower — MAIN healthy');
    feed.onEvent(envelope({ type: 'health.updated', repoId: 'r1', health: healthOf('broken') }));
    expect(feed.current.face).toBe('broken');
    expect(routeOf(feed.currentMenu, 'flower — MAIN broken')).toBe('#/repo/r1');
    feed.onEvent(envelope({ type: 'incident.updated', incident: openIncident }));
    expect(routeOf(feed.currentMenu, 'flower — MAIN broken')).toBe('#/repo/r1/incident/i1');
    feed.onEvent(envelope({ type: 'incident.updated', incident: { ...openIncident, closedAt: '2025-06-03T12:00:00.000Z' } }));
    feed.onEvent(envelope({ type: 'health.updated', repoId: 'r1', health: healthOf('healthy') }));
    expect(routeOf(feed.currentMenu, 'flower — MAIN healthy')).toBe('#/repo/r1');
    expect(feed.current.face).toBe('ok');
    feed.onEvent(envelope({ type: 'repo.removed', id: 'r1' }));
    expect(labels(feed.currentMenu)).toContain('No repositories yet');
  });

  it('offers to resume while paused, and to pause again when the pause runs out', async () => {
    let now = new Date(2025, 5, 3, 13, 5);
    const timers: { fn: () => void; at: number }[] = [];
    const feed = new TrayFeed({
      call: host(truth('healthy')),
      now: () => now,
      setTimer: (fn, ms) => timers.push({ fn, at: now.getTime() + ms }),
      clearTimer: () => timers.splice(0),
    });
    feed.onConnection(open);
    await expect.poll(() => labels(feed.currentMenu)).toContain('Pause notifications for 1 hour');
    feed.onEvent(envelope({ type: 'notifications.settings', settings: { pausedUntil: new Date(2025, 5, 3, 14, 5).toISOString(), escalateAfterMinutes: 10 } }));
    expect(labels(feed.currentMenu)).toContain('Resume notifications (paused until 14:05)');
    expect(timers).toHaveLength(1);
    now = new Date(timers[0]!.at);
    timers.shift()!.fn();
    expect(labels(feed.currentMenu)).toContain('Pause notifications for 1 hour');
  });

  it('works with a host that has no incidents or notifications yet', async () => {
    const { 'incidents.list': _i, 'notifications.list': _n, ...older } = truth('broken');
    const feed = new TrayFeed({ call: host(older) });
    feed.onConnection(open);
    await expect.poll(() => feed.current.face).toBe('broken');
    expect(routeOf(feed.currentMenu, 'flower — MAIN broken')).toBe('#/repo/r1');
    expect(labels(feed.currentMenu)).toContain('Pause until resumed');
  });

  it('drops answers that arrive after the connection dropped, and tells each change once', async () => {
    let answerRepos!: () => void;
    const held = new Promise<void>((r) => (answerRepos = r));
    const answers = truth('broken');
    const menus: string[][] = [];
    const faces: string[] = [];
    const feed = new TrayFeed({
      call: host({ ...answers, 'repos.list': async () => (await held, answers['repos.list']!()) }),
      onState: (s) => faces.push(s.face),
      onMenu: (m) => menus.push(labels(m)),
    });
    feed.onConnection(open);
    feed.onConnection({ kind: 'waiting', attempt: 1, retryInMs: 100, reason: 'closed' });
    answerRepos();
    await settle();
    await settle();
    expect(feed.current).toEqual({ face: 'attention', tooltip: 'Grove: the host is not reachable' });
    expect(labels(feed.currentMenu)).toContain('The host is not reachable; retrying');
    expect(faces).toEqual(['attention', 'ok', 'attention']);
    // Each menu told differs from the one before: no rebuild without a change.
    menus.forEach((m, i) => i > 0 && expect(m).not.toEqual(menus[i - 1]));
    expect(menus.length).toBeGreaterThanOrEqual(2);
  });
});
