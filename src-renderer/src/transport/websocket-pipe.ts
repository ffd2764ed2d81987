/**
 * The browser's `ClientPipe`: wire messages as JSON frames over one WebSocket.
 *
 * Written against a tiny socket interface rather than the DOM's `WebSocket`, so the whole
 * state machine (queue before open, refused, lost, reconnect with backoff) is plain
 * TypeScript that a unit test can drive.
 *
 * States (see connection-status.ts):
 *   connecting → open            messages sent meanwhile were queued and go out now
 *   connecting → refused         closed before it ever opened: the server answered the
 *                                upgrade with 401 (browsers cannot see the status code)
 *   open → lost → open …         the server went away; retry with backoff, pending calls fail
 * While refused or lost, a message fails at once (the close handlers run again), so no call
 * hangs waiting for a socket that may never come back.
 */
import { serverMessageSchema, type ClientMessage, type ClientPipe, type ServerMessage } from '../../../src-main/contract';
import type { StatusCell } from './connection-status';
import { reconnectDelayMs } from './reconnect-delay';

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  /** Runs once per socket, whether it closed before or after opening. */
  onClose(code: number): void;
}

export interface SocketHandle {
  send(text: string): void;
  /** Closes without calling `onClose`: used when we are the ones leaving. */
  close(): void;
}

export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketHandle;

export interface WebSocketPipeDeps {
  /** Where to connect; null when there is no token, so there is nothing to try. */
  url: string | null;
  openSocket: OpenSocket;
  /** Runs `task` after `ms`; returns a cancel function. */
  schedule(task: () => void, ms: number): () => void;
  now(): number;
  status: StatusCell;
  log(message: string): void;
}

export interface WebSocketPipe extends ClientPipe {
  /** Skips the backoff wait (or tries a refused address once more). */
  retryNow(): void;
  /** Closes for good without reporting a loss (tests, page teardown). */
  dispose(): void;
}

/** Reasons handed to `onClose`; the client prefixes them with "Lost the connection to Lathe:". */
export const REFUSED_REASON = 'this browser has no valid access token';
const RECONNECTING_REASON = 'reconnecting…';

export function createWebSocketPipe(deps: WebSocketPipeDeps): WebSocketPipe {
  let receive: ((message: ServerMessage) => void) | null = null;
  const closeHandlers: ((reason: string) => void)[] = [];
  let queue: string[] = [];
  let socket: SocketHandle | null = null;
  let everOpened = false;
  let failedAttempts = 0;
  let cancelRetry: (() => void) | null = null;
  let disposed = false;

  const update = (patch: Partial<ReturnType<StatusCell['get']>>) => deps.status.set({ ...deps.status.get(), ...patch });

  const reportClosed = (reason: string) => {
    for (const handler of closeHandlers) handler(reason);
  };

  function deliver(data: unknown): void {
    if (typeof data !== 'string') {
      deps.log('lathe: ignored a binary frame from the server');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      deps.log('lathe: ignored a frame that is not JSON');
      return;
    }
    let parsed: ReturnType<typeof serverMessageSchema.safeParse>;
    try {
      parsed = serverMessageSchema.safeParse(json);
    } catch (error) {
      // safeParse only throws when the schema itself is broken; say so instead of dying silently.
      deps.log(`lathe: the server message schema failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!parsed.success) {
      deps.log(`lathe: ignored an invalid server message: ${parsed.error.message}`);
      return;
    }
    receive?.(parsed.data);
  }

  function scheduleReconnect(): void {
    const delay = reconnectDelayMs(failedAttempts);
    update({ state: 'lost', refusal: null, retryAt: deps.now() + delay });
    cancelRetry = deps.schedule(() => {
      cancelRetry = null;
      connect();
    }, delay);
  }

  function connect(): void {
    if (deps.url === null || disposed || socket !== null) return;
    cancelRetry?.();
    cancelRetry = null;
    let opened = false;
    const handle: SocketHandle = deps.openSocket(deps.url, {
      onOpen() {
        if (socket !== handle) return;
        opened = true;
        const cameBack = everOpened;
        everOpened = true;
        failedAttempts = 0;
        const { reconnects } = deps.status.get();
        update({ state: 'open', refusal: null, retryAt: null, reconnects: cameBack ? reconnects + 1 : reconnects });
        const waiting = queue;
        queue = [];
        for (const text of waiting) handle.send(text);
      },
      onMessage(data) {
        if (socket === handle) deliver(data);
      },
      onClose(code) {
        if (socket !== handle) return;
        socket = null;
        if (!everOpened) {
          queue = [];
          update({ state: 'refused', refusal: 'rejected', retryAt: null });
          reportClosed(REFUSED_REASON);
          return;
        }
        if (opened) {
          failedAttempts = 0;
          reportClosed(`the connection closed (code ${code})`);
        } else {
          failedAttempts += 1;
        }
        scheduleReconnect();
      },
    });
    socket = handle;
  }

  if (deps.url === null) {
    update({ state: 'refused', refusal: 'no_token', retryAt: null });
  } else {
    update({ state: 'connecting', refusal: null, retryAt: null });
    connect();
  }

  return {
    send(message: ClientMessage) {
      const text = JSON.stringify(message);
      const { state } = deps.status.get();
      if (state === 'open' && socket !== null) socket.send(text);
      else if (state === 'connecting') queue.push(text);
      else reportClosed(state === 'refused' ? REFUSED_REASON : RECONNECTING_REASON);
    },
    onMessage(receiver) {
      receive = receiver;
    },
    onClose(handler) {
      closeHandlers.push(handler);
    },
    retryNow() {
      if (deps.url === null || disposed || socket !== null) return;
      // A refused address gets one more first try (the server may simply not have been up).
      if (deps.status.get().state === 'refused') update({ state: 'connecting', refusal: null });
      connect();
    },
    dispose() {
      disposed = true;
      cancelRetry?.();
      cancelRetry = null;
      const current = socket;
      socket = null;
      current?.close();
    },
  };
}
