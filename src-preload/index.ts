/**
 * The preload: builds `window.lathe` from the contract over one IPC channel and exposes
 * nothing else — no ipcRenderer, no Node. Errors cross the context bridge as plain data
 * (Electron drops custom fields of Error objects), and the renderer revives them.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createLatheApi, serverMessageSchema } from '../src-main/contract';

const CHANNEL = 'lathe:message';

const api = createLatheApi(
  {
    send: (message) => ipcRenderer.send(CHANNEL, message),
    onMessage: (receive) => {
      ipcRenderer.on(CHANNEL, (_event, raw: unknown) => {
        const parsed = serverMessageSchema.safeParse(raw);
        if (parsed.success) receive(parsed.data);
      });
    },
  },
  { plainErrors: true },
);

contextBridge.exposeInMainWorld('lathe', api);

/**
 * Dropped files: since Electron 32 a File no longer carries its path, and only the preload can
 * ask for it. The page passes the File objects of a drop here and sends the paths to
 * `models.addPaths`, where main checks each one before reading it.
 */
contextBridge.exposeInMainWorld('latheFiles', {
  pathsOf: (files: File[]): string[] => files.map((file) => webUtils.getPathForFile(file)).filter((path) => path !== ''),
});
