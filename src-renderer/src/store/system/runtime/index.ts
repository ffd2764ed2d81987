/** The training environment's store (issue 8): plan, set-up progress, health, repair/reset, interpreter choice. */
import { create } from 'zustand';
import { createRuntimeActions, type RuntimeActions } from './actions';
import { runtimeClient } from './runtime-client';
import { initialRuntimeState, type RuntimeState } from './state';

export type RuntimeStore = RuntimeState & RuntimeActions;

export const useRuntimeStore = create<RuntimeStore>()((set, get) => ({
  ...initialRuntimeState,
  ...createRuntimeActions(set, get, runtimeClient),
}));

export * from './selectors';
export type { RuntimeState } from './state';
