import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { ShellChannel, type GroveShellBridge } from '../shared/shell-bridge';
import { deliverRoute } from './deliver-route';

// The narrow bridge: named functions only, no raw ipcRenderer and no Node in the page.
const navigateListeners = new Set<(route: string) => void>();
// The page's location (the DOM is shared with the isolated world; typed here without the DOM lib).
const pageLocation = (globalThis as unknown as { location: { hash: string } }).location;
ipcRenderer.on(ShellChannel.navigate, (_event, route: unknown) => void deliverRoute(route, navigateListeners, pageLocation));

const bridge: GroveShellBridge = {
  connectionInfo: () => ipcRenderer.invoke(ShellChannel.connectionInfo),
  pathForFile: (file) => webUtils.getPathForFile(file),
  openExternal: (url) => ipcRenderer.invoke(ShellChannel.openExternal, url),
  pickDirectory: () => ipcRenderer.invoke(ShellChannel.pickDirectory),
  reportVisibleWorkspace: (path) => ipcRenderer.send(ShellChannel.visibleWorkspace, path),
  openPath: (lanePath, relative) => ipcRenderer.invoke(ShellChannel.openPath, lanePath, relative),
  revealPath: (lanePath, relative) => ipcRenderer.invoke(ShellChannel.revealPath, lanePath, relative),
  onNavigate: (listener) => {
    // A fresh function per registration, so one listener registered twice is called twice
    // and each unsubscribe removes only its own.
    const entry = (route: string): void => listener(route);
    navigateListeners.add(entry);
    return () => void navigateListeners.delete(entry);
  },
};

contextBridge.exposeInMainWorld('grove', bridge);
