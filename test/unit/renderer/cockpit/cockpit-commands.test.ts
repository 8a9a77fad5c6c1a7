import { describe, expect, it, vi } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import type { Lane, MainState, MergeRecord } from '../../../../src/shared/lanes';
import type { Notification } from '../../../../src/shared/notifications';
import type { Repo } from '../../../../src/shared/repo';
import { cockpitCommands, type CockpitActions } from '../../../../src/renderer/cockpit/cockpit-commands';
import { buildRail } from '../../../../src/renderer/cockpit/rail-model';
import { filterPaletteCommands } from '../../../../src/renderer/palette/palette-command';
import { KEEP_SPEC } from '../../../../src/renderer/briefs/brief-part-requests';

const repo: Repo = { id: 'flower', name: 'flower', mainPath: '/s/flower', addedAt: 't', trustedDigest: null, trusted: false, trust: 'untrusted' };
const lane = (name: string): Lane => ({ id: name, repoId: 'flower', name, path: `/s/${name}`, branch: name, kind: 'standing', createdAt: `t-${name}`, status: 'ok', adoptable: false, port: 41000, keyless: false, setup: 'done', served: null, network: null });
function agent(id: string, lanePath: string, waitingSince: string | null): AgentInfo {
  return {
    id, name: id, lanePath, preset: 'claude', command: 'claude', args: [], restart: 'never', autoResume: false, isOpsLoop: false, role: 'worker', dispatchId: null, sessionId: null, createdAt: `c-${id}`,
    supervision: { kind: 'running', pid: 1, startedAt: 'x' },
    activity: waitingSince ? { state: 'waiting', signal: 'hook', detail: 'permission_prompt', since: waitingSince } : { state: 'busy', signal: 'hook', detail: null, since: 'x' },
    outputEnd: 0, restarts: 0, context: null, contextWarnTokens: 1, canResume: false, unconfined: false, confinement: null, ceiling: null,
  };
}
function actions(): CockpitActions {
  const names = ['select', 'focusAgent', 'launch', 'newLane', 'newBrief', 'briefPart', 'briefItem', 'addRepository', 'openLanePanel', 'mergeLane', 'rebase', 'split', 'stopAgent', 'findInTerminal', 'restartAgent', 'resumeAgent', 'removeAgent', 'recycleAgent', 'goToLane', 'laneAction', 'stopAllAgents', 'mainState', 'opsLoop', 'acknowledgeAlerts', 'acknowledgeAlert', 'syncNow', 'markNotificationsRead', 'openNotification', 'setLaneNetwork', 'adoptWorktree', 'rollBack', 'toggleRail', 'togglePanel', 'nextWaiting', 'pauseNotifications', 'resumeNotifications', 'setTheme', 'showShortcuts', 'openSettings', 'turnSyncOff', 'setSendEveryKey', 'markNotificationRead', 'editEscalation', 'askNotifyPermission'] as const;
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as unknown as CockpitActions;
}

/** Nothing read of MAIN, sync off, nothing unread or waiting. */
const noItems = { dispatches: [], entries: [], plans: [], dependencies: [], links: [], contested: [] };
const quiet = { briefOnScreen: null, briefItems: noItems, mainStates: {}, syncOn: false, sendEveryKey: false, agentsKnown: true, canAskNotify: false, unread: [], waitingAlerts: [], awaitingRollback: [] };
const notification = (id: string, title: string, at: string): Notification => ({ id, kind: 'agent.waiting', severity: 'warning', title, body: 'Claude asks to run npm test', target: { kind: 'agent', agentId: 'late' }, at, quiet: null, workspace: '/s/b', readAt: null });

describe('palette commands', () => {
  const model = buildRail({ repos: [repo], lanes: [lane('a'), lane('b')], agents: [agent('busy', '/s/a', null), agent('late', '/s/b', '2026-01-02'), agent('early', '/s/a', '2026-01-01')], health: {}, opsLoops: {} });

  it('lists waiting agents first, longest waiting first, and jumps to them', () => {
    const act = actions();
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act);
    expect(cmds.slice(0, 2).map((c) => c.id)).toEqual(['wait:early', 'wait:late']);
    cmds[0]!.run();
    expect(act.focusAgent).toHaveBeenCalledWith(expect.objectContaining({ id: 'early' }));
  });

  it('offers to stop an agent only while it runs', () => {
    const running = agent('busy', '/s/a', null);
    const exited: AgentInfo = { ...running, supervision: { kind: 'exited', code: 0, signal: null } };
    const stopOf = (a: AgentInfo) => cockpitCommands({ model, current: null, currentAgent: a, notificationsPaused: false, shortcuts: {}, ...quiet }, actions()).find((c) => c.id === 'agent.stop')!;
    expect(stopOf(running)).toMatchObject({ disabled: false });
    expect(stopOf(exited)).toMatchObject({ disabled: true, hint: 'It is not running' });
  });

  it('offers the agent\'s own choices: resume and remove once it stopped, recycle with a conversation, each saying why not', () => {
    const running = agent('busy', '/s/a', null);
    const exited: AgentInfo = { ...running, supervision: { kind: 'exited', code: 0, signal: null }, canResume: true };
    const talking: AgentInfo = { ...running, context: { tokens: 1000, window: 200_000, model: null, at: 'x' } };
    const act = actions();
    const of = (a: AgentInfo, id: string) => cockpitCommands({ model, current: null, currentAgent: a, notificationsPaused: false, shortcuts: {}, ...quiet }, act).find((c) => c.id === id)!;
    expect(of(running, 'agent.resume')).toMatchObject({ disabled: true, hint: 'It is still running' });
    expect(of(running, 'agent.remove')).toMatchObject({ disabled: true, hint: 'Stop it first' });
    expect(of(running, 'agent.recycle')).toMatchObject({ disabled: true, hint: 'It has no conversation to recycle' });
    expect(of({ ...exited, canResume: false }, 'agent.resume').title).toBe('Start again busy');
    const resume = of(exited, 'agent.resume');
    expect(resume).toMatchObject({ disabled: false, title: 'Resume busy' });
    resume.run();
    expect(act.resumeAgent).toHaveBeenCalledWith(exited);
    of(exited, 'agent.remove').run();
    expect(act.removeAgent).toHaveBeenCalledWith(exited);
    const recycle = of(talking, 'agent.recycle');
    expect(recycle.disabled).toBe(false);
    recycle.run();
    expect(act.recycleAgent).toHaveBeenCalledWith(talking);
  });

  it('offers the lane panel\'s, the workspace\'s and MAIN\'s actions by what each can do now', () => {
    const act = actions();
    const served = { ...lane('a'), served: { url: 'http://127.0.0.1:41000', pid: 2, startedAt: 't' } } as unknown as Lane;
    const servedModel = buildRail({ repos: [repo], lanes: [served], agents: [agent('busy', '/s/a', null)], health: {}, opsLoops: {} });
    const mainState = { repoId: 'flower', branch: 'main', head: 'abc', dirty: [], unexpectedCommits: [{ sha: 'def', subject: 'hotfix', author: 'x' }], preCommitGuard: false } as unknown as MainState;
    const failed = { id: 'm1', repoId: 'flower', laneName: 'a', state: 'awaiting-rollback' } as unknown as MergeRecord;
    const cmds = cockpitCommands({ model: servedModel, current: servedModel.ordered[0]!, currentAgent: null, briefOnScreen: null, briefItems: quiet.briefItems, sendEveryKey: false, agentsKnown: true, canAskNotify: true, notificationsPaused: false, shortcuts: {}, mainStates: { flower: mainState }, syncOn: true, unread: [notification('n1', 'late is waiting', '2026-01-01'), notification('n2', 'early is waiting', '2026-01-02')], waitingAlerts: [{ seq: 4, at: 't4', message: 'MAIN of flower was rolled back\nthe gate failed', agentId: null, repoId: 'flower', acknowledgedAt: null }, { seq: 9, at: 't9', message: 'ops loop of flower stopped', agentId: null, repoId: 'flower', acknowledgedAt: null }], awaitingRollback: [failed] }, act);
    const byId = (id: string) => cmds.find((c) => c.id === id);
    expect(byId('lane.serve')).toBeUndefined();
    byId('lane.unserve')!.run();
    expect(act.laneAction).toHaveBeenCalledWith(served, 'stop-serving');
    byId('lane.remove')!.run();
    expect(act.laneAction).toHaveBeenCalledWith(served, 'remove');
    expect(byId('lane.stopAll')!.disabled).toBe(false);
    byId('lane.stopAll')!.run();
    expect(act.stopAllAgents).toHaveBeenCalledWith('/s/a');
    byId('guard.on:flower')!.run();
    expect(act.mainState).toHaveBeenCalledWith('flower', 'guard-on');
    byId('main.accept:flower')!.run();
    expect(act.mainState).toHaveBeenCalledWith('flower', 'accept');
    byId('ops.start:flower')!.run();
    expect(act.opsLoop).toHaveBeenCalledWith('flower', 'start');
    expect(byId('sync.now')).toBeDefined();
    expect(byId('lane.network:default')).toMatchObject({ disabled: true, hint: 'It is so now' });
    byId('lane.network:none')!.run();
    expect(act.setLaneNetwork).toHaveBeenCalledWith(served, 'none');
    expect(byId('rollback:m1')!.title).toBe('Roll MAIN of flower back from the merge of a…');
    byId('rollback:m1')!.run();
    expect(act.rollBack).toHaveBeenCalledWith(failed);
    expect(byId('alerts.acknowledge')!.disabled).toBe(false);
    // Each waiting alert, newest first, by its first line, acknowledged as its own button does.
    expect(cmds.filter((c) => c.id.startsWith('alert:')).map((c) => c.title)).toEqual(['Acknowledge: ops loop of flower stopped', 'Acknowledge: MAIN of flower was rolled back']);
    byId('alert:4')!.run();
    expect(act.acknowledgeAlert).toHaveBeenCalledWith(expect.objectContaining({ seq: 4 }));
    expect(byId('notifications.read')!.disabled).toBe(false);
    // Each unread notification, newest first, opens as a click on it does.
    expect(cmds.filter((c) => c.id.startsWith('notification:')).map((c) => [c.title, c.detail])).toEqual([
      ['early is waiting', 'unread · warning'],
      ['late is waiting', 'unread · warning'],
    ]);
    byId('notification:n1')!.run();
    expect(act.openNotification).toHaveBeenCalledWith(expect.objectContaining({ id: 'n1' }));
    // Read where it is, found by "mark read" (a second list of twenty would bury the rest).
    expect(filterPaletteCommands(cmds, '').flatMap((g) => g.commands).some((c) => c.id.startsWith('notification.read:'))).toBe(false);
    expect(filterPaletteCommands(cmds, 'mark read early').flatMap((g) => g.commands.map((c) => c.title))).toEqual(['Mark read: early is waiting']);
    byId('notification.read:n2')!.run();
    expect(act.markNotificationRead).toHaveBeenCalledWith(expect.objectContaining({ id: 'n2' }));
    byId('sync.off')!.run();
    expect(act.turnSyncOff).toHaveBeenCalled();
    byId('notifications.escalation')!.run();
    expect(act.editEscalation).toHaveBeenCalled();
    byId('notifications.allow')!.run();
    expect(act.askNotifyPermission).toHaveBeenCalled();

    // Nothing known of MAIN, sync off, nothing waiting, no live agent, no lane in front.
    const idle = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act);
    const idleIds = idle.map((c) => c.id);
    for (const id of ['lane.serve', 'lane.unserve', 'lane.remove', 'lane.stopAll', 'guard.on:flower', 'guard.off:flower', 'main.accept:flower', 'sync.now', 'notifications.allow']) expect(idleIds).not.toContain(id);
    expect(idle.find((c) => c.id === 'alerts.acknowledge')).toMatchObject({ disabled: true, hint: 'No alert is waiting' });
    expect(idle.find((c) => c.id === 'notifications.read')).toMatchObject({ disabled: true, hint: 'None is unread' });
    const stoppedLane = buildRail({ repos: [repo], lanes: [lane('a')], agents: [{ ...agent('done', '/s/a', null), supervision: { kind: 'exited', code: 0, signal: null } }], health: {}, opsLoops: {} });
    const noneLive = cockpitCommands({ model: stoppedLane, current: stoppedLane.ordered[0]!, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act);
    expect(noneLive.find((c) => c.id === 'lane.stopAll')).toMatchObject({ disabled: true, hint: 'No agent is running there' });
    expect(noneLive.find((c) => c.id === 'lane.serve')).toBeDefined();
  });

  it("offers to start an ops loop again whose agent is not running, beside Stop; not while it runs", () => {
    const act = actions();
    const loop = (agentId: string | null) => ({ repoId: 'flower', agentId, path: '/s/ops', checkout: 'worktree', head: 'abc', command: 'claude', behindReason: null }) as never;
    const crashed = { ...agent('ops', '/s/a', null), isOpsLoop: true, supervision: { kind: 'crashed', code: 1, signal: null, at: 't' } } as unknown as AgentInfo;
    const dead = buildRail({ repos: [repo], lanes: [lane('a')], agents: [crashed], health: {}, opsLoops: { flower: loop('ops') } });
    const cmds = cockpitCommands({ model: dead, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act);
    expect(cmds.find((c) => c.id === 'ops.stop:flower')).toBeDefined();
    cmds.find((c) => c.id === 'ops.restart:flower')!.run();
    expect(act.opsLoop).toHaveBeenCalledWith('flower', 'start');
    // Before the agents are read, every agent looks missing: nothing is offered on that.
    expect(cockpitCommands({ model: buildRail({ repos: [repo], lanes: [lane('a')], agents: [], health: {}, opsLoops: { flower: loop('ops') } }), current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet, agentsKnown: false }, act).some((c) => c.id === 'ops.restart:flower')).toBe(false);
    const removed = buildRail({ repos: [repo], lanes: [lane('a')], agents: [], health: {}, opsLoops: { flower: loop(null) } });
    expect(cockpitCommands({ model: removed, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act).some((c) => c.id === 'ops.restart:flower')).toBe(true);
    const live = buildRail({ repos: [repo], lanes: [lane('a')], agents: [{ ...crashed, supervision: { kind: 'running', pid: 1, startedAt: 'x' } } as AgentInfo], health: {}, opsLoops: { flower: loop('ops') } });
    expect(cockpitCommands({ model: live, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act).some((c) => c.id === 'ops.restart:flower')).toBe(false);
  });

  it('reaches every lane, MAIN and place; lane actions need a lane and say so', () => {
    const act = actions();
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: true, shortcuts: { 'lane.1': 'Ctrl+Shift+1' }, ...quiet }, act);
    const ids = cmds.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['lane:/s/a', 'lane:/s/b', 'main:flower', 'go:briefs', 'brief.new', 'go:health', 'go:notifications', 'settings.open', 'go:sync-settings', 'repo.add', 'lane.new:flower', 'trust:flower', 'notifications.resume']));
    expect(cmds.find((c) => c.id === 'lane:/s/a')!.shortcut).toBe('Ctrl+Shift+1');
    cmds.find((c) => c.id === 'lane:/s/b')!.run();
    expect(act.goToLane).toHaveBeenCalledWith('/s/b');
    cmds.find((c) => c.id === 'go:sync-settings')!.run();
    expect(act.openSettings).toHaveBeenCalledWith('sync');
    cmds.find((c) => c.id === 'go:terminal-settings')!.run();
    expect(act.openSettings).toHaveBeenCalledWith('terminal');
    cmds.find((c) => c.id === 'go:keyboard-settings')!.run();
    expect(act.openSettings).toHaveBeenCalledWith('keyboard');
    // "Send every key" offered as what it would change.
    cmds.find((c) => c.id === 'keys.sendEvery')!.run();
    expect(act.setSendEveryKey).toHaveBeenCalledWith(true);
    const sending = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet, sendEveryKey: true }, act);
    expect(sending.find((c) => c.id === 'keys.sendEvery')).toBeUndefined();
    sending.find((c) => c.id === 'keys.appShortcuts')!.run();
    expect(act.setSendEveryKey).toHaveBeenLastCalledWith(false);
    const merge = cmds.find((c) => c.id === 'lane.merge')!;
    expect(merge.disabled).toBe(true);
    expect(merge.hint).toMatch(/lane/);
    const withLane = cockpitCommands({ model, current: model.ordered[0]!, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act);
    const launch = withLane.find((c) => c.id === 'launch:shell')!;
    expect(launch.title).toBe('Launch a shell in a');
    launch.run();
    expect(act.launch).toHaveBeenCalledWith('/s/a', 'shell');
    expect(withLane.find((c) => c.id === 'lane.merge')!.disabled).toBe(false);
  });

  it('offers the brief page\'s own actions while a brief is on screen, each done by its part of the page', () => {
    const act = actions();
    const none = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet }, act);
    expect(none.filter((c) => c.id.startsWith('brief.') && c.id !== 'brief.new')).toEqual([]);
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet, briefOnScreen: 12 }, act);
    const own = cmds.filter((c) => c.id.startsWith('brief.') && c.id !== 'brief.new');
    expect(own.map((c) => c.title)).toEqual([
      "Edit #12's spec",
      'Add a note or comment to #12',
      "Change #12's status…",
      "Edit #12's title and kind…",
      'Dispatch #12…',
      "Set #12's epic parent…",
      'Add a dependency to #12…',
      'Add a link to #12…',
      'Attach a screenshot to #12…',
    ]);
    for (const c of own) c.run();
    expect(vi.mocked(act.briefPart).mock.calls).toEqual([['spec'], ['note'], ['status'], ['details'], ['dispatch'], ['parent'], ['dependency'], ['link'], ['attach']]);
  });

  it("offers each dispatch the page can cancel, and each entry it can redact once the query finds it", () => {
    const act = actions();
    const briefItems = {
      ...noItems,
      dispatches: [{ id: 'd1', label: 'wave 2, queued, new ephemeral lane, Claude Code' }],
      entries: [
        { id: 'e7', label: '7. Note', words: 'operator:mike the deploy key is sk-live-999' },
        { id: 'e6', label: '6. Comment', words: 'agent:claude-1 looks fine' },
      ],
    };
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet, briefOnScreen: 12, briefItems }, act);
    const cancel = cmds.find((c) => c.id === 'brief.cancel:d1')!;
    expect(cancel.title).toBe("Cancel #12's dispatch: wave 2, queued, new ephemeral lane, Claude Code");
    cancel.run();
    expect(act.briefItem).toHaveBeenCalledWith('cancel-dispatch', 'd1');
    // A trace's entries would bury every other command: with no query, none is listed.
    const listed = (q: string) => filterPaletteCommands(cmds, q).flatMap((g) => g.commands.map((c) => c.id));
    expect(listed('')).toContain('brief.cancel:d1');
    expect(listed('').filter((id) => id.startsWith('brief.redact:'))).toEqual([]);
    expect(listed('redact')).toEqual(['brief.redact:e7', 'brief.redact:e6']);
    expect(listed('deploy key')).toEqual(['brief.redact:e7']);
    // The brief's number, its group's name and "entry" find the brief's own commands, not every entry.
    for (const q of ['12', '#12', 'briefs', 'entry']) expect(listed(q).filter((id) => id.startsWith('brief.redact:'))).toEqual([]);
    cmds.find((c) => c.id === 'brief.redact:e7')!.run();
    expect(act.briefItem).toHaveBeenLastCalledWith('redact-entry', 'e7');
    expect(cmds.find((c) => c.id === 'brief.redact:e7')!.title).toBe("Redact #12's entry 7. Note");
  });

  it('offers to accept each proposed plan, remove each dependency and link, and settle a contested spec, a version out of reach disabled with why', () => {
    const act = actions();
    const briefItems = {
      ...noItems,
      plans: [{ id: 'p1', label: '(entry 9, by agent · claude-1)', detail: 'Cache the worktrees' }],
      dependencies: [{ id: 'b3', label: '#3 The login page' }],
      links: [{ id: 'l1', label: 'url https://example.com (design)' }],
      contested: [
        { id: 'e5', label: "ann's version" },
        { id: 'e2', label: "bob's version", unavailable: 'Their text is further back in the trace: load older entries to view it.' },
        { id: KEEP_SPEC, label: 'the spec as it stands' },
      ],
    };
    const cmds = cockpitCommands({ model, current: null, currentAgent: null, notificationsPaused: false, shortcuts: {}, ...quiet, briefOnScreen: 12, briefItems }, act);
    const byId = (id: string) => cmds.find((c) => c.id === id)!;
    expect(byId('brief.acceptPlan:p1')).toMatchObject({ title: "Accept #12's proposed plan (entry 9, by agent · claude-1)", detail: 'Cache the worktrees' });
    expect(byId('brief.removeDependency:b3').title).toBe("Remove #12's dependency on #3 The login page");
    expect(byId('brief.removeLink:l1').title).toBe("Remove #12's link: url https://example.com (design)");
    expect(byId('brief.useTheirs:e5')).toMatchObject({ title: "Use ann's version of #12's spec (settles the contested edit)", disabled: false });
    expect(byId('brief.useTheirs:e2')).toMatchObject({ disabled: true, hint: 'Their text is further back in the trace: load older entries to view it.' });
    expect(byId('brief.keepSpec').title).toBe("Keep #12's spec as it stands (settles the contested edit)");
    for (const id of ['brief.acceptPlan:p1', 'brief.removeDependency:b3', 'brief.removeLink:l1', 'brief.useTheirs:e5', 'brief.keepSpec']) byId(id).run();
    expect(vi.mocked(act.briefItem).mock.calls).toEqual([['accept-plan', 'p1'], ['remove-dependency', 'b3'], ['remove-link', 'l1'], ['use-theirs', 'e5'], ['keep-spec', KEEP_SPEC]]);
  });
});
