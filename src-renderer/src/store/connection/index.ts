/**
 * The link to the main process as the UI sees it (transport, open/refused/lost). The
 * transport owns the truth; this store mirrors it so components can select single fields.
 */
import { create } from 'zustand';
import { getConnectionStatus, subscribeConnectionStatus } from '../../client/connection';
import { createConnectionActions, type ConnectionActions } from './actions';
import type { ConnectionStoreState } from './initialState';

export type ConnectionStore = ConnectionStoreState & ConnectionActions;

export const useConnectionStore = create<ConnectionStore>()(() => ({
  ...getConnectionStatus(),
  ...createConnectionActions(),
}));

subscribeConnectionStatus((status) => useConnectionStore.setState(status));

export * from './selectors';
