import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { ShellChannel, type GroveShellBridge } from '../shared/shell-bridge';

// The narrow bridge: named functions only, no raw ipcRenderer and no Node in the page.
const bridge: GroveShellBridge = {
  connectionInfo: () => ipcRenderer.invoke(ShellChannel.connectionInfo),
  pathForFile: (file) => webUtils.getPathForFile(file),
  notify: (n) => ipcRenderer.invoke(ShellChannel.notify, { title: n.title, body: n.body }),
};

contextBridge.exposeInMainWorld('grove', bridge);
