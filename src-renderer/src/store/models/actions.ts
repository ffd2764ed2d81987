/**
 * What the Models page can ask for. Actions talk to a `ModelsClient` (passed in, so tests
 * use a fake) and record every outcome in state; they never throw, because the page shows
 * failures from state rather than from a rejected promise.
 */
import type { AddModelsResult, ModelEntry, ModelEvent } from '../../../../src-main/contract';
import type { ModelsClient } from '../../client/models-client';
import { attemptAction, toStoredError } from '../errors';
import type { Loadable } from '../loadable';
import type { ModelsState } from './initialState';
import { applyModelEvent, upsertModels } from './model-list';
import { handleDroppedFiles, inBatches } from '../intake/dropped-files';
import { createEventFollower } from '../intake/event-follower';
import { createUploadQueue } from '../intake/upload-queue';
import { splitUploadable } from './uploadable';

export interface ModelsActions {
  loadModels(): Promise<void>;
  loadSuggestedFolders(): Promise<void>;
  setQuery(query: string): void;
  openDetails(id: string): void;
  closeDetails(): void;
  /**
   * Files dropped on the page: their paths go to the main process in Electron; a browser
   * uploads them. Resolves to what was added by path, or null (uploads report per file).
   */
  addDroppedFiles(files: readonly File[]): Promise<AddModelsResult | null>;
  pickFiles(): Promise<AddModelsResult | null>;
  pickFolder(): Promise<AddModelsResult | null>;
  addSuggestedFolder(id: string): Promise<AddModelsResult | null>;
  /** Queues browser uploads; they run one after another. */
  uploadFiles(files: readonly File[]): void;
  cancelUpload(key: string): void;
  dismissUpload(key: string): void;
  dismissSkipped(): void;
  /** Resolves to true once the entry is gone. */
  removeModel(id: string, deleteFile: boolean): Promise<boolean>;
  /** Resolves to the path shown, or null when revealing failed. */
  revealModel(id: string): Promise<string | null>;
  startHash(id: string): Promise<void>;
  cancelHash(id: string): Promise<void>;
  /** Starts (or restarts) following `models.events`. */
  startEvents(): void;
  stopEvents(): void;
}

type SetState = (update: Partial<ModelsState> | ((state: ModelsState) => Partial<ModelsState>)) => void;
type GetState = () => ModelsState;
type LoadableKey = 'models' | 'suggestedFolders';
type DataOf<K extends LoadableKey> = ModelsState[K] extends Loadable<infer T> ? T : never;

/** The contract accepts at most this many paths per `models.addPaths`. */
const MAX_PATHS_PER_CALL = 1000;

export function createModelsActions(set: SetState, get: GetState, client: ModelsClient, now: () => number = Date.now): ModelsActions {
  // Per list, only the newest request may write its answer (a reconnect reloads while a load may still be on its way).
  const latestRequest: Record<LoadableKey, number> = { models: 0, suggestedFolders: 0 };
  // Hashes the person cancelled: a late `hash-failed` or `hash-progress` for them is no news.
  const cancelledHashes = new Set<string>();

  function patch<K extends LoadableKey>(key: K, change: Partial<Loadable<DataOf<K>>>): void {
    // The computed key loses its link to K in TypeScript; the cast restores what is true.
    set((state) => ({ [key]: { ...state[key], ...change } }) as Pick<ModelsState, K>);
  }

  async function load<K extends LoadableKey>(key: K, fetch: () => Promise<DataOf<K>>): Promise<void> {
    const request = ++latestRequest[key];
    patch(key, { loading: true, error: null });
    try {
      const data = await fetch();
      if (request === latestRequest[key]) patch(key, { data, loading: false, error: null });
    } catch (error) {
      // Keep what is on screen: a failed refresh should not empty the table.
      if (request === latestRequest[key]) patch(key, { loading: false, error: toStoredError(error) });
    }
  }

  function addModelsToList(entries: readonly ModelEntry[]): void {
    set((state) => (state.models.data === null ? {} : { models: { ...state.models, data: upsertModels(state.models.data, entries) } }));
  }

  /** Runs one add (dialog, paths, suggested folder) and records what it added and skipped. */
  async function add(run: () => Promise<AddModelsResult>): Promise<AddModelsResult | null> {
    set({ adding: true, addError: null });
    try {
      const result = await run();
      addModelsToList(result.added);
      set((state) => ({ adding: false, skipped: result.skipped.length > 0 ? [...state.skipped, ...result.skipped] : state.skipped }));
      return result;
    } catch (error) {
      set({ adding: false, addError: toStoredError(error) });
      return null;
    }
  }

  async function addPathsInBatches(paths: readonly string[]): Promise<AddModelsResult> {
    const parts = await inBatches(paths, MAX_PATHS_PER_CALL, (batch) => client.addPaths(batch));
    return { added: parts.flatMap((part) => part.added), skipped: parts.flatMap((part) => part.skipped) };
  }

  const uploads = createUploadQueue({
    set,
    split: splitUploadable,
    send: (file, options) => client.upload(file, options),
    onUploaded: (model) => addModelsToList([model]),
    now,
  });

  function onEvent(event: ModelEvent): void {
    if (event.type === 'hash-progress' || event.type === 'hash-failed') {
      if (cancelledHashes.has(event.id)) {
        if (event.type === 'hash-failed') cancelledHashes.delete(event.id);
        return;
      }
    }
    if (event.type === 'hash-done') cancelledHashes.delete(event.id);
    set((state) => applyModelEvent(state, event));
  }

  const events = createEventFollower({ set, get, watch: (onModelEvent, onError) => client.watch(onModelEvent, onError), onEvent });

  return {
    loadModels: () => load('models', () => client.list()),
    loadSuggestedFolders: () => load('suggestedFolders', () => client.suggestedFolders()),

    setQuery: (query) => set({ query }),
    openDetails: (id) => set({ openModelId: id, actionError: null }),
    closeDetails: () => set({ openModelId: null, actionError: null }),

    addDroppedFiles: (files) =>
      handleDroppedFiles(files, {
        pathsOf: (dropped) => client.droppedFilePaths(dropped),
        upload: uploads.uploadFiles,
        addPaths: (paths) => add(() => addPathsInBatches(paths)),
        onError: (addError) => set({ addError }),
      }),

    pickFiles: () => add(() => client.pickFiles()),
    pickFolder: () => add(() => client.pickFolder()),

    async addSuggestedFolder(id) {
      const result = await add(() => client.addSuggestedFolder(id));
      // The folder is now watched; its row should say so.
      if (result !== null) {
        set((state) => ({ suggestedFolders: mapData(state.suggestedFolders, (folders) => folders.map((f) => (f.id === id ? { ...f, watched: true } : f))) }));
      }
      return result;
    },

    ...uploads,

    async removeModel(id, deleteFile) {
      set({ actionError: null });
      try {
        await client.remove(id, deleteFile);
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return false;
      }
      set((state) => applyModelEvent(state, { type: 'removed', id }));
      return true;
    },

    revealModel: (id) => attemptAction((actionError) => set({ actionError }), async () => (await client.reveal(id)).path, null),

    async startHash(id) {
      cancelledHashes.delete(id);
      const size = get().models.data?.find((model) => model.id === id)?.facts?.fileSizeBytes ?? 0;
      // Show the bar at once; the first `hash-progress` event corrects the numbers.
      set((state) => ({ hashing: { ...state.hashing, [id]: { bytesDone: 0, bytesTotal: size, error: null } } }));
      try {
        await client.startHash(id);
      } catch (error) {
        const { message } = toStoredError(error);
        set((state) => ({ hashing: { ...state.hashing, [id]: { bytesDone: 0, bytesTotal: size, error: message } } }));
      }
    },

    async cancelHash(id) {
      cancelledHashes.add(id);
      set((state) => {
        const { [id]: _cancelled, ...hashing } = state.hashing;
        return { hashing };
      });
      try {
        await client.cancelHash(id);
      } catch (error) {
        set({ actionError: toStoredError(error) });
      }
    },

    startEvents: events.start,
    stopEvents: events.stop,
  };
}

function mapData<T>(loadable: Loadable<T>, change: (data: T) => T): Loadable<T> {
  return loadable.data === null ? loadable : { ...loadable, data: change(loadable.data) };
}
