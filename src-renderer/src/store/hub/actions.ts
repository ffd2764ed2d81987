/**
 * What the Hub card can ask for. Actions record every outcome in state and never throw. A
 * failure with kind `unavailable` sets `offline`: the card then says the Hub cannot be
 * reached, while the rest of the page (and the app) carries on.
 */
import type { DownloadEvent } from '../../../../src-main/contract';
import type { HubClient, HubSort } from './hub-client';
import { toStoredError } from '../errors';
import { createEventFollower } from '../intake/event-follower';
import { applyDownloadEvent, upsertDownload } from './download-list';
import type { HubState } from './initialState';

export interface HubActions {
  setQuery(query: string): void;
  setSort(sort: HubSort): void;
  search(): Promise<void>;
  openRepo(repo: string): Promise<void>;
  closeRepo(): void;
  loadRecommended(): Promise<void>;
  loadDownloads(): Promise<void>;
  download(repo: string, file: string): Promise<void>;
  cancelDownload(id: string): Promise<void>;
  retryDownload(id: string): Promise<void>;
  loadToken(): Promise<void>;
  /** Resolves to true when the token was stored (or removed). */
  setToken(token: string | null): Promise<boolean>;
  dismissError(): void;
  startEvents(): void;
  stopEvents(): void;
}

type SetState = (update: Partial<HubState> | ((state: HubState) => Partial<HubState>)) => void;
type GetState = () => HubState;

export function createHubActions(set: SetState, get: GetState, client: HubClient): HubActions {
  let latestSearch = 0;
  let latestFiles = 0;

  /** Runs a call, noting whether the Hub answered; failures go to `actionError` (or offline). */
  async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const result = await work();
      set({ offline: false });
      return result;
    } catch (error) {
      const stored = toStoredError(error);
      set(stored.kind === 'unavailable' ? { offline: true, actionError: stored } : { actionError: stored });
      return null;
    }
  }

  const follower = createEventFollower<DownloadEvent>({
    set,
    get,
    watch: (onEvent, onError) => client.watch(onEvent, onError),
    onEvent: (event) => set((state) => ({ downloads: applyDownloadEvent(state.downloads, event) })),
  });

  return {
    setQuery: (query) => set({ query }),
    setSort: (sort) => set({ sort }),

    async search() {
      const request = ++latestSearch;
      const { query, sort } = get();
      set((state) => ({ results: { ...state.results, loading: true, error: null }, actionError: null }));
      try {
        const data = await client.search(query, sort);
        if (request === latestSearch) set({ results: { data, loading: false, error: null }, offline: false });
      } catch (error) {
        if (request !== latestSearch) return;
        const stored = toStoredError(error);
        set((state) => ({ results: { ...state.results, loading: false, error: stored }, offline: stored.kind === 'unavailable' }));
      }
    },

    async openRepo(repo) {
      const request = ++latestFiles;
      set({ openRepoId: repo, files: { data: null, loading: true, error: null } });
      try {
        const data = await client.files(repo);
        if (request === latestFiles) set({ files: { data, loading: false, error: null }, offline: false });
      } catch (error) {
        if (request !== latestFiles) return;
        const stored = toStoredError(error);
        set({ files: { data: null, loading: false, error: stored }, offline: stored.kind === 'unavailable' });
      }
    },

    closeRepo() {
      latestFiles += 1;
      set({ openRepoId: null, files: { data: null, loading: false, error: null } });
    },

    async loadRecommended() {
      const recommended = await client.recommended().catch(() => null);
      if (recommended) set({ recommended });
    },

    async loadDownloads() {
      const downloads = await client.downloads().catch(() => null);
      if (downloads) set({ downloads: [...downloads].reverse() });
    },

    async download(repo, file) {
      set({ actionError: null });
      const entry = await attempt(() => client.download(repo, file));
      if (entry) set((state) => ({ downloads: upsertDownload(state.downloads, entry) }));
    },

    async cancelDownload(id) {
      const done = await attempt(() => client.cancel(id));
      if (done) set((state) => ({ downloads: state.downloads.filter((d) => d.id !== id) }));
    },

    async retryDownload(id) {
      const entry = await attempt(() => client.retry(id));
      if (entry) set((state) => ({ downloads: upsertDownload(state.downloads, entry) }));
    },

    async loadToken() {
      const token = await client.token().catch(() => null);
      if (token) set({ token });
    },

    async setToken(token) {
      try {
        set({ token: await client.setToken(token), actionError: null });
        return true;
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return false;
      }
    },

    dismissError: () => set({ actionError: null }),
    startEvents: () => follower.start(),
    stopEvents: () => follower.stop(),
  };
}
