/**
 * The store's full type, apart from index.ts so that selectors (and their tests) do not pull
 * in the real client and, through it, the browser's transport.
 */
import type { ModelsActions } from './actions';
import type { ModelsState } from './initialState';

export type ModelsStore = ModelsState & ModelsActions;
