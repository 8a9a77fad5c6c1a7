import type { AgentInfo, PresetId } from '../../shared/agents';
import type { Alert } from '../../shared/alerts';
import { isLiveSupervision } from '../../shared/agent-liveness';
import type { PaletteCommand } from '../palette/palette-command';
import type { Lane, MainState, MergeRecord } from '../../shared/lanes';
import type { NetworkChoice } from '../lanes/network-choice';
import type { LaneActionRequest } from '../lane-panel/lane-action-requests';
import type { MainStateRequest, OpsLoopRequest } from '../main-view/main-requests';
import type { Notification } from '../../shared/notifications';
import type { Repo } from '../../shared/repo';
import { KEEP_SPEC, type BriefItemAction, type BriefPart } from '../briefs/brief-part-requests';
import type { BriefPageItems } from '../briefs/brief-page-items';
import { ATTENTION_LABEL, attentionOf } from '../ui/attention';
import type { CockpitView, SplitOrientation } from './cockpit-layout';
import type { SettingsSection } from '../../shared/ui-route';
import { waitingAgents, type RailModel, type Workspace } from './rail-model';

export type CockpitCommand = PaletteCommand;

/** What the commands act through: the cockpit's own actions, so a command and its button do one thing. */
export interface CockpitActions {
  select(view: CockpitView): void;
  focusAgent(agent: AgentInfo): void;
  launch(lanePath: string, preset: PresetId | 'custom-dialog'): void;
  newLane(repo: Repo): void;
  addRepository(): void;
  newBrief(): void;
  /** Opens (or puts the keys in) a part of the brief page on screen, as its own button does. */
  briefPart(part: BriefPart): void;
  /** An item the brief's page lists: its dispatch to cancel, its entry to redact (brief-page-items.ts). */
  briefItem(action: BriefItemAction, id: string): void;
  openLanePanel(): void;
  mergeLane(lane: Lane): void;
  rebase(lane: Lane): void;
  split(orientation: SplitOrientation | null): void;
  stopAgent(agent: AgentInfo): void;
  findInTerminal(agent: AgentInfo): void;
  restartAgent(agent: AgentInfo): void;
  /** Resume (or start again) an agent that has stopped. */
  resumeAgent(agent: AgentInfo): void;
  /** Opens the agent's own confirmation, as its Remove button does. */
  removeAgent(agent: AgentInfo): void;
  /** Opens the agent's own handoff prompt, as its Recycle button does. */
  recycleAgent(agent: AgentInfo): void;
  /** A lane in front, with the keys in its front terminal. */
  goToLane(path: string): void;
  /** Done by the lane panel's own code (opened for it), so the answer shows there. */
  laneAction(lane: Lane, request: LaneActionRequest): void;
  /** Opens the lane workspace's own confirmation, as its button does. */
  stopAllAgents(lanePath: string): void;
  /** Done by the MAIN view's own parts (brought up for it), so the answers show there. */
  mainState(repoId: string, request: MainStateRequest): void;
  opsLoop(repoId: string, request: OpsLoopRequest): void;
  acknowledgeAlerts(): void;
  /** Acknowledges one alert in the Health view, as its Acknowledge button does. */
  acknowledgeAlert(alert: Alert): void;
  setLaneNetwork(lane: Lane, choice: NetworkChoice): void;
  adoptWorktree(repoId: string, path: string): void;
  rollBack(merge: MergeRecord): void;
  syncNow(): void;
  markNotificationsRead(): void;
  /** Goes where the notification points and marks it read, as a click on it in the bell or the list does. */
  openNotification(notification: Notification): void;
  toggleRail(): void;
  togglePanel(): void;
  nextWaiting(): void;
  pauseNotifications(minutes: number | null): void;
  resumeNotifications(): void;
  setTheme(theme: 'system' | 'dark' | 'light'): void;
  showShortcuts(): void;
  /** The settings page, scrolled to one of its sections (`#/settings/sync`). */
  openSettings(section: SettingsSection): void;
  /** The Sync section's own "Turn sync off…", which confirms first. */
  turnSyncOff(): void;
  /** Whether a focused terminal gets every key (keyboard settings). */
  setSendEveryKey(on: boolean): void;
  /** One notification read, where it stays (the bell's row button). */
  markNotificationRead(n: Notification): void;
  /** The Notifications view, its escalation field taking the keys. */
  editEscalation(): void;
  /** The browser's own question: may this page notify? */
  askNotifyPermission(): void;
}

export interface CommandContext {
  model: RailModel;
  /** The workspace in front, if the centre shows one. */
  current: Workspace | null;
  /** The agent whose tab is in front there. */
  currentAgent: AgentInfo | null;
  /** The number of the brief whose page is on screen. */
  briefOnScreen: number | null;
  /** What that page lists to act on one at a time (none while no brief's page is on screen). */
  briefItems: BriefPageItems;
  notificationsPaused: boolean;
  /** MAIN's state by repository (the guard, commits from outside Grove), read when the UI connects and on each change. */
  mainStates: Readonly<Record<string, MainState>>;
  /** Whether sync is set up (the top bar shows its chip). */
  syncOn: boolean;
  /** Whether a focused terminal gets every key but the palette's. */
  sendEveryKey: boolean;
  /** Whether the host's agents have been read (before, every agent looks missing). */
  agentsKnown: boolean;
  /** Whether this browser may still be asked to let the page notify (not the app's window, not answered yet). */
  canAskNotify: boolean;
  /** The unread notifications. */
  unread: readonly Notification[];
  /** The alerts not acknowledged yet. */
  waitingAlerts: readonly Alert[];
  /** Merges whose gate failed, waiting for the operator to roll MAIN back. */
  awaitingRollback: readonly MergeRecord[];
  /** Display strings of the app shortcuts, by command id. */
  shortcuts: Partial<Record<string, string>>;
}

/** How many unread notifications, and waiting alerts, the palette lists, each its own command. */
const LISTED = 20;

function where(w: Workspace, model: RailModel): string {
  const repo = model.repos.find((r) => r.repo.id === w.repoId)?.repo.name;
  return repo ? `${repo} · ${w.name}` : w.path;
}

/**
 * Every action of the UI as a palette command. Agents and lanes waiting for the operator
 * come first, most urgent and longest waiting first; the rest keep the rail's order.
 */
export function cockpitCommands(ctx: CommandContext, act: CockpitActions): CockpitCommand[] {
  const { model, current, currentAgent, shortcuts } = ctx;
  const out: CockpitCommand[] = [];
  const agents = model.ordered.flatMap((w) => w.agents.map((a) => ({ a, w })));
  const byId = new Map(agents.map((x) => [x.a.id, x]));
  const waiting = waitingAgents(agents.map((x) => x.a)).map((a) => byId.get(a.id)!);
  const waitingIds = new Set(waiting.map((x) => x.a.id));
  for (const { a, w } of waiting) {
    out.push({ id: `wait:${a.id}`, group: 'Waiting for you', title: `${a.name} — ${ATTENTION_LABEL[attentionOf(a)]}`, hint: where(w, model), keywords: [w.name, a.preset], run: () => act.focusAgent(a) });
  }
  out.push({ id: 'agent.nextWaiting', group: 'Waiting for you', title: 'Next agent waiting for you', shortcut: shortcuts['agent.nextWaiting'], disabled: waiting.length === 0, hint: waiting.length === 0 ? 'No agent is waiting' : undefined, run: act.nextWaiting });

  model.ordered.forEach((w, i) => {
    out.push({ id: `lane:${w.path}`, group: 'Go to', title: `Lane ${w.name}`, hint: where(w, model), keywords: ['lane', 'workspace', w.path], shortcut: i < 9 ? shortcuts[`lane.${i + 1}`] : undefined, run: () => act.goToLane(w.path) });
  });
  for (const { a, w } of agents) {
    if (waitingIds.has(a.id)) continue;
    out.push({ id: `agent:${a.id}`, group: 'Go to', title: `Agent ${a.name}`, hint: `${where(w, model)} · ${ATTENTION_LABEL[attentionOf(a)]}`, keywords: [a.preset], run: () => act.focusAgent(a) });
  }
  for (const r of model.repos) out.push({ id: `main:${r.repo.id}`, group: 'Go to', title: `MAIN of ${r.repo.name}`, hint: r.health, keywords: ['health', 'incidents', 'merges', 'probes'], run: () => act.select({ kind: 'main', repoId: r.repo.id }) });
  out.push({ id: 'go:briefs', group: 'Go to', title: 'Briefs', keywords: ['all briefs', 'specs', 'trace'], run: () => act.select({ kind: 'briefs' }) });
  out.push({ id: 'go:health', group: 'Go to', title: 'Health: incidents and alerts', run: () => act.select({ kind: 'health' }) });
  out.push({ id: 'go:notifications', group: 'Go to', title: 'Notifications', run: () => act.select({ kind: 'notifications' }) });
  out.push({ id: 'settings.open', group: 'Go to', title: 'Settings', shortcut: shortcuts['settings.open'], run: () => act.select({ kind: 'settings' }) });
  out.push({ id: 'go:sync-settings', group: 'Go to', title: 'Sync settings', keywords: ['shared store', 'mysql', 'mariadb', 'password', 'tls'], run: () => act.openSettings('sync') });
  out.push({ id: 'go:terminal-settings', group: 'Go to', title: 'Terminal settings', keywords: ['font', 'size', 'family'], run: () => act.openSettings('terminal') });
  out.push({ id: 'go:keyboard-settings', group: 'Go to', title: 'Keyboard settings', keywords: ['shortcuts', 'keys', 'bindings', 'pass-through', 'rebind'], run: () => act.openSettings('keyboard') });

  const noLane = current === null ? 'Open a lane first' : undefined;
  const launches: [PresetId | 'custom-dialog', string][] = [['claude', 'Claude Code'], ['codex', 'Codex'], ['shell', 'a shell'], ['custom-dialog', 'a custom command…']];
  for (const [preset, label] of launches) {
    out.push({ id: `launch:${preset}`, group: 'Agents', title: `Launch ${label}${current ? ` in ${current.name}` : ''}`, disabled: !current, hint: noLane, keywords: ['new', 'start', 'agent'], run: () => current && act.launch(current.path, preset) });
  }
  if (currentAgent) {
    out.push({ id: 'terminal.find', group: 'Agents', title: `Find in ${currentAgent.name}'s terminal`, shortcut: shortcuts['terminal.find'], keywords: ['search', 'scrollback'], run: () => act.findInTerminal(currentAgent) });
    const running = isLiveSupervision(currentAgent.supervision.kind);
    out.push({ id: 'agent.stop', group: 'Agents', title: `Stop ${currentAgent.name}`, disabled: !running, hint: running ? undefined : 'It is not running', run: () => act.stopAgent(currentAgent) });
    out.push({ id: 'agent.restart', group: 'Agents', title: `Restart ${currentAgent.name}`, run: () => act.restartAgent(currentAgent) });
    // The same choices as the agent's own buttons, which show only when they apply.
    const stoppedHint = running ? 'It is still running' : undefined;
    out.push({ id: 'agent.resume', group: 'Agents', title: `${currentAgent.canResume ? 'Resume' : 'Start again'} ${currentAgent.name}`, disabled: running, hint: stoppedHint, keywords: ['resume', 'start'], run: () => act.resumeAgent(currentAgent) });
    const noConversation = currentAgent.context === null ? 'It has no conversation to recycle' : undefined;
    out.push({ id: 'agent.recycle', group: 'Agents', title: `Recycle ${currentAgent.name}…`, disabled: Boolean(noConversation), hint: noConversation, keywords: ['fresh conversation', 'context', 'handoff'], run: () => act.recycleAgent(currentAgent) });
    out.push({ id: 'agent.remove', group: 'Agents', title: `Remove ${currentAgent.name}…`, disabled: running, hint: running ? 'Stop it first' : undefined, keywords: ['delete', 'close tab'], run: () => act.removeAgent(currentAgent) });
  }
  const lane = current?.lane ?? null;
  const noRealLane = lane === null ? 'Open one of Grove\'s lanes first' : undefined;
  out.push({ id: 'lane.merge', group: 'Lane', title: `Merge ${lane ? lane.name : 'the lane'} into MAIN…`, disabled: !lane, hint: noRealLane, keywords: ['gate', 'preflight'], run: () => lane && act.mergeLane(lane) });
  out.push({ id: 'lane.rebase', group: 'Lane', title: `Rebase ${lane ? lane.name : 'the lane'} onto MAIN`, disabled: !lane, hint: noRealLane, run: () => lane && act.rebase(lane) });
  if (lane) {
    out.push(lane.served
      ? { id: 'lane.unserve', group: 'Lane', title: `Stop serving ${lane.name}`, keywords: ['serve', 'site', 'url'], run: () => act.laneAction(lane, 'stop-serving') }
      : { id: 'lane.serve', group: 'Lane', title: `Serve ${lane.name}`, keywords: ['serve', 'site', 'url', 'port'], run: () => act.laneAction(lane, 'serve') });
    const networks: [NetworkChoice, string][] = [['default', 'the repository default'], ['open', 'open'], ['loopback', 'loopback (this machine only)'], ['none', "none (only Grove's host)"]];
    const now: NetworkChoice = lane.network ?? 'default';
    for (const [choice, label] of networks) {
      out.push({ id: `lane.network:${choice}`, group: 'Lane', title: `Network of ${lane.name}: ${label}`, disabled: choice === now, hint: choice === now ? 'It is so now' : 'From each agent\'s next start', keywords: ['network', 'internet', 'confine'], run: () => act.setLaneNetwork(lane, choice) });
    }
    out.push({ id: 'lane.remove', group: 'Lane', title: `Remove lane ${lane.name}…`, keywords: ['delete', 'worktree', 'archive'], run: () => act.laneAction(lane, 'remove') });
  }
  if (current) {
    const live = current.agents.filter((a) => isLiveSupervision(a.supervision.kind)).length;
    out.push({ id: 'lane.stopAll', group: 'Lane', title: `Stop every agent in ${current.name}…`, disabled: live === 0, hint: live === 0 ? 'No agent is running there' : undefined, keywords: ['stop all', 'kill'], run: () => act.stopAllAgents(current.path) });
  }
  out.push({ id: 'lane.diff', group: 'Lane', title: `Show ${lane ? `${lane.name}'s` : 'the lane\'s'} changes`, disabled: !lane, hint: noRealLane, keywords: ['diff'], run: act.openLanePanel });
  for (const r of model.repos) {
    out.push({ id: `lane.new:${r.repo.id}`, group: 'Lane', title: `New lane in ${r.repo.name}…`, run: () => act.newLane(r.repo) });
    if (r.opsLoop) {
      out.push({ id: `ops.stop:${r.repo.id}`, group: 'Repositories', title: `Stop ${r.repo.name}'s ops loop`, keywords: ['ops', 'loop', 'watch'], run: () => act.opsLoop(r.repo.id, 'stop') });
      // Its agent gone or ended (crashed, stopped, removed): the loop's card offers "Start again".
      const loopAgent = r.opsLoop.agentId ? byId.get(r.opsLoop.agentId)?.a : undefined;
      if (ctx.agentsKnown && (!loopAgent || !isLiveSupervision(loopAgent.supervision.kind))) {
        out.push({ id: `ops.restart:${r.repo.id}`, group: 'Repositories', title: `Start ${r.repo.name}'s ops loop again`, hint: 'its agent is not running', keywords: ['ops', 'loop', 'watch', 'restart'], run: () => act.opsLoop(r.repo.id, 'start') });
      }
    } else out.push({ id: `ops.start:${r.repo.id}`, group: 'Repositories', title: `Start ${r.repo.name}'s ops loop`, keywords: ['ops', 'loop', 'watch'], run: () => act.opsLoop(r.repo.id, 'start') });
    for (const w of r.adoptable) out.push({ id: `adopt:${w.path}`, group: 'Repositories', title: `Adopt worktree ${w.name} in ${r.repo.name}`, hint: w.path, keywords: ['worktree', 'outside grove', 'lane'], run: () => act.adoptWorktree(r.repo.id, w.path) });
    for (const m of ctx.awaitingRollback.filter((x) => x.repoId === r.repo.id)) {
      out.push({ id: `rollback:${m.id}`, group: 'Repositories', title: `Roll MAIN of ${r.repo.name} back from the merge of ${m.laneName}…`, keywords: ['gate failed', 'undo', 'revert'], run: () => act.rollBack(m) });
    }
    const main = ctx.mainStates[r.repo.id];
    if (main) {
      out.push(main.preCommitGuard
        ? { id: `guard.off:${r.repo.id}`, group: 'Repositories', title: `Turn off MAIN's pre-commit guard in ${r.repo.name}`, keywords: ['hook', 'commit'], run: () => act.mainState(r.repo.id, 'guard-off') }
        : { id: `guard.on:${r.repo.id}`, group: 'Repositories', title: `Turn on MAIN's pre-commit guard in ${r.repo.name}`, keywords: ['hook', 'commit'], run: () => act.mainState(r.repo.id, 'guard-on') });
      if (main.unexpectedCommits.length > 0) out.push({ id: `main.accept:${r.repo.id}`, group: 'Repositories', title: `Accept MAIN of ${r.repo.name} as it is`, keywords: ['commits', 'outside grove'], run: () => act.mainState(r.repo.id, 'accept') });
    }
    if (!r.repo.trusted) out.push({ id: `trust:${r.repo.id}`, group: 'Repositories', title: `Review and trust ${r.repo.name}'s commands…`, keywords: ['trust'], run: () => act.select({ kind: 'main', repoId: r.repo.id }) });
  }
  out.push({ id: 'repo.add', group: 'Repositories', title: 'Add a repository…', run: act.addRepository });
  out.push({ id: 'brief.new', group: 'Briefs', title: 'New brief…', keywords: ['spec', 'task', 'create'], run: act.newBrief });
  const n = ctx.briefOnScreen;
  if (n !== null) {
    const parts: [BriefPart, string, string[]][] = [
      ['spec', `Edit #${n}'s spec`, ['plan', 'markdown', 'refinement']],
      ['note', `Add a note or comment to #${n}`, ['trace', 'write']],
      ['status', `Change #${n}'s status…`, ['move', 'done', 'planned', 'in progress']],
      ['details', `Edit #${n}'s title and kind…`, ['rename']],
      ['dispatch', `Dispatch #${n}…`, ['agent', 'lane', 'packet', 'hand-off']],
      ['parent', `Set #${n}'s epic parent…`, ['relationships', 'epic']],
      ['dependency', `Add a dependency to #${n}…`, ['relationships', 'depends on', 'blocked by']],
      ['link', `Add a link to #${n}…`, ['url', 'commit', 'lane', 'merge', 'incident']],
      ['attach', `Attach a screenshot to #${n}…`, ['image', 'upload', 'picture', 'file', 'trace']],
    ];
    for (const [part, title, keywords] of parts) out.push({ id: `brief.${part}`, group: 'Briefs', title, keywords: ['brief', ...keywords], run: () => act.briefPart(part) });
    for (const d of ctx.briefItems.dispatches) {
      out.push({ id: `brief.cancel:${d.id}`, group: 'Briefs', title: `Cancel #${n}'s dispatch: ${d.label}`, keywords: ['brief', 'dispatch', 'stop'], run: () => act.briefItem('cancel-dispatch', d.id) });
    }
    const settle = ctx.briefItems.contested;
    for (const c of settle) {
      if (c.id === KEEP_SPEC) out.push({ id: 'brief.keepSpec', group: 'Briefs', title: `Keep #${n}'s spec as it stands (settles the contested edit)`, keywords: ['brief', 'contested', 'conflict'], run: () => act.briefItem('keep-spec', c.id) });
      else out.push({ id: `brief.useTheirs:${c.id}`, group: 'Briefs', title: `Use ${c.label} of #${n}'s spec (settles the contested edit)`, keywords: ['brief', 'contested', 'conflict', 'theirs'], disabled: c.unavailable !== undefined, hint: c.unavailable, run: () => act.briefItem('use-theirs', c.id) });
    }
    for (const p of ctx.briefItems.plans) {
      out.push({ id: `brief.acceptPlan:${p.id}`, group: 'Briefs', title: `Accept #${n}'s proposed plan ${p.label}`, detail: p.detail, keywords: ['brief', 'spec', 'design'], run: () => act.briefItem('accept-plan', p.id) });
    }
    for (const d of ctx.briefItems.dependencies) {
      out.push({ id: `brief.removeDependency:${d.id}`, group: 'Briefs', title: `Remove #${n}'s dependency on ${d.label}`, keywords: ['brief', 'relationships', 'depends on'], run: () => act.briefItem('remove-dependency', d.id) });
    }
    for (const l of ctx.briefItems.links) {
      out.push({ id: `brief.removeLink:${l.id}`, group: 'Briefs', title: `Remove #${n}'s link: ${l.label}`, keywords: ['brief', 'links'], run: () => act.briefItem('remove-link', l.id) });
    }
    // Every entry loaded, found by "redact" or its words: listed whole, a long trace would bury the rest.
    for (const e of ctx.briefItems.entries) {
      out.push({ id: `brief.redact:${e.id}`, group: 'Briefs', title: `Redact #${n}'s entry ${e.label}`, detail: e.detail, onlyFoundBy: `redact secret hide tombstone ${e.label} ${e.words ?? ''}`, run: () => act.briefItem('redact-entry', e.id) });
    }
  }

  const splitOff = !current || current.agents.length < 2 ? 'A split needs two agents in the lane' : undefined;
  out.push({ id: 'split.side', group: 'View', title: 'Split side by side', disabled: Boolean(splitOff), hint: splitOff, shortcut: shortcuts['split.toggle'], run: () => act.split('side-by-side') });
  out.push({ id: 'split.stacked', group: 'View', title: 'Split stacked', disabled: Boolean(splitOff), hint: splitOff, run: () => act.split('stacked') });
  out.push({ id: 'split.close', group: 'View', title: 'Close the split', disabled: !current, run: () => act.split(null) });
  out.push({ id: 'rail.toggle', group: 'View', title: 'Show or hide the rail', shortcut: shortcuts['rail.toggle'], run: act.toggleRail });
  out.push({ id: 'panel.toggle', group: 'View', title: 'Show or hide the lane panel', shortcut: shortcuts['panel.toggle'], disabled: !lane, hint: noRealLane, run: act.togglePanel });
  out.push({ id: 'theme.dark', group: 'View', title: 'Theme: dark', run: () => act.setTheme('dark') });
  out.push({ id: 'theme.light', group: 'View', title: 'Theme: light', run: () => act.setTheme('light') });
  out.push({ id: 'theme.system', group: 'View', title: 'Theme: follow the system', run: () => act.setTheme('system') });
  out.push({ id: 'shortcuts.show', group: 'View', title: 'Keyboard shortcuts', shortcut: shortcuts['shortcuts.show'], run: act.showShortcuts });
  out.push(
    ctx.sendEveryKey
      ? { id: 'keys.appShortcuts', group: 'View', title: "Give Grove's shortcuts back their keys in terminals", keywords: ['send every key', 'keyboard', 'pass-through'], run: () => act.setSendEveryKey(false) }
      : { id: 'keys.sendEvery', group: 'View', title: 'Send every key to the terminal', keywords: ['keyboard', 'pass-through', 'shortcuts'], run: () => act.setSendEveryKey(true) },
  );

  if (ctx.syncOn) {
    out.push({ id: 'sync.now', group: 'Repositories', title: 'Sync now', keywords: ['shared store', 'mysql', 'push', 'pull'], run: act.syncNow });
    out.push({ id: 'sync.off', group: 'Repositories', title: 'Turn sync off…', keywords: ['shared store', 'mysql', 'stop syncing'], run: act.turnSyncOff });
  }
  const noAlert = ctx.waitingAlerts.length === 0;
  out.push({ id: 'alerts.acknowledge', group: 'Notifications', title: 'Acknowledge every alert', disabled: noAlert, hint: noAlert ? 'No alert is waiting' : undefined, keywords: ['health', 'incidents'], run: act.acknowledgeAlerts });
  // Each waiting alert, newest first, by its first line.
  for (const a of [...ctx.waitingAlerts].sort((x, y) => y.seq - x.seq).slice(0, LISTED)) {
    out.push({ id: `alert:${a.seq}`, group: 'Notifications', title: `Acknowledge: ${a.message.split('\n')[0]}`, keywords: ['alert', 'health'], run: () => act.acknowledgeAlert(a) });
  }
  // Each unread one, newest first: the bell's list, reachable from the keys.
  const unread = [...ctx.unread].sort((a, b) => b.at.localeCompare(a.at)).slice(0, LISTED);
  for (const n of unread) out.push({ id: `notification:${n.id}`, group: 'Notifications', title: n.title, detail: `unread · ${n.severity}`, keywords: ['notification', 'unread', n.kind, n.body], run: () => act.openNotification(n) });
  // Read where it is, as the row's own button does: found by "mark read" and its words.
  for (const n of unread) out.push({ id: `notification.read:${n.id}`, group: 'Notifications', title: `Mark read: ${n.title}`, onlyFoundBy: `mark read notification unread ${n.title} ${n.kind} ${n.body}`, run: () => act.markNotificationRead(n) });
  if (ctx.canAskNotify) out.push({ id: 'notifications.allow', group: 'Notifications', title: 'Let this browser notify you…', hint: 'the browser asks', keywords: ['permission', 'popups', 'desktop notifications', 'allow'], run: act.askNotifyPermission });
  out.push({ id: 'notifications.escalation', group: 'Notifications', title: 'Set when a waiting agent is told again…', keywords: ['escalation', 'minutes', 'remind', 'settings'], run: act.editEscalation });
  out.push({ id: 'notifications.read', group: 'Notifications', title: 'Mark every notification read', disabled: ctx.unread.length === 0, hint: ctx.unread.length === 0 ? 'None is unread' : undefined, keywords: ['bell', 'unread'], run: act.markNotificationsRead });
  if (ctx.notificationsPaused) out.push({ id: 'notifications.resume', group: 'Notifications', title: 'Resume notifications', run: act.resumeNotifications });
  else {
    out.push({ id: 'notifications.pause1h', group: 'Notifications', title: 'Pause notifications for 1 hour', run: () => act.pauseNotifications(60) });
    out.push({ id: 'notifications.pause', group: 'Notifications', title: 'Pause notifications until resumed', run: () => act.pauseNotifications(null) });
  }
  return out;
}
