/** The Hub domain's store: search, a repository's files, downloads and the access token. */
import { create } from 'zustand';
import { createHubActions, type HubActions } from './actions';
import { hubClient } from './live-hub-client';
import { initialHubState, type HubState } from './initialState';

export type HubStore = HubState & HubActions;

export const useHubStore = create<HubStore>()((set, get) => ({
  ...initialHubState,
  ...createHubActions(set, get, hubClient),
}));

export * from './selectors';
export type { HubState } from './initialState';
export type { HubSort } from './hub-client';
