/** The datasets domain's store: the list, adds and uploads, import and preparation progress, and the open dataset's details. */
import { create } from 'zustand';
import { datasetsClient } from '../../client/datasets';
import { createDatasetsActions } from './actions';
import { createDatasetActions } from './dataset-actions';
import { initialDatasetsState } from './initialState';
import type { DatasetsStore } from './store-type';

export type { DatasetsStore } from './store-type';

export const useDatasetsStore = create<DatasetsStore>()((set, get) => ({
  ...initialDatasetsState,
  ...createDatasetsActions(set, get, datasetsClient),
  ...createDatasetActions(set, get, datasetsClient),
}));

export * from './selectors';
export type { DatasetsState, ImportProgress, PrepareRun } from './initialState';
