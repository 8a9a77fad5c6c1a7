import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realpath, stat } from 'node:fs/promises';
import { callProvenHost } from '../host-client/host-identity';
import { provenSocket } from '../host-client/proven-socket';
import { resolveDataDir } from '../host-client/data-dir';
import { browserLoginUrl, ensureHost, type LaunchOptions } from '../host-client/launch-host';
import type { FoundHost } from '../host-client/find-host';
import { ShellChannel } from '../shared/shell-bridge';
import { resolveHostNode } from './host-node';
import { isLiveSupervision } from '../shared/agents';
import { HostConnection } from '../shared/client/host-connection';
import { NativeNotifications, type NativeNotice } from './notifications/native-notifications';
import { TrayFeed } from './tray/tray-feed';
import type { TrayAction, TrayMenuItem } from './tray/tray-menu';
import { trayIconFile, type TrayState } from './tray/tray-state';
import { decideLaneFileOpen, readLaneFileRequest, runsWhenOpened } from './lane-file-policy';
import { mayPickDirectory, pickedDirectory, PICK_DIRECTORY_OPTIONS } from './directory-picker';
import { decideExternalOpen, decideNavigation, decidePermission, decideWindowOpen, isLoginPage, isSameOrigin, WEB_PREFERENCES } from './window-policy';
import { parseHostFrame } from '../shared/client/parse-host-frame';
import { disableFeatures } from './chromium-switches';

/**
 * The Electron shell: thin on purpose. It attaches to the data dir's host (starting it
 * detached if none runs, so agents outlive the app), shows the host's UI in one hardened
 * window, keeps a tray and shows the host's notifications natively. Every decision it
 * makes lives in a plain module beside it (tray/, notifications/, window-policy.ts); this
 * file only maps the answers onto Electron.
 */
const here = dirname(fileURLToPath(import.meta.url));
const resources = join(here, '..', '..', 'resources');
let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let attached: FoundHost | null = null;
let connection: HostConnection | null = null;
/** Shown notifications, kept referenced: one collected by the GC loses its click handler. */
const shownNotifications = new Set<Notification>();
const MAX_KEPT_NOTIFICATIONS = 20;

/**
 * Brings the window back, re-creating it (with a fresh login) if it was closed; with a
 * route (a URL hash from ui-route.ts), at that place in the UI.
 */
async function showWindow(route: string | null = null): Promise<void> {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
    // The session ended (the window says how to log in): Open logs it in again.
    if (attached && isLoginPage(mainWindow.webContents.getURL(), attached.discovery.url) && !mainWindow.webContents.isLoading()) {
      const login = await browserLoginUrl(attached);
      if (login.ok) void mainWindow.loadURL(route ? login.value + route : login.value);
      return;
    }
    if (route) navigateWindow(mainWindow, route);
    return;
  }
  if (!attached) return;
  const login = await browserLoginUrl(attached);
  if (login.ok) createWindow(login.value, route);
}

function navigateWindow(window: BrowserWindow, route: string): void {
  const contents = window.webContents;
  const hostUrl = attached?.discovery.url ?? '';
  // A page still loading, or the login hand-off, is about to be replaced: the route goes to the UI's page.
  const send = (): void => {
    if (contents.isLoading() || isLoginPage(contents.getURL(), hostUrl)) contents.once('did-finish-load', send);
    else contents.send(ShellChannel.navigate, route);
  };
  send();
}

// Before the app is ready, or Chromium has already read its features.
disableFeatures(app.commandLine);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => void showWindow());
  app.on('window-all-closed', () => {
    // The host and its agents keep running; the tray stays to bring the window back.
    if (process.platform !== 'darwin' && !tray) app.quit();
  });
  app.on('before-quit', () => connection?.stop());
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const nodePath = resolveHostNode(process.env);
  if (!nodePath) {
    dialog.showErrorBox('Grove', 'Grove needs Node.js to run its host. Install Node.js 20 or newer, or set GROVE_NODE to its path.');
    app.quit();
    return;
  }
  const launch: LaunchOptions = {
    nodePath,
    hostEntry: join(here, '..', 'host', 'main.js'),
    dataDir: resolveDataDir(process.env),
  };
  const host = await ensureHost(launch);
  if (!host.ok) {
    dialog.showErrorBox('Grove could not reach its host', host.error);
    app.quit();
    return;
  }
  attached = host.value;
  harden(host.value);
  const login = await browserLoginUrl(host.value);
  if (!login.ok) {
    dialog.showErrorBox('Grove could not log in to its host', login.error);
    app.quit();
    return;
  }
  ipcMain.handle(ShellChannel.connectionInfo, () => ({ hostUrl: host.value.discovery.url, appVersion: app.getVersion() }));
  // A terminal's web link: the page cannot open windows, so the shell hands it to the browser.
  ipcMain.handle(ShellChannel.openExternal, async (event, url: unknown) => {
    if (!isSameOrigin(event.senderFrame?.url ?? '', host.value.discovery.url)) return { opened: false, reason: 'only Grove\'s own page may open links' };
    const decision = decideExternalOpen(url);
    if (!decision.open) return { opened: false, reason: decision.reason };
    await shell.openExternal(decision.url);
    return { opened: true, reason: null };
  });
  // A file path Ctrl+clicked in a lane's terminal: opened only once the host and the shell agree it is in that lane.
  ipcMain.handle(ShellChannel.openPath, (event, lanePath: unknown, relative: unknown) => openLaneFile(host.value, event.senderFrame?.url ?? '', lanePath, relative, 'open'));
  ipcMain.handle(ShellChannel.revealPath, (event, lanePath: unknown, relative: unknown) => openLaneFile(host.value, event.senderFrame?.url ?? '', lanePath, relative, 'reveal'));
  // The add-a-repository field's "Choose folder…": the system's picker, over the calling window.
  ipcMain.handle(ShellChannel.pickDirectory, async (event) => {
    if (!mayPickDirectory(event.senderFrame?.url ?? '', host.value.discovery.url)) return null;
    const window = BrowserWindow.fromWebContents(event.sender);
    const options = { ...PICK_DIRECTORY_OPTIONS, properties: [...PICK_DIRECTORY_OPTIONS.properties] };
    const answer = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return pickedDirectory(answer);
  });
  // The shell needs no history: the tray asks for the current truth, and notifications from
  // before it attached are not shown. So the stream starts at the host's latest event. If
  // the host cannot say, the stream replays history, which the notifications filter drops
  // as old news.
  const status = await callProvenHost({ url: host.value.discovery.url, token: host.value.token }, 'host.status', {});
  const since = status.ok ? status.value.latestEventSeq : 0;
  const target = { url: host.value.discovery.url, token: host.value.token };
  // Each reconnect first asks the port's server to prove it is the host (a dead host's port
  // may have changed hands): the token goes to no one else.
  connection = new HostConnection({ parseFrame: parseHostFrame, since, connect: () => provenSocket(target) });
  createTray(host.value, connection);
  showNotifications(connection, since);
  connection.start();
  createWindow(login.value);
}

async function openLaneFile(host: FoundHost, senderUrl: string, lanePath: unknown, relative: unknown, how: 'open' | 'reveal'): Promise<{ opened: boolean; reason: string | null }> {
  if (!isSameOrigin(senderUrl, host.discovery.url)) return { opened: false, reason: 'only Grove\'s own page may open files' };
  const request = readLaneFileRequest(lanePath, relative);
  if (!request.ok) return { opened: false, reason: request.reason };
  const { lanePath: lane, relative: rel } = request.value;
  const answer = await callProvenHost({ url: host.discovery.url, token: host.token }, 'lanes.resolvePath', { lanePath: lane, path: rel });
  const decision = decideLaneFileOpen({
    request: request.value,
    hostAnswer: answer.ok ? { ok: true, value: answer.value } : { ok: false, message: answer.error.message },
    realLane: await realpath(lane).catch(() => null),
    realTarget: await realpath(join(lane, rel)).catch(() => null),
  });
  if (!decision.open) return { opened: false, reason: decision.reason };
  const mode = (await stat(decision.path).catch(() => null))?.mode ?? 0o111;
  if (how === 'reveal' || runsWhenOpened(decision.path, mode)) {
    shell.showItemInFolder(decision.path);
    if (how === 'open') return { opened: false, reason: `${decision.path} would run rather than open, so it is shown in its folder instead` };
    return { opened: true, reason: null };
  }
  const failure = await shell.openPath(decision.path);
  return failure ? { opened: false, reason: failure } : { opened: true, reason: null };
}

function harden(host: FoundHost): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(decidePermission(permission)));
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (decideNavigation(url, host.discovery.url) === 'deny') event.preventDefault();
    });
    // A server's redirect is a navigation too, which will-navigate does not see: one from
    // whatever answers on the host's port (a program that took it while the host was down)
    // must not take the window, and its preload bridge, to another site.
    contents.on('will-redirect', (event, url) => {
      if (decideNavigation(url, host.discovery.url) === 'deny') event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternally) void shell.openExternal(url);
      return { action: decision.action };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function createWindow(loginUrl: string, route: string | null = null): void {
  mainWindow = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Grove',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: join(here, '..', 'preload', 'index.cjs') },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = null));
  // The single-use login URL trades itself for a session (a cookie, and a key its page keeps
  // in local storage) and goes on to the UI with our fragment: the UI starts at the route.
  void mainWindow.loadURL(route ? loginUrl + route : loginUrl);
}

/** Stops every live agent (each with its whole process tree), then quits; the host stays. */
async function stopAgentsThenQuit(host: FoundHost): Promise<void> {
  const target = { url: host.discovery.url, token: host.token };
  const listed = await callProvenHost(target, 'agents.list', {});
  if (listed.ok) {
    const live = listed.value.agents.filter((a) => isLiveSupervision(a.supervision.kind));
    await Promise.all(live.map((a) => callProvenHost(target, 'agents.stop', { id: a.id }, 60_000)));
  }
  app.quit();
}

function createTray(host: FoundHost, conn: HostConnection): void {
  const showState = (state: TrayState): void => {
    const image = nativeImage.createFromPath(join(resources, trayIconFile(state.face)));
    if (!tray) tray = new Tray(image);
    else tray.setImage(image);
    tray.setToolTip(state.tooltip);
  };
  const showMenu = (items: TrayMenuItem[]): void => {
    tray?.setContextMenu(Menu.buildFromTemplate(items.map((item) => menuItemOf(item, (action) => void runTrayAction(action, host, conn, feed)))));
  };
  const feed = new TrayFeed({ call: (method, params) => conn.call(method, params), onState: showState, onMenu: showMenu });
  conn.onState((s) => feed.onConnection(s));
  conn.onEvent((e) => feed.onEvent(e));
  conn.onGap(() => feed.onGap());
  app.on('before-quit', () => feed.dispose());
}

function menuItemOf(item: TrayMenuItem, run: (action: TrayAction) => void): MenuItemConstructorOptions {
  if (item.kind === 'separator') return { type: 'separator' };
  const action = item.action;
  return { label: item.label, enabled: item.enabled, click: action ? () => run(action) : undefined };
}

async function runTrayAction(action: TrayAction, host: FoundHost, conn: HostConnection, feed: TrayFeed): Promise<void> {
  switch (action.kind) {
    case 'open':
      return showWindow(action.route);
    case 'pause-notifications':
    case 'resume-notifications': {
      const answer =
        action.kind === 'resume-notifications'
          ? await conn.call('notifications.resume', {})
          : await conn.call('notifications.pause', action.minutes === null ? {} : { minutes: action.minutes });
      if (answer.ok) feed.onSettings(answer.value.settings);
      else dialog.showErrorBox('Grove could not change its notifications', answer.error.message);
      return;
    }
    case 'quit':
      app.quit();
      return;
    case 'quit-and-stop-agents':
      return stopAgentsThenQuit(host);
  }
}

/** Shows the host's notifications natively, as NativeNotifications decides; a click opens their place in the UI. */
function showNotifications(conn: HostConnection, attachedAfterSeq: number): void {
  let visibleWorkspace: string | null = null;
  ipcMain.on(ShellChannel.visibleWorkspace, (event, path: unknown) => {
    if (event.sender !== mainWindow?.webContents) return;
    visibleWorkspace = typeof path === 'string' && path.length <= 4096 ? path : null;
  });
  const viewer = () => ({ isFocused: mainWindow?.isFocused() ?? false, visibleWorkspace: mainWindow ? visibleWorkspace : null });
  const notifications = new NativeNotifications({ attachedAfterSeq, viewer });
  conn.onEvent((e) => {
    const notice = notifications.decide(e);
    if (notice && Notification.isSupported()) showNotice(notice);
  });
}

function showNotice(notice: NativeNotice): void {
  const n = new Notification({
    title: notice.title,
    body: notice.body,
    urgency: notice.urgency,
    timeoutType: notice.urgency === 'critical' ? 'never' : 'default',
  });
  shownNotifications.add(n);
  // 'close' is not promised everywhere (macOS, the Windows Action Center): keep only the latest few.
  if (shownNotifications.size > MAX_KEPT_NOTIFICATIONS) shownNotifications.delete(shownNotifications.values().next().value!);
  n.on('click', () => {
    shownNotifications.delete(n);
    void showWindow(notice.route);
  });
  n.on('close', () => shownNotifications.delete(n));
  n.show();
}
