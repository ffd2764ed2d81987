/**
 * What the Datasets page can ask for the list as a whole: loading it, adding files (drop,
 * dialog, upload) and following `datasets.events`. Actions talk to a `DatasetsClient`
 * (passed in, so tests use a fake) and record every outcome in state; they never throw.
 * Per-dataset actions are in dataset-actions.ts.
 */
import type { DatasetEntry, DatasetEvent } from '../../../../src-main/contract';
import type { DatasetsClient } from '../../client/datasets-client';
import { toStoredError } from '../errors';
import { handleDroppedFiles, inBatches } from '../intake/dropped-files';
import { createEventFollower } from '../intake/event-follower';
import { createUploadQueue } from '../intake/upload-queue';
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
    return (await inBatches(paths, MAX_PATHS_PER_CALL, (batch) => client.addPaths(batch))).flat();
  }

  const uploads = createUploadQueue({
    set,
    split: splitUploadableDatasets,
    send: (file, options) => client.upload(file, options),
    onUploaded: (dataset) => {
      addToList([dataset]);
      openFirstAdded([dataset]);
    },
    now,
  });

  const events = createEventFollower({
    set,
    get,
    watch: (onDatasetEvent, onError) => client.watch(onDatasetEvent, onError),
    onEvent: (event: DatasetEvent) => set((state) => applyDatasetEvent(state, event)),
  });

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

    addDroppedFiles: (files) =>
      handleDroppedFiles(files, {
        pathsOf: (dropped) => client.droppedFilePaths(dropped),
        upload: uploads.uploadFiles,
        addPaths: (paths) => add(() => addPathsInBatches(paths)),
        onError: (addError) => set({ addError }),
      }),

    pickFiles: () => add(() => client.pickFiles()),
    ...uploads,
    startEvents: events.start,
    stopEvents: events.stop,
  };
}
