/**
 * Named reads of the datasets store. Each returns a value already in state (never a new
 * object or array), so zustand re-renders a component only when that value changes.
 */
import type { DatasetEntry } from '../../../../src-main/contract';
import type { ImportProgress, PrepareRun } from './initialState';
import type { DatasetsStore } from './store-type';

export const selectDatasets = (s: DatasetsStore) => s.datasets.data;
export const selectDatasetsError = (s: DatasetsStore) => s.datasets.error;
export const selectEventsError = (s: DatasetsStore) => s.eventsError;

export const selectOpenDatasetId = (s: DatasetsStore) => s.openDatasetId;
/** The dataset whose details are open, or null when none is (or it is no longer listed). */
export const selectOpenDataset = (s: DatasetsStore): DatasetEntry | null =>
  s.openDatasetId === null ? null : (s.datasets.data?.find((dataset) => dataset.id === s.openDatasetId) ?? null);

/** One dataset's import progress; build once per id (`useMemo`) so the selector itself stays the same. */
export const selectImportProgressOf =
  (id: string) =>
  (s: DatasetsStore): ImportProgress | null =>
    s.importProgress[id] ?? null;
export const selectPrepareRunOf =
  (id: string) =>
  (s: DatasetsStore): PrepareRun | null =>
    s.preparing[id] ?? null;

export const selectUploads = (s: DatasetsStore) => s.uploads;
export const selectSkipped = (s: DatasetsStore) => s.skipped;
export const selectAdding = (s: DatasetsStore) => s.adding;
export const selectAddError = (s: DatasetsStore) => s.addError;
export const selectActionError = (s: DatasetsStore) => s.actionError;

export const selectPreview = (s: DatasetsStore) => s.preview;
export const selectRendered = (s: DatasetsStore) => s.rendered;
export const selectPrepared = (s: DatasetsStore) => s.prepared;
export const selectLastPrepared = (s: DatasetsStore) => s.lastPrepared;
export const selectPrepareError = (s: DatasetsStore) => s.prepareError;
export const selectPrepareSettings = (s: DatasetsStore) => s.settings;

export const selectLoadDatasets = (s: DatasetsStore) => s.loadDatasets;
export const selectAddDroppedFiles = (s: DatasetsStore) => s.addDroppedFiles;
export const selectPickFiles = (s: DatasetsStore) => s.pickFiles;
export const selectUploadFiles = (s: DatasetsStore) => s.uploadFiles;
export const selectCancelUpload = (s: DatasetsStore) => s.cancelUpload;
export const selectDismissUpload = (s: DatasetsStore) => s.dismissUpload;
export const selectDismissSkipped = (s: DatasetsStore) => s.dismissSkipped;
export const selectStartDatasetEvents = (s: DatasetsStore) => s.startEvents;
export const selectStopDatasetEvents = (s: DatasetsStore) => s.stopEvents;
export const selectOpenDatasetAction = (s: DatasetsStore) => s.openDataset;
export const selectCloseDataset = (s: DatasetsStore) => s.closeDataset;
export const selectCancelImport = (s: DatasetsStore) => s.cancelImport;
export const selectReimport = (s: DatasetsStore) => s.reimport;
export const selectSetMapping = (s: DatasetsStore) => s.setMapping;
export const selectRemoveDataset = (s: DatasetsStore) => s.removeDataset;
export const selectLoadPreview = (s: DatasetsStore) => s.loadPreview;
export const selectLoadRendered = (s: DatasetsStore) => s.loadRendered;
export const selectLoadPrepared = (s: DatasetsStore) => s.loadPrepared;
export const selectPrepare = (s: DatasetsStore) => s.prepare;
export const selectCancelPrepare = (s: DatasetsStore) => s.cancelPrepare;
export const selectFetchProblems = (s: DatasetsStore) => s.fetchProblems;
export const selectSetPrepareSettings = (s: DatasetsStore) => s.setPrepareSettings;
