/**
 * Named reads of the models store. Each returns a value already in state (never a new
 * object or array), so zustand re-renders a component only when that value changes. The
 * filtered table rows are computed in the component with `useMemo` (see model-search.ts).
 */
import type { ModelEntry } from '../../../../src-main/contract';
import type { ModelsStore } from './store-type';
import type { HashState } from './initialState';

export const selectModels = (s: ModelsStore) => s.models.data;
export const selectModelsLoading = (s: ModelsStore) => s.models.loading;
export const selectModelsError = (s: ModelsStore) => s.models.error;

export const selectSuggestedFolders = (s: ModelsStore) => s.suggestedFolders.data;
export const selectSuggestedFoldersError = (s: ModelsStore) => s.suggestedFolders.error;

export const selectQuery = (s: ModelsStore) => s.query;

export const selectOpenModelId = (s: ModelsStore) => s.openModelId;
/** The model in the details drawer, or null when none is open (or it is no longer listed). */
export const selectOpenModel = (s: ModelsStore): ModelEntry | null =>
  s.openModelId === null ? null : (s.models.data?.find((model) => model.id === s.openModelId) ?? null);

/** One model's hashing state; build once per id (`useMemo`) so the selector itself stays the same. */
export const selectHashStateOf =
  (id: string) =>
  (s: ModelsStore): HashState | null =>
    s.hashing[id] ?? null;

export const selectUploads = (s: ModelsStore) => s.uploads;
export const selectSkipped = (s: ModelsStore) => s.skipped;
export const selectAdding = (s: ModelsStore) => s.adding;
export const selectAddError = (s: ModelsStore) => s.addError;
export const selectEventsError = (s: ModelsStore) => s.eventsError;
export const selectActionError = (s: ModelsStore) => s.actionError;

export const selectLoadModels = (s: ModelsStore) => s.loadModels;
export const selectLoadSuggestedFolders = (s: ModelsStore) => s.loadSuggestedFolders;
export const selectSetQuery = (s: ModelsStore) => s.setQuery;
export const selectOpenDetails = (s: ModelsStore) => s.openDetails;
export const selectCloseDetails = (s: ModelsStore) => s.closeDetails;
export const selectAddDroppedFiles = (s: ModelsStore) => s.addDroppedFiles;
export const selectPickFiles = (s: ModelsStore) => s.pickFiles;
export const selectPickFolder = (s: ModelsStore) => s.pickFolder;
export const selectAddSuggestedFolder = (s: ModelsStore) => s.addSuggestedFolder;
export const selectUploadFiles = (s: ModelsStore) => s.uploadFiles;
export const selectCancelUpload = (s: ModelsStore) => s.cancelUpload;
export const selectDismissUpload = (s: ModelsStore) => s.dismissUpload;
export const selectDismissSkipped = (s: ModelsStore) => s.dismissSkipped;
export const selectRemoveModel = (s: ModelsStore) => s.removeModel;
export const selectRevealModel = (s: ModelsStore) => s.revealModel;
export const selectStartHash = (s: ModelsStore) => s.startHash;
export const selectCancelHash = (s: ModelsStore) => s.cancelHash;
export const selectStartModelEvents = (s: ModelsStore) => s.startEvents;
export const selectStopModelEvents = (s: ModelsStore) => s.stopEvents;
