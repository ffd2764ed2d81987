/** The Hub domain's calls over whichever transport this window has. */
import { getLathe } from '../../transport';
import type { HubClient } from './hub-client';

export const hubClient: HubClient = {
  search: (query, sort) => getLathe().hub.search(query.trim() ? { query: query.trim(), sort } : { sort }),
  files: (repo) => getLathe().hub.files({ repo }),
  recommended: () => getLathe().hub.recommended({}),
  download: (repo, file) => getLathe().hub.download({ repo, file }),
  downloads: () => getLathe().hub.downloads({}),
  cancel: (id) => getLathe().hub.cancelDownload({ id }),
  retry: (id) => getLathe().hub.retryDownload({ id }),
  token: () => getLathe().hub.token({}),
  setToken: (token) => getLathe().hub.setToken({ token }),
  watch: (onEvent, onError) => getLathe().hub.downloadEvents({}, onEvent, onError),
};
