import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callHost } from '../host-client/call-host';
import { resolveDataDir } from '../host-client/data-dir';
import { browserLoginUrl, ensureHost, type LaunchOptions } from '../host-client/launch-host';
import type { FoundHost } from '../host-client/find-host';
import { ShellChannel } from '../shared/shell-bridge';
import { resolveHostNode } from './host-node';
import WebSocket from 'ws';
import { isLiveSupervision } from '../shared/agents';
import { HostConnection } from '../shared/client/host-connection';
import { TrayFeed } from './tray/tray-feed';
import { trayIconFile, type TrayState } from './tray/tray-state';
import { decideNavigation, decidePermission, decideWindowOpen, WEB_PREFERENCES } from './window-policy';

/**
 * The Electron shell: thin on purpose. It attaches to the data dir's host (starting it
 * detached if none runs, so agents outlive the app), shows the host's UI in one hardened
 * window, and keeps a tray. Every decision it makes lives in a plain module beside it.
 */
const here = dirname(fileURLToPath(import.meta.url));
const resources = join(here, '..', '..', 'resources');
let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let attached: FoundHost | null = null;

/** Brings the window back, re-creating it (with a fresh login) if it was closed. */
async function showWindow(): Promise<void> {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
    return;
  }
  if (!attached) return;
  const login = await browserLoginUrl(attached);
  if (login.ok) createWindow(login.value);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => void showWindow());
  app.on('window-all-closed', () => {
    // The host and its agents keep running; the tray stays to bring the window back.
    if (process.platform !== 'darwin' && !tray) app.quit();
  });
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
  ipcMain.handle(ShellChannel.notify, (_e, n: { title: unknown; body: unknown }) => {
    if (typeof n?.title !== 'string' || typeof n?.body !== 'string') return;
    const notification = new Notification({ title: n.title.slice(0, 200), body: n.body.slice(0, 1000) });
    notification.on('click', () => void showWindow());
    notification.show();
  });
  createTray(host.value);
  createWindow(login.value);
}

function harden(host: FoundHost): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(decidePermission(permission)));
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
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

function createWindow(loginUrl: string): void {
  mainWindow = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Grove',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: join(here, '..', 'preload', 'index.cjs') },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = null));
  // The single-use login URL trades itself for a session cookie and redirects to the UI.
  void mainWindow.loadURL(loginUrl);
}

/** Stops every live agent (each with its whole process tree), then quits; the host stays. */
async function stopAgentsThenQuit(host: FoundHost): Promise<void> {
  const target = { url: host.discovery.url, token: host.token };
  const listed = await callHost(target, 'agents.list', {});
  if (listed.ok) {
    const live = listed.value.agents.filter((a) => isLiveSupervision(a.supervision.kind));
    await Promise.all(live.map((a) => callHost(target, 'agents.stop', { id: a.id }, 60_000)));
  }
  app.quit();
}

function createTray(host: FoundHost): void {
  const show = (state: TrayState): void => {
    if (!tray) tray = new Tray(nativeImage.createFromPath(join(resources, trayIconFile(state.face))));
    else tray.setImage(nativeImage.createFromPath(join(resources, trayIconFile(state.face))));
    tray.setToolTip(state.tooltip);
  };
  const feed = new TrayFeed(show);
  const wsUrl = host.discovery.url.replace(/^http/, 'ws') + '/ws';
  const connection = new HostConnection({ connect: () => new WebSocket(wsUrl, { headers: { authorization: `Bearer ${host.token}` } }) });
  connection.onState((s) => feed.onConnection(s));
  connection.onEvent((e) => feed.onEvent(e));
  connection.start();
  tray!.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Grove', click: () => void showWindow() },
      { type: 'separator' },
      { label: 'Quit (agents keep running)', click: () => app.quit() },
      { label: 'Quit and stop agents', click: () => void stopAgentsThenQuit(host) },
    ]),
  );
}
