/**
 * The one file that touches Electron IPC on the main side. Each window is a peer of the
 * contract server; its messages arrive on one channel and answers leave on the same one.
 * Messages from any frame that is not the app's own page are ignored.
 */
import { ipcMain, type WebContents } from 'electron';
import type { ServerMessage } from '../contract';
import type { ContractServer, PeerConnection } from '../transport/contract-server';
import { isAppUrl } from './security';

export const LATHE_CHANNEL = 'lathe:message';

export function registerIpc(server: ContractServer, rendererUrl: string): void {
  const connections = new Map<number, PeerConnection>();

  const connectionFor = (contents: WebContents): PeerConnection => {
    const known = connections.get(contents.id);
    if (known) return known;
    const connection = server.connect({
      send: (message: ServerMessage) => {
        if (!contents.isDestroyed()) contents.send(LATHE_CHANNEL, message);
      },
    });
    connections.set(contents.id, connection);
    contents.once('destroyed', () => {
      connection.close();
      connections.delete(contents.id);
    });
    // A reload starts a new page: its subscriptions from before are gone.
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) {
        connection.close();
        connections.delete(contents.id);
      }
    });
    return connection;
  };

  ipcMain.on(LATHE_CHANNEL, (event, message: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl, rendererUrl)) return;
    connectionFor(event.sender).receive(message);
  });
}
