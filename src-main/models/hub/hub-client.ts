/**
 * The Hub API calls Lathe makes, through @huggingface/hub (search and the file tree), with
 * the base URL configurable (`LATHE_HUB_URL`; tests point it at a server of their own) and
 * every failure turned into a `LatheError` a person can act on: no network → `unavailable`
 * (the Models page shows an offline notice and nothing else breaks), a missing repository →
 * `not_found`, a gated one without a token → `unauthorized`.
 */
import { HubApiError, listFiles, listModels } from '@huggingface/hub';
import { LatheError, type HubRepo } from '../../contract';
import { checkRepoId, encodeRepoFilePath, isGgufName } from './hub-names';

export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** API calls that take longer than this are treated as the Hub being unreachable. */
const API_TIMEOUT_MS = 20_000;

/** A file as the Hub's tree lists it. */
export interface HubTreeFile {
  path: string;
  sizeBytes: number;
  /** The LFS object id, which is the file's SHA-256; null for files not kept in LFS. */
  sha256: string | null;
}

export interface HubClientOptions {
  hubUrl: string;
  /** The access token to send (read on every call: the person may set it at any time). */
  token: () => string | null;
  fetch?: typeof fetch;
}

export class HubClient {
  readonly hubUrl: string;

  constructor(private readonly options: HubClientOptions) {
    this.hubUrl = options.hubUrl.replace(/\/+$/, '');
  }

  /** GGUF repositories matching `query`, most downloaded (or liked, or recently updated) first. */
  async search(input: { query?: string; sort?: 'downloads' | 'likes' | 'recent'; limit?: number }): Promise<HubRepo[]> {
    const sort = input.sort === 'recent' ? 'lastModified' : (input.sort ?? 'downloads');
    const found: HubRepo[] = [];
    try {
      const query = input.query?.trim();
      for await (const model of listModels({
        search: { ...(query ? { query } : {}), tags: ['gguf'] },
        sort,
        limit: input.limit ?? 30,
        hubUrl: this.hubUrl,
        fetch: this.fetchWithTimeout,
        ...this.credentials(),
      })) {
        found.push({ id: model.name, downloads: model.downloads ?? 0, likes: model.likes ?? 0, updatedAt: model.updatedAt.getTime() || 0, gated: Boolean(model.gated) });
      }
    } catch (error) {
      throw hubError(error, 'Searching the Hub');
    }
    return found;
  }

  /** Every GGUF file of a repository, with its size and SHA-256. */
  async ggufFiles(repo: string): Promise<HubTreeFile[]> {
    checkRepoId(repo);
    const files: HubTreeFile[] = [];
    try {
      for await (const entry of listFiles({ repo: { type: 'model', name: repo }, recursive: true, hubUrl: this.hubUrl, fetch: this.fetchWithTimeout, ...this.credentials() })) {
        if (entry.type !== 'file' || !isGgufName(entry.path)) continue;
        files.push({ path: entry.path, sizeBytes: entry.lfs?.size ?? entry.size, sha256: lfsSha256(entry.lfs?.oid) });
      }
    } catch (error) {
      throw hubError(error, `Listing ${repo}`, repo);
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The file's `resolve` URL: the Hub answers it with the bytes or a redirect to them. */
  resolveUrl(repo: string, path: string): string {
    return `${this.hubUrl}/${checkRepoId(repo)}/resolve/main/${encodeRepoFilePath(path)}`;
  }

  /** The Authorization header for a download, when a token is set. */
  authorization(): Record<string, string> {
    const token = this.options.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  private credentials(): { accessToken?: string } {
    const token = this.options.token();
    return token ? { accessToken: token } : {};
  }

  private readonly fetchWithTimeout: typeof fetch = (url, init) =>
    (this.options.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(API_TIMEOUT_MS) });
}

function lfsSha256(oid: string | undefined): string | null {
  return oid !== undefined && /^[0-9a-f]{64}$/i.test(oid) ? oid.toLowerCase() : null;
}

/** Any failure of a Hub call as the one error model; `what` starts the sentence. */
export function hubError(error: unknown, what: string, repo?: string): LatheError {
  if (error instanceof LatheError) return error;
  if (error instanceof HubApiError) {
    const status = error.statusCode;
    if (status === 404 || (repo !== undefined && status === 401)) {
      // The Hub answers 401 for a repository that does not exist when no token is sent.
      return new LatheError('not_found', `${repo ?? 'That'} was not found on the Hub. Check the name; a private or gated repository also needs an access token.`);
    }
    if (status === 401 || status === 403) {
      return new LatheError('unauthorized', `${what} was refused (${status}): the repository is gated or private. Accept its terms on the Hub and set an access token in Lathe.`);
    }
    if (status === 429) return new LatheError('unavailable', `${what} failed: the Hub asks to slow down (429). Try again in a minute.`);
    return new LatheError('unavailable', `${what} failed: the Hub answered ${status}.`, error.message);
  }
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new LatheError('unavailable', `The Hugging Face Hub cannot be reached (${cause}). Check the network; everything else in Lathe works offline.`);
}
