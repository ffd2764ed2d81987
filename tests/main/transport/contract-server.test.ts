import { describe, expect, it } from 'vitest';
import { createLatheApi, LatheError, type ClientPipe, type ServerMessage, type UsageSample } from '../../../src-main/contract';
import { ContractServer, type Handlers } from '../../../src-main/transport/contract-server';

const sample = (at: number): UsageSample => ({ at, cpuPercent: 1, memoryUsedBytes: 1, memoryTotalBytes: 2, gpus: [] });

/** Only the entries these tests call; the rest of the contract is not needed here. */
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const used: Partial<Handlers> = {
    'app.info': () => ({ version: '1.0.0', dataDir: '/data', transport: 'web' }),
    'system.info': () => {
      throw new Error('not used here');
    },
    'system.hardware': () => {
      throw new LatheError('unavailable', 'No hardware today');
    },
    'system.python': ({ refresh }) => ({ refreshed: refresh }) as never,
    'system.watchUsage': ({ intervalMs }, emit) => {
      const timer = setInterval(() => emit(sample(Date.now())), intervalMs);
      return () => clearInterval(timer);
    },
    ...overrides,
  };
  return used as Handlers;
}

/** Connects a client to a server in memory, the way both transports do over their pipes. */
function connect(server: ContractServer): { pipe: ClientPipe; sent: ServerMessage[]; raw: (m: unknown) => void } {
  const sent: ServerMessage[] = [];
  let deliver: (message: ServerMessage) => void = () => {};
  const connection = server.connect({
    send: (message) => {
      sent.push(message);
      queueMicrotask(() => deliver(message));
    },
  });
  return {
    sent,
    raw: (message) => connection.receive(message),
    pipe: {
      send: (message) => connection.receive(JSON.parse(JSON.stringify(message))),
      onMessage: (receive) => {
        deliver = receive;
      },
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('ContractServer with the generated client', () => {
  it('answers a call with the handler value', async () => {
    const api = createLatheApi(connect(new ContractServer(handlers())).pipe);
    await expect(api.app.info({})).resolves.toEqual({ version: '1.0.0', dataDir: '/data', transport: 'web' });
  });

  it('passes parsed input to the handler', async () => {
    const api = createLatheApi(connect(new ContractServer(handlers())).pipe);
    await expect(api.system.python({ refresh: true })).resolves.toEqual({ refreshed: true });
  });

  it('rejects input that breaks the schema with invalid_input, without calling the handler', async () => {
    let called = false;
    const server = new ContractServer(
      handlers({
        'system.python': () => {
          called = true;
          return {} as never;
        },
      }),
    );
    const api = createLatheApi(connect(server).pipe);
    const error = await api.system.python({ refresh: 'yes' as unknown as boolean }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).kind).toBe('invalid_input');
    expect((error as LatheError).message).toContain('refresh');
    expect(called).toBe(false);
  });

  it('keeps the kind of a typed error thrown by a handler', async () => {
    const api = createLatheApi(connect(new ContractServer(handlers())).pipe);
    await expect(api.system.hardware({})).rejects.toMatchObject({ kind: 'unavailable', message: 'No hardware today' });
  });

  it('turns an unexpected handler failure into internal and logs it', async () => {
    const logged: string[] = [];
    const server = new ContractServer(handlers(), { logError: (where) => logged.push(where) });
    const api = createLatheApi(connect(server).pipe);
    await expect(api.system.info({})).rejects.toMatchObject({ kind: 'internal' });
    expect(logged).toEqual(['system.info']);
  });

  it('streams events until unsubscribed', async () => {
    const api = createLatheApi(connect(new ContractServer(handlers())).pipe);
    const events: UsageSample[] = [];
    const stop = api.system.watchUsage({ intervalMs: 250 }, (e) => events.push(e));
    await new Promise((resolve) => setTimeout(resolve, 600));
    stop();
    const seen = events.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(events.length).toBe(seen);
  });

  it('ends a subscription whose input is invalid with an error', async () => {
    const api = createLatheApi(connect(new ContractServer(handlers())).pipe);
    const error = await new Promise<unknown>((resolve) => {
      api.system.watchUsage({ intervalMs: 5 }, () => {}, resolve);
    });
    expect(error).toMatchObject({ kind: 'invalid_input' });
  });

  it('stops every stream of a peer that goes away', async () => {
    let stopped = 0;
    const server = new ContractServer(
      handlers({
        'system.watchUsage': () => () => {
          stopped++;
        },
      }),
    );
    const connection = server.connect({ send: () => {} });
    connection.receive({ t: 'sub', id: 1, name: 'system.watchUsage', input: { intervalMs: 1000 } });
    connection.receive({ t: 'sub', id: 2, name: 'system.watchUsage', input: { intervalMs: 1000 } });
    await settle();
    connection.close();
    expect(stopped).toBe(2);
  });
});

describe('ContractServer on raw messages', () => {
  it('answers an unknown call with unknown_call', async () => {
    const { raw, sent } = connect(new ContractServer(handlers()));
    raw({ t: 'call', id: 7, name: 'system.format', input: {} });
    await settle();
    expect(sent).toEqual([{ t: 'result', id: 7, ok: false, error: { kind: 'unknown_call', message: 'There is no call named "system.format".' } }]);
  });

  it('does not treat inherited object keys as calls', async () => {
    const { raw, sent } = connect(new ContractServer(handlers()));
    raw({ t: 'call', id: 8, name: 'constructor', input: {} });
    raw({ t: 'call', id: 9, name: '__proto__', input: {} });
    await settle();
    expect(sent.map((m) => m.t === 'result' && !m.ok && m.error.kind)).toEqual(['unknown_call', 'unknown_call']);
  });

  it('refuses to subscribe to a call or call a stream', async () => {
    const { raw, sent } = connect(new ContractServer(handlers()));
    raw({ t: 'sub', id: 1, name: 'app.info', input: {} });
    raw({ t: 'call', id: 2, name: 'system.watchUsage', input: { intervalMs: 1000 } });
    await settle();
    expect(sent).toMatchObject([
      { t: 'end', id: 1, error: { kind: 'unknown_call' } },
      { t: 'result', id: 2, ok: false, error: { kind: 'unknown_call' } },
    ]);
  });

  it.each([undefined, null, 42, 'call', [], { t: 'call' }, { t: 'call', id: -1, name: 'app.info' }, { t: 'nope', id: 1 }])(
    'answers the unreadable message %j with bad_message',
    async (message) => {
      const { raw, sent } = connect(new ContractServer(handlers()));
      raw(message);
      await settle();
      expect(sent).toMatchObject([{ t: 'bad', error: { kind: 'bad_message' } }]);
    },
  );
});
