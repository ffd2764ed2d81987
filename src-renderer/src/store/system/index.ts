/** The system domain's store: hardware, Python/torch, app info and live usage. */
import { create } from 'zustand';
import { systemClient } from '../../client/system';
import { createSystemActions, type SystemActions } from './actions';
import { initialSystemState, type SystemState } from './initialState';

export type SystemStore = SystemState & SystemActions;

export const useSystemStore = create<SystemStore>()((set, get) => ({
  ...initialSystemState,
  ...createSystemActions(set, get, systemClient),
}));

export * from './selectors';
export type { Loadable, SystemState } from './initialState';
