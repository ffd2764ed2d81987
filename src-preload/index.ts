/**
 * The preload: builds `window.lathe` from the contract over one IPC channel and exposes
 * nothing else — no ipcRenderer, no Node. Errors cross the context bridge as plain data
 * (Electron drops custom fields of Error objects), and the renderer revives them.
 */
import { contextBridge, ipcRenderer } from 'electron';
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
