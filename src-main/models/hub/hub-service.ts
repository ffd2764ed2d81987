/**
 * Everything the Models page's Hub card and `lathe model pull` use: search, a repository's
 * GGUF files with fit verdicts for this machine, the download queue and the access token.
 * The Hub's base URL is `LATHE_HUB_URL` when set (tests serve a Hub of their own on
 * 127.0.0.1), else huggingface.co.
 */
import type { HardwareReport, HubRecommendation, HubRepo, HubRepoFiles } from '../../contract';
import { DEFAULT_HUB_URL, HubClient } from './hub-client';
import { inferenceFit, trainingFit } from './hub-fit';
import { isSplitPart, quantizationFromName } from './hub-names';
import { DownloadQueue, type DownloadQueueDeps } from './download-queue';
import { HubTokenStore, type HubTokenStoreDeps } from './hub-token-store';
import { RECOMMENDED_MODELS } from './recommended-models';

export interface HubServiceDeps extends Omit<DownloadQueueDeps, 'source'> {
  /** Overrides LATHE_HUB_URL. */
  hubUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** The hardware report the fit verdicts are judged against. */
  hardware: () => Promise<HardwareReport>;
  secrets?: HubTokenStoreDeps['secrets'];
}

export class HubService {
  readonly client: HubClient;
  readonly downloads: DownloadQueue;
  readonly token: HubTokenStore;

  constructor(private readonly deps: HubServiceDeps) {
    this.token = new HubTokenStore({ dataDir: deps.dataDir, secrets: deps.secrets, env: deps.env });
    this.client = new HubClient({
      hubUrl: deps.hubUrl ?? (deps.env?.LATHE_HUB_URL || DEFAULT_HUB_URL),
      token: () => this.token.current(),
      fetch: deps.fetch,
    });
    this.downloads = new DownloadQueue({ ...deps, source: this.client });
  }

  /**
   * Reads the token; with `resumeDownloads`, also removes abandoned partial downloads and
   * continues the rest (otherwise that waits for the first download asked for).
   */
  async start({ resumeDownloads = true }: { resumeDownloads?: boolean } = {}): Promise<void> {
    await this.token.load();
    if (resumeDownloads) await this.downloads.start();
  }

  search(input: { query?: string; sort?: 'downloads' | 'likes' | 'recent'; limit?: number }): Promise<HubRepo[]> {
    return this.client.search(input);
  }

  async files(repo: string): Promise<HubRepoFiles> {
    const [listed, hardware] = await Promise.all([this.client.ggufFiles(repo), this.deps.hardware().catch(() => null)]);
    return {
      repo,
      files: listed.map((file) => {
        const quantization = quantizationFromName(file.path);
        return {
          path: file.path,
          sizeBytes: file.sizeBytes,
          quantization,
          sha256: file.sha256,
          splitPart: isSplitPart(file.path),
          inference: inferenceFit(file.sizeBytes, quantization, hardware),
          training: trainingFit(file.sizeBytes, quantization, hardware),
        };
      }),
    };
  }

  recommended(): HubRecommendation[] {
    return [...RECOMMENDED_MODELS];
  }

  close(): Promise<void> {
    return this.downloads.close();
  }
}
