import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { useRouteFocus } from '../navigation/use-route-focus';
import { Rail } from '../rail/rail';
import { worstHealth } from '../ui/attention';
import { Dialog } from '../ui/dialog';
import { LaneWorkspace } from '../workspace/lane-workspace';
import { CentreView } from './centre-view';
import { sameView, withWorkspace, type CockpitView } from './cockpit-layout';
import { buildRail, nextWaitingAgent } from './rail-model';
import { fallbackView, viewExists, viewForRoute } from './resolve-route';
import { TopBar } from './top-bar';
import { NotificationBell } from '../notifications/notification-bell';
import { unreadCount } from '../notifications/notification-list';
import { setVisibleWorkspace } from '../notifications/visible-workspace';
import { useMediaQuery } from './use-media-query';
import { useLayout, useLayoutStore } from './use-layout';
import { AddRepositoryDialog, FirstRunScreen } from './placeholders';
import { CreateLaneDialog } from '../lanes/create-lane-form';
import './cockpit.css';

const RightPanel = lazy(() => import('./right-panel').then((m) => ({ default: m.RightPanel })));
const MergeFlows = lazy(() => import('./right-panel').then((m) => ({ default: m.MergeFlows })));

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
  const layoutStore = useLayoutStore();
  const layout = useLayout();
  const isNarrow = useMediaQuery(NARROW);
  const [drawerOpen, setDrawerOpen] = useState(false);
  // On a phone the lane panel is a sheet over the workspace, opened only when asked for.
  const [sheetOpen, setSheetOpen] = useState(false);
  const [addingRepo, setAddingRepo] = useState(false);
  const [newLaneRepo, setNewLaneRepo] = useState<Repo | null>(null);
  const model = useMemo(
    () => buildRail({ repos: host.repos ?? [], lanes: host.lanes ?? [], agents: host.agents ?? [], health: host.health, opsLoops: host.opsLoops }),
    [host.repos, host.lanes, host.agents, host.health, host.opsLoops],
  );
  const chosen = layout.view && viewExists(layout.view, model) ? layout.view : null;
  const view = chosen ?? fallbackView(model);
  const select = (v: CockpitView): void => {
    setDrawerOpen(false);
    if (!sameView(v, layout.view)) layoutStore.update((l) => ({ ...l, view: v }));
  };

  // A route (notification, tray, link) moves the cockpit once per navigation, as soon as
  // what it names is known.
  const focus = useRouteFocus();
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
  useEffect(() => {
    if (lane) setShownLane(true);
  }, [lane]);
  const states = model.repos.map((r) => r.health);
  const worst = worstHealth(states);
  const worstRepo = worst ? (model.repos.find((r) => r.health === worst)?.repo.name ?? null) : null;
  const waiting = model.ordered.reduce((n, w) => n + w.needsYou, 0);
  const activeAgentId = workspace ? (layout.workspaces[workspace.path]?.active ?? workspace.agents[0]?.id ?? null) : null;
  const toggleRail = (): void => (isNarrow ? setDrawerOpen((o) => !o) : layoutStore.update((l) => ({ ...l, railCollapsed: !l.railCollapsed })));
  const goNextWaiting = (): void => {
    const next = nextWaitingAgent(host.agents ?? [], activeAgentId);
    if (!next) return;
    select({ kind: 'workspace', path: next.lanePath });
    layoutStore.update((l) => withWorkspace(l, next.lanePath, { active: next.id }));
  };

  // Until there is a repository (and no agent runs anywhere), adding one is the whole screen.
  if (host.repos !== null && host.repos.length === 0 && host.agents !== null && host.agents.length === 0) {
    return (
      <div className="cockpit first-run" data-testid="cockpit" data-connection={host.connection.kind}>
        <TopBar worstHealth={null} worstRepoName={null} waiting={0} connection={host.connection} onNextWaiting={() => {}} onOpenPalette={() => {}} onOpenRail={null} onToggleRail={null} isRailShown={false} paletteKey="Ctrl+Shift+P" bell={null} />
        <FirstRunScreen />
      </div>
    );
  }

  const rail = (
    <Rail
      model={model}
      view={view}
      onSelect={select}
      onNewLane={setNewLaneRepo}
      onAddRepo={() => setAddingRepo(true)}
      unreadNotifications={unreadCount(host.notifications)}
      openIncidents={(host.incidents ?? []).filter((i) => i.closedAt === null).length}
    />
  );
  const togglePanel = (): void => (isNarrow ? setSheetOpen((o) => !o) : layoutStore.update((l) => ({ ...l, panelOpen: !l.panelOpen })));
  const centre = workspace ? <LaneWorkspace workspace={workspace} hasPanel={lane !== null} isPanelOpen={isNarrow ? sheetOpen : layout.panelOpen} onTogglePanel={togglePanel} /> : <CentreView view={view} />;
  const panelShown = lane !== null && layout.panelOpen;
  const panel = lane && (
    <Suspense fallback={<div className="panel-loading muted">Loading…</div>}>
      <RightPanel lane={lane} />
    </Suspense>
  );

  return (
    <div className="cockpit" data-testid="cockpit" data-connection={host.connection.kind} data-narrow={isNarrow ? 'true' : undefined}>
      <TopBar
        worstHealth={worst}
        worstRepoName={worstRepo}
        waiting={waiting}
        connection={host.connection}
        onNextWaiting={goNextWaiting}
        onOpenPalette={() => {}}
        onOpenRail={isNarrow ? () => setDrawerOpen(true) : null}
        onToggleRail={isNarrow ? null : toggleRail}
        isRailShown={!layout.railCollapsed}
        paletteKey="Ctrl+Shift+P"
        bell={<NotificationBell onShowAll={() => select({ kind: 'notifications' })} />}
      />
      {isNarrow ? (
        <div className="cockpit-body narrow">
          <main className="centre">{centre}</main>
          <Dialog open={drawerOpen} onOpenChange={setDrawerOpen} title="Grove">
            <div className="drawer-rail">{rail}</div>
          </Dialog>
          {lane && (
            <Dialog open={sheetOpen} onOpenChange={setSheetOpen} title={`Lane ${lane.name}`} wide>
              <div data-testid="right-panel">{panel}</div>
            </Dialog>
          )}
        </div>
      ) : (
        <Group
          className="cockpit-body"
          orientation="horizontal"
          defaultLayout={layout.sizes ?? undefined}
          onLayoutChanged={(sizes) => layoutStore.update((l) => ({ ...l, sizes }))}
        >
          {!layout.railCollapsed && (
            <>
              <Panel id="rail-panel" defaultSize={260} minSize={180} maxSize={480}>
                {rail}
              </Panel>
              <Separator className="resize-handle" aria-label="Resize the rail" />
            </>
          )}
          <Panel id="centre-panel" minSize={320}>
            <main className="centre">{centre}</main>
          </Panel>
          {panelShown && (
            <>
              <Separator className="resize-handle" aria-label="Resize the lane panel" />
              <Panel id="lane-panel" defaultSize={380} minSize={280} maxSize={720}>
                <aside className="right-panel" data-testid="right-panel" aria-label={`Lane ${lane.name}`}>
                  {panel}
                </aside>
              </Panel>
            </>
          )}
        </Group>
      )}
      <AddRepositoryDialog open={addingRepo} onOpenChange={setAddingRepo} />
      {newLaneRepo && (
        <CreateLaneDialog repo={newLaneRepo} open onOpenChange={(o) => !o && setNewLaneRepo(null)} onCreated={(l) => select({ kind: 'workspace', path: l.path })} />
      )}
      {hasShownLane && (
        <Suspense fallback={null}>
          <MergeFlows />
        </Suspense>
      )}
    </div>
  );
}
