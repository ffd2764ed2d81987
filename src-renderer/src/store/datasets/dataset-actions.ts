/**
 * What the Datasets page can ask about one dataset: open it, control its import, change its
 * mapping, remove it, preview and render its rows, prepare it for a model. Like the list's
 * actions they record outcomes in state and never throw; answers for a dataset that is no
 * longer the open one are dropped.
 */
import type { ColumnMapping, DatasetEntry, PreparedSummary, PrepareOptions, RowProblem } from '../../../../src-main/contract';
import type { DatasetsClient } from '../../client/datasets-client';
import { toStoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';
import { applyDatasetEvent, upsertDatasets, without } from './dataset-list';
import type { DatasetsState } from './initialState';
import type { PrepareSettings } from './prepare-settings';
import type { GetDatasetsState, SetDatasetsState } from './store-type';

/** Rows shown in the preview and rendered with a model. */
export const PREVIEW_ROWS = 20;
export const RENDERED_ROWS = 5;

export interface DatasetActions {
  openDataset(id: string): void;
  closeDataset(): void;
  cancelImport(id: string): Promise<void>;
  reimport(id: string): Promise<void>;
  /** Resolves to true once the mapping was saved (its re-check then runs in the background). */
  setMapping(id: string, mapping: ColumnMapping | null): Promise<boolean>;
  /** Resolves to true once the entry is gone. */
  removeDataset(id: string, deleteFile: boolean): Promise<boolean>;
  loadPreview(id: string): Promise<void>;
  loadRendered(id: string, modelId: string, options: PrepareOptions): Promise<void>;
  loadPrepared(id: string): Promise<void>;
  prepare(id: string, modelId: string, options: PrepareOptions): Promise<PreparedSummary | null>;
  cancelPrepare(id: string): Promise<void>;
  /** Every problem of the dataset's last import, for the downloadable report; null when that failed. */
  fetchProblems(id: string): Promise<RowProblem[] | null>;
  setPrepareSettings(change: Partial<PrepareSettings['options']> & { modelId?: string | null }): void;
}

type DetailKey = 'preview' | 'rendered' | 'prepared';
type DataOf<K extends DetailKey> = DatasetsState[K] extends Loadable<infer T> ? T : never;

export function createDatasetActions(set: SetDatasetsState, get: GetDatasetsState, client: DatasetsClient): DatasetActions {
  const latestRequest: Record<DetailKey, number> = { preview: 0, rendered: 0, prepared: 0 };

  function patch<K extends DetailKey>(key: K, change: Partial<Loadable<DataOf<K>>>): void {
    // The computed key loses its link to K in TypeScript; the cast restores what is true.
    set((state) => ({ [key]: { ...state[key], ...change } }) as Pick<DatasetsState, K>);
  }

  /** Loads one part of the open dataset's details; an answer for another dataset, or an older request, is dropped. */
  async function loadDetail<K extends DetailKey>(key: K, id: string, fetch: () => Promise<DataOf<K>>): Promise<void> {
    const request = ++latestRequest[key];
    const current = () => request === latestRequest[key] && get().openDatasetId === id;
    patch(key, { loading: true, error: null });
    try {
      const data = await fetch();
      if (current()) patch(key, { data, loading: false, error: null });
    } catch (error) {
      if (current()) patch(key, { loading: false, error: toStoredError(error) });
    }
  }

  function updateEntry(entry: DatasetEntry): void {
    set((state) => (state.datasets.data === null ? {} : { datasets: { ...state.datasets, data: upsertDatasets(state.datasets.data, [entry]) } }));
  }

  async function act(run: () => Promise<void>): Promise<boolean> {
    set({ actionError: null });
    try {
      await run();
      return true;
    } catch (error) {
      set({ actionError: toStoredError(error) });
      return false;
    }
  }

  return {
    openDataset(id) {
      if (get().openDatasetId === id) return;
      set({ openDatasetId: id, actionError: null, preview: notLoaded, rendered: notLoaded, prepared: notLoaded, lastPrepared: null, prepareError: null });
    },
    closeDataset: () => set({ openDatasetId: null, actionError: null }),

    async cancelImport(id) {
      await act(async () => {
        await client.cancelImport(id);
      });
    },

    async reimport(id) {
      await act(async () => updateEntry(await client.reimport(id)));
    },

    setMapping: (id, mapping) => act(async () => updateEntry(await client.setMapping(id, mapping))),

    removeDataset: (id, deleteFile) =>
      act(async () => {
        await client.remove(id, deleteFile);
        set((state) => applyDatasetEvent(state, { type: 'removed', id }));
      }),

    loadPreview: (id) => loadDetail('preview', id, () => client.preview(id, 0, PREVIEW_ROWS)),
    loadRendered: (id, modelId, options) => loadDetail('rendered', id, () => client.render(id, modelId, 0, RENDERED_ROWS, options)),
    loadPrepared: (id) => loadDetail('prepared', id, () => client.prepared(id)),

    async prepare(id, modelId, options) {
      const total = get().datasets.data?.find((dataset) => dataset.id === id)?.inspection?.rows ?? null;
      set((state) => ({ preparing: { ...state.preparing, [id]: { modelId, examples: 0, total, examplesPerSecond: 0 } }, prepareError: null }));
      try {
        const summary = await client.prepare(id, modelId, options);
        set((state) => ({
          preparing: without(state.preparing, id),
          ...(state.openDatasetId === id
            ? { lastPrepared: summary, prepared: { ...state.prepared, data: [summary, ...(state.prepared.data ?? []).filter((p) => p.id !== summary.id)] } }
            : {}),
        }));
        return summary;
      } catch (error) {
        const stored = toStoredError(error);
        set((state) => ({ preparing: without(state.preparing, id), ...(state.openDatasetId === id && stored.kind !== 'cancelled' ? { prepareError: stored } : {}) }));
        return null;
      }
    },

    async cancelPrepare(id) {
      const run = get().preparing[id];
      if (run === undefined) return;
      await act(async () => {
        await client.cancelPrepare(id, run.modelId);
      });
    },

    async fetchProblems(id) {
      try {
        return await client.problems(id);
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return null;
      }
    },

    setPrepareSettings({ modelId, ...options }) {
      set((state) => ({ settings: { modelId: modelId === undefined ? state.settings.modelId : modelId, options: { ...state.settings.options, ...options } } }));
    },
  };
}
