import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { LatheError, type DatasetEntry, type DatasetEvent, type PreparedSummary } from '../../../src-main/contract';
import type { DatasetsClient } from '../../../src-renderer/src/client/datasets-client';
import { createDatasetsActions } from '../../../src-renderer/src/store/datasets/actions';
import { createDatasetActions } from '../../../src-renderer/src/store/datasets/dataset-actions';
import { initialDatasetsState } from '../../../src-renderer/src/store/datasets/initialState';
import type { DatasetsStore } from '../../../src-renderer/src/store/datasets/store-type';
import type { UploadOptions } from '../../../src-renderer/src/transport/upload-loop';
import { datasetEntry, preparedSummary } from './dataset-fixtures';

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A client whose answers the test controls; uploads, preparations and the event stream wait for the test. */
function fakeClient(overrides: Partial<DatasetsClient> = {}) {
  const uploads: (Pending<DatasetEntry> & { file: File; options: UploadOptions })[] = [];
  const preparations: (Pending<PreparedSummary> & { id: string; modelId: string })[] = [];
  const streams: { onEvent: (e: DatasetEvent) => void; stopped: boolean }[] = [];
  const calls: string[] = [];
  const client: DatasetsClient = {
    list: async () => [datasetEntry('a'), datasetEntry('b')],
    addPaths: async (paths) => paths.map((path, i) => datasetEntry(`p${i}`, { path, status: 'importing', inspection: null })),
    pickFiles: async () => [],
    upload: (file, options) => new Promise((resolve, reject) => uploads.push({ file, options, resolve, reject })),
    droppedFilePaths: () => null,
    cancelImport: async (id) => {
      calls.push(`cancelImport ${id}`);
      return { cancelled: true };
    },
    reimport: async (id) => datasetEntry(id, { status: 'importing' }),
    setMapping: async (id, mapping) => datasetEntry(id, { status: 'importing', mapping }),
    preview: async (id) => [{ line: 1, raw: { id }, conversation: null, problem: 'x' }],
    problems: async () => [{ line: 7, reason: 'Not valid JSON' }],
    remove: async (id, deleteFile) => {
      calls.push(`remove ${id} ${deleteFile}`);
      return { deletedFile: deleteFile };
    },
    render: async () => [],
    prepare: (id, modelId) => new Promise((resolve, reject) => preparations.push({ id, modelId, resolve, reject })),
    cancelPrepare: async (id, modelId) => {
      calls.push(`cancelPrepare ${id} ${modelId}`);
      return { cancelled: true };
    },
    prepared: async () => [],
    watch(onEvent) {
      const stream = { onEvent, stopped: false };
      streams.push(stream);
      return () => (stream.stopped = true);
    },
    ...overrides,
  };
  return { client, uploads, preparations, streams, calls };
}

function storeWith(client: DatasetsClient) {
  return createStore<DatasetsStore>()((set, get) => ({ ...initialDatasetsState, ...createDatasetsActions(set, get, client, () => 0), ...createDatasetActions(set, get, client) }));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const file = (name: string, size = 16) => new File([new Uint8Array(size)], name);

describe('datasets store: the list and adding', () => {
  it('loads the list, and keeps it when a reload fails', async () => {
    let fail = false;
    const { client } = fakeClient({ list: async () => (fail ? Promise.reject(new LatheError('unavailable', 'gone')) : [datasetEntry('a')]) });
    const store = storeWith(client);
    await store.getState().loadDatasets();
    fail = true;
    await store.getState().loadDatasets();
    expect(store.getState().datasets.data?.map((d) => d.id)).toEqual(['a']);
    expect(store.getState().datasets.error).toEqual({ kind: 'unavailable', message: 'gone' });
  });

  it('uploads dropped dataset files one at a time, leaves out others, and opens the first one added', async () => {
    const { client, uploads } = fakeClient();
    const store = storeWith(client);
    await store.getState().loadDatasets();
    await store.getState().addDroppedFiles([file('chat.jsonl'), file('photo.png'), file('qa.csv'), file('empty.txt', 0)]);
    expect(store.getState().skipped.map((s) => s.path)).toEqual(['photo.png', 'empty.txt']);
    expect(store.getState().uploads.map((u) => [u.fileName, u.status])).toEqual([
      ['chat.jsonl', 'queued'],
      ['qa.csv', 'queued'],
    ]);
    await settle();
    expect(uploads).toHaveLength(1); // the second waits for the first
    uploads[0]!.resolve(datasetEntry('new', { status: 'importing', inspection: null }));
    await settle();
    expect(store.getState().uploads[0]?.status).toBe('done');
    expect(store.getState().datasets.data?.map((d) => d.id)).toEqual(['a', 'b', 'new']);
    expect(store.getState().openDatasetId).toBe('new');
    expect(uploads).toHaveLength(2);
  });

  it('sends dropped files’ paths in the desktop app', async () => {
    const { client } = fakeClient({ droppedFilePaths: (files) => files.map((f) => `/home/me/${f.name}`) });
    const store = storeWith(client);
    await store.getState().loadDatasets();
    const added = await store.getState().addDroppedFiles([file('chat.jsonl')]);
    expect(added?.map((d) => d.path)).toEqual(['/home/me/chat.jsonl']);
    expect(store.getState().uploads).toEqual([]);
  });

  it('follows events: progress while importing, gone once the entry says it is done', async () => {
    const { client, streams } = fakeClient();
    const store = storeWith(client);
    store.getState().startEvents();
    await store.getState().loadDatasets();
    const emit = streams[0]!.onEvent;
    emit({ type: 'import-progress', id: 'a', rows: 10, bytesDone: 100, bytesTotal: 1000, rowsPerSecond: 50, etaSeconds: 18 });
    expect(store.getState().importProgress.a).toEqual({ rows: 10, bytesDone: 100, bytesTotal: 1000, rowsPerSecond: 50, etaSeconds: 18 });
    emit({ type: 'changed', dataset: datasetEntry('a', { status: 'importing' }) });
    expect(store.getState().importProgress.a).toBeDefined();
    emit({ type: 'changed', dataset: datasetEntry('a', { status: 'ready' }) });
    expect(store.getState().importProgress.a).toBeUndefined();
    store.getState().openDataset('b');
    emit({ type: 'removed', id: 'b' });
    expect(store.getState().datasets.data?.map((d) => d.id)).toEqual(['a']);
    expect(store.getState().openDatasetId).toBeNull();
    store.getState().stopEvents();
    expect(streams[0]!.stopped).toBe(true);
  });
});

describe('datasets store: one dataset', () => {
  it('drops a preview that arrives after another dataset was opened', async () => {
    let answer!: (rows: []) => void;
    const { client } = fakeClient({ preview: () => new Promise((resolve) => (answer = resolve)) });
    const store = storeWith(client);
    store.getState().openDataset('a');
    const loading = store.getState().loadPreview('a');
    store.getState().openDataset('b');
    answer([]);
    await loading;
    expect(store.getState().preview.data).toBeNull();
  });

  it('prepares with progress from events, then shows the summary', async () => {
    const { client, preparations, streams } = fakeClient();
    const store = storeWith(client);
    store.getState().startEvents();
    await store.getState().loadDatasets();
    store.getState().openDataset('a');
    const options = store.getState().settings.options;
    const done = store.getState().prepare('a', 'm', options);
    expect(store.getState().preparing.a).toEqual({ modelId: 'm', examples: 0, total: 100, examplesPerSecond: 0 });
    streams[0]!.onEvent({ type: 'prepare-progress', datasetId: 'a', modelId: 'm', examples: 40, total: 100, examplesPerSecond: 20 });
    expect(store.getState().preparing.a?.examples).toBe(40);
    // Progress of a preparation this page did not start is not shown as this one's.
    streams[0]!.onEvent({ type: 'prepare-progress', datasetId: 'a', modelId: 'other', examples: 99, total: 100, examplesPerSecond: 20 });
    expect(store.getState().preparing.a?.examples).toBe(40);

    await store.getState().cancelPrepare('a');
    preparations[0]!.resolve(preparedSummary('p1'));
    await expect(done).resolves.toMatchObject({ id: 'p1' });
    expect(store.getState().preparing.a).toBeUndefined();
    expect(store.getState().lastPrepared?.id).toBe('p1');
    expect(store.getState().prepared.data?.map((p) => p.id)).toEqual(['p1']);
  });

  it('shows why a preparation failed, but not a cancellation', async () => {
    const { client, preparations, calls } = fakeClient();
    const store = storeWith(client);
    store.getState().openDataset('a');
    const failing = store.getState().prepare('a', 'm', store.getState().settings.options);
    preparations[0]!.reject(new LatheError('invalid_input', 'None of the rows became an example.'));
    await failing;
    expect(store.getState().prepareError?.message).toContain('None of the rows');

    const cancelled = store.getState().prepare('a', 'm', store.getState().settings.options);
    expect(store.getState().prepareError).toBeNull();
    await store.getState().cancelPrepare('a');
    expect(calls).toContain('cancelPrepare a m');
    preparations[1]!.reject(new LatheError('cancelled', 'Preparing the dataset was cancelled.'));
    await cancelled;
    expect(store.getState().prepareError).toBeNull();
  });

  it('removes a dataset, and records a failed action for the details', async () => {
    const { client, calls } = fakeClient({ reimport: async () => Promise.reject(new LatheError('not_found', 'The file is gone.')) });
    const store = storeWith(client);
    await store.getState().loadDatasets();
    store.getState().openDataset('a');
    await store.getState().reimport('a');
    expect(store.getState().actionError).toEqual({ kind: 'not_found', message: 'The file is gone.' });
    await expect(store.getState().removeDataset('a', true)).resolves.toBe(true);
    expect(calls).toContain('remove a true');
    expect(store.getState().datasets.data?.map((d) => d.id)).toEqual(['b']);
    expect(store.getState().openDatasetId).toBeNull();
  });

  it('saves a mapping and shows the entry re-checking', async () => {
    const { client } = fakeClient();
    const store = storeWith(client);
    await store.getState().loadDatasets();
    const mapping = { shape: 'question_answer' as const, columns: { question: 'q', answer: 'a' } };
    await expect(store.getState().setMapping('a', mapping)).resolves.toBe(true);
    expect(store.getState().datasets.data?.[0]).toMatchObject({ id: 'a', status: 'importing', mapping });
  });

  it('keeps the chosen model and options across changes', () => {
    const { client } = fakeClient();
    const store = storeWith(client);
    store.getState().setPrepareSettings({ modelId: 'm1', maxLength: 256 });
    store.getState().setPrepareSettings({ lossOn: 'all' });
    expect(store.getState().settings).toMatchObject({ modelId: 'm1', options: { maxLength: 256, lossOn: 'all', template: 'model' } });
  });
});
