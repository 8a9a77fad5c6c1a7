import { describe, expect, it, vi } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import type { Lane } from '../../../../src/shared/lanes';
import type { Repo } from '../../../../src/shared/repo';
import { cockpitCommands, type CockpitActions } from '../../../../src/renderer/cockpit/cockpit-commands';
import { buildRail } from '../../../../src/renderer/cockpit/rail-model';

const repo: Repo = { id: 'flower', name: 'flower', mainPath: '/s/flower', addedAt: 't', trustedDigest: null, trusted: false, trust: 'untrusted' };
const lane = (name: string): Lane => ({ id: name, repoId: 'flower', name, path: `/s/${name}`, branch: name, kind: 'standing', createdAt: `t-${name}`, status: 'ok', adoptable: false, port: 41000, keyless: false, setup: 'done', served: null, network: null });
function agent(id: string, lanePath: string, waitingSince: string | null): AgentInfo {
  return {
    id, name: id, lanePath, preset: 'claude', command: 'claude', args: [], restart: 'never', autoResume: false, isOpsLoop: false, role: 'worker', dispatchId: null, sessionId: null, createdAt: `c-${id}`,
    supervision: { kind: 'running', pid: 1, startedAt: 'x' },
    activity: waitingSince ? { state: 'waiting', signal: 'hook', detail: 'permission_prompt', since: waitingSince } : { state: 'busy', signal: 'hook', detail: null, since: 'x' },
    outputEnd: 0, restarts: 0, context: null, contextWarnTokens: 1, canResume: false, unconfined: false, confinement: null,
  };
}
function actions(): CockpitActions {
  const names = ['select', 'focusAgent', 'launch', 'newLane', 'addRepository', 'openLanePanel', 'mergeLane', 'rebase', 'split', 'stopAgent', 'findInTerminal', 'restartAgent', 'toggleRail', 'togglePanel', 'nextWaiting', 'pauseNotifications', 'resumeNotifications', 'setTheme', 'showShortcuts', 'openSyncSettings'] as const;
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as unknown as CockpitActions;
}

describe('palette commands', () => {
  const model = buildRail({ repos: [repo], lanes: [lane('a'), lane('b')], agents: [agent('busy', '/s/a', null), agent('late', '/s/b', '2026-01-02'), agent('early', '/s/a', '2026-01-01')], health: {}, opsLoops: {} });

  it('lists waiting agents first, longest waiting first, and jumps to them', () => {
    const act = actions();
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {} }, act);
    expect(cmds.slice(0, 2).map((c) => c.id)).toEqual(['wait:early', 'wait:late']);
    cmds[0]!.run();
    expect(act.focusAgent).toHaveBeenCalledWith(expect.objectContaining({ id: 'early' }));
  });

  it('offers to stop an agent only while it runs', () => {
    const running = agent('busy', '/s/a', null);
    const exited: AgentInfo = { ...running, supervision: { kind: 'exited', code: 0, signal: null } };
    const stopOf = (a: AgentInfo) => cockpitCommands({ model, current: null, currentAgent: a, notificationsPaused: false, shortcuts: {} }, actions()).find((c) => c.id === 'agent.stop')!;
    expect(stopOf(running)).toMatchObject({ disabled: false });
    expect(stopOf(exited)).toMatchObject({ disabled: true, hint: 'It is not running' });
  });

  it('reaches every lane, MAIN and place; lane actions need a lane and say so', () => {
    const act = actions();
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: true, shortcuts: { 'lane.1': 'Ctrl+Shift+1' } }, act);
    const ids = cmds.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['lane:/s/a', 'lane:/s/b', 'main:flower', 'go:briefs', 'brief.new', 'go:health', 'go:notifications', 'settings.open', 'go:sync-settings', 'repo.add', 'lane.new:flower', 'trust:flower', 'notifications.resume']));
    expect(cmds.find((c) => c.id === 'lane:/s/a')!.shortcut).toBe('Ctrl+Shift+1');
    cmds.find((c) => c.id === 'go:sync-settings')!.run();
    expect(act.openSyncSettings).toHaveBeenCalled();
    const merge = cmds.find((c) => c.id === 'lane.merge')!;
    expect(merge.disabled).toBe(true);
    expect(merge.hint).toMatch(/lane/);
    const withLane = cockpitCommands({ model, current: model.ordered[0]!, currentAgent: null, notificationsPaused: false, shortcuts: {} }, act);
    const launch = withLane.find((c) => c.id === 'launch:shell')!;
    expect(launch.title).toBe('Launch a shell in a');
    launch.run();
    expect(act.launch).toHaveBeenCalledWith('/s/a', 'shell');
    expect(withLane.find((c) => c.id === 'lane.merge')!.disabled).toBe(false);
  });
});
