/**
 * Builds the browser's pipe from what the page was opened with: the token from the address
 * (or from this tab's earlier visit), the page's own host, and the DOM's WebSocket. The
 * same token authorizes model uploads over HTTP (upload.ts).
 */
import { socketUrl, takeTokenFromHash, TOKEN_STORAGE_KEY } from './access-token';
import { openBrowserSocket } from './browser-socket';
import type { StatusCell } from './connection-status';
import { createWebSocketPipe, type WebSocketPipe } from './websocket-pipe';

/** Takes `#token=…` out of the address bar, remembering it for reloads of this tab. */
export function readAccessToken(): string | null {
  const { token, rest } = takeTokenFromHash(location.hash);
  if (token !== null) {
    try {
      sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage can be disabled; the token still works until the tab reloads.
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest}`);
    return token;
  }
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** `token`: from `readAccessToken`, read once per page (reading takes it out of the address bar). */
export function createBrowserPipe(status: StatusCell, token: string | null): WebSocketPipe {
  return createWebSocketPipe({
    url: token === null ? null : socketUrl(location, token),
    openSocket: openBrowserSocket,
    schedule(task, ms) {
      const timer = window.setTimeout(task, ms);
      return () => window.clearTimeout(timer);
    },
    now: () => Date.now(),
    status,
    log: (message) => console.warn(message),
  });
}
