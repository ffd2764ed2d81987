/** The `hub.*` part of the contract, answered by the Hub service (search, files, downloads, token). */
import type { Contract, HandlersOf } from '../contract';
import type { HubService } from '../models/hub/hub-service';

type HubContract = { [K in keyof Contract as K extends `hub.${string}` ? K : never]: Contract[K] };

export function hubHandlers(deps: { hub: HubService }): HandlersOf<HubContract> {
  const { hub } = deps;
  return {
    'hub.search': (input) => hub.search(input),
    'hub.files': ({ repo }) => hub.files(repo),
    'hub.recommended': () => hub.recommended(),
    'hub.download': ({ repo, file }) => hub.downloads.add(repo, file),
    'hub.downloads': () => hub.downloads.list(),
    'hub.cancelDownload': ({ id }) => hub.downloads.cancel(id),
    'hub.retryDownload': ({ id }) => hub.downloads.retry(id),
    'hub.downloadEvents': (_input, emit) => hub.downloads.subscribe(emit),
    'hub.token': () => hub.token.status(),
    'hub.setToken': ({ token }) => hub.token.set(token),
  };
}
