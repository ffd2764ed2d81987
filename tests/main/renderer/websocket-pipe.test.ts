import { describe, expect, it } from 'vitest';
import { createLatheApi, LatheError, type ServerMessage } from '../../../src-main/contract';
import { createStatusCell, type ConnectionStatus } from '../../../src-renderer/src/transport/connection-status';
import { createWebSocketPipe, type SocketHandlers } from '../../../src-renderer/src/transport/websocket-pipe';

/** A socket the test opens, feeds and closes by hand; timers run only when the test says. */
function harness(url: string | null = 'ws://x/ws?token=t') {
  const sockets: { url: string; handlers: SocketHandlers; sent: string[]; closedByClient: boolean }[] = [];
  const timers: { task: () => void; ms: number; cancelled: boolean }[] = [];
  const status = createStatusCell({ transport: 'web', state: 'connecting', refusal: null, retryAt: null, reconnects: 0 });
  const states: ConnectionStatus['state'][] = [];
  status.subscribe((s) => states.push(s.state));
  const logs: string[] = [];
  const pipe = createWebSocketPipe({
    url,
    openSocket(socketUrl, handlers) {
      const socket = { url: socketUrl, handlers, sent: [] as string[], closedByClient: false };
      sockets.push(socket);
      return { send: (text) => socket.sent.push(text), close: () => (socket.closedByClient = true) };
    },
    schedule(task, ms) {
      const timer = { task, ms, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    now: () => 1_000,
    status,
    log: (message) => logs.push(message),
  });
  const api = createLatheApi(pipe);
  const last = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  };
  const reply = (message: ServerMessage) => last().handlers.onMessage(JSON.stringify(message));
  const runTimers = () => timers.splice(0).filter((t) => !t.cancelled).forEach((t) => t.task());
  return { pipe, api, status, states, sockets, timers, logs, last, reply, runTimers };
}

const sentIds = (sent: string[]) => sent.map((text) => (JSON.parse(text) as { id: number }).id);

describe('WebSocket pipe', () => {
  it('queues calls until the socket opens, then answers them', async () => {
    const h = harness();
    const info = h.api.app.info({});
    expect(h.last().sent).toEqual([]);
    h.last().handlers.onOpen();
    expect(h.status.get().state).toBe('open');
    const [id] = sentIds(h.last().sent);
    h.reply({ t: 'result', id: id ?? -1, ok: true, value: { version: '0.1.0', dataDir: '/d', transport: 'web' } });
    await expect(info).resolves.toEqual({ version: '0.1.0', dataDir: '/d', transport: 'web' });
  });

  it('turns an error result into a LatheError with its kind', async () => {
    const h = harness();
    h.last().handlers.onOpen();
    const call = h.api.system.hardware({});
    const [id] = sentIds(h.last().sent);
    h.reply({ t: 'result', id: id ?? -1, ok: false, error: { kind: 'internal', message: 'boom' } });
    await expect(call).rejects.toMatchObject({ kind: 'internal', message: 'boom' });
  });

  it('ignores frames that are not valid server messages', () => {
    const h = harness();
    h.last().handlers.onOpen();
    h.last().handlers.onMessage('not json');
    h.last().handlers.onMessage(JSON.stringify({ t: 'result', id: 'x' }));
    expect(h.logs).toHaveLength(2);
  });

  it('reports a socket that closes before ever opening as refused, failing what was queued', async () => {
    const h = harness();
    const call = h.api.system.info({});
    h.last().handlers.onClose(1006);
    expect(h.status.get()).toMatchObject({ state: 'refused', refusal: 'rejected' });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheError);
    expect(error).toMatchObject({ kind: 'unavailable' });
    // Later calls fail at once instead of hanging.
    await expect(h.api.system.info({})).rejects.toMatchObject({ kind: 'unavailable' });
    expect(h.timers).toEqual([]);
  });

  it('does not even try without a token', async () => {
    const h = harness(null);
    expect(h.sockets).toEqual([]);
    expect(h.status.get()).toMatchObject({ state: 'refused', refusal: 'no_token' });
    await expect(h.api.app.info({})).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('after a loss, fails pending calls and streams, retries with backoff, and counts the comeback', async () => {
    const h = harness();
    h.last().handlers.onOpen();
    const call = h.api.system.hardware({});
    const streamErrors: unknown[] = [];
    h.api.system.watchUsage({ intervalMs: 1000 }, () => undefined, (e) => streamErrors.push(e));
    h.last().handlers.onClose(1006);

    await expect(call).rejects.toMatchObject({ kind: 'unavailable' });
    expect(streamErrors).toHaveLength(1);
    expect(h.status.get()).toMatchObject({ state: 'lost', retryAt: 2_000 });

    h.runTimers(); // first retry, which fails
    expect(h.sockets).toHaveLength(2);
    h.last().handlers.onClose(1006);
    expect(h.status.get()).toMatchObject({ state: 'lost', retryAt: 3_000 });

    h.runTimers(); // second retry succeeds
    h.last().handlers.onOpen();
    expect(h.status.get()).toMatchObject({ state: 'open', reconnects: 1, retryAt: null });
    expect(h.states).toEqual(['connecting', 'open', 'lost', 'lost', 'open']);
  });

  it('retries at once when asked, and dispose closes without reporting a loss', () => {
    const h = harness();
    h.last().handlers.onOpen();
    h.last().handlers.onClose(1001);
    h.pipe.retryNow();
    expect(h.sockets).toHaveLength(2);
    expect(h.timers[0]?.cancelled).toBe(true);
    h.last().handlers.onOpen();
    h.pipe.dispose();
    expect(h.last().closedByClient).toBe(true);
    h.last().handlers.onClose(1000);
    expect(h.status.get().state).toBe('open');
  });
});
