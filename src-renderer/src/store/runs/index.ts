/** The runs domain's store: history, the live view's detail and metric columns, and the new-run wizard. */
import { create } from 'zustand';
import { runsClient } from '../../client/runs';
import { createRunsActions } from './actions';
import { initialRunsState } from './initialState';
import type { RunsStore } from './store-type';
import { createWizardActions } from './wizard-actions';

export type { RunsStore } from './store-type';

export const useRunsStore = create<RunsStore>()((set, get) => ({
  ...initialRunsState,
  ...createRunsActions(set, get, runsClient),
  ...createWizardActions(set, get, runsClient),
}));

export * from './selectors';
export type { RunDetailState, RunsState } from './initialState';
export type { RunDraft } from './draft';
export type { RunSort, RunSortKey } from './run-list';
export type { RunSeries } from './run-series';
