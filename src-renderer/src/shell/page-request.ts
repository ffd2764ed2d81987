/**
 * A page asking the window to show another one ("Chat with this run" opens the Playground):
 * the request is state the App reads, so pages need not know how routing is done.
 */
import { create } from 'zustand';

interface PageRequestStore {
  requested: string | null;
  requestPage(id: string): void;
  clearRequest(): void;
}

export const usePageRequestStore = create<PageRequestStore>()((set) => ({
  requested: null,
  requestPage: (id) => set({ requested: id }),
  clearRequest: () => set({ requested: null }),
}));

export const selectRequestedPage = (s: PageRequestStore) => s.requested;
export const selectRequestPage = (s: PageRequestStore) => s.requestPage;
export const selectClearRequest = (s: PageRequestStore) => s.clearRequest;
