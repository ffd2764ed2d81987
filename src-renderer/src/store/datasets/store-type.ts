/**
 * The store's full type, apart from index.ts so that selectors (and their tests) do not pull
 * in the real client and, through it, the browser's transport.
 */
import type { DatasetsActions } from './actions';
import type { DatasetActions } from './dataset-actions';
import type { DatasetsState } from './initialState';

export type DatasetsStore = DatasetsState & DatasetsActions & DatasetActions;

export type SetDatasetsState = (update: Partial<DatasetsState> | ((state: DatasetsState) => Partial<DatasetsState>)) => void;
export type GetDatasetsState = () => DatasetsState;
