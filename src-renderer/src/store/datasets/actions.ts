/**
 * What the Datasets page can ask for the list as a whole: loading it, adding files (drop,
 * dialog, upload) and following `datasets.events`. Actions talk to a `DatasetsClient`
 * (passed in, so tests use a fake) and record every outcome in state; they never throw.
 * Per-dataset actions are in dataset-actions.ts.
 */
import type { DatasetEntry, DatasetEvent } from '../../../../src-main/contract';
import type { DatasetsClient } from '../../client/datasets-client';
import { toStoredError } from '../errors';
import { newUploadItem, withProgress, type UploadItem } from '../models/upload-items';
import { applyDatasetEvent, upsertDatasets } from './dataset-list';
import type { GetDatasetsState, SetDatasetsState } from './store-type';
import { splitUploadableDatasets } from './uploadable';

export interface DatasetsActions {
  loadDatasets(): Promise<void>;
  /**
   * Files dropped on the page: their paths go to the main process in Electron; a browser
   * uploads them. Resolves to what was added by path, or null (uploads report per file).
   */
  addDroppedFiles(files: readonly File[]): Promise<DatasetEntry[] | null>;
  pickFiles(): Promise<DatasetEntry[] | null>;
  /** Queues browser uploads; they run one after another. */
  uploadFiles(files: readonly File[]): void;
  cancelUpload(key: string): void;
  dismissUpload(key: string): void;
  dismissSkipped(): void;
  /** Starts (or restarts) following `datasets.events`. */
  startEvents(): void;
  stopEvents(): void;
}

/** The contract accepts at most this many paths per `datasets.addPaths`. */
const MAX_PATHS_PER_CALL = 100;

export function createDatasetsActions(set: SetDatasetsState, get: GetDatasetsState, client: DatasetsClient, now: () => number = Date.now): DatasetsActions {
  // Only the newest list request may write its answer (a reconnect reloads while a load may still be on its way).
  let latestList = 0;
  let uploadQueue: Promise<void> = Promise.resolve();
  const uploadControllers = new Map<string, AbortController>();
  let nextUploadKey = 1;
  let stopWatch: (() => void) | null = null;
  let watchGeneration = 0;

  function addToList(entries: readonly DatasetEntry[]): void {
    set((state) => (state.datasets.data === null ? {} : { datasets: { ...state.datasets, data: upsertDatasets(state.datasets.data, entries) } }));
  }

  /** The first dataset added is opened, so a drop shows its report without another click. */
  function openFirstAdded(entries: readonly DatasetEntry[]): void {
    const first = entries[0];
    if (first !== undefined && get().openDatasetId === null) set({ openDatasetId: first.id });
  }

  async function add(run: () => Promise<DatasetEntry[]>): Promise<DatasetEntry[] | null> {
    set({ adding: true, addError: null });
    try {
      const added = await run();
      addToList(added);
      openFirstAdded(added);
      set({ adding: false });
      return added;
    } catch (error) {
      set({ adding: false, addError: toStoredError(error) });
      return null;
    }
  }

  async function addPathsInBatches(paths: readonly string[]): Promise<DatasetEntry[]> {
    const added: DatasetEntry[] = [];
    for (let start = 0; start < paths.length; start += MAX_PATHS_PER_CALL) {
      added.push(...(await client.addPaths(paths.slice(start, start + MAX_PATHS_PER_CALL))));
    }
    return added;
  }

  function patchUpload(key: string, change: (item: UploadItem) => UploadItem): void {
    set((state) => ({ uploads: state.uploads.map((item) => (item.key === key ? change(item) : item)) }));
  }

  async function runUpload(key: string, file: File, controller: AbortController): Promise<void> {
    try {
      const dataset = await client.upload(file, {
        signal: controller.signal,
        onProgress: ({ phase, sentBytes }) => patchUpload(key, (item) => withProgress(item, phase, sentBytes, now())),
      });
      addToList([dataset]);
      openFirstAdded([dataset]);
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
    const { uploadable, skipped } = splitUploadableDatasets(files);
    if (skipped.length > 0) set((state) => ({ skipped: [...state.skipped, ...skipped] }));
    for (const file of uploadable) {
      const key = `upload-${nextUploadKey++}`;
      const controller = new AbortController();
      uploadControllers.set(key, controller);
      set((state) => ({ uploads: [...state.uploads, newUploadItem(key, file)] }));
      uploadQueue = uploadQueue.then(() => (controller.signal.aborted ? undefined : runUpload(key, file, controller)));
    }
  }

  function onEvent(event: DatasetEvent): void {
    set((state) => applyDatasetEvent(state, event));
  }

  function stopEvents(): void {
    watchGeneration += 1;
    const stop = stopWatch;
    stopWatch = null;
    stop?.();
    if (get().watching) set({ watching: false });
  }

  return {
    async loadDatasets() {
      const request = ++latestList;
      set((state) => ({ datasets: { ...state.datasets, loading: true, error: null } }));
      try {
        const data = await client.list();
        if (request === latestList) set({ datasets: { data, loading: false, error: null } });
      } catch (error) {
        // Keep what is on screen: a failed refresh should not empty the list.
        if (request === latestList) set((state) => ({ datasets: { ...state.datasets, loading: false, error: toStoredError(error) } }));
      }
    },

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
