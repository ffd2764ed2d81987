import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { LatheError, type HardwareReport, type PythonReport, type UsageSample } from '../../../src-main/contract';
import type { SystemClient } from '../../../src-renderer/src/client/system-client';
import { createSystemActions, type SystemActions } from '../../../src-renderer/src/store/system/actions';
import { initialSystemState, USAGE_HISTORY_LENGTH, type SystemState } from '../../../src-renderer/src/store/system/initialState';

const hardware: HardwareReport = {
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', arch: 'x64', hostname: 'box' },
  cpu: { model: 'Test CPU', physicalCores: 2, logicalCores: 4, speedGHz: null },
  memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 4 * 1024 ** 3 },
  disk: null,
  gpus: [],
  gpuNotes: [],
};

const python = (state: PythonReport['state']): PythonReport => ({
  state,
  python: state === 'ready' ? '/usr/bin/python3' : null,
  pythonVersion: null,
  torchVersion: null,
  cuda: { available: false, version: null, devices: [] },
  mps: false,
  torchThreads: null,
  candidates: [],
  advice: null,
});

const sample = (at: number): UsageSample => ({ at, cpuPercent: at % 100, memoryUsedBytes: 1, memoryTotalBytes: 2, gpus: [] });

/** A client whose answers the test controls; the stream's callbacks are kept for the test to call. */
function fakeClient(overrides: Partial<SystemClient> = {}) {
  const streams: { onSample: (s: UsageSample) => void; onError: (e: unknown) => void; stopped: boolean }[] = [];
  const client: SystemClient = {
    appInfo: async () => ({ version: '0.1.0', dataDir: '/data', transport: 'web' }),
    hardware: async () => hardware,
    python: async (recheck) => python(recheck ? 'ready' : 'no_torch'),
    watchUsage(_interval, onSample, onError) {
      const stream = { onSample, onError, stopped: false };
      streams.push(stream);
      return () => (stream.stopped = true);
    },
    ...overrides,
  };
  return { client, streams };
}

function storeWith(client: SystemClient) {
  return createStore<SystemState & SystemActions>()((set, get) => ({ ...initialSystemState, ...createSystemActions(set, get, client) }));
}

describe('system store actions', () => {
  it('loads every report and keeps failures per item, as {kind, message}', async () => {
    const { client } = fakeClient({ hardware: async () => Promise.reject(new LatheError('unavailable', 'no sensors')) });
    const store = storeWith(client);
    await store.getState().loadSystem();
    const state = store.getState();
    expect(state.appInfo).toEqual({ data: { version: '0.1.0', dataDir: '/data', transport: 'web' }, loading: false, error: null });
    expect(state.hardware).toEqual({ data: null, loading: false, error: { kind: 'unavailable', message: 'no sensors' } });
    expect(state.python.data?.state).toBe('no_torch');
  });

  it('re-checks Python and keeps the last report when a re-check fails', async () => {
    let fail = false;
    const { client } = fakeClient({ python: async (recheck) => (fail ? Promise.reject(new Error('probe crashed')) : python(recheck ? 'ready' : 'no_torch')) });
    const store = storeWith(client);
    await expect(store.getState().refreshPython()).resolves.toMatchObject({ state: 'ready' });
    fail = true;
    await expect(store.getState().refreshPython()).resolves.toBeNull();
    expect(store.getState().python).toMatchObject({ data: { state: 'ready' }, loading: false, error: { kind: 'internal', message: 'probe crashed' } });
  });

  it('lets only the newest request write its answer', async () => {
    const answers: ((report: PythonReport) => void)[] = [];
    const { client } = fakeClient({ python: () => new Promise((resolve) => answers.push(resolve)) });
    const store = storeWith(client);
    const first = store.getState().refreshPython();
    const second = store.getState().refreshPython();
    answers[1]?.(python('ready'));
    await second;
    answers[0]?.(python('no_python'));
    await first;
    expect(store.getState().python.data?.state).toBe('ready');
  });

  it('keeps the last USAGE_HISTORY_LENGTH samples and stops the stream on request', () => {
    const { client, streams } = fakeClient();
    const store = storeWith(client);
    store.getState().startUsageWatch(1000);
    for (let i = 0; i < USAGE_HISTORY_LENGTH + 5; i++) streams[0]?.onSample(sample(i));
    expect(store.getState().usage).toHaveLength(USAGE_HISTORY_LENGTH);
    expect(store.getState().usage[0]?.at).toBe(5);
    store.getState().stopUsageWatch();
    expect(streams[0]?.stopped).toBe(true);
    expect(store.getState().watching).toBe(false);
    streams[0]?.onSample(sample(999)); // a late sample from the stopped stream is dropped
    expect(store.getState().usage.at(-1)?.at).toBe(USAGE_HISTORY_LENGTH + 4);
  });

  it('records a stream failure, even one reported before watchUsage returns', () => {
    const { client } = fakeClient({
      watchUsage(_interval, _onSample, onError) {
        onError(new LatheError('unavailable', 'Lost the connection to Lathe: reconnecting…'));
        return () => undefined;
      },
    });
    const store = storeWith(client);
    store.getState().startUsageWatch(1000);
    expect(store.getState()).toMatchObject({ watching: false, usageError: { kind: 'unavailable' } });
  });

  it('restarting the watch clears old samples and ignores the old stream', () => {
    const { client, streams } = fakeClient();
    const store = storeWith(client);
    store.getState().startUsageWatch(1000);
    streams[0]?.onSample(sample(1));
    store.getState().startUsageWatch(1000);
    expect(streams[0]?.stopped).toBe(true);
    expect(store.getState().usage).toEqual([]);
    streams[0]?.onError(new Error('old stream'));
    expect(store.getState()).toMatchObject({ watching: true, usageError: null });
  });
});
