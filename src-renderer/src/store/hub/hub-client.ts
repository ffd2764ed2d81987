/**
 * What the Hub store needs from the main process, as an interface: the actions take it as an
 * argument, so tests hand them a fake; the real one is in live-hub-client.ts.
 */
import type { DownloadEntry, DownloadEvent, HubRecommendation, HubRepo, HubRepoFiles, HubTokenStatus, Unsubscribe } from '../../../../src-main/contract';

export type HubSort = 'downloads' | 'likes' | 'recent';

export interface HubClient {
  search(query: string, sort: HubSort): Promise<HubRepo[]>;
  files(repo: string): Promise<HubRepoFiles>;
  recommended(): Promise<HubRecommendation[]>;
  download(repo: string, file: string): Promise<DownloadEntry>;
  downloads(): Promise<DownloadEntry[]>;
  cancel(id: string): Promise<{ cancelled: boolean }>;
  retry(id: string): Promise<DownloadEntry>;
  token(): Promise<HubTokenStatus>;
  setToken(token: string | null): Promise<HubTokenStatus>;
  watch(onEvent: (event: DownloadEvent) => void, onError: (error: unknown) => void): Unsubscribe;
}
