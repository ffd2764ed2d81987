import type { DownloadEntry, HubRecommendation, HubRepo, HubRepoFiles, HubTokenStatus } from '../../../../src-main/contract';
import type { StoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';
import type { HubSort } from './hub-client';

export interface HubState {
  query: string;
  sort: HubSort;
  results: Loadable<HubRepo[]>;
  /** The repository whose files are shown. */
  openRepoId: string | null;
  files: Loadable<HubRepoFiles>;
  recommended: HubRecommendation[] | null;
  downloads: DownloadEntry[];
  token: HubTokenStatus | null;
  /** The last Hub call failed because the Hub cannot be reached; cleared by the next success. */
  offline: boolean;
  actionError: StoredError | null;
  watching: boolean;
  eventsError: StoredError | null;
}

export const initialHubState: HubState = {
  query: '',
  sort: 'downloads',
  results: notLoaded,
  openRepoId: null,
  files: notLoaded,
  recommended: null,
  downloads: [],
  token: null,
  offline: false,
  actionError: null,
  watching: false,
  eventsError: null,
};
