/**
 * The store's full type, apart from index.ts so that selectors (and their tests) do not pull
 * in the real client and, through it, the browser's transport.
 */
import type { PlaygroundActions } from './actions';
import type { EvaluationActions } from './evaluation-actions';
import type { ExportActions } from './export-actions';
import type { PlaygroundState } from './initialState';

export type PlaygroundStore = PlaygroundState & PlaygroundActions & EvaluationActions & ExportActions;

export type SetPlaygroundState = (update: Partial<PlaygroundState> | ((state: PlaygroundState) => Partial<PlaygroundState>)) => void;
export type GetPlaygroundState = () => PlaygroundState;
