/**
 * What the Models page can ask for. Actions talk to a `ModelsClient` (passed in, so tests
 * use a fake) and record every outcome in state; they never throw, because the page shows
 * failures from state rather than from a rejected promise.
 */
import type { AddModelsResult, ModelEntry, ModelEvent } from '../../../../src-main/contract';
import type { ModelsClient } from '../../client/models-client';
import { toStoredError } from '../errors';
import type { Loadable } from '../loadable';
import type { ModelsState } from './initialState';
import { applyModelEvent, upsertModels } from './model-list';
import { newUploadItem, splitUploadable, withProgress, type UploadItem } from './upload-items';

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
  // Uploads run one at a time (one disk, one link); each has its own abort switch.
  let uploadQueue: Promise<void> = Promise.resolve();
  const uploadControllers = new Map<string, AbortController>();
  let nextUploadKey = 1;
  // Hashes the person cancelled: a late `hash-failed` or `hash-progress` for them is no news.
  const cancelledHashes = new Set<string>();
  let stopWatch: (() => void) | null = null;
  let watchGeneration = 0;

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
    const result: AddModelsResult = { added: [], skipped: [] };
    for (let start = 0; start < paths.length; start += MAX_PATHS_PER_CALL) {
      const part = await client.addPaths(paths.slice(start, start + MAX_PATHS_PER_CALL));
      result.added.push(...part.added);
      result.skipped.push(...part.skipped);
    }
    return result;
  }

  function patchUpload(key: string, change: (item: UploadItem) => UploadItem): void {
    set((state) => ({ uploads: state.uploads.map((item) => (item.key === key ? change(item) : item)) }));
  }

  async function runUpload(key: string, file: File, controller: AbortController): Promise<void> {
    try {
      const model = await client.upload(file, {
        signal: controller.signal,
        onProgress: ({ phase, sentBytes }) => patchUpload(key, (item) => withProgress(item, phase, sentBytes, now())),
      });
      addModelsToList([model]);
      patchUpload(key, (item) => ({ ...item, status: 'done', sentBytes: item.totalBytes, error: null }));
    } catch (error) {
      const stored = toStoredError(error);
      const cancelled = controller.signal.aborted || stored.kind === 'cancelled';
      patchUpload(key, (item) => ({ ...item, status: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : stored }));
    } finally {
      uploadControllers.delete(key);
    }
  }

  function uploadFiles(files: readonly File[]): void {
    const { uploadable, skipped } = splitUploadable(files);
    if (skipped.length > 0) set((state) => ({ skipped: [...state.skipped, ...skipped] }));
    for (const file of uploadable) {
      const key = `upload-${nextUploadKey++}`;
      const controller = new AbortController();
      uploadControllers.set(key, controller);
      set((state) => ({ uploads: [...state.uploads, newUploadItem(key, file)] }));
      uploadQueue = uploadQueue.then(() => (controller.signal.aborted ? undefined : runUpload(key, file, controller)));
    }
  }

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

  function stopEvents(): void {
    watchGeneration += 1;
    const stop = stopWatch;
    stopWatch = null;
    stop?.();
    if (get().watching) set({ watching: false });
  }

  return {
    loadModels: () => load('models', () => client.list()),
    loadSuggestedFolders: () => load('suggestedFolders', () => client.suggestedFolders()),

    setQuery: (query) => set({ query }),
    openDetails: (id) => set({ openModelId: id, actionError: null }),
    closeDetails: () => set({ openModelId: null, actionError: null }),

    async addDroppedFiles(files) {
      let paths: string[] | null;
      try {
        paths = client.droppedFilePaths(files);
      } catch (error) {
        set({ addError: toStoredError(error) });
        return null;
      }
      if (paths === null) {
        uploadFiles(files);
        return null;
      }
      if (paths.length === 0) return null;
      const named = paths;
      return add(() => addPathsInBatches(named));
    },

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

    uploadFiles,

    cancelUpload(key) {
      const controller = uploadControllers.get(key);
      if (controller === undefined) return;
      controller.abort();
      // A queued upload never starts, so nothing else would mark it.
      patchUpload(key, (item) => (item.status === 'queued' ? { ...item, status: 'cancelled' } : item));
    },

    dismissUpload: (key) => set((state) => ({ uploads: state.uploads.filter((item) => item.key !== key) })),
    dismissSkipped: () => set({ skipped: [] }),

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

    async revealModel(id) {
      set({ actionError: null });
      try {
        return (await client.reveal(id)).path;
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return null;
      }
    },

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

    startEvents() {
      stopEvents();
      const generation = watchGeneration;
      const isCurrent = () => generation === watchGeneration;
      set({ watching: true, eventsError: null });
      const unsubscribe = client.watch(
        (event) => {
          if (isCurrent()) onEvent(event);
        },
        (error) => {
          if (!isCurrent()) return;
          stopWatch = null;
          set({ watching: false, eventsError: toStoredError(error) });
        },
      );
      // The error callback can run before watch returns (a transport known to be down fails at once).
      if (isCurrent() && get().watching) stopWatch = unsubscribe;
    },

    stopEvents,
  };
}

function mapData<T>(loadable: Loadable<T>, change: (data: T) => T): Loadable<T> {
  return loadable.data === null ? loadable : { ...loadable, data: change(loadable.data) };
}
