/**
 * The store's full type, apart from index.ts so that selectors (and their tests) do not pull
 * in the real client and, through it, the browser's transport.
 */
import type { RunsActions } from './actions';
import type { RunsState } from './initialState';
import type { WizardActions } from './wizard-actions';

export type RunsStore = RunsState & RunsActions & WizardActions;

export type SetRunsState = (update: Partial<RunsState> | ((state: RunsState) => Partial<RunsState>)) => void;
export type GetRunsState = () => RunsState;
