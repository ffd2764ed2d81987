import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { LatheError, type RunEvent, type RunPlan, type RunRequest } from '../../../src-main/contract';
import type { RunsClient } from '../../../src-renderer/src/client/runs-client';
import { createRunsActions } from '../../../src-renderer/src/store/runs/actions';
import { initialRunsState } from '../../../src-renderer/src/store/runs/initialState';
import type { RunsStore } from '../../../src-renderer/src/store/runs/store-type';
import { selectCanStart } from '../../../src-renderer/src/store/runs/selectors';
import { createWizardActions, PLAN_DEBOUNCE_MS, type Timers } from '../../../src-renderer/src/store/runs/wizard-actions';
import { datasetEntry } from './dataset-fixtures';
import { runDetail, runEntry, runSettings } from './run-fixtures';

function plan(overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    preset: 'quick',
    settings: runSettings(),
    presetReasons: ['60 steps: a quick look'],
    problems: [],
    warnings: [],
    dataset: { examples: 40, tokens: 4000, estimated: true },
    totalSteps: 60,
    device: { kind: 'cpu', totalBytes: 8 << 30, label: 'CPU' },
    memory: {
      parts: Object.fromEntries(
        (['weights', 'adapter', 'gradients', 'optimizer', 'activations', 'logits', 'workspace'] as const).map((k) => [k, { bytes: 1 << 20, explanation: k }]),
      ) as RunPlan['memory']['parts'],
      totalBytes: 7 << 20,
      activationsWithoutCheckpointing: 1 << 20,
      activationsWithCheckpointing: 1 << 18,
      fits: 'yes',
      headroomBytes: 1 << 30,
      suggestions: [],
      changes: [],
    },
    ...overrides,
  };
}

/** A client whose answers the test controls; the event stream's callbacks are kept for the test to call. */
function fakeClient(overrides: Partial<RunsClient> = {}) {
  const streams: { onEvent: (e: RunEvent) => void; onError: (e: unknown) => void; stopped: boolean }[] = [];
  const planned: RunRequest[] = [];
  const client: RunsClient = {
    plan: async (request) => {
      planned.push(request);
      return plan();
    },
    measureSpeed: async () => ({ secondsPerStep: 0.5, tokensPerSecond: 2000, startupSeconds: 3, estimatedSeconds: 33 }),
    start: async (request) => runEntry('new', { modelId: request.modelId, status: 'queued' }),
    list: async () => [runEntry('a'), runEntry('b', { status: 'completed' })],
    get: async (id) => runDetail(id, 5),
    pause: async (id) => runEntry(id, { status: 'paused' }),
    resume: async (id) => runEntry(id, { status: 'running' }),
    stop: async (id) => runEntry(id, { status: 'stopping' }),
    remove: async () => ({ removed: true }),
    reveal: async (id) => ({ path: `/data/runs/${id}` }),
    addSampleDataset: async () => datasetEntry('sample', { status: 'importing' }),
    watch(onEvent, onError) {
      const stream = { onEvent, onError, stopped: false };
      streams.push(stream);
      return () => (stream.stopped = true);
    },
    ...overrides,
  };
  return { client, streams, planned };
}

function manualTimers() {
  const pending: { callback: () => void; ms: number; cleared: boolean }[] = [];
  const timers: Timers = {
    setTimeout(callback, ms) {
      const timer = { callback, ms, cleared: false };
      pending.push(timer);
      return timer;
    },
    clearTimeout(handle) {
      (handle as { cleared: boolean }).cleared = true;
    },
  };
  const fire = () => {
    for (const timer of pending.splice(0)) if (!timer.cleared) timer.callback();
  };
  return { timers, pending, fire };
}

function storeWith(client: RunsClient, timers = manualTimers().timers) {
  const frames: (() => void)[] = [];
  const store = createStore<RunsStore>()((set, get) => ({
    ...initialRunsState,
    ...createRunsActions(set, get, client, { scheduleFrame: (callback) => frames.push(callback) }),
    ...createWizardActions(set, get, client, timers),
  }));
  const frame = () => {
    for (const callback of frames.splice(0)) callback();
  };
  return { store, frame, frames };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('runs store: history and live events', () => {
  it('loads the list and keeps it in step with changed, finished and removed events', async () => {
    const { client, streams } = fakeClient();
    const { store } = storeWith(client);
    store.getState().startEvents();
    await store.getState().loadRuns();
    expect(store.getState().runs.data?.map((r) => r.id)).toEqual(['a', 'b']);

    streams[0]?.onEvent({ type: 'changed', run: runEntry('c', { status: 'queued' }) });
    expect(store.getState().runs.data?.map((r) => r.id)).toEqual(['c', 'a', 'b']);
    streams[0]?.onEvent({ type: 'finished', run: runEntry('a', { status: 'completed', trainLoss: 0.5 }) });
    expect(store.getState().runs.data?.find((r) => r.id === 'a')?.status).toBe('completed');
    expect(store.getState().finishedNotices.map((r) => r.id)).toEqual(['a']);
    store.getState().dismissFinished('a');
    expect(store.getState().finishedNotices).toEqual([]);
    streams[0]?.onEvent({ type: 'removed', id: 'b' });
    expect(store.getState().runs.data?.map((r) => r.id)).toEqual(['c', 'a']);
    streams[0]?.onEvent({ type: 'prepare-progress', id: 'c', examples: 10, total: 24 });
    expect(store.getState().prepareProgress.c).toEqual({ examples: 10, total: 24 });
  });

  it('batches metric events per frame, appending to the columns in place', async () => {
    const { client, streams } = fakeClient();
    const { store, frame, frames } = storeWith(client);
    store.getState().startEvents();
    await store.getState().loadDetail('a');
    const series = store.getState().series.a;
    expect(series?.train.step.length).toBe(5);
    const revision = store.getState().seriesRevision.a ?? 0;

    for (let step = 6; step <= 105; step++) {
      streams[0]?.onEvent({ type: 'metrics', id: 'a', train: { step, time: step, loss: 1 / step, lr: 1e-3, gradNorm: 0.5, tokensPerSecond: 900, memoryBytes: null } });
    }
    streams[0]?.onEvent({ type: 'log', id: 'a', lines: ['step 105'] });
    // Nothing is applied until the frame, and one frame was asked for.
    expect(series?.train.step.length).toBe(5);
    expect(frames).toHaveLength(1);
    frame();
    const state = store.getState();
    expect(state.series.a).toBe(series);
    expect(series?.train.step.length).toBe(105);
    expect(state.seriesRevision.a).toBe(revision + 1);
    expect(state.details.a?.logTail).toEqual(['loaded', 'step 105']);
  });

  it('keeps events that arrive while the history loads, without doubling them', async () => {
    let answer: (value: ReturnType<typeof runDetail>) => void = () => {};
    const { client, streams } = fakeClient({ get: () => new Promise((resolve) => (answer = resolve)) });
    const { store, frame } = storeWith(client);
    store.getState().startEvents();
    const loading = store.getState().loadDetail('a');
    // Steps 5 and 6 arrive before the history (which ends at step 5) does.
    for (const step of [5, 6]) streams[0]?.onEvent({ type: 'metrics', id: 'a', train: { step, time: step, loss: 1, lr: 1, gradNorm: null, tokensPerSecond: 1, memoryBytes: null } });
    streams[0]?.onEvent({ type: 'sample', id: 'a', sample: { step: 6, prompt: 'p', output: 'o', reference: null } });
    answer(runDetail('a', 5));
    await loading;
    frame();
    const state = store.getState();
    expect(Array.from(state.series.a?.train.step.data.subarray(0, state.series.a.train.step.length) ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state.details.a?.samples).toHaveLength(1);
  });

  it('records refused controls as the action error, and a delete forgets the run everywhere', async () => {
    const { client } = fakeClient({ remove: async () => Promise.reject(new LatheError('invalid_input', 'Stop the run before deleting it.')) });
    const { store } = storeWith(client);
    await store.getState().loadRuns();
    expect(await store.getState().pauseRun('a')).toBe(true);
    expect(store.getState().runs.data?.find((r) => r.id === 'a')?.status).toBe('paused');
    expect(await store.getState().removeRun('a')).toBe(false);
    expect(store.getState().actionError).toEqual({ kind: 'invalid_input', message: 'Stop the run before deleting it.' });

    const ok = storeWith(fakeClient().client).store;
    await ok.getState().loadRuns();
    ok.getState().toggleSelected('b');
    ok.getState().openRun('b');
    await flush();
    expect(await ok.getState().removeRun('b')).toBe(true);
    const state = ok.getState();
    expect(state.runs.data?.map((r) => r.id)).toEqual(['a']);
    expect(state.selectedIds).toEqual([]);
    expect(state.openRunId).toBeNull();
    expect(state.series.b).toBeUndefined();
  });
});

describe('runs store: the wizard', () => {
  it('asks for the plan once the typing pauses, with only the changed settings', async () => {
    const { client, planned } = fakeClient();
    const manual = manualTimers();
    const { store } = storeWith(client, manual.timers);
    store.getState().setDraft({ modelId: 'm1', datasetId: 'd1' });
    store.getState().changeSettings({ lora: { rank: 4 } });
    store.getState().changeSettings({ lora: { alpha: 8 }, steps: 12 });
    expect(store.getState().planPending).toBe(true);
    expect(selectCanStart(store.getState())).toBe(false);
    expect(manual.pending.filter((t) => !t.cleared)).toHaveLength(1);
    expect(manual.pending[0]?.ms).toBe(PLAN_DEBOUNCE_MS);
    manual.fire();
    await flush();
    expect(planned).toEqual([{ modelId: 'm1', datasetId: 'd1', preset: 'quick', settings: { lora: { rank: 4, alpha: 8 }, steps: 12 } }]);
    expect(store.getState().plan.data?.totalSteps).toBe(60);
    expect(selectCanStart(store.getState())).toBe(true);
  });

  it('keeps Start disabled while the plan lists problems', async () => {
    const { client } = fakeClient({ plan: async () => plan({ problems: ['Max length 8 is shorter than the longest prompt'] }) });
    const { store } = storeWith(client);
    store.getState().setDraft({ modelId: 'm1', datasetId: 'd1' });
    await store.getState().refreshPlan();
    expect(store.getState().plan.data?.problems).toHaveLength(1);
    expect(selectCanStart(store.getState())).toBe(false);
  });

  it('starts the run and follows it; a refusal is kept as the start error', async () => {
    const { client } = fakeClient();
    const { store } = storeWith(client);
    await store.getState().loadRuns();
    store.getState().setDraft({ modelId: 'm1', datasetId: 'd1' });
    const run = await store.getState().startRun();
    expect(run?.id).toBe('new');
    expect(store.getState().liveRunId).toBe('new');
    expect(store.getState().runs.data?.[0]?.id).toBe('new');

    const refused = storeWith(fakeClient({ start: async () => Promise.reject(new LatheError('invalid_input', 'The model is not trainable')) }).client).store;
    refused.getState().setDraft({ modelId: 'm1', datasetId: 'd1' });
    expect(await refused.getState().startRun()).toBeNull();
    expect(refused.getState().startError?.message).toBe('The model is not trainable');
  });

  it('measures speed, and forgets the measurement when the settings change', async () => {
    const { client } = fakeClient();
    const { store } = storeWith(client);
    store.getState().setDraft({ modelId: 'm1', datasetId: 'd1' });
    await store.getState().measureSpeed();
    expect(store.getState().speed.data?.estimatedSeconds).toBe(33);
    store.getState().changeSettings({ microBatchSize: 2 });
    expect(store.getState().speed.data).toBeNull();
  });

  it('imports the sample dataset and chooses it', async () => {
    const { client } = fakeClient();
    const { store } = storeWith(client);
    expect((await store.getState().addSampleDataset())?.id).toBe('sample');
    expect(store.getState().draft.datasetId).toBe('sample');
    const failing = storeWith(fakeClient({ addSampleDataset: async () => Promise.reject(new LatheError('not_found', 'The sample set is missing')) }).client).store;
    expect(await failing.getState().addSampleDataset()).toBeNull();
    expect(failing.getState().sampleError?.kind).toBe('not_found');
  });
});
