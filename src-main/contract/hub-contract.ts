/**
 * Finding and downloading GGUF base models from the Hugging Face Hub (issue 9): search,
 * a repository's GGUF files with a fit verdict for this machine, a download queue with
 * progress, resume and cancel, and the access token for gated repositories. Spread into
 * `contract` in contract.ts.
 */
import { z } from 'zod';
import { call, stream } from './define';

/** Will this file run (or train) here? `unknown` when the machine's memory could not be read. */
export interface HubFit {
  verdict: 'yes' | 'tight' | 'no' | 'unknown';
  /** Estimated peak memory, bytes. */
  needBytes: number;
  /** The memory it was compared with (the roomiest GPU's, else the RAM available); 0 when unknown. */
  haveBytes: number;
  /** One line for a person: where it would run and how sure the estimate is. */
  note: string;
}

/** A repository found by search: what the Hub says about it. */
export interface HubRepo {
  /** `owner/name`. */
  id: string;
  downloads: number;
  likes: number;
  /** Milliseconds since the epoch. */
  updatedAt: number;
  /** Gated repositories need an access token with their terms accepted on the Hub. */
  gated: boolean;
}

/** One GGUF file of a repository. */
export interface HubFile {
  /** The path inside the repository (may have folders, e.g. `Q4_K_M/model.gguf`). */
  path: string;
  sizeBytes: number;
  /** Quantization read from the name (`Q4_K_M`, `Q8_0`, `F16`…), null when the name does not say. */
  quantization: string | null;
  /** The LFS SHA-256 the download is checked against; null when the Hub publishes none (then it cannot be downloaded). */
  sha256: string | null;
  /** One part of a split model (`-00001-of-00003.gguf`): Lathe reads single files only. */
  splitPart: boolean;
  inference: HubFit;
  training: HubFit;
}

export interface HubRepoFiles {
  repo: string;
  files: HubFile[];
}

/** A small instruct model offered on first run. */
export interface HubRecommendation {
  repo: string;
  /** The file suggested (a quantization that trains and runs well on small machines). */
  file: string;
  title: string;
  description: string;
}

export type DownloadState = 'queued' | 'downloading' | 'verifying' | 'done' | 'failed' | 'cancelled';

export interface DownloadEntry {
  id: string;
  repo: string;
  file: string;
  /** Bytes the finished file has (from the Hub's listing). */
  sizeBytes: number;
  receivedBytes: number;
  /** Recent download speed; null before there is one. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  state: DownloadState;
  /** Why it failed, for a person (a resume button follows for network failures). */
  problem: string | null;
  /** Whether trying again continues it (false for checksum mismatches and refused files, which start over). */
  resumable: boolean;
  /** The library entry the finished file became. */
  modelId: string | null;
  startedAt: number;
}

export type DownloadEvent = { type: 'changed'; download: DownloadEntry } | { type: 'removed'; id: string };

export interface HubTokenStatus {
  /** Whether a token is stored. */
  set: boolean;
  /** `keychain`: encrypted with the platform's secure storage (Electron). `file`: a file in the data folder only this user may read. */
  storage: 'keychain' | 'file';
  /** Where the token lives, in words the settings card shows. */
  note: string;
}

const repo = z.string().min(3).max(200);
const file = z.string().min(1).max(1000);
const id = z.string().min(1).max(200);

export const hubContract = {
  /** GGUF repositories matching the text. Fails with `unavailable` when the Hub cannot be reached. */
  'hub.search': call(
    z
      .object({
        query: z.string().max(200).optional(),
        sort: z.enum(['downloads', 'likes', 'recent']).optional(),
        limit: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
  ).returns<HubRepo[]>(),
  /** A repository's GGUF files with size, quantization and fit verdicts. */
  'hub.files': call(z.object({ repo }).strict()).returns<HubRepoFiles>(),
  /** Small instruct models worth starting with (no network needed). */
  'hub.recommended': call(z.object({}).strict()).returns<HubRecommendation[]>(),
  /** Queues a download; the file is checked against its SHA-256 and added to the library when done. */
  'hub.download': call(z.object({ repo, file }).strict()).returns<DownloadEntry>(),
  'hub.downloads': call(z.object({}).strict()).returns<DownloadEntry[]>(),
  /** Stops a download and removes its partial file (or forgets a failed one). */
  'hub.cancelDownload': call(z.object({ id }).strict()).returns<{ cancelled: boolean }>(),
  /** Queues a failed download again, continuing from the bytes already on disk where it can. */
  'hub.retryDownload': call(z.object({ id }).strict()).returns<DownloadEntry>(),
  'hub.downloadEvents': stream(z.object({}).strict()).emits<DownloadEvent>(),
  'hub.token': call(z.object({}).strict()).returns<HubTokenStatus>(),
  /** Stores the access token (null removes it). */
  'hub.setToken': call(z.object({ token: z.string().trim().min(1).max(500).nullable() }).strict()).returns<HubTokenStatus>(),
} as const;
