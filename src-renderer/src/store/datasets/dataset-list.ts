/**
 * Keeping the loaded list and the progress maps in step with what the main process reports.
 * Pure, so the page and its tests see the same updates. A list not loaded yet is left alone:
 * the load under way will bring every entry anyway.
 */
import type { DatasetEntry, DatasetEvent } from '../../../../src-main/contract';
import type { DatasetsState } from './initialState';

/** Replaces entries with the same id where they stand and appends new ones. */
export function upsertDatasets(list: readonly DatasetEntry[], entries: readonly DatasetEntry[]): DatasetEntry[] {
  if (entries.length === 0) return [...list];
  const incoming = new Map(entries.map((entry) => [entry.id, entry]));
  const updated = list.map((dataset) => {
    const next = incoming.get(dataset.id);
    if (next === undefined) return dataset;
    incoming.delete(dataset.id);
    return next;
  });
  return [...updated, ...incoming.values()];
}

type EventSlice = Pick<DatasetsState, 'datasets' | 'importProgress' | 'preparing' | 'openDatasetId'>;

export function applyDatasetEvent(state: EventSlice, event: DatasetEvent): Partial<DatasetsState> {
  switch (event.type) {
    case 'changed': {
      const list = withList(state, (datasets) => upsertDatasets(datasets, [event.dataset]));
      // Progress belongs to an import under way; once the entry says otherwise it is over.
      if (event.dataset.status === 'importing' || !(event.dataset.id in state.importProgress)) return list;
      return { ...list, importProgress: without(state.importProgress, event.dataset.id) };
    }
    case 'removed':
      return {
        ...withList(state, (datasets) => datasets.filter((dataset) => dataset.id !== event.id)),
        importProgress: without(state.importProgress, event.id),
        preparing: without(state.preparing, event.id),
        // The details would show a dataset that no longer exists.
        ...(state.openDatasetId === event.id ? { openDatasetId: null } : {}),
      };
    case 'import-progress': {
      const { rows, bytesDone, bytesTotal, rowsPerSecond, etaSeconds } = event;
      return { importProgress: { ...state.importProgress, [event.id]: { rows, bytesDone, bytesTotal, rowsPerSecond, etaSeconds } } };
    }
    case 'prepare-progress': {
      const run = state.preparing[event.datasetId];
      // Only preparations this page started (and is waiting for) are shown with a bar.
      if (run === undefined || run.modelId !== event.modelId) return {};
      return { preparing: { ...state.preparing, [event.datasetId]: { ...run, examples: event.examples, total: event.total, examplesPerSecond: event.examplesPerSecond } } };
    }
  }
}

export function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

function withList(state: EventSlice, change: (list: readonly DatasetEntry[]) => DatasetEntry[]): Partial<DatasetsState> {
  if (state.datasets.data === null) return {};
  return { datasets: { ...state.datasets, data: change(state.datasets.data) } };
}
