import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { AgentInfo, PresetId } from '../../shared/agents';
import { isPaused } from '../../shared/notification-pause';
import type { Repo } from '../../shared/repo';
import { parseRoute } from '../../shared/ui-route';
import { useHost, useHostStore } from '../connection/use-host';
import { useFirstRun } from '../first-run/first-run-progress';
import { useNotificationActions } from '../notifications/use-notification-actions';
import { applyTheme } from '../theme/theme-preference';
import type { CockpitActions } from './cockpit-commands';
import { CommandLayer, usePaletteState, useShortcutLabels } from './command-layer';
import { shortcutStore } from '../keyboard/shortcut-store';
import { requestSyncOff } from '../settings/sync-off-request';
import { requestEscalationField } from '../notifications/escalation-request';
import { askNotifyPermission } from '../notifications/notify-permission';
import { navigateTo, useRouteFocus, useRouteStore } from '../navigation/use-route-focus';
import { Rail } from '../rail/rail';
import { worstHealth } from '../ui/attention';
import { Dialog } from '../ui/dialog';
import { LaneWorkspace } from '../workspace/lane-workspace';
import { CentreView } from './centre-view';
import { requestNewBrief } from '../briefs/new-brief-request';
import { briefPaletteSearch } from '../briefs/brief-palette-search';
import { requestBriefItem, requestBriefPart } from '../briefs/brief-part-requests';
import { ColumnHandle } from './column-handle';
import type { ColumnSide } from './column-widths';
import { sameView, withWorkspace, workspaceLayout, type CockpitView, type SplitOrientation } from './cockpit-layout';
import { buildRail, nextWaitingAgent, onScreen, splitFor } from './rail-model';
import { fallbackView, viewExists, viewForRoute } from './resolve-route';
import { TopBar } from './top-bar';
import { NotificationBell } from '../notifications/notification-bell';
import { SyncIndicator } from '../sync/sync-indicator';
import { isUnread, unreadCount } from '../notifications/notification-list';
import { setVisibleWorkspace } from '../notifications/visible-workspace';
import { useMediaQuery } from './use-media-query';
import { useLayout, useLayoutStore } from './use-layout';
import './cockpit.css';
import { LazyPart, lazyPart } from '../ui/lazy-part';
import { requestFind } from '../terminals/find-requests';
import { requestAgentDialog } from '../workspace/agent-dialog-requests';
import { requestStopAll } from '../workspace/stop-all-requests';
import { requestLaneAction, requestLaneNetwork } from '../lane-panel/lane-action-requests';
import { requestAcknowledge, requestAdopt, requestMainState, requestOpsLoop, requestRollBack } from '../main-view/main-requests';
import { unacknowledged } from '../main-view/alert-list';
import { requestSyncNow } from '../sync/sync-requests';
import { useSyncStatus } from '../sync/use-sync-status';
import { syncIndicator } from '../sync/sync-indicator-model';
import { requestTerminalFocus } from '../terminals/focus-requests';
import { onDiffFocus } from '../lanes/diff-focus';

const RightPanel = lazyPart(() => import('./right-panel'), (m) => m.RightPanel);
// Screens and dialogs load when first shown, not with the cockpit's first paint.
const FirstRunScreen = lazyPart(() => import('../first-run/first-run-screen'), (m) => m.FirstRunScreen);
const AddRepositoryDialog = lazyPart(() => import('../first-run/add-repository-dialog'), (m) => m.AddRepositoryDialog);
const CreateLaneDialog = lazyPart(() => import('../lanes/create-lane-form'), (m) => m.CreateLaneDialog);
const LaunchDialog = lazyPart(() => import('../workspace/launch-dialog'), (m) => m.LaunchDialog);
const MergeFlows = lazyPart(() => import('./right-panel'), (m) => m.MergeFlows);

/** Below this width the rail is a drawer and the lane panel a sheet. */
const NARROW = '(max-width: 760px)';

/**
 * The operator's cockpit: the top bar, the rail of repositories and lanes, the selected
 * view in the centre (a lane's agents, MAIN, health, notifications, briefs, settings) and
 * the selected lane's panel on the right. The layout is the operator's and survives a
 * restart (cockpit-layout.ts).
 */
export function Cockpit() {
  const host = useHost();
  const store = useHostStore();
  const layoutStore = useLayoutStore();
  const notificationActions = useNotificationActions();
  /**
   * What failed out of sight: a palette command of the notifications (their controls are in
   * the bell, closed), a lane creation hidden before it answered. Shown above the centre
   * until dismissed.
   */
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (notificationActions.error) setNotice(`Notifications: ${notificationActions.error}`);
  }, [notificationActions.error]);
  const paletteState = usePaletteState();
  const shortcutLabels = useShortcutLabels();
  /** A launch or rebase refused, with the lane it belongs to: shown in that lane only. */
  const [launchError, setLaunchError] = useState<{ path: string; message: string } | null>(null);
  const [customLaunchIn, setCustomLaunchIn] = useState<string | null>(null);
  const layout = useLayout();
  const isNarrow = useMediaQuery(NARROW);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  // On a phone the lane panel is a sheet over the workspace, opened only when asked for.
  const [sheetOpen, setSheetOpen] = useState(false);
  const [addingRepo, setAddingRepo] = useState(false);
  const [newLaneRepo, setNewLaneRepo] = useState<Repo | null>(null);
  // No repository (nor agent) yet, or the first repository's Trust step still open (first-run-progress.ts).
  const isFirstRun = useFirstRun();
  const syncStatus = useSyncStatus();
  const syncShown = syncStatus !== null && syncIndicator(syncStatus) !== null;
  const model = useMemo(
    () => buildRail({ repos: host.repos ?? [], lanes: host.lanes ?? [], agents: host.agents ?? [], health: host.health, opsLoops: host.opsLoops }),
    [host.repos, host.lanes, host.agents, host.health, host.opsLoops],
  );
  const chosen = layout.view && viewExists(layout.view, model) ? layout.view : null;
  const view = chosen ?? fallbackView(model);
  // Checked against the layout as it is when the change is made (a launch answers later).
  const select = useCallback(
    (v: CockpitView): void => {
      setDrawerOpen(false);
      dropFollowedRoute();
      layoutStore.update((l) => (sameView(v, l.view) ? l : { ...l, view: v }));
    },
    [layoutStore],
  );
  // Kept across renders: the palette asks again only when its query changes.
  const briefSearch = useMemo(() => briefPaletteSearch((params) => store.request('briefs.list', params), (number) => select({ kind: 'briefs', brief: number })), [store, select]);
  /** One change: the workspace in front, with `agentId`'s tab in front of it. */
  const showAgent = (lanePath: string, agentId: string): void => {
    setDrawerOpen(false);
    dropFollowedRoute();
    layoutStore.update((l) => withWorkspace({ ...l, view: { kind: 'workspace', path: lanePath } }, lanePath, { active: agentId }));
  };

  // A route (notification, tray, link) moves the cockpit once per navigation, as soon as
  // what it names is known.
  const focus = useRouteFocus();
  const routes = useRouteStore();
  const followed = useRef(0);
  useEffect(() => {
    if (!focus || focus.seq === followed.current) return;
    const to = viewForRoute(focus.target, host.lanes, host.agents);
    if (!to) return;
    followed.current = focus.seq;
    layoutStore.update((l) => {
      const next = { ...l, view: to.view };
      return to.agentId && to.view.kind === 'workspace' ? withWorkspace(next, to.view.path, { active: to.agentId }) : next;
    });
  }, [focus, host.lanes, host.agents, layoutStore]);

  const workspace = view?.kind === 'workspace' ? (model.ordered.find((w) => w.path === view.path) ?? null) : null;
  // What is on screen, so a notification about it does not pop up (notifications/visible-workspace.ts).
  const visiblePath = view?.kind === 'workspace' ? view.path : view?.kind === 'main' ? (host.repos?.find((r) => r.id === view.repoId)?.mainPath ?? null) : null;
  useEffect(() => setVisibleWorkspace(visiblePath), [visiblePath]);
  const lane = workspace?.lane ?? null;
  // A merge outlives its lane's panel (an ephemeral lane is removed by its merge): once a
  // lane was shown, its merges' dialogs have a home here too.
  const [hasShownLane, setShownLane] = useState(false);
  if (lane && !hasShownLane) setShownLane(true);
  const states = model.repos.map((r) => r.health);
  const worst = worstHealth(states);
  const worstRepo = worst ? (model.repos.find((r) => r.health === worst)?.repo.name ?? null) : null;
  const waiting = model.ordered.reduce((n, w) => n + w.needsYou, 0);
  const saved = workspace ? workspaceLayout(layout, workspace.path) : null;
  const shown = workspace && saved ? onScreen(workspace, saved) : { active: null, second: null };
  const activeAgentId = shown.active?.id ?? null;
  const toggleRail = (): void => (isNarrow ? setDrawerOpen((o) => !o) : layoutStore.update((l) => ({ ...l, railCollapsed: !l.railCollapsed })));
  // The keys go with the jump: the terminal in front receives every key (docs/operations.md).
  const focusAgent = (agent: AgentInfo): void => {
    showAgent(agent.lanePath, agent.id);
    requestTerminalFocus(agent.id);
  };
  // A lane jump (its key, the palette, the rail) takes the keys to its front terminal, as an agent jump does.
  const goToLane = (path: string): void => {
    select({ kind: 'workspace', path });
    const w = model.ordered.find((x) => x.path === path);
    const front = w ? onScreen(w, workspaceLayout(layoutStore.getSnapshot(), path)).active : null;
    if (front) requestTerminalFocus(front.id);
  };
  const goNextWaiting = (): void => {
    const next = nextWaitingAgent(host.agents ?? [], activeAgentId);
    if (next) focusAgent(next);
  };
  // A launched agent's tab is chosen at once; it comes to the front as soon as the host's
  // event brings it into the store.
  const launch = (lanePath: string, preset: PresetId | 'custom-dialog'): void => {
    setLaunchError(null);
    if (preset === 'custom-dialog') return setCustomLaunchIn(lanePath);
    void store.request('agents.start', { lanePath, preset }).then((r) => (r.ok ? showAgent(lanePath, r.value.agent.id) : setLaunchError({ path: lanePath, message: r.error.message })));
  };
  const togglePanel = (): void => (isNarrow ? setSheetOpen((o) => !o) : layoutStore.update((l) => ({ ...l, panelOpen: !l.panelOpen })));
  const openPanel = (): void => (isNarrow ? setSheetOpen(true) : layoutStore.update((l) => (l.panelOpen ? l : { ...l, panelOpen: true })));
  // A changed file's path Ctrl+clicked in a terminal: its diff is in the lane panel (diff-focus.ts).
  // Subscribed once per layout mode, not on every render; it reads the current openPanel.
  const openPanelRef = useRef(openPanel);
  openPanelRef.current = openPanel;
  useEffect(() => onDiffFocus(() => openPanelRef.current()), []);
  const split = (orientation: SplitOrientation | null): void => {
    if (workspace) layoutStore.update((l) => withWorkspace(l, workspace.path, { split: splitFor(workspace, workspaceLayout(l, workspace.path), orientation) }));
  };
  const stepAgent = (by: 1 | -1): void => {
    if (!workspace || workspace.agents.length === 0) return;
    const i = Math.max(0, workspace.agents.findIndex((a) => a.id === activeAgentId));
    const next = workspace.agents[(i + by + workspace.agents.length) % workspace.agents.length]!;
    dropFollowedRoute();
    layoutStore.update((l) => withWorkspace(l, workspace.path, { active: next.id }));
    requestTerminalFocus(next.id);
  };
  const actions: CockpitActions = {
    select,
    focusAgent,
    launch,
    newLane: setNewLaneRepo,
    addRepository: () => setAddingRepo(true),
    newBrief: () => {
      select({ kind: 'briefs' });
      requestNewBrief();
    },
    openLanePanel: openPanel,
    mergeLane: (l) => {
      openPanel();
      // The merge flow's code loads with the lane panel, not with the cockpit.
      void import('../lane-panel/use-merge-sessions').then((m) => m.mergeSessionsOf(store).open(l, m.jobIdsOf(host.jobs, l)));
    },
    rebase: (l) => void store.act('lanes.rebase', { id: l.id }).then((r) => setLaunchError(r.ok ? null : { path: l.path, message: r.message })),
    split,
    // A refusal is said where the agent is, as the agent's own buttons say it.
    stopAgent: (a) => void store.act('agents.stop', { id: a.id }).then((r) => setLaunchError(r.ok ? null : { path: a.lanePath, message: r.message })),
    // After the palette closes (it gives the focus back first), so the find bar keeps it.
    findInTerminal: (a) => void setTimeout(() => requestFind(a.id), 0),
    restartAgent: (a) => void store.act('agents.restart', { id: a.id }).then((r) => setLaunchError(r.ok ? null : { path: a.lanePath, message: r.message })),
    resumeAgent: (a) => void store.act('agents.resume', { id: a.id }).then((r) => setLaunchError(r.ok ? null : { path: a.lanePath, message: r.message })),
    // After the palette closes and gives the focus back, so the dialog returns it there.
    removeAgent: (a) => void setTimeout(() => requestAgentDialog(a.id, 'remove'), 0),
    recycleAgent: (a) => void setTimeout(() => requestAgentDialog(a.id, 'recycle'), 0),
    goToLane,
    // Each after the palette has closed and given the focus back, so a dialog returns it there.
    laneAction: (l, request) => {
      openPanel();
      setTimeout(() => requestLaneAction(l.path, request), 0);
    },
    stopAllAgents: (path) => void setTimeout(() => requestStopAll(path), 0),
    mainState: (repoId, request) => {
      select({ kind: 'main', repoId });
      setTimeout(() => requestMainState(repoId, request), 0);
    },
    opsLoop: (repoId, request) => {
      select({ kind: 'main', repoId });
      setTimeout(() => requestOpsLoop(repoId, request), 0);
    },
    acknowledgeAlerts: () => {
      select({ kind: 'health' });
      setTimeout(() => requestAcknowledge({ all: true }), 0);
    },
    acknowledgeAlert: (alert) => {
      select({ kind: 'health' });
      setTimeout(() => requestAcknowledge({ seqs: [alert.seq] }), 0);
    },
    syncNow: () => void setTimeout(requestSyncNow, 0),
    setLaneNetwork: (l, choice) => {
      openPanel();
      setTimeout(() => requestLaneNetwork(l.path, choice), 0);
    },
    adoptWorktree: (repoId, path) => {
      select({ kind: 'main', repoId });
      setTimeout(() => requestAdopt(path), 0);
    },
    rollBack: (m) => {
      select({ kind: 'main', repoId: m.repoId });
      setTimeout(() => requestRollBack(m.id), 0);
    },
    markNotificationsRead: () => void notificationActions.markRead(),
    briefPart: (part) => void setTimeout(() => requestBriefPart(part), 0),
    briefItem: (action, id) => void setTimeout(() => requestBriefItem(action, id), 0),
    openNotification: (n) => {
      void notificationActions.markRead([n.id]);
      navigateTo(routes, n.target);
    },
    toggleRail,
    togglePanel,
    nextWaiting: goNextWaiting,
    pauseNotifications: (minutes) => void notificationActions.pause(minutes ?? undefined),
    resumeNotifications: () => void notificationActions.resume(),
    setTheme: (t) => applyTheme(t, document.documentElement, window.localStorage),
    showShortcuts: () => paletteState.setList(true),
    openSettings: (section) => navigateTo(routes, { kind: 'settings', section }),
    turnSyncOff: () => {
      navigateTo(routes, { kind: 'settings', section: 'sync' });
      setTimeout(requestSyncOff, 0);
    },
    setSendEveryKey: (on) => shortcutStore().update((s) => ({ ...s, sendEveryKey: on })),
    markNotificationRead: (n) => void notificationActions.markRead([n.id]),
    // At once, in the key's own task: the browser asks only in answer to a user's gesture.
    askNotifyPermission: () => void askNotifyPermission(),
    editEscalation: () => {
      select({ kind: 'notifications' });
      setTimeout(requestEscalationField, 0);
    },
  };
  const laneKeys = Object.fromEntries(
    model.ordered.slice(0, 9).map((w, i) => [`lane.${i + 1}`, () => goToLane(w.path)]),
  );
  const commandLayer = (
    <CommandLayer
      context={{
        model,
        current: workspace,
        currentAgent: shown.active,
        briefOnScreen: view?.kind === 'briefs' ? (view.brief ?? null) : null,
        notificationsPaused: host.notificationSettings !== null && isPaused(host.notificationSettings, new Date()),
        mainStates: host.mainStates,
        syncOn: syncShown,
        agentsKnown: host.agents !== null,
        unread: (host.notifications ?? []).filter(isUnread),
        waitingAlerts: unacknowledged(host.alerts),
        awaitingRollback: (host.merges ?? []).filter((m) => m.state === 'awaiting-rollback'),
      }}
      actions={actions}
      handlers={{
        ...laneKeys,
        'rail.toggle': toggleRail,
        'panel.toggle': () => lane && togglePanel(),
        'agent.prev': () => stepAgent(-1),
        'agent.next': () => stepAgent(1),
        'agent.nextWaiting': goNextWaiting,
        'split.toggle': () => split(shown.second ? null : 'side-by-side'),
        'settings.open': () => select({ kind: 'settings' }),
      }}
      isPaletteOpen={paletteState.palette}
      onPaletteOpenChange={paletteState.setPalette}
      onPaletteToggle={paletteState.togglePalette}
      isShortcutListOpen={paletteState.list}
      onShortcutListOpenChange={paletteState.setList}
      search={briefSearch}
    />
  );
  const paletteKey = shortcutLabels['palette.open'] ?? '';

  // Until there is a repository (and no agent runs anywhere), adding one is the whole screen.
  if (isFirstRun) {
    return (
      <div className="cockpit first-run" data-testid="cockpit" data-connection={host.connection.kind}>
        <TopBar worstHealth={null} worstRepoName={null} waiting={0} connection={host.connection} onNextWaiting={() => {}} onOpenPalette={() => paletteState.setPalette(true)} onOpenRail={null} onToggleRail={null} isRailShown={false} paletteKey={paletteKey} sync={null} bell={null} />
        <LazyPart fallback={null}>
          <FirstRunScreen />
        </LazyPart>
        {commandLayer}
      </div>
    );
  }

  const rail = (
    <Rail
      model={model}
      view={view}
      // On a phone the rail is a drawer, and a terminal with the focus would raise the
      // on-screen keyboard over the lane just chosen: there a tap only shows the lane.
      onSelect={(v) => (v.kind === 'workspace' && !isNarrow ? goToLane(v.path) : select(v))}
      onNewLane={setNewLaneRepo}
      onAddRepo={() => setAddingRepo(true)}
      unreadNotifications={unreadCount(host.notifications)}
      openIncidents={(host.incidents ?? []).filter((i) => i.closedAt === null).length}
    />
  );
  const centre = workspace ? (
    // Keyed by the lane: what it shows of its own (a failed stop) stays with that lane.
    <LaneWorkspace key={workspace.path} workspace={workspace} hasPanel={lane !== null} isPanelOpen={isNarrow ? sheetOpen : layout.panelOpen} onTogglePanel={togglePanel} onLaunch={(p) => launch(workspace.path, p)} launchError={launchError?.path === workspace.path ? launchError.message : null} />
  ) : (
    <CentreView view={view} />
  );
  const panelShown = lane !== null && layout.panelOpen;
  // The side columns' widths, as CSS variables the stylesheet sizes the columns by; a drag
  // sets them on the element as it goes (no render per pointer move) and keeps the last.
  const columnWidths = { '--rail-w': `${layout.widths.rail}px`, '--panel-w': `${layout.widths.panel}px` } as CSSProperties;
  const previewWidth = (side: ColumnSide, px: number): void => bodyRef.current?.style.setProperty(side === 'rail' ? '--rail-w' : '--panel-w', `${px}px`);
  const keepWidth = (side: ColumnSide, px: number): void => layoutStore.update((l) => ({ ...l, widths: { ...l.widths, [side]: px } }));
  const panel = lane && (
    <LazyPart fallback={<div className="panel-loading muted">Loading…</div>}>
      <RightPanel lane={lane} />
    </LazyPart>
  );

  return (
    <div className="cockpit" data-testid="cockpit" data-connection={host.connection.kind} data-narrow={isNarrow ? 'true' : undefined}>
      <TopBar
        worstHealth={worst}
        worstRepoName={worstRepo}
        waiting={waiting}
        connection={host.connection}
        onNextWaiting={goNextWaiting}
        onOpenPalette={() => paletteState.setPalette(true)}
        onOpenRail={isNarrow ? () => setDrawerOpen(true) : null}
        onToggleRail={isNarrow ? null : toggleRail}
        isRailShown={!layout.railCollapsed}
        paletteKey={paletteKey}
        sync={<SyncIndicator status={syncStatus} />}
        bell={<NotificationBell onShowAll={() => select({ kind: 'notifications' })} />}
      />
      {/* One tree at every width: crossing the phone breakpoint (a window resized, a tablet
          turned) must not remount the centre, which would drop a spec being written and make
          every terminal attach and replay again. Narrow, the rail and the lane panel are
          dialogs instead of columns, and their widths stay the wide layout's. */}
      <div ref={bodyRef} className={isNarrow ? 'cockpit-body narrow' : 'cockpit-body'} style={columnWidths}>
        {!isNarrow && !layout.railCollapsed && (
          <>
            <div className="rail-column" id="rail-column">
              {rail}
            </div>
            <ColumnHandle side="rail" width={layout.widths.rail} label="Resize the rail" controls="rail-column" onPreview={(px) => previewWidth('rail', px)} onCommit={(px) => keepWidth('rail', px)} />
          </>
        )}
        <div className="centre-column">
          <main className="centre">
            {notice && (
              <div className="cockpit-notice" role="alert" data-testid="cockpit-notice">
                <span>{notice}</span>
                <button type="button" className="link-button" onClick={() => setNotice(null)}>
                  Dismiss
                </button>
              </div>
            )}
            {centre}
          </main>
        </div>
        {!isNarrow && panelShown && (
          <>
            <ColumnHandle side="panel" width={layout.widths.panel} label="Resize the lane panel" controls="panel-column" onPreview={(px) => previewWidth('panel', px)} onCommit={(px) => keepWidth('panel', px)} />
            <div className="panel-column" id="panel-column">
              <aside className="right-panel" data-testid="right-panel" aria-label={`Lane ${lane.name}`}>
                {panel}
              </aside>
            </div>
          </>
        )}
      </div>
      {isNarrow && (
        <>
          <Dialog open={drawerOpen} onOpenChange={setDrawerOpen} title="Grove">
            <div className="drawer-rail">{rail}</div>
          </Dialog>
          {lane && (
            <Dialog open={sheetOpen} onOpenChange={setSheetOpen} title={`Lane ${lane.name}`} wide>
              <div data-testid="right-panel">{panel}</div>
            </Dialog>
          )}
        </>
      )}
      {/* A boundary each: one part loading its code (the palette's, on first use) must not
          unmount another that is open, losing what was typed into it. */}
      <LazyPart fallback={null}>{addingRepo && <AddRepositoryDialog open onOpenChange={setAddingRepo} />}</LazyPart>
      <LazyPart fallback={null}>
        {customLaunchIn && <LaunchDialog lane={customLaunchIn} open onOpenChange={(o) => !o && setCustomLaunchIn(null)} onLaunched={(id) => layoutStore.update((l) => withWorkspace(l, customLaunchIn, { active: id }))} />}
      </LazyPart>
      <LazyPart fallback={null}>{commandLayer}</LazyPart>
      <LazyPart fallback={null}>
        {newLaneRepo && <CreateLaneDialog repo={newLaneRepo} open onOpenChange={(o) => !o && setNewLaneRepo(null)} onCreated={(l) => select({ kind: 'workspace', path: l.path })} onFailedHidden={setNotice} />}
      </LazyPart>
      {hasShownLane && (
        <LazyPart fallback={null}>
          <MergeFlows />
        </LazyPart>
      )}
    </div>
  );
}

/**
 * The operator moved on from where a route (a notification, a tray item, a link) took the
 * cockpit: its hash goes, so a reload opens the place kept in the layout, not the route's.
 * A brief's route is the briefs view's own (it drops it when left: briefs-view.tsx).
 */
function dropFollowedRoute(): void {
  const route = parseRoute(window.location.hash);
  if (route && !route.kind.startsWith('brief')) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}
