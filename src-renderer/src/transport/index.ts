/**
 * The one way the renderer reaches the main process. Inside Electron the preload has put
 * the API on `window.lathe` (IPC); in a browser we build the very same API over a
 * WebSocket to `lathe serve`. Only the small client modules in `src/client/` use this.
 */
import { createLatheApi, reviveLatheErrors, type LatheApi } from '../../../src-main/contract';
import { createStatusCell, type ConnectionStatus, type StatusListener } from './connection-status';
import { createBrowserPipe, readAccessToken } from './web-pipe';
import type { WebSocketPipe } from './websocket-pipe';

export type { ConnectionState, ConnectionStatus, RefusalReason, TransportKind } from './connection-status';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a plain browser. */
    lathe?: LatheApi;
  }
}

const status = createStatusCell({ transport: 'web', state: 'connecting', refusal: null, retryAt: null, reconnects: 0 });
let api: LatheApi | null = null;
let webPipe: WebSocketPipe | null = null;
let accessToken: string | null = null;

export function getLathe(): LatheApi {
  if (api !== null) return api;
  if (window.lathe !== undefined) {
    // The preload rejects with plain {kind, message} data (the context bridge drops Error
    // fields); turn them back into LatheErrors so both transports fail the same way.
    api = reviveLatheErrors(window.lathe);
    status.set({ transport: 'electron', state: 'open', refusal: null, retryAt: null, reconnects: 0 });
  } else {
    accessToken = readAccessToken();
    webPipe = createBrowserPipe(status, accessToken);
    api = createLatheApi(webPipe);
  }
  return api;
}

export function getConnectionStatus(): ConnectionStatus {
  getLathe(); // the status is only meaningful once the transport has been chosen
  return status.get();
}

export function subscribeConnectionStatus(listener: StatusListener): () => void {
  getLathe();
  return status.subscribe(listener);
}

/** Web only: the token `lathe serve` printed, for HTTP requests beside the socket (uploads); null in Electron or without one. */
export function getAccessToken(): string | null {
  getLathe();
  return accessToken;
}

/** Web only: reconnect now instead of waiting out the backoff. */
export function retryConnection(): void {
  webPipe?.retryNow();
}
