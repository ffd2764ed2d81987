/** Named reads of the Hub store; each returns a value already in state. */
import type { HubStore } from './index';

export const selectHubQuery = (s: HubStore) => s.query;
export const selectHubSort = (s: HubStore) => s.sort;
export const selectHubResults = (s: HubStore) => s.results;
export const selectHubOpenRepo = (s: HubStore) => s.openRepoId;
export const selectHubFiles = (s: HubStore) => s.files;
export const selectHubRecommended = (s: HubStore) => s.recommended;
export const selectHubDownloads = (s: HubStore) => s.downloads;
export const selectHubToken = (s: HubStore) => s.token;
export const selectHubOffline = (s: HubStore) => s.offline;
export const selectHubActionError = (s: HubStore) => s.actionError;

export const selectHubSetQuery = (s: HubStore) => s.setQuery;
export const selectHubSetSort = (s: HubStore) => s.setSort;
export const selectHubSearch = (s: HubStore) => s.search;
export const selectHubOpenRepoAction = (s: HubStore) => s.openRepo;
export const selectHubCloseRepo = (s: HubStore) => s.closeRepo;
export const selectHubLoadRecommended = (s: HubStore) => s.loadRecommended;
export const selectHubLoadDownloads = (s: HubStore) => s.loadDownloads;
export const selectHubDownload = (s: HubStore) => s.download;
export const selectHubCancelDownload = (s: HubStore) => s.cancelDownload;
export const selectHubRetryDownload = (s: HubStore) => s.retryDownload;
export const selectHubLoadToken = (s: HubStore) => s.loadToken;
export const selectHubSetToken = (s: HubStore) => s.setToken;
export const selectHubDismissError = (s: HubStore) => s.dismissError;
export const selectHubStartEvents = (s: HubStore) => s.startEvents;
export const selectHubStopEvents = (s: HubStore) => s.stopEvents;
