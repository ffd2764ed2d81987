import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { LatheError, type AddModelsResult, type ModelEntry, type ModelEvent } from '../../../src-main/contract';
import type { ModelsClient } from '../../../src-renderer/src/client/models-client';
import { createModelsActions, type ModelsActions } from '../../../src-renderer/src/store/models/actions';
import { initialModelsState, type ModelsState } from '../../../src-renderer/src/store/models/initialState';
import type { UploadOptions } from '../../../src-renderer/src/transport/upload-loop';
import { modelEntry } from './model-fixtures';

interface PendingUpload {
  file: File;
  options: UploadOptions;
  resolve(entry: ModelEntry): void;
  reject(error: unknown): void;
}

/** A client whose answers the test controls; uploads and the event stream wait for the test. */
function fakeClient(overrides: Partial<ModelsClient> = {}) {
  const uploads: PendingUpload[] = [];
  const streams: { onEvent: (e: ModelEvent) => void; onError: (e: unknown) => void; stopped: boolean }[] = [];
  const calls: string[] = [];
  const nothingAdded: AddModelsResult = { added: [], skipped: [] };
  const client: ModelsClient = {
    list: async () => [modelEntry('a'), modelEntry('b')],
    addPaths: async (paths) => {
      calls.push(`addPaths ${paths.join(',')}`);
      return nothingAdded;
    },
    pickFiles: async () => nothingAdded,
    pickFolder: async () => nothingAdded,
    suggestedFolders: async () => [{ id: 'lms', app: 'lmstudio', path: '/home/me/.lmstudio/models', ggufCount: 3, watched: false }],
    addSuggestedFolder: async () => nothingAdded,
    remove: async (id, deleteFile) => {
      calls.push(`remove ${id} ${deleteFile}`);
      return { deletedFile: deleteFile };
    },
    reveal: async (id) => ({ path: `/models/${id}.gguf` }),
    startHash: async (id) => {
      calls.push(`startHash ${id}`);
      return { started: true };
    },
    cancelHash: async (id) => {
      calls.push(`cancelHash ${id}`);
      return { cancelled: true };
    },
    upload: (file, options) => new Promise((resolve, reject) => uploads.push({ file, options, resolve, reject })),
    droppedFilePaths: () => null,
    watch(onEvent, onError) {
      const stream = { onEvent, onError, stopped: false };
      streams.push(stream);
      return () => (stream.stopped = true);
    },
    ...overrides,
  };
  return { client, uploads, streams, calls };
}

function storeWith(client: ModelsClient, now = () => 0) {
  return createStore<ModelsState & ModelsActions>()((set, get) => ({ ...initialModelsState, ...createModelsActions(set, get, client, now) }));
}

const ggufFile = (name: string, size = 16) => new File([new Uint8Array(size)], name);
/** Lets queued promise callbacks (the upload queue) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const ids = (models: readonly ModelEntry[] | null) => models?.map((model) => model.id) ?? null;

describe('models store: loading', () => {
  it('loads the list and the suggested folders', async () => {
    const { client } = fakeClient();
    const store = storeWith(client);
    await Promise.all([store.getState().loadModels(), store.getState().loadSuggestedFolders()]);
    expect(ids(store.getState().models.data)).toEqual(['a', 'b']);
    expect(store.getState().suggestedFolders.data?.[0]?.app).toBe('lmstudio');
  });

  it('keeps the last list when a reload fails, and says why', async () => {
    let fail = false;
    const { client } = fakeClient({ list: async () => (fail ? Promise.reject(new LatheError('unavailable', 'gone')) : [modelEntry('a')]) });
    const store = storeWith(client);
    await store.getState().loadModels();
    fail = true;
    await store.getState().loadModels();
    expect(store.getState().models).toEqual({ data: [modelEntry('a')], loading: false, error: { kind: 'unavailable', message: 'gone' } });
  });
});

describe('models store: adding', () => {
  it('sends dropped files by path in the desktop app and records what was added and skipped', async () => {
    const added = modelEntry('new');
    const { client, calls } = fakeClient({
      droppedFilePaths: (files) => files.map((file) => `/drop/${file.name}`),
      addPaths: async (paths) => {
        calls.push(`addPaths ${paths.join(',')}`);
        return { added: [added], skipped: [{ path: '/drop/readme.txt', reason: 'not a GGUF file' }] };
      },
    });
    const store = storeWith(client);
    await store.getState().loadModels();
    const result = await store.getState().addDroppedFiles([ggufFile('new.gguf'), ggufFile('readme.txt')]);
    expect(calls).toEqual(['addPaths /drop/new.gguf,/drop/readme.txt']);
    expect(result?.added).toEqual([added]);
    expect(ids(store.getState().models.data)).toEqual(['a', 'b', 'new']);
    expect(store.getState().skipped).toEqual([{ path: '/drop/readme.txt', reason: 'not a GGUF file' }]);
    expect(store.getState().uploads).toEqual([]);
  });

  it('shows why a drop could not be read instead of uploading in the desktop app', async () => {
    const { client, uploads } = fakeClient({
      droppedFilePaths: () => {
        throw new LatheError('unavailable', 'This window cannot read the paths of dropped files.');
      },
    });
    const store = storeWith(client);
    await expect(store.getState().addDroppedFiles([ggufFile('x.gguf')])).resolves.toBeNull();
    expect(store.getState().addError?.kind).toBe('unavailable');
    expect(uploads).toEqual([]);
  });

  it('records a failed dialog as an add error', async () => {
    const { client } = fakeClient({ pickFiles: async () => Promise.reject(new LatheError('unavailable', 'no dialogs in a browser')) });
    const store = storeWith(client);
    await expect(store.getState().pickFiles()).resolves.toBeNull();
    expect(store.getState()).toMatchObject({ adding: false, addError: { kind: 'unavailable', message: 'no dialogs in a browser' } });
  });

  it('marks a suggested folder as added', async () => {
    const { client } = fakeClient();
    const store = storeWith(client);
    await store.getState().loadSuggestedFolders();
    await store.getState().addSuggestedFolder('lms');
    expect(store.getState().suggestedFolders.data?.[0]?.watched).toBe(true);
  });
});

describe('models store: browser uploads', () => {
  it('uploads dropped GGUF files one after another and leaves other files out', async () => {
    let clock = 1_000;
    const { client, uploads } = fakeClient();
    const store = storeWith(client, () => clock);
    await store.getState().loadModels();
    await store.getState().addDroppedFiles([ggufFile('one.gguf', 100), ggufFile('notes.txt'), ggufFile('two.gguf', 50)]);

    expect(store.getState().skipped).toEqual([{ path: 'notes.txt', reason: 'not a .gguf file' }]);
    expect(store.getState().uploads.map((u) => [u.fileName, u.status])).toEqual([
      ['one.gguf', 'queued'],
      ['two.gguf', 'queued'],
    ]);
    await settle();
    expect(uploads.map((u) => u.file.name)).toEqual(['one.gguf']);

    const first = uploads[0] as PendingUpload;
    first.options.onProgress?.({ phase: 'sending', sentBytes: 20, totalBytes: 100 });
    clock = 3_000;
    first.options.onProgress?.({ phase: 'sending', sentBytes: 60, totalBytes: 100 });
    expect(store.getState().uploads[0]).toMatchObject({ status: 'sending', sentBytes: 60, startBytes: 20, startedAt: 1_000, updatedAt: 3_000 });

    first.resolve(modelEntry('one'));
    await settle();
    expect(store.getState().uploads[0]).toMatchObject({ status: 'done', sentBytes: 100 });
    expect(ids(store.getState().models.data)).toEqual(['a', 'b', 'one']);
    expect(uploads.map((u) => u.file.name)).toEqual(['one.gguf', 'two.gguf']);
  });

  it('shows the reason a file was refused', async () => {
    const { client, uploads } = fakeClient();
    const store = storeWith(client);
    store.getState().uploadFiles([ggufFile('notes.gguf')]);
    await settle();
    uploads[0]?.reject(new LatheError('invalid_file', 'notes.gguf is not a valid GGUF file'));
    await settle();
    expect(store.getState().uploads[0]).toMatchObject({ status: 'failed', error: { kind: 'invalid_file', message: 'notes.gguf is not a valid GGUF file' } });
  });

  it('cancels a running upload through its signal, and a queued one before it starts', async () => {
    const { client, uploads } = fakeClient();
    const store = storeWith(client);
    store.getState().uploadFiles([ggufFile('one.gguf'), ggufFile('two.gguf'), ggufFile('three.gguf')]);
    await settle();
    const [one, two] = store.getState().uploads;
    store.getState().cancelUpload(two?.key ?? '');
    store.getState().cancelUpload(one?.key ?? '');
    expect(uploads[0]?.options.signal?.aborted).toBe(true);
    uploads[0]?.reject(new LatheError('cancelled', 'The upload of one.gguf was cancelled.'));
    await settle();
    expect(store.getState().uploads.map((u) => [u.fileName, u.status, u.error])).toEqual([
      ['one.gguf', 'cancelled', null],
      ['two.gguf', 'cancelled', null],
      ['three.gguf', 'queued', null],
    ]);
    // The queued one never reached the client; the third did.
    expect(uploads.map((u) => u.file.name)).toEqual(['one.gguf', 'three.gguf']);
  });

  it('dismisses finished uploads', async () => {
    const { client, uploads } = fakeClient();
    const store = storeWith(client);
    store.getState().uploadFiles([ggufFile('one.gguf')]);
    await settle();
    uploads[0]?.resolve(modelEntry('one'));
    await settle();
    store.getState().dismissUpload(store.getState().uploads[0]?.key ?? '');
    expect(store.getState().uploads).toEqual([]);
  });
});

describe('models store: live events', () => {
  async function watchedStore() {
    const fake = fakeClient();
    const store = storeWith(fake.client);
    await store.getState().loadModels();
    store.getState().startEvents();
    const emit = (event: ModelEvent) => fake.streams.at(-1)?.onEvent(event);
    return { ...fake, store, emit };
  }

  it('adds, replaces and removes entries as the main process reports them', async () => {
    const { store, emit } = await watchedStore();
    emit({ type: 'changed', model: modelEntry('c') });
    emit({ type: 'changed', model: modelEntry('a', { status: 'missing', problem: 'the file is gone' }) });
    store.getState().openDetails('b');
    emit({ type: 'removed', id: 'b' });
    expect(ids(store.getState().models.data)).toEqual(['a', 'c']);
    expect(store.getState().models.data?.[0]?.status).toBe('missing');
    expect(store.getState().openModelId).toBeNull();
  });

  it('follows hashing to its result', async () => {
    const { store, emit, calls } = await watchedStore();
    await store.getState().startHash('a');
    expect(calls).toContain('startHash a');
    expect(store.getState().hashing.a).toEqual({ bytesDone: 0, bytesTotal: 144_811_520, error: null });
    emit({ type: 'hash-progress', id: 'a', bytesDone: 50, bytesTotal: 100 });
    expect(store.getState().hashing.a).toEqual({ bytesDone: 50, bytesTotal: 100, error: null });
    emit({ type: 'hash-done', id: 'a', sha256: 'ab'.repeat(32) });
    expect(store.getState().hashing.a).toBeUndefined();
    expect(store.getState().models.data?.[0]?.sha256).toBe('ab'.repeat(32));
  });

  it('shows a failed hash, but not the failure of one the person cancelled', async () => {
    const { store, emit, calls } = await watchedStore();
    emit({ type: 'hash-progress', id: 'a', bytesDone: 10, bytesTotal: 100 });
    emit({ type: 'hash-failed', id: 'a', message: 'read error' });
    expect(store.getState().hashing.a).toEqual({ bytesDone: 10, bytesTotal: 100, error: 'read error' });

    emit({ type: 'hash-progress', id: 'b', bytesDone: 10, bytesTotal: 100 });
    await store.getState().cancelHash('b');
    expect(calls).toContain('cancelHash b');
    emit({ type: 'hash-progress', id: 'b', bytesDone: 20, bytesTotal: 100 });
    emit({ type: 'hash-failed', id: 'b', message: 'cancelled' });
    expect(store.getState().hashing.b).toBeUndefined();
  });

  it('records a broken stream, and stops listening on request', async () => {
    const { store, streams } = await watchedStore();
    streams[0]?.onError(new LatheError('unavailable', 'Lost the connection to Lathe'));
    expect(store.getState()).toMatchObject({ watching: false, eventsError: { kind: 'unavailable' } });
    store.getState().startEvents();
    expect(store.getState()).toMatchObject({ watching: true, eventsError: null });
    store.getState().stopEvents();
    expect(streams[1]?.stopped).toBe(true);
    // A late event from the stopped stream changes nothing.
    streams[1]?.onEvent({ type: 'removed', id: 'a' });
    expect(ids(store.getState().models.data)).toEqual(['a', 'b']);
  });
});

describe('models store: removing and revealing', () => {
  it('removes an entry, keeping or deleting an imported file as asked', async () => {
    const { client, calls } = fakeClient();
    const store = storeWith(client);
    await store.getState().loadModels();
    store.getState().openDetails('a');
    await expect(store.getState().removeModel('a', true)).resolves.toBe(true);
    await store.getState().removeModel('b', false);
    expect(calls).toEqual(['remove a true', 'remove b false']);
    expect(store.getState().models.data).toEqual([]);
    expect(store.getState().openModelId).toBeNull();
  });

  it('keeps the entry and says why when removing fails', async () => {
    const { client } = fakeClient({ remove: async () => Promise.reject(new LatheError('unwritable', 'the folder is read-only')) });
    const store = storeWith(client);
    await store.getState().loadModels();
    await expect(store.getState().removeModel('a', true)).resolves.toBe(false);
    expect(ids(store.getState().models.data)).toEqual(['a', 'b']);
    expect(store.getState().actionError).toEqual({ kind: 'unwritable', message: 'the folder is read-only' });
  });

  it('answers the revealed path, or null with the reason', async () => {
    let fail = false;
    const { client } = fakeClient({ reveal: async (id) => (fail ? Promise.reject(new LatheError('not_found', 'no such model')) : { path: `/models/${id}.gguf` }) });
    const store = storeWith(client);
    await expect(store.getState().revealModel('a')).resolves.toBe('/models/a.gguf');
    fail = true;
    await expect(store.getState().revealModel('a')).resolves.toBeNull();
    expect(store.getState().actionError?.kind).toBe('not_found');
  });
});
